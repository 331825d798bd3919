"""The 51% demo's world cost: the attacker's lab share taken as the same share of the world."""

from __future__ import annotations

import pytest

from engine.economy import economics as econ
from engine.economy.attack_cost import lab_attack_cost

WORLD = dict(
    difficulty=150e12,
    subsidy_btc=3.125,
    fees_btc_per_block=0.02,
    btc_price_usd=100_000.0,
    rental_premium=0.1,
    share_leaving=0.0,
    asic_price_usd_per_th=25.7,
    efficiency_j_per_th=20.0,
    power_price_usd_per_kwh=0.05,
)


def test_half_the_hashrate_matches_the_honest_world_and_lab_time_maps_to_world_time():
    cost = lab_attack_cost(0.5, lab_seconds=60, lab_block_spacing_s=5, world=WORLD)
    assert cost.attacker_world_h_s == pytest.approx(cost.honest_world_h_s)
    assert cost.honest_world_h_s == pytest.approx(econ.network_hashrate_h_s(150e12))
    assert cost.world_hours == pytest.approx(2.0)  # 12 lab blocks = 12 x 10 min
    assert cost.rental_usd == pytest.approx(cost.majority_rental_usd_per_hour * 2.0)


def test_hashrate_gone_to_ai_makes_a_majority_cheaper():
    before = lab_attack_cost(0.3, 60, 5, WORLD)
    after = lab_attack_cost(0.3, 60, 5, dict(WORLD, share_leaving=0.4))
    assert after.honest_world_h_s == pytest.approx(0.6 * before.honest_world_h_s)
    assert after.majority_rental_usd_per_hour == pytest.approx(0.6 * before.majority_rental_usd_per_hour)
    assert after.majority_hardware_usd < before.majority_hardware_usd
    with pytest.raises(ValueError, match="attacker_share"):
        lab_attack_cost(1.0, 60, 5, WORLD)
