"""What the window's 51% demo would cost in the world: the attacker's share of the lab chain's
hashrate is taken as the same share of the world's, against the world's honest hashrate as the
Economics tab sees it (the scenario's network moved by the lab's difficulty, less the share gone
to AI). Renting is priced at hashprice plus a premium (the crypto51 method), buying at the ASIC
price plus power; both by `economics`' attack-cost functions. Pure, no Qt, no RPC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.economy import economics as econ


@dataclass(frozen=True)
class LabAttackCost:
    attacker_share: float  # of all hashrate, attacker + honest
    attacker_world_h_s: float  # the attacker's hashrate scaled to the world
    honest_world_h_s: float  # everyone else's, in the world
    world_hours: float  # the attack's lab duration in world time (lab block spacing -> 10 min)
    rental_usd: float  # renting the attacker's hashrate for that long
    hardware_usd: float  # or buying it, plus its power for that long
    majority_rental_usd_per_hour: float  # renting as much as the honest network: what 51% costs an hour
    majority_hardware_usd: float  # buying as much, plus a day of power


def lab_attack_cost(
    attacker_share: float, lab_seconds: float, lab_block_spacing_s: float, world: Mapping[str, Any]
) -> LabAttackCost:
    """`world`: a scenario's values as the Economics tab computes them (difficulty, subsidy_btc,
    fees_btc_per_block, btc_price_usd, rental_premium, share_leaving, asic_price_usd_per_th,
    efficiency_j_per_th, power_price_usd_per_kwh)."""
    q = float(econ._param("attacker_share", attacker_share, low=0, high=1, high_open=True))
    seconds = float(econ._param("lab_seconds", lab_seconds, low=0))
    spacing = float(econ._param("lab_block_spacing_s", lab_block_spacing_s, low=0, low_open=True))
    leaving = float(world.get("share_leaving", 0.0))
    honest = float(econ.network_hashrate_h_s(world["difficulty"])) * (1.0 - leaving)
    attacker = honest * q / (1.0 - q)
    hours = seconds * econ.TARGET_BLOCK_SPACING_S / spacing / 3600.0
    rental_price = float(
        econ.hashprice_usd_per_ph_day(
            world["difficulty"], world["subsidy_btc"], world["fees_btc_per_block"], world["btc_price_usd"]
        )
    )
    rental_price *= 1.0 + float(world["rental_premium"])
    machines = (world["asic_price_usd_per_th"], world["efficiency_j_per_th"], world["power_price_usd_per_kwh"])
    return LabAttackCost(
        attacker_share=q,
        attacker_world_h_s=attacker,
        honest_world_h_s=honest,
        world_hours=hours,
        rental_usd=float(econ.attack_cost_rental_usd_per_hour(attacker, rental_price)) * hours,
        hardware_usd=float(econ.attack_cost_hardware_usd(attacker, *machines, attack_hours=hours)),
        majority_rental_usd_per_hour=float(econ.attack_cost_rental_usd_per_hour(honest, rental_price)),
        majority_hardware_usd=float(econ.attack_cost_hardware_usd(honest, *machines)),
    )
