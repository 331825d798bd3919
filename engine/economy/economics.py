"""The economics model: pure, NumPy-vectorised functions from ../shared/ECONOMICS.md. Here: network
hashrate, hashprice and mining costs, revenue per kWh (mining versus AI), the SLA, a site's P&L and a
hashrate exodus. Beside it: units.py (constants, input checks), halvings.py (subsidy), retarget.py,
attack_cost.py (51% attack).

Every function takes scalars or arrays (broadcast together, so a parameter sweep is one call),
returns a float for all-scalar input and an ndarray otherwise, and raises ValueError naming the
parameter when an input is out of its range. Units are in the names: `_btc`, `_usd`, `_s`, `_mw`,
`_kwh`, `_j_per_th`, `_ph_s` (PH/s), `_per_day`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.economy.retarget import retarget_difficulty
from engine.economy.units import (
    DAYS_PER_YEAR,
    HASHES_PER_DIFFICULTY,
    HOURS_PER_YEAR,
    RETARGET_INTERVAL_BLOCKS,
    SECONDS_PER_DAY,
    TARGET_BLOCK_SPACING_S,
    _fields_as_dict,
    _out,
    _param,
)

# --- network ------------------------------------------------------------------------------------


def network_hashrate_h_s(difficulty: Any) -> Any:
    """Network hashrate implied by a difficulty: H = D * 2^48 / 65535 / 600 hashes per second."""
    d = _param("difficulty", difficulty, low=0, low_open=True)
    return _out(d * HASHES_PER_DIFFICULTY / TARGET_BLOCK_SPACING_S)


def network_hashrate_eh_s(difficulty: Any) -> Any:
    """Network hashrate in EH/s (1e18 H/s), the unit public charts use."""
    return _out(np.asarray(network_hashrate_h_s(difficulty)) / 1e18)


def difficulty_for_hashrate(hashrate_h_s: Any) -> Any:
    """The difficulty at which `hashrate_h_s` finds one block per 600 s (inverse of the above)."""
    h = _param("hashrate_h_s", hashrate_h_s, low=0, low_open=True)
    return _out(h * TARGET_BLOCK_SPACING_S / HASHES_PER_DIFFICULTY)


# --- hashprice and mining costs -----------------------------------------------------------------


def hashprice_btc_per_ph_day(difficulty: Any, subsidy_btc: Any, fees_btc_per_block: Any) -> Any:
    """BTC earned per PH/s per day: 86400 * 1e15 * (S + F) / (D * 2^32)."""
    d = _param("difficulty", difficulty, low=0, low_open=True)
    s = _param("subsidy_btc", subsidy_btc, low=0, high=50)
    f = _param("fees_btc_per_block", fees_btc_per_block, low=0)
    return _out(SECONDS_PER_DAY * 1e15 * (s + f) / (d * HASHES_PER_DIFFICULTY))


def hashprice_usd_per_ph_day(difficulty: Any, subsidy_btc: Any, fees_btc_per_block: Any, btc_price_usd: Any) -> Any:
    """USD earned per PH/s per day: the BTC hashprice times the BTC price."""
    p = _param("btc_price_usd", btc_price_usd, low=0)
    return _out(np.asarray(hashprice_btc_per_ph_day(difficulty, subsidy_btc, fees_btc_per_block)) * p)


def hashcost_usd_per_ph_day(efficiency_j_per_th: Any, power_price_usd_per_kwh: Any) -> Any:
    """Power cost of 1 PH/s for a day: 24 * E * p (1 PH/s at E J/TH draws E kW)."""
    e = _param("efficiency_j_per_th", efficiency_j_per_th, low=0, low_open=True)
    p = _param("power_price_usd_per_kwh", power_price_usd_per_kwh, low=0)
    return _out(24.0 * e * p)


def breakeven_power_price_usd_per_kwh(hashprice_usd_per_ph_day_: Any, efficiency_j_per_th: Any) -> Any:
    """The power price at which mining's revenue equals its power cost: HP_usd / (24 * E)."""
    hp = _param("hashprice_usd_per_ph_day", hashprice_usd_per_ph_day_, low=0)
    e = _param("efficiency_j_per_th", efficiency_j_per_th, low=0, low_open=True)
    return _out(hp / (24.0 * e))


