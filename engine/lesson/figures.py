"""The lab world's figures the lesson words its events with: the real year a lab halving stands
for, and mining against AI in the lab's world at a height (read by the tracker and the answer key).

The lab chain is the network in miniature (engine.economy.lab_mapping): its k-th halving is the
real world's k-th halving from the scenario's subsidy (from 3.125 BTC: 2028, 2032, ...), and its
difficulty, as a ratio to its own start, scales the world's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from engine.economy import decisions, units
from engine.economy import economics as econ
from engine.economy.lab_mapping import halving_year
from engine.primitives.subsidy import subsidy_after_halvings_sat

TODAY_SUBSIDY_BTC = 3.125  # since the halving of 2024-04-20 (block 840,000)


def halving_real_year(lab_halvings: int, scenario_subsidy_btc: float = TODAY_SUBSIDY_BTC) -> int:
    """The real year the lab's `lab_halvings`-th halving stands for, counted from the scenario's
    subsidy (3.125 BTC: 1 -> 2028, 2 -> 2032; the halving-2028 preset's 1.5625: 1 -> 2032)."""
    if isinstance(lab_halvings, bool) or not isinstance(lab_halvings, int) or lab_halvings < 1:
        raise ValueError(f"lab_halvings must be a whole number >= 1, got {lab_halvings!r}")
    return halving_year(scenario_subsidy_btc, lab_halvings)


def world_subsidy_btc(lab_halvings: int, scenario_subsidy_btc: float = TODAY_SUBSIDY_BTC) -> float:
    """The real world's block subsidy after the lab's `lab_halvings` halvings (3.125 BTC, 1 -> 1.5625):
    the lab's own reward starts at 50 BTC, the world's at the scenario's."""
    sats = subsidy_after_halvings_sat(lab_halvings, int(round(float(scenario_subsidy_btc) * units.SATS_PER_BTC)))
    return sats / units.SATS_PER_BTC


def lab_world_values(
    values: Mapping[str, float], height: int, difficulty: float, start_difficulty: float, halving_interval: int
) -> dict[str, float]:
    """The scenario's values moved to the lab's world at `height`: subsidy halved once per lab
    halving (in satoshis, as GetBlockSubsidy), difficulty scaled by the lab's ratio to its start."""
    if not start_difficulty > 0 or not difficulty > 0:
        raise ValueError("difficulty and start_difficulty must be > 0")
    halvings = height // halving_interval
    sats = subsidy_after_halvings_sat(halvings, int(round(float(values["subsidy_btc"]) * units.SATS_PER_BTC)))
    return dict(
        values,
        subsidy_btc=sats / units.SATS_PER_BTC,
        difficulty=float(values["difficulty"]) * difficulty / start_difficulty,
    )


def hashprice_usd(world: Mapping[str, float]) -> float:
    return float(
        econ.hashprice_usd_per_ph_day(
            world["difficulty"], world["subsidy_btc"], world["fees_btc_per_block"], world["btc_price_usd"]
        )
    )


def mining_vs_ai(
    values: Mapping[str, float],
    height: int,
    difficulty: float,
    start_difficulty: float,
    halving_interval: int,
    ai_mode: str = "colocation",
) -> dict[str, Any]:
    """Mining and AI profit per MW-year in the lab's world at `height`, its hashprice, and the BTC
    price at which mining would match AI (engine.economy.decisions' crossover; None if never)."""
    world = lab_world_values(values, height, difficulty, start_difficulty, halving_interval)
    price = float(world["btc_price_usd"])
    at_price = decisions.btc_price_sweep(world, ai_mode, prices_usd=np.array([price, price * 2]))
    return {
        "height": height,
        "halvings": height // halving_interval,
        "subsidy_btc": world["subsidy_btc"],
        "hashprice_usd_per_ph_day": hashprice_usd(world),
        "btc_price_usd": price,
        "mining_usd_per_mw_year": float(at_price.mining_usd_per_mw_year[0]),
        "ai_usd_per_mw_year": float(at_price.ai_usd_per_mw_year[0]),
        "crossover_btc_price_usd": at_price.crossover,
    }
