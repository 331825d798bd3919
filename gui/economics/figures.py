"""Every number the Economics tab shows, from a scenario's values and the live lab (no Qt here).

The mapping (engine.economy.lab_mapping): the lab chain is the Bitcoin network in miniature, so its
difficulty ratio and halvings give "the world if it shrank like the lab"; "your site" is a fixed
actor whose own split moves the world only by its share ("the world today"). Both are kept and
labelled; the site's P&L is shown in the lab's world while following the lab.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.economy import decisions
from engine.economy import economics as econ
from engine.economy.lab_mapping import (
    LabChain,
    LabMapping,
    difficulty_after_site_change,
    halving_year,
    lab_world,
    site_share_of_world,
)
from engine.economy.report import attack_figures

DEFAULT_SITE_MW = 1000.0  # the site the cores stand for when a scenario has no MW at all
EXODUS_SHARES = np.round(np.linspace(0.0, 0.95, 96), 4)  # the slider's range, 1% steps
_SITE_PNL_ARGS = frozenset(inspect.signature(econ.site_pnl).parameters) - {"ai_mode"}


@dataclass(frozen=True)
class LabView:
    """The parts of the controller's lab state the economics use."""

    chain: LabChain
    mining_slots: int
    ai_slots: int
    total_cores: int
    hashrate_hs: float
    ai_availability: float | None

    @classmethod
    def from_state(cls, state: Mapping[str, Any], block1_difficulty: float | None = None) -> LabView:
        """Raises KeyError/TypeError/ValueError on a state it cannot use (e.g. no start difficulty yet)."""
        chain = LabChain.from_blockchaininfo(state["chain_info"], block1_difficulty)
        mining, ai = int(state["mining_slots"]), int(state["ai_slots"])
        total = max(int(state["total_cores"]), mining + ai, 1)
        report = state.get("ai_report")
        availability = None
        if report is not None and getattr(report, "contracted_slot_s", 0) > 0:
            availability = min(max(float(report.availability), 0.0), 1.0)
        return cls(chain, mining, ai, total, float(state.get("hashrate_hs") or 0.0), availability)

    def same_economics(self, other: LabView) -> bool:
        """Whether the figures would not move from self to other (only the hashrate differs)."""
        return (
            self.chain == other.chain
            and self.mining_slots == other.mining_slots
            and self.ai_slots == other.ai_slots
            and self.total_cores == other.total_cores
            and (self.ai_availability is None) == (other.ai_availability is None)
            and (self.ai_availability is None or abs(self.ai_availability - other.ai_availability) < 1e-7)
        )


def site_mw_of(values: Mapping[str, float]) -> float:
    """The site's size: the scenario's mining plus AI megawatts (1 GW if it sets neither)."""
    total = float(values["mining_mw"]) + float(values["ai_mw"])
    return total if total > 0 else DEFAULT_SITE_MW


def site_split(values: Mapping[str, float], lab: LabView | None, follow_slider: bool) -> tuple[float, float]:
    """(mining MW, AI MW) of the site: the scenario's, or the lab slider's share of the site's MW."""
    if lab is None or not follow_slider or lab.mining_slots + lab.ai_slots == 0:
        return float(values["mining_mw"]), float(values["ai_mw"])
    site = site_mw_of(values)
    mining = site * lab.mining_slots / (lab.mining_slots + lab.ai_slots)
    return mining, site - mining


def _pnl(world: Mapping[str, float], ai_mode: str) -> dict[str, Any]:
    return econ.site_pnl(ai_mode=ai_mode, **{k: v for k, v in world.items() if k in _SITE_PNL_ARGS}).as_dict()


def _per_mw_year(site: Mapping[str, float], world: Mapping[str, float]) -> dict[str, float | None]:
    return {
        "mining": site["mining_profit_usd_per_day"] * 365 / world["mining_mw"] if world["mining_mw"] else None,
        "ai": site["ai_profit_usd_per_day"] * 365 / world["ai_mw"] if world["ai_mw"] else None,
    }


