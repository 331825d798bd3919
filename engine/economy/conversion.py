"""The conversion decision the lesson's crossover is about: keep 1 MW mining, or convert it to AI,
weighed over the scenario's decision horizon (NPV and payback from engine.economy.decisions'
horizon), taken after each lab halving with the site's mining revenue in that halving's world.

Each lab halving is one real halving (lab_mapping.halving_year: from a preset at 3.125 BTC, the
first is 2028); the decision is taken on the halving's day, so the next real halving is four years
away. The machines are on site (keeping them costs no capex now; they are renewed at the end of
their life); converting pays the AI shell per MW of IT load now, earns nothing for
`conversion_months`, then the lease (or GPU-hours) less the SLA penalty for the availability the
tenant is promised and the hall's opex. Difficulty is held where the lab chain has it
(`difficulty_growth_per_month` = 0): in the lab's world the chain is the network, and its own
retargets are the difficulty's path. Pure functions; no Qt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from engine.economy import decisions, units
from engine.economy import economics as econ
from engine.economy.lab_mapping import halving_year
from engine.primitives.subsidy import subsidy_after_halvings_sat

KEEP, CONVERT = "keep mining", "convert"


@dataclass(frozen=True)
class ConversionDecision:
    """The decision for 1 MW (facility power) in the world of the lab's `lab_halvings`-th halving."""

    lab_halvings: int
    world_year: int  # the real halving this era began with (k = 0: the preset's own)
    subsidy_btc: float
    hashprice_usd_per_ph_day: float
    mining_revenue_usd_per_mw_year: float  # the site's, in this era's first year
    mining_power_usd_per_mw_year: float
    conversion_capex_usd_per_mw: float  # the AI shell (and GPUs for a GPU cloud) per facility MW
    lead_months: float  # before the first AI revenue
    ai_net_usd_per_mw_year: float  # once running: revenue less SLA penalty and opex
    sla_availability: float
    ai_availability: float
    horizon_months: int
    keep_npv_usd: float
    convert_npv_usd: float
    keep_payback_month: int | None
    convert_payback_month: int | None

    @property
    def verdict(self) -> str:
        return CONVERT if self.convert_npv_usd > self.keep_npv_usd else KEEP

    def as_dict(self) -> dict[str, Any]:
        return dict(asdict(self), verdict=self.verdict)


def lab_era_values(values: Mapping[str, float], lab_halvings: int, difficulty_ratio: float = 1.0) -> dict[str, float]:
    """The scenario's values in the world of the lab's `lab_halvings`-th halving: the subsidy
    shifted as GetBlockSubsidy shifts it, the difficulty scaled by the lab chain's ratio to its
    start, flat from there, and the next real halving four years away."""
    if isinstance(lab_halvings, bool) or not isinstance(lab_halvings, int) or lab_halvings < 0:
        raise ValueError(f"lab_halvings must be a whole number >= 0, got {lab_halvings!r}")
    units._param("difficulty_ratio", difficulty_ratio, low=0, low_open=True)
    sats = subsidy_after_halvings_sat(lab_halvings, int(round(float(values["subsidy_btc"]) * units.SATS_PER_BTC)))
    return dict(
        values,
        subsidy_btc=sats / units.SATS_PER_BTC,
        difficulty=float(values["difficulty"]) * float(difficulty_ratio),
        difficulty_growth_per_month=0.0,
        months_to_next_halving=float(decisions.MONTHS_PER_HALVING),
    )


def conversion_decision(
    values: Mapping[str, float], lab_halvings: int, difficulty_ratio: float = 1.0, ai_mode: str = "colocation"
) -> ConversionDecision:
    """Keep mining or convert, on the day of the lab's `lab_halvings`-th halving (0: the start)."""
    world = lab_era_values(values, lab_halvings, difficulty_ratio)
    months = int(round(float(world.get("decision_horizon_months", 120.0))))
    h = decisions.horizon(world, months, ai_mode, machines_on_site=True)
    args = {k: world[k] for k in decisions._SITE_ARGS}
    mining = econ.site_pnl(mining_mw=1.0, ai_mw=0.0, ai_mode=ai_mode, **args)
    ai = econ.site_pnl(mining_mw=0.0, ai_mw=1.0, ai_mode=ai_mode, **args)
    year = units.DAYS_PER_YEAR
    ai_net = float(ai.ai_revenue_usd_per_day) - float(ai.ai_sla_penalty_usd_per_day) - float(ai.ai_opex_usd_per_day)
    return ConversionDecision(
        lab_halvings=lab_halvings,
        world_year=halving_year(float(values["subsidy_btc"]), lab_halvings) if world["subsidy_btc"] > 0 else 0,
        subsidy_btc=float(world["subsidy_btc"]),
        hashprice_usd_per_ph_day=float(
            econ.hashprice_usd_per_ph_day(
                world["difficulty"], world["subsidy_btc"], world["fees_btc_per_block"], world["btc_price_usd"]
            )
        ),
        mining_revenue_usd_per_mw_year=float(mining.mining_revenue_usd_per_day) * year,
        mining_power_usd_per_mw_year=float(mining.mining_power_cost_usd_per_day) * year,
        conversion_capex_usd_per_mw=h.ai_capex_usd,
        lead_months=float(world["conversion_months"]),
        ai_net_usd_per_mw_year=ai_net * year,
        sla_availability=float(world["sla_availability"]),
        ai_availability=float(world["ai_availability"]),
        horizon_months=months,
        keep_npv_usd=h.mining_npv_usd,
        convert_npv_usd=h.ai_npv_usd,
        keep_payback_month=h.mining_payback_month,
        convert_payback_month=h.ai_payback_month,
    )


def first_convert(
    values: Mapping[str, float], max_halvings: int = 8, ai_mode: str = "colocation"
) -> tuple[int | None, list[ConversionDecision]]:
    """The first lab halving after which converting wins though keeping won at the start (None if
    the verdict never flips that way within `max_halvings`), and the decisions 0..max_halvings."""
    rows = [conversion_decision(values, k, 1.0, ai_mode) for k in range(max_halvings + 1)]
    if rows[0].verdict == CONVERT:
        return None, rows
    return next((r.lab_halvings for r in rows if r.verdict == CONVERT), None), rows


def why_never(rows: list[ConversionDecision]) -> str:
    """In words, why the verdict does not flip from keep to convert (the numbers decide)."""
    start = rows[0]
    if start.verdict == CONVERT:
        return (
            f"converting already beats keeping at the start ({start.world_year} world, {start.subsidy_btc:g} BTC a "
            f"block): over {start.horizon_months} months the AI hall's NPV is {units.usd_text(start.convert_npv_usd)} "
            f"per MW against {units.usd_text(start.keep_npv_usd)} for mining, so there is no flip to wait for"
        )
    last = rows[-1]
    return (
        f"keeping still beats converting after {last.lab_halvings} lab halvings ({last.world_year}): over "
        f"{last.horizon_months} months mining's NPV is {units.usd_text(last.keep_npv_usd)} per MW against "
        f"{units.usd_text(last.convert_npv_usd)} for the AI hall"
    )