def energy_cost_usd_per_btc(
    efficiency_j_per_th: Any, power_price_usd_per_kwh: Any, hashprice_btc_per_ph_day_: Any
) -> Any:
    """Power spent to mine one BTC: 24 * E * p / HP_btc."""
    hp = _param("hashprice_btc_per_ph_day", hashprice_btc_per_ph_day_, low=0, low_open=True)
    return _out(np.asarray(hashcost_usd_per_ph_day(efficiency_j_per_th, power_price_usd_per_kwh)) / hp)


# --- revenue per kWh: mining versus AI ----------------------------------------------------------


def mining_revenue_usd_per_kwh(hashprice_usd_per_ph_day_: Any, efficiency_j_per_th: Any) -> Any:
    """Mining revenue per kWh burnt: HP_usd / (24 * E) (~$0.084 for an S21 at the Nov-2025 low).

    Air-cooled ASICs need little cooling overhead, so this is taken as per grid kWh (PUE ~1).
    """
    return breakeven_power_price_usd_per_kwh(hashprice_usd_per_ph_day_, efficiency_j_per_th)


def colocation_revenue_usd_per_kwh(lease_usd_per_mw_year: Any, pue: Any = 1.0) -> Any:
    """Colocation lease revenue per kWh: lease / 8760 / 1000 / PUE.

    With `pue` = 1 this is per kWh of IT load (~$0.21 at $1.85M); with the hall's PUE it is per
    kWh drawn from the grid (~$0.16 at PUE 1.3), the basis mining is measured on. The tenant
    usually pays the power on top (passed through), so this is revenue net of power.
    """
    lease = _param("lease_usd_per_mw_year", lease_usd_per_mw_year, low=0)
    pue_ = _param("pue", pue, low=1)
    return _out(lease / HOURS_PER_YEAR / 1000.0 / pue_)


def gpu_cloud_revenue_usd_per_kwh(
    gpu_price_usd_per_gpu_hour: Any, power_per_gpu_kw: Any = 1.275, gpu_utilisation: Any = 1.0, pue: Any = 1.0
) -> Any:
    """GPU cloud revenue per kWh: GPUs per MW of IT * price * utilisation / 1000 / PUE.

    Per kWh of IT load with `pue` = 1, per grid kWh with the hall's PUE.
    """
    price = _param("gpu_price_usd_per_gpu_hour", gpu_price_usd_per_gpu_hour, low=0)
    kw = _param("power_per_gpu_kw", power_per_gpu_kw, low=0, low_open=True)
    u = _param("gpu_utilisation", gpu_utilisation, low=0, high=1)
    pue_ = _param("pue", pue, low=1)
    gpus_per_mw = 1000.0 / kw
    return _out(gpus_per_mw * price * u / 1000.0 / pue_)


# --- uptime -------------------------------------------------------------------------------------


def sla_penalty_usd(revenue_usd: Any, availability: Any, sla_availability: Any, penalty_multiplier: Any) -> Any:
    """Service credit owed for missing the SLA, capped at the revenue.

    Every hour below the promised availability refunds `penalty_multiplier` hours of revenue:
    min(revenue, multiplier * revenue * max(0, sla - availability)).
    """
    r = _param("revenue_usd", revenue_usd, low=0)
    a = _param("availability", availability, low=0, high=1)
    sla = _param("sla_availability", sla_availability, low=0, high=1)
    m = _param("penalty_multiplier", penalty_multiplier, low=0)
    return _out(np.minimum(r, m * r * np.maximum(0.0, sla - a)))


# --- the site -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SitePnl:
    """A site's daily P&L split between mining MW and AI MW (USD per day; arrays in a sweep).

    Revenue minus costs is profit on each side, and the site total is mining plus AI.
    Yearly figures are daily * 365 (steady state); `ai_online_fraction_year_one` says how much of
    the first year the AI hall earns, after `conversion_months` of building.
    """

    mining_hashrate_ph_s: Any
    ai_it_mw: Any
    ai_shell_capex_usd: Any
    ai_gpu_capex_usd: Any
    ai_capex_usd: Any
    mining_revenue_usd_per_day: Any
    mining_curtailment_credit_usd_per_day: Any
    mining_power_cost_usd_per_day: Any
    mining_capex_usd_per_day: Any
    mining_site_capex_usd_per_day: Any
    mining_machines_capex_usd_per_day: Any
    mining_machines_capex_usd: Any
    mining_profit_usd_per_day: Any
    ai_revenue_usd_per_day: Any
    ai_sla_penalty_usd_per_day: Any
    ai_opex_usd_per_day: Any
    ai_capex_usd_per_day: Any
    ai_profit_usd_per_day: Any
    revenue_usd_per_day: Any
    cost_usd_per_day: Any
    profit_usd_per_day: Any
    mining_revenue_usd_per_year: Any
    ai_revenue_usd_per_year: Any
    profit_usd_per_year: Any
    ai_online_fraction_year_one: Any
    profit_usd_year_one: Any

    def as_dict(self) -> dict[str, Any]:
        return _fields_as_dict(self)