def compute_figures(
    values: Mapping[str, float],
    ai_mode: str,
    lab: LabView | None = None,
    follow_slider: bool = True,
) -> dict[str, Any]:
    """Every number the panel shows. Raises ValueError on a combination the model rejects. The
    keep-or-convert horizon is the scenario's `decision_horizon_months`, the one the lesson's
    conversion decision (engine.economy.conversion) is taken over."""
    mining_mw, ai_mw = site_split(values, lab, follow_slider)
    d0, e = values["difficulty"], values["efficiency_j_per_th"]
    # The world today: the scenario's network, moved only by this site's own change of split.
    today = dict(
        values,
        mining_mw=mining_mw,
        ai_mw=ai_mw,
        difficulty=difficulty_after_site_change(d0, e, values["mining_mw"], mining_mw),
    )
    if lab is not None and lab.ai_availability is not None:
        today["ai_availability"] = lab.ai_availability
    moved = {"lab_halvings": 0.0, "lab_difficulty_ratio": 1.0}
    lab_side: dict[str, Any] | None = None
    world = today
    if lab is not None:
        moved = lab_world(values["subsidy_btc"], d0, lab.chain)
        world = dict(today, subsidy_btc=moved["subsidy_btc"], difficulty=moved["difficulty"])
        low, high = lab.chain.luck_range()
        lab_side = {
            "difficulty": world["difficulty"],
            "subsidy_btc": world["subsidy_btc"],
            "luck_ratio_range": (low, high),
            "luck_sigma": lab.chain.clock.luck_sigma,
            "compression": lab.chain.clock.compression_text(),
            "next_halving_year": halving_year(world["subsidy_btc"]) if world["subsidy_btc"] > 0 else None,
            "halving_years_passed": [
                halving_year(values["subsidy_btc"], k + 1) for k in range(int(moved["lab_halvings"]))
            ],
        }

    d, s, f, p = world["difficulty"], world["subsidy_btc"], world["fees_btc_per_block"], world["btc_price_usd"]
    power = world["power_price_usd_per_kwh"]
    hp_btc = econ.hashprice_btc_per_ph_day(d, s, f)
    hp_usd = econ.hashprice_usd_per_ph_day(d, s, f, p)
    hp_today = econ.hashprice_usd_per_ph_day(today["difficulty"], today["subsidy_btc"], f, p)
    hashcost = econ.hashcost_usd_per_ph_day(e, power)
    pue = world["pue"]
    mining_kwh = econ.mining_revenue_usd_per_kwh(hp_usd, e)
    colocation_kwh = econ.colocation_revenue_usd_per_kwh(world["lease_usd_per_mw_it_year"], pue)
    gpu_kwh = econ.gpu_cloud_revenue_usd_per_kwh(
        world["gpu_price_usd_per_gpu_hour"], world["power_per_gpu_kw"], world["gpu_utilisation"], pue
    )
    site = _pnl(world, ai_mode)
    site_today = _pnl(today, ai_mode) if lab is not None else site

    share = world["share_leaving"]
    market = dict(difficulty=d, subsidy_btc=s, fees_btc_per_block=f, btc_price_usd=p)
    exodus = econ.hashrate_exodus(share_leaving=share, **market)
    sweep = econ.hashrate_exodus(share_leaving=EXODUS_SHARES, **market)
    attack_values = dict(world)

    return {
        "world": world,
        "today": today,
        "lab": lab_side,
        "site_mw": site_mw_of(values),
        "mw_per_core": LabMapping(site_mw_of(values), lab.total_cores).mw_per_core if lab else None,
        "lab_halvings": moved["lab_halvings"],
        "lab_difficulty_ratio": moved["lab_difficulty_ratio"],
        "site_share_of_world": site_share_of_world(values["mining_mw"] + values["ai_mw"], e, d0),
        "site_difficulty_change": today["difficulty"] / d0 - 1.0,
        "network": {
            "difficulty": d,
            "subsidy_btc": s,
            "network_hashrate_eh_s": econ.network_hashrate_eh_s(d),
            "hashprice_btc_per_ph_day": hp_btc,
            "hashprice_usd_per_ph_day": hp_usd,
            "hashprice_usd_per_ph_day_world_today": hp_today,
        },
        "mining": {
            "hashcost_usd_per_ph_day": hashcost,
            "margin_usd_per_ph_day": hp_usd - hashcost,
            "breakeven_power_price_usd_per_kwh": econ.breakeven_power_price_usd_per_kwh(hp_usd, e),
        },
        "revenue_per_kwh": {
            "basis": f"per grid kWh, AI hall PUE {pue:g}",
            "mining_usd": mining_kwh,
            "colocation_usd": colocation_kwh,
            "gpu_cloud_usd": gpu_kwh,
            "colocation_vs_mining": colocation_kwh / mining_kwh if mining_kwh else None,
            "gpu_cloud_vs_mining": gpu_kwh / mining_kwh if mining_kwh else None,
        },
        "site": site,
        "site_world_today": site_today,
        "per_mw_year": _per_mw_year(site, world),
        "per_mw_year_world_today": _per_mw_year(site_today, today),
        "exodus": {"share_leaving": share, **exodus.as_dict()},
        "exodus_sweep": {
            "share_leaving": EXODUS_SHARES,
            "hashprice_usd_per_ph_day_after": np.asarray(sweep.hashprice_usd_per_ph_day_after),
            "block_time_s_until_retarget": np.asarray(sweep.block_time_s_until_retarget),
        },
        "attack": attack_figures(attack_values),
        "attack_after": attack_figures(attack_values, share),
        "btc_sweep": decisions.btc_price_sweep(world, ai_mode),
        "power_sweep": decisions.power_price_sweep(world, ai_mode),
        "horizon": decisions.horizon(world, int(round(float(world["decision_horizon_months"]))), ai_mode),
    }
