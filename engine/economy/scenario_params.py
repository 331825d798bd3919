"""The parameters a scenario may set: default, sane range, unit, label and where each comes from.

Figures are cited to the document they really come from (ECONOMICS.md rows name the deal, filing or
index behind them); a figure the lab chose itself says "lab assumption" and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ParameterSpec:
    """One user-editable model parameter: its default, sane range, unit and where the default comes from."""

    default: float
    low: float
    high: float
    unit: str
    label: str
    source: str


E = "ECONOMICS.md, Parameters"
PARAMETERS: dict[str, ParameterSpec] = {
    "difficulty": ParameterSpec(
        150e12, 1.0, 1e16, "", "network difficulty", f"{E}: network difficulty 150 T (public difficulty history)"
    ),
    "subsidy_btc": ParameterSpec(
        3.125, 0.0, 50.0, "BTC", "block subsidy", f"{E}: block subsidy (Bitcoin Core validation.cpp GetBlockSubsidy)"
    ),
    "fees_btc_per_block": ParameterSpec(
        0.025, 0.0, 10.0, "BTC", "fees per block", f"{E}: fees per block (Hashrate Index)"
    ),
    "btc_price_usd": ParameterSpec(85_000.0, 0.0, 10e6, "USD", "BTC price", f"{E}: BTC price"),
    "efficiency_j_per_th": ParameterSpec(
        17.5, 1.0, 200.0, "J/TH", "ASIC efficiency", f"{E}: ASIC efficiency, Antminer S21 (vendor specs)"
    ),
    "power_price_usd_per_kwh": ParameterSpec(
        0.045, 0.0, 1.0, "USD/kWh", "power price", f"{E}: power price (miners' reports)"
    ),
    "mining_mw": ParameterSpec(100.0, 0.0, 10_000.0, "MW", "mining power", "lab default: a 100 MW mining site"),
    "ai_mw": ParameterSpec(
        0.0, 0.0, 10_000.0, "MW", "power converted to AI (facility)", "lab default: nothing converted yet"
    ),
    "mining_capex_usd_per_mw": ParameterSpec(
        0.5e6,
        0.0,
        5e6,
        "USD/MW",
        "mining site capex (no machines)",
        f"{E}: mining site capex $0.5M/MW, building, power and cooling without "
        "the machines (the article's site-only figure)",
    ),
    "mining_amortisation_years": ParameterSpec(
        10.0,
        0.5,
        30.0,
        "years",
        "mining site write-off",
        "lab assumption: the site (substation, building, cooling) written off "
        "over 10 years; the machines have their own life",
    ),
    "asic_life_years": ParameterSpec(
        4.0,
        0.5,
        15.0,
        "years",
        "ASIC machines' write-off",
        "lab assumption: machines are written off over one halving (~4 years), after which newer ones out-earn them",
    ),
    "mining_uptime": ParameterSpec(
        1.0, 0.0, 1.0, "", "share of time mining runs", "lab default: mining never curtailed"
    ),
    "curtailment_credit_usd_per_mwh": ParameterSpec(
        0.0, 0.0, 1000.0, "USD/MWh", "credit for curtailed MWh", "lab default: no demand-response credit"
    ),
    "pue": ParameterSpec(1.3, 1.0, 3.0, "", "PUE of the AI hall", f"{E}: PUE 1.3 (Uptime Institute)"),
    "ai_shell_capex_usd_per_mw_it": ParameterSpec(
        9.5e6,
        0.0,
        50e6,
        "USD/MW-IT",
        "AI data-centre shell capex",
        f"{E}: AI data-centre shell capex (TeraWulf / Cipher deal coverage)",
    ),
    "ai_shell_amortisation_years": ParameterSpec(
        15.0,
        1.0,
        50.0,
        "years",
        "AI shell write-off",
        "lab assumption: a data-centre shell written off over 15 years (lease terms run 10-15)",
    ),
    "lease_usd_per_mw_it_year": ParameterSpec(
        1.85e6,
        0.0,
        10e6,
        "USD/MW-IT/year",
        "colocation lease",
        "TeraWulf: $3.7B over 10 years for ~200 MW of IT = $1.85M per MW-year; Hut 8: $7B / 15 y / 245 MW "
        "= $1.9M; Core Scientific / CoreWeave is lower, ~$1.45M ($8.7B / 12 y / ~500 MW) "
        f"({E}, colocation lease)",
    ),
    "lease_operating_margin": ParameterSpec(
        0.85, 0.0, 1.0, "", "lease operating margin", f"{E}: lease operating margin (deal coverage)"
    ),
    "gpu_capex_usd_per_mw_it": ParameterSpec(
        29e6, 0.0, 100e6, "USD/MW-IT", "GPU capex", f"{E}: GPU capex (IREN: $5.8B of GPUs for ~200 MW)"
    ),
    "gpu_amortisation_years": ParameterSpec(
        5.0, 1.0, 15.0, "years", "GPU write-off", "lab assumption: GPUs written off over 5 years"
    ),
    "gpu_price_usd_per_gpu_hour": ParameterSpec(
        2.2, 0.0, 50.0, "USD/GPU-hour", "GPU rental price", f"{E}: GPU rental, H100 (GPU price indices)"
    ),
    "power_per_gpu_kw": ParameterSpec(
        1.275, 0.1, 20.0, "kW", "power per GPU, all-in", f"{E}: power per GPU (NVIDIA DGX H100 specs)"
    ),
    "gpu_utilisation": ParameterSpec(
        0.7,
        0.0,
        1.0,
        "",
        "share of GPU-hours sold",
        "lab assumption, not sourced: 70% of GPU-hours sold, a value tuned so that a GPU cloud "
        "earns ~11x mining per grid kWh at PUE 1.3 (ECONOMICS.md); change it to your own deal",
    ),
    "gpu_other_opex_fraction": ParameterSpec(
        0.1,
        0.0,
        1.0,
        "",
        "other GPU-cloud costs, share of revenue",
        "lab assumption: staff, network and software at 10% of revenue",
    ),
    "ai_availability": ParameterSpec(
        1.0, 0.0, 1.0, "", "availability the AI hall achieves", "lab default: no downtime"
    ),
    "sla_availability": ParameterSpec(
        0.99982,
        0.9,
        1.0,
        "",
        "availability promised to the AI tenant",
        f"{E}: availability required by AI, Tier III 99.982% (Uptime Institute tiers)",
    ),
    "sla_penalty_multiplier": ParameterSpec(
        10.0,
        0.0,
        1000.0,
        "",
        "hours of revenue refunded per hour below the SLA",
        "lab assumption: each hour below the SLA refunds 10 hours of revenue",
    ),
    "conversion_months": ParameterSpec(
        15.0, 0.0, 120.0, "months", "conversion time", f"{E}: conversion time 12-18 months (deal coverage)"
    ),
    "share_leaving": ParameterSpec(
        0.0, 0.0, 0.95, "", "share of network hashrate that switches off", "lab default: nobody leaves"
    ),
    "asic_price_usd_per_th": ParameterSpec(
        25.7,
        0.0,
        1000.0,
        "USD/TH",
        "ASIC machines' price",
        "Hashrate Index ASIC price index, weekly roundup of 3 Nov 2025: Antminer S21 XP "
        "at $25.70/TH (hashrateindex.com/blog/hashrate-index-roundup-november-3-2025); "
        f"{E} gives new-gen ~$15-26/TH",
    ),
    "difficulty_growth_per_month": ParameterSpec(
        0.025,
        -0.5,
        0.5,
        "",
        "difficulty growth per month",
        "2025 difficulty rose ~35% net over the year (Blockchain.com data, "
        "btc-newswire.com 'Bitcoin mining difficulty rose 35% in 2025'): 1.35^(1/12) - 1",
    ),
    "btc_price_change_per_year": ParameterSpec(
        0.0, -0.9, 5.0, "", "BTC price change per year", "lab default: a flat price (try -30% or +50%)"
    ),
    "months_to_next_halving": ParameterSpec(
        29.0,
        0.0,
        48.0,
        "months",
        "months to the next real halving",
        "Hashrate Index halving estimate: 15 April 2028 (block 1,050,000), 29 months after November 2025",
    ),
    "decision_horizon_months": ParameterSpec(
        120.0,
        6.0,
        240.0,
        "months",
        "horizon of the keep-mining-or-convert decision",
        "lab assumption: one AI lease, 10 years, the term of TeraWulf's and Cipher's 2025 leases "
        "(assets/lesson/timeline.toml); the AI shell takes ~7 years of lease to pay back, so a "
        "shorter horizon never converts",
    ),
    "discount_rate_per_year": ParameterSpec(
        0.10, 0.0, 1.0, "", "discount rate for NPV", "lab assumption: 10% a year, a typical cost of capital for miners"
    ),
    "rental_premium": ParameterSpec(
        0.1,
        0.0,
        10.0,
        "",
        "rented hashrate's premium over hashprice",
        "lab assumption: hashrate rents at hashprice plus 10%",
    ),
}
AI_MODE_SOURCE = "lab default: the AI hall is leased to a tenant (colocation)"

# site_pnl's keyword arguments, taken from the parameters above (report.py and decisions.py pass them).
SITE_PNL_KEYS = (
    "mining_mw",
    "ai_mw",
    "difficulty",
    "subsidy_btc",
    "fees_btc_per_block",
    "btc_price_usd",
    "efficiency_j_per_th",
    "power_price_usd_per_kwh",
    "mining_capex_usd_per_mw",
    "mining_amortisation_years",
    "asic_price_usd_per_th",
    "asic_life_years",
    "mining_uptime",
    "curtailment_credit_usd_per_mwh",
    "pue",
    "ai_shell_capex_usd_per_mw_it",
    "ai_shell_amortisation_years",
    "lease_usd_per_mw_it_year",
    "lease_operating_margin",
    "gpu_capex_usd_per_mw_it",
    "gpu_amortisation_years",
    "gpu_price_usd_per_gpu_hour",
    "power_per_gpu_kw",
    "gpu_utilisation",
    "gpu_other_opex_fraction",
    "ai_availability",
    "sla_availability",
    "sla_penalty_multiplier",
    "conversion_months",
)


def check_parameter(name: str, value: Any) -> float:
    """Return `value` as a float if `name` is a known parameter and `value` is in its range."""
    spec = PARAMETERS.get(name)
    if spec is None:
        raise ValueError(f"unknown parameter {name!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not spec.low <= value <= spec.high:
        raise ValueError(f"{name} must be in [{spec.low:g}, {spec.high:g}] {spec.unit}".rstrip() + f", got {value:g}")
    return value