AI_MODES = ("colocation", "gpu_cloud")


def site_pnl(
    *,
    mining_mw: Any,
    ai_mw: Any,
    difficulty: Any,
    subsidy_btc: Any,
    fees_btc_per_block: Any,
    btc_price_usd: Any,
    efficiency_j_per_th: Any,
    power_price_usd_per_kwh: Any,
    ai_mode: str = "colocation",
    mining_capex_usd_per_mw: Any = 0.5e6,
    mining_amortisation_years: Any = 10.0,
    asic_price_usd_per_th: Any = 0.0,
    asic_life_years: Any = 4.0,
    mining_uptime: Any = 1.0,
    curtailment_credit_usd_per_mwh: Any = 0.0,
    pue: Any = 1.3,
    ai_shell_capex_usd_per_mw_it: Any = 9.5e6,
    ai_shell_amortisation_years: Any = 15.0,
    lease_usd_per_mw_it_year: Any = 1.85e6,
    lease_operating_margin: Any = 0.85,
    gpu_capex_usd_per_mw_it: Any = 29e6,
    gpu_amortisation_years: Any = 5.0,
    gpu_price_usd_per_gpu_hour: Any = 2.2,
    power_per_gpu_kw: Any = 1.275,
    gpu_utilisation: Any = 0.7,
    gpu_other_opex_fraction: Any = 0.1,
    ai_availability: Any = 1.0,
    sla_availability: Any = 0.99982,
    sla_penalty_multiplier: Any = 10.0,
    conversion_months: Any = 0.0,
) -> SitePnl:
    """Daily P&L of a site with `mining_mw` of ASICs and `ai_mw` (facility MW) converted to AI.

    Mining: hashrate = MW / efficiency, revenue = hashrate * hashprice * uptime; while curtailed it
    pays no power and may earn `curtailment_credit_usd_per_mwh`. Capex in two parts, each
    written off linearly over its own life: the site (`mining_capex_usd_per_mw`, building, power
    and cooling, no machines, over `mining_amortisation_years`) and the machines (hashrate in TH/s
    times `asic_price_usd_per_th`, over `asic_life_years`).
    AI: IT load = ai_mw / PUE. `colocation` earns the lease, keeps `lease_operating_margin` of it
    (the tenant brings GPUs and pays power); `gpu_cloud` earns GPU-hours at `gpu_utilisation`,
    pays the site's power and `gpu_other_opex_fraction` of revenue, and amortises the GPUs.
    Downtime below `sla_availability` costs `sla_penalty_usd` on top of the lost hours.
    """
    if ai_mode not in AI_MODES:
        raise ValueError(f"ai_mode must be one of {AI_MODES}, got {ai_mode!r}")
    mining_mw_ = _param("mining_mw", mining_mw, low=0)
    ai_mw_ = _param("ai_mw", ai_mw, low=0)
    e = _param("efficiency_j_per_th", efficiency_j_per_th, low=0, low_open=True)
    power_price = _param("power_price_usd_per_kwh", power_price_usd_per_kwh, low=0)
    mining_capex = _param("mining_capex_usd_per_mw", mining_capex_usd_per_mw, low=0)
    mining_years = _param("mining_amortisation_years", mining_amortisation_years, low=0, low_open=True)
    asic_price = _param("asic_price_usd_per_th", asic_price_usd_per_th, low=0)
    asic_years = _param("asic_life_years", asic_life_years, low=0, low_open=True)
    uptime = _param("mining_uptime", mining_uptime, low=0, high=1)
    credit = _param("curtailment_credit_usd_per_mwh", curtailment_credit_usd_per_mwh, low=0)
    pue_ = _param("pue", pue, low=1)
    shell_capex = _param("ai_shell_capex_usd_per_mw_it", ai_shell_capex_usd_per_mw_it, low=0)
    shell_years = _param("ai_shell_amortisation_years", ai_shell_amortisation_years, low=0, low_open=True)
    lease = _param("lease_usd_per_mw_it_year", lease_usd_per_mw_it_year, low=0)
    margin = _param("lease_operating_margin", lease_operating_margin, low=0, high=1)
    gpu_capex = _param("gpu_capex_usd_per_mw_it", gpu_capex_usd_per_mw_it, low=0)
    gpu_years = _param("gpu_amortisation_years", gpu_amortisation_years, low=0, low_open=True)
    gpu_other = _param("gpu_other_opex_fraction", gpu_other_opex_fraction, low=0, high=1)
    availability = _param("ai_availability", ai_availability, low=0, high=1)
    months = _param("conversion_months", conversion_months, low=0, high=120)

    hashprice = np.asarray(hashprice_usd_per_ph_day(difficulty, subsidy_btc, fees_btc_per_block, btc_price_usd))
    # MW * 1e6 W / (J/TH) = TH/s; / 1000 = PH/s.
    hashrate_ph_s = mining_mw_ * 1e6 / e / 1000.0
    mining_revenue = hashrate_ph_s * hashprice * uptime
    mining_credit = mining_mw_ * 24.0 * (1.0 - uptime) * credit
    mining_power = mining_mw_ * 1000.0 * 24.0 * uptime * power_price
    site_capex_day = mining_mw_ * mining_capex / (mining_years * DAYS_PER_YEAR)
    machines_capex = hashrate_ph_s * 1000.0 * asic_price
    machines_capex_day = machines_capex / (asic_years * DAYS_PER_YEAR)
    mining_capex_day = site_capex_day + machines_capex_day
    mining_profit = mining_revenue + mining_credit - mining_power - mining_capex_day

    it_mw = ai_mw_ / pue_
    shell_capex_day = it_mw * shell_capex / (shell_years * DAYS_PER_YEAR)
    if ai_mode == "colocation":
        gross = it_mw * lease / DAYS_PER_YEAR
        ai_revenue = gross * availability
        ai_opex = ai_revenue * (1.0 - margin)
        ai_capex_day = shell_capex_day
        gpu_capex_total = np.zeros_like(it_mw)
    else:
        gross = (
            it_mw
            * 1000.0
            * 24.0
            * np.asarray(gpu_cloud_revenue_usd_per_kwh(gpu_price_usd_per_gpu_hour, power_per_gpu_kw, gpu_utilisation))
        )
        ai_revenue = gross * availability
        ai_opex = ai_mw_ * 1000.0 * 24.0 * availability * power_price + ai_revenue * gpu_other
        ai_capex_day = shell_capex_day + it_mw * gpu_capex / (gpu_years * DAYS_PER_YEAR)
        gpu_capex_total = it_mw * gpu_capex
    ai_penalty = np.asarray(sla_penalty_usd(gross, availability, sla_availability, sla_penalty_multiplier))
    ai_profit = ai_revenue - ai_penalty - ai_opex - ai_capex_day

    revenue = mining_revenue + mining_credit + ai_revenue
    cost = mining_power + mining_capex_day + ai_penalty + ai_opex + ai_capex_day
    profit = mining_profit + ai_profit
    online = np.clip((12.0 - months) / 12.0, 0.0, 1.0)
    # During conversion the AI hall neither earns nor runs, but its capex is already spent.
    ai_year_one = (ai_revenue - ai_penalty - ai_opex) * online * DAYS_PER_YEAR - ai_capex_day * DAYS_PER_YEAR
    profit_year_one = mining_profit * DAYS_PER_YEAR + ai_year_one

    return SitePnl(
        mining_hashrate_ph_s=_out(hashrate_ph_s),
        ai_it_mw=_out(it_mw),
        ai_shell_capex_usd=_out(it_mw * shell_capex),
        ai_gpu_capex_usd=_out(gpu_capex_total * np.ones_like(it_mw)),
        ai_capex_usd=_out(it_mw * shell_capex + gpu_capex_total),
        mining_revenue_usd_per_day=_out(mining_revenue),
        mining_curtailment_credit_usd_per_day=_out(mining_credit),
        mining_power_cost_usd_per_day=_out(mining_power),
        mining_capex_usd_per_day=_out(mining_capex_day),
        mining_site_capex_usd_per_day=_out(site_capex_day * np.ones_like(mining_capex_day)),
        mining_machines_capex_usd_per_day=_out(machines_capex_day * np.ones_like(mining_capex_day)),
        mining_machines_capex_usd=_out(machines_capex * np.ones_like(mining_capex_day)),
        mining_profit_usd_per_day=_out(mining_profit),
        ai_revenue_usd_per_day=_out(ai_revenue),
        ai_sla_penalty_usd_per_day=_out(ai_penalty),
        ai_opex_usd_per_day=_out(ai_opex),
        ai_capex_usd_per_day=_out(ai_capex_day),
        ai_profit_usd_per_day=_out(ai_profit),
        revenue_usd_per_day=_out(revenue),
        cost_usd_per_day=_out(cost),
        profit_usd_per_day=_out(profit),
        mining_revenue_usd_per_year=_out(mining_revenue * DAYS_PER_YEAR),
        ai_revenue_usd_per_year=_out(ai_revenue * DAYS_PER_YEAR),
        profit_usd_per_year=_out(profit * DAYS_PER_YEAR),
        ai_online_fraction_year_one=_out(online),
        profit_usd_year_one=_out(profit_year_one),
    )


