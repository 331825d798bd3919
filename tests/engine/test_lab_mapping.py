"""The lab as the Bitcoin network in miniature, "your site" as a fixed actor inside it: one site's
split never moves world difficulty by its share of the laptop's cores."""

from __future__ import annotations

import pytest

from engine.economy import decisions, retarget
from engine.economy.lab_mapping import (
    TEACHER_SENTENCES,
    LabChain,
    LabClock,
    LabMapping,
    difficulty_after_site_change,
    difficulty_from_bits,
    halving_year,
    lab_world,
    site_share_of_world,
    start_difficulty_of,
)
from engine.economy.scenario_params import PARAMETERS
from engine.economy.scenarios import load_scenarios, preset_dir

LAB_CONSENSUS = {
    "pow_target_spacing": 5,
    "difficulty_adjustment_interval": 24,
    "subsidy_halving_interval": 150,
    "pow_no_retargeting": False,
    "start_bits": "1f00ffff",
    "start_difficulty": 2.0,
}


def info(height: int, difficulty: float, consensus: dict | None = LAB_CONSENSUS) -> dict:
    return {"blocks": height, "difficulty": difficulty, **({"consensus": consensus} if consensus is not None else {})}


def test_each_core_is_a_share_of_the_site_for_billing():
    mapping = LabMapping(site_mw=1000, total_cores=4)
    assert mapping.mw_per_core == 250
    assert mapping.split_mw(3, 1) == (750, 250)
    with pytest.raises(ValueError, match="ai_slots"):
        mapping.split_mw(3, 2)
    assert TEACHER_SENTENCES.count(". ") == 1  # two sentences


def test_time_compression_is_read_from_the_chain_not_hard_coded():
    clock = LabClock.from_consensus(LAB_CONSENSUS)
    assert clock.compression_text() == (
        "a lab block = 5 s for 10 min, a lab retarget = 24 blocks for 2,016, a lab halving = 150 blocks for 210,000"
    )
    other = LabClock.from_consensus({**LAB_CONSENSUS, "pow_target_spacing": 10, "subsidy_halving_interval": 300})
    assert "10 s" in other.compression_text() and "300 blocks" in other.compression_text()
    assert clock.luck_sigma == pytest.approx(0.204, abs=0.001)
    regtest = LabClock.from_consensus(None)  # bitcoind -regtest reports no consensus: Core's regtest
    assert (regtest.halving_interval_blocks, regtest.retargets, regtest.luck_sigma) == (150, False, 0.0)


def test_baseline_is_the_chains_own_start_difficulty_whenever_opened():
    # The same chain gives the same ratio however late the app first sees it.
    early = LabChain.from_blockchaininfo(info(30, 1.0))
    late = LabChain.from_blockchaininfo(info(400, 1.0))
    assert early.difficulty_ratio == late.difficulty_ratio == 0.5
    assert start_difficulty_of(info(5, 1, {"start_bits": "1d00ffff"})) == 1.0  # older node: bits only
    assert start_difficulty_of(info(5, 1, {}), block1_difficulty=3.0) == 3.0  # no consensus: block 1
    assert start_difficulty_of(info(5, 1, {})) is None
    with pytest.raises(ValueError, match="start difficulty"):
        LabChain.from_blockchaininfo(info(0, 1.0, {}))
    assert difficulty_from_bits(0x1D00FFFF) == 1.0
    assert difficulty_from_bits(0x17034219) == pytest.approx(86.39e12, rel=1e-3)  # the 2024 halving


def test_lab_halvings_carry_their_real_years():
    assert halving_year(3.125) == 2028 and halving_year(3.125, 2) == 2032 and halving_year(6.25) == 2024
    chain = LabChain.from_blockchaininfo(info(150, 2.0))
    world = lab_world(3.125, 150e12, chain)
    assert world["subsidy_btc"] == 1.5625 and chain.blocks_to_next_halving == 150
    assert lab_world(3.125, 150e12, LabChain.from_blockchaininfo(info(450, 2.0)))["subsidy_btc"] == 3.125 / 8


