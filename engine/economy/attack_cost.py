"""The cost of a 51% attack: renting (the crypto51 method: hashprice plus a premium) or buying
(ASICs plus power) the honest network's hashrate; and what the window's 51% demo would cost in the
world: the attacker's share of the lab chain's hashrate taken as the same share of the world's,
against the world's honest hashrate as the Economics tab sees it (the scenario's network moved by
the lab's difficulty, less the share gone to AI). Pure, no Qt, no RPC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.economy import economics as econ
from engine.economy.units import SECONDS_PER_DAY, TARGET_BLOCK_SPACING_S, _out, _param

# --- the world's 51% attack: renting or buying the honest network's hashrate ---------------------


def attack_cost_rental_usd_per_hour(network_hashrate_h_s_: Any, rental_price_usd_per_ph_day: Any) -> Any:
    """Renting as much hashrate as the honest network for one hour (the crypto51 method).

    H * price per hash per day / 24; H in H/s, price in USD per PH/s per day.
    """
    h = _param("network_hashrate_h_s", network_hashrate_h_s_, low=0)
    price = _param("rental_price_usd_per_ph_day", rental_price_usd_per_ph_day, low=0)
    return _out(h / 1e15 * price / 24.0)


def attack_cost_hardware_usd(
    network_hashrate_h_s_: Any,
    asic_price_usd_per_th: Any,
    efficiency_j_per_th: Any,
    power_price_usd_per_kwh: Any,
    attack_hours: Any = 24.0,
) -> Any:
    """Buying machines matching the honest hashrate, plus their power for `attack_hours`."""
    h = _param("network_hashrate_h_s", network_hashrate_h_s_, low=0)
    asic = _param("asic_price_usd_per_th", asic_price_usd_per_th, low=0)
    hours = _param("attack_hours", attack_hours, low=0)
    th = h / 1e12
    power = np.asarray(econ.hashcost_usd_per_ph_day(efficiency_j_per_th, power_price_usd_per_kwh)) * th / 1000.0
    return _out(th * asic + power * hours / 24.0)


def attack_rental_usd_per_day_after_retarget(
    subsidy_btc: Any, fees_btc_per_block: Any, btc_price_usd: Any, rental_premium: Any = 0.1
) -> Any:
    """Renting the honest network's hashrate for a day at hashprice plus a premium, once difficulty
    has retargeted: (1 + premium) * 144 * (S + F) * P.

    H * hashprice = 144 * (S + F) * P whatever H is, so after a retarget an exodus does not make
    renting cheaper; only before the retarget (fewer hashes, same hashprice) is it cheaper by
    (1 - x). No market rents anything near a majority of Bitcoin's hashrate: this is a bound.
    """
    s = _param("subsidy_btc", subsidy_btc, low=0, high=50)
    f = _param("fees_btc_per_block", fees_btc_per_block, low=0)
    p = _param("btc_price_usd", btc_price_usd, low=0)
    premium = _param("rental_premium", rental_premium, low=0)
    blocks_per_day = SECONDS_PER_DAY / TARGET_BLOCK_SPACING_S
    return _out((1.0 + premium) * blocks_per_day * (s + f) * p)


# --- the lab's attack, in the world ----------------------------------------------------------------


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
    q = float(_param("attacker_share", attacker_share, low=0, high=1, high_open=True))
    seconds = float(_param("lab_seconds", lab_seconds, low=0))
    spacing = float(_param("lab_block_spacing_s", lab_block_spacing_s, low=0, low_open=True))
    leaving = float(world.get("share_leaving", 0.0))
    honest = float(econ.network_hashrate_h_s(world["difficulty"])) * (1.0 - leaving)
    attacker = honest * q / (1.0 - q)
    hours = seconds * TARGET_BLOCK_SPACING_S / spacing / 3600.0
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
        rental_usd=float(attack_cost_rental_usd_per_hour(attacker, rental_price)) * hours,
        hardware_usd=float(attack_cost_hardware_usd(attacker, *machines, attack_hours=hours)),
        majority_rental_usd_per_hour=float(attack_cost_rental_usd_per_hour(honest, rental_price)),
        majority_hardware_usd=float(attack_cost_hardware_usd(honest, *machines)),
    )