# --- hashrate exodus (the retarget: engine.economy.retarget) ----------------------------------------------------


@dataclass(frozen=True)
class Exodus:
    """What happens when a share of the hashrate switches off (USD figures per PH/s per day)."""

    block_time_s_until_retarget: Any
    blocks_until_retarget: Any
    hours_until_retarget: Any
    new_difficulty: Any
    difficulty_change: Any
    hashprice_usd_per_ph_day_before: Any
    hashprice_usd_per_ph_day_until_retarget: Any
    hashprice_usd_per_ph_day_after: Any
    network_hashrate_eh_s_after: Any

    def as_dict(self) -> dict[str, Any]:
        return _fields_as_dict(self)


def hashrate_exodus(
    *,
    share_leaving: Any,
    difficulty: Any,
    subsidy_btc: Any,
    fees_btc_per_block: Any,
    btc_price_usd: Any,
    blocks_into_period: Any = 0,
    interval_blocks: int = RETARGET_INTERVAL_BLOCKS,
    spacing_s: float = TARGET_BLOCK_SPACING_S,
) -> Exodus:
    """A share `x` of hashrate leaves `blocks_into_period` blocks after the last retarget.

    Blocks take spacing / (1 - x) until the retarget; the retarget (4x clamp) then lowers the
    difficulty. Per hash, revenue is unchanged while blocks are slow (fewer blocks, fewer hashes)
    and rises by D_old / D_new after the retarget: the survivors earn more.
    """
    x = _param("share_leaving", share_leaving, low=0, high=1, high_open=True)
    d = _param("difficulty", difficulty, low=0, low_open=True)
    k = _param("blocks_into_period", blocks_into_period, low=0)
    interval = _param("interval_blocks", interval_blocks, low=1)
    if np.any(k >= interval):
        raise ValueError(
            f"blocks_into_period must be below interval_blocks ({interval_blocks}), got {blocks_into_period!r}"
        )
    spacing = _param("spacing_s", spacing_s, low=0, low_open=True)
    slow_spacing = spacing / (1.0 - x)
    remaining = interval - k
    actual = k * spacing + remaining * slow_spacing
    new_d = np.asarray(retarget_difficulty(d, actual, interval * spacing))
    before = np.asarray(hashprice_usd_per_ph_day(d, subsidy_btc, fees_btc_per_block, btc_price_usd))
    after = np.asarray(hashprice_usd_per_ph_day(new_d, subsidy_btc, fees_btc_per_block, btc_price_usd))
    return Exodus(
        block_time_s_until_retarget=_out(slow_spacing),
        blocks_until_retarget=_out(remaining),
        hours_until_retarget=_out(remaining * slow_spacing / 3600.0),
        new_difficulty=_out(new_d),
        difficulty_change=_out(new_d / d - 1.0),
        hashprice_usd_per_ph_day_before=_out(before),
        hashprice_usd_per_ph_day_until_retarget=_out(before),
        hashprice_usd_per_ph_day_after=_out(after),
        network_hashrate_eh_s_after=_out(np.asarray(network_hashrate_eh_s(d)) * (1.0 - x)),
    )