def test_one_site_moves_the_world_only_by_its_share():
    """Corsicana (1 GW at 20.5 J/TH) is ~4.5% of a 150 T world: moving 500 MW from mining to AI
    moves world difficulty ~2.3%, never by half (the old mapping: 150 T -> 75 T)."""
    assert site_share_of_world(1000, 20.5, 150e12) == pytest.approx(0.045, abs=0.001)
    after = difficulty_after_site_change(150e12, 20.5, 1000, 500)
    assert after / 150e12 == pytest.approx(1 - 0.0227, abs=0.001)


def test_the_industry_converting_is_the_lab_ratio_with_its_luck():
    # Half the lab's cores left and the retarget halved its difficulty: the world shrank like the lab.
    chain = LabChain.from_blockchaininfo(info(60, 1.0))
    assert lab_world(3.125, 150e12, chain)["difficulty"] == pytest.approx(75e12)
    low, high = chain.luck_range()
    assert (low, high) == pytest.approx((0.5 * (1 - 0.2041), 0.5 * (1 + 0.2041)), abs=1e-3)


@pytest.fixture(scope="module")
def corsicana():
    return load_scenarios([(preset_dir(), "preset")]).scenarios["corsicana-split"].values()


def test_btc_price_sweep_marks_the_crossover(corsicana):
    sweep = decisions.btc_price_sweep(corsicana)
    assert sweep.crossover is not None
    mining, ai = decisions._one_mw(corsicana, "colocation", btc_price_usd=sweep.crossover)
    assert float(mining) == pytest.approx(float(ai), rel=1e-6)
    # With the site-only $0.5M/MW over 4 years and no machines (the old figures): ~$161k at 150 T.
    old = {**corsicana, "mining_amortisation_years": 4.0, "asic_price_usd_per_th": 0.0}
    assert decisions.btc_price_sweep(old).crossover == pytest.approx(161_000, rel=0.01)
    power = decisions.power_price_sweep(corsicana)
    assert power.ai_usd_per_mw_year[0] == power.ai_usd_per_mw_year[-1]  # a tenant pays its own power
    assert power.mining_usd_per_mw_year[0] > power.mining_usd_per_mw_year[-1]


def test_horizon_keep_mining_or_convert(corsicana):
    h = decisions.horizon(corsicana, 36)
    assert len(h.months) == 36 and h.halving_month == 29
    assert h.subsidy_btc[27] == 3.125 and h.subsidy_btc[29] == 1.5625
    assert h.difficulty[-1] > h.difficulty[0]  # difficulty grows
    assert h.ai_cash_usd[13] == pytest.approx(-h.ai_capex_usd)  # nothing earned while converting (15 months)
    assert h.mining_capex_usd == pytest.approx(1e6 / 20.5 * PARAMETERS["asic_price_usd_per_th"].default)
    with pytest.raises(ValueError, match="months"):
        decisions.horizon(corsicana, 300)
    flat = decisions.horizon({**corsicana, "discount_rate_per_year": 0.0}, 6)
    assert flat.mining_npv_usd == pytest.approx(float(flat.mining_cash_usd[-1]))


def test_horizon_halves_every_four_years_and_renews_the_machines(corsicana):
    h = decisions.horizon(corsicana, 180)
    # 29 months to the next halving, then every 48 (months 77, 125): 3.125 -> 1.5625 -> 0.78125 -> 0.390625
    assert [float(h.subsidy_btc[i]) for i in (27, 29, 75, 77, 123, 125)] == [
        3.125,
        1.5625,
        1.5625,
        0.78125,
        0.78125,
        0.390625,
    ]
    assert h.machine_buy_months == (0, 48, 96, 144)  # new machines now and at the end of each 4-year life
    on_site = decisions.horizon(corsicana, 180, machines_on_site=True)
    assert on_site.machine_buy_months == (48, 96, 144)
    assert on_site.mining_npv_usd == pytest.approx(h.mining_npv_usd + h.mining_capex_usd)
    assert on_site.ai_npv_usd == h.ai_npv_usd


def test_decisions_reject_bad_input(corsicana):
    with pytest.raises(ValueError, match="difficulty_growth_per_month"):
        decisions.horizon({**corsicana, "difficulty_growth_per_month": 2.0}, 12)
    assert retarget.retarget_luck_sigma(24) > 0
