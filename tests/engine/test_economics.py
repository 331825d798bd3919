"""The economics model against the published figures of ECONOMICS.md, Bitcoin Core's rules, and
properties that must hold for any input (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.economy import attack_cost, halvings, retarget, units
from engine.economy import economics as econ
from engine.economy.scenario_params import PARAMETERS

REL_1PCT = 0.01


def hp_usd(d, s, f, p):
    return econ.hashprice_usd_per_ph_day(d, s, f, p)


# --- published checks (ECONOMICS.md), to 1% -----------------------------------------------------


def test_record_low_hashprice_22_nov_2025():
    assert hp_usd(152.3e12, 3.125, 0.02, 84_500) == pytest.approx(35.10, rel=REL_1PCT)


def test_s21_revenue_per_kwh_at_the_record_low():
    hashprice = hp_usd(152.3e12, 3.125, 0.02, 84_500)
    assert econ.mining_revenue_usd_per_kwh(hashprice, 17.5) == pytest.approx(0.084, rel=REL_1PCT)


def test_2024_halving_hashprice_96_to_50():
    assert hp_usd(86.39e12, 6.25, 0.2, 64_000) == pytest.approx(96, rel=REL_1PCT)
    assert hp_usd(86.39e12, 3.125, 0.2, 64_000) == pytest.approx(50, rel=REL_1PCT)


def test_30_percent_exodus_slows_blocks_then_difficulty_drops_30_percent():
    exodus = econ.hashrate_exodus(
        share_leaving=0.3, difficulty=150e12, subsidy_btc=3.125, fees_btc_per_block=0.025, btc_price_usd=85_000
    )
    assert exodus.block_time_s_until_retarget / 60 == pytest.approx(14.3, rel=REL_1PCT)
    assert exodus.difficulty_change == pytest.approx(-0.30, rel=REL_1PCT)
    assert exodus.new_difficulty == pytest.approx(105e12, rel=1e-9)
    assert exodus.hashprice_usd_per_ph_day_after > exodus.hashprice_usd_per_ph_day_before
    # Per hash, income is unchanged while blocks are slow, then rises by 1/(1 - x).
    assert exodus.hashprice_usd_per_ph_day_after == pytest.approx(exodus.hashprice_usd_per_ph_day_before / 0.7)
    h = econ.network_hashrate_h_s(150e12)
    before = attack_cost.attack_cost_hardware_usd(h, 15, 17.5, 0.045)
    after = attack_cost.attack_cost_hardware_usd(h * 0.7, 15, 17.5, 0.045)
    assert after / before - 1 == pytest.approx(-0.30, rel=REL_1PCT)


def test_2028_halving_hashprice_about_18():
    assert hp_usd(150e12, 1.5625, 0.025, 85_000) == pytest.approx(18, rel=REL_1PCT)


def test_hashcost_of_scenario_2_machines():
    assert econ.hashcost_usd_per_ph_day(30, 0.05) == pytest.approx(36, rel=REL_1PCT)
    assert econ.hashcost_usd_per_ph_day(13.5, 0.05) == pytest.approx(16, rel=0.02)  # published rounded


def test_revenue_per_kwh_on_one_basis_grid_kwh_with_pue():
    """Per grid kWh at PUE 1.3: colocation ~1.9x mining and GPU cloud ~11x (ECONOMICS.md, Formulas);
    the old mixed basis (IT kWh for AI, ASIC kWh for mining) gave 2.5x and 14.5x."""
    mining = econ.mining_revenue_usd_per_kwh(hp_usd(152.3e12, 3.125, 0.02, 84_500), 17.5)
    colocation = econ.colocation_revenue_usd_per_kwh(1.85e6, pue=1.3)
    gpu = econ.gpu_cloud_revenue_usd_per_kwh(2.2, 1.275, 0.7, pue=1.3)
    assert colocation == pytest.approx(1.85e6 / 8760 / 1000 / 1.3)
    assert colocation / mining == pytest.approx(1.9, rel=0.03)
    assert gpu / mining == pytest.approx(11, rel=0.03)
    assert econ.colocation_revenue_usd_per_kwh(1.85e6) / colocation == pytest.approx(1.3)


def test_capex_site_and_machines_apart_each_with_its_own_life():
    common = dict(
        mining_mw=1,
        ai_mw=0,
        difficulty=150e12,
        subsidy_btc=3.125,
        fees_btc_per_block=0.025,
        btc_price_usd=85_000,
        efficiency_j_per_th=20.5,
        power_price_usd_per_kwh=0.042,
    )
    pnl = econ.site_pnl(
        mining_capex_usd_per_mw=0.5e6,
        mining_amortisation_years=10,
        asic_price_usd_per_th=15,
        asic_life_years=4,
        **common,
    )
    # 1 MW at 20.5 J/TH is 48,780 TH/s: at $15/TH the machines alone are ~$0.73M, on top of the site.
    assert pnl.mining_machines_capex_usd == pytest.approx(1e6 / 20.5 * 15)
    assert pnl.mining_machines_capex_usd == pytest.approx(0.73e6, rel=REL_1PCT)
    assert pnl.mining_site_capex_usd_per_day == pytest.approx(0.5e6 / 10 / 365)
    assert pnl.mining_machines_capex_usd_per_day == pytest.approx(1e6 / 20.5 * 15 / 4 / 365)
    assert pnl.mining_capex_usd_per_day == pytest.approx(
        pnl.mining_site_capex_usd_per_day + pnl.mining_machines_capex_usd_per_day
    )
    # "one halving of life" is 4 years, the default; the site lives longer.
    assert PARAMETERS["asic_life_years"].default == 4
    assert "two halvings" not in PARAMETERS["mining_amortisation_years"].source
    assert "no machines" in PARAMETERS["mining_capex_usd_per_mw"].label


def test_rental_attack_after_a_retarget_costs_the_same_whatever_the_hashrate():
    s, f, p = 3.125, 0.025, 85_000
    per_day = attack_cost.attack_rental_usd_per_day_after_retarget(s, f, p, 0.1)
    assert per_day == pytest.approx(1.1 * 144 * (s + f) * p)
    for d in (150e12, 105e12, 40e12):  # after any exodus, hashprice * hashrate is the same
        h = econ.network_hashrate_h_s(d)
        assert attack_cost.attack_cost_rental_usd_per_hour(h, 1.1 * hp_usd(d, s, f, p)) * 24 == pytest.approx(per_day)


def test_luck_of_a_24_block_window_is_about_20_percent():
    assert retarget.retarget_luck_sigma(24) == pytest.approx(0.204, abs=0.001)
    assert retarget.retarget_luck_sigma(2016) == pytest.approx(0.0223, abs=0.0001)


def test_ai_revenue_per_kwh_is_2_to_5x_and_up_to_25x_mining():
    mining = econ.mining_revenue_usd_per_kwh(hp_usd(152.3e12, 3.125, 0.02, 84_500), 17.5)
    colocation = econ.colocation_revenue_usd_per_kwh(1.85e6)
    assert colocation == pytest.approx(0.21, rel=REL_1PCT)
    assert 2 <= colocation / mining <= 5
    gpu_low = econ.gpu_cloud_revenue_usd_per_kwh(1.7, 1.275, 0.8)
    gpu_high = econ.gpu_cloud_revenue_usd_per_kwh(2.2, 1.275, 1.0)
    assert gpu_low >= 1.0 and gpu_high <= 2.0
    assert gpu_low / mining >= 11 and gpu_high / mining <= 25


def test_network_hashrate_from_difficulty():
    # H = D * 2^48 / 65535 / 600; 150 T is ~1,075 EH/s (ECONOMICS.md parameters).
    assert econ.network_hashrate_h_s(1.0) == pytest.approx(2**48 / 65535 / 600, rel=1e-12)
    assert econ.network_hashrate_eh_s(150e12) == pytest.approx(1075, rel=REL_1PCT)
    assert econ.difficulty_for_hashrate(econ.network_hashrate_h_s(123e12)) == pytest.approx(123e12)


def test_hashprice_formulas_agree():
    # HP_usd = 144 * (S + F) * P / H_PH: blocks a day times reward over the network's PH/s.
    d, s, f, p = 140e12, 3.125, 0.03, 90_000
    h_ph = econ.network_hashrate_h_s(d) / 1e15
    assert hp_usd(d, s, f, p) == pytest.approx(144 * (s + f) * p / h_ph, rel=1e-12)
    btc = econ.hashprice_btc_per_ph_day(d, s, f)
    assert econ.energy_cost_usd_per_btc(17.5, 0.05, btc) == pytest.approx(24 * 17.5 * 0.05 / btc)


def test_site_pnl_corsicana_split():
    pnl = econ.site_pnl(
        mining_mw=400,
        ai_mw=600,
        difficulty=150e12,
        subsidy_btc=3.125,
        fees_btc_per_block=0.025,
        btc_price_usd=85_000,
        efficiency_j_per_th=20.5,
        power_price_usd_per_kwh=0.042,
        pue=1.3,
    )
    assert pnl.ai_it_mw == pytest.approx(460, rel=REL_1PCT)
    assert pnl.ai_capex_usd == pytest.approx(4.4e9, rel=REL_1PCT)
    assert pnl.mining_hashrate_ph_s == pytest.approx(400e6 / 20.5 / 1000)
    assert pnl.mining_power_cost_usd_per_day == pytest.approx(400_000 * 24 * 0.042)
    assert pnl.ai_revenue_usd_per_year == pytest.approx(600 / 1.3 * 1.85e6)


def test_lease_or_gpus_200_mw_it():
    common = dict(
        mining_mw=0,
        ai_mw=260,
        difficulty=150e12,
        subsidy_btc=3.125,
        fees_btc_per_block=0.025,
        btc_price_usd=85_000,
        efficiency_j_per_th=17.5,
        power_price_usd_per_kwh=0.045,
        pue=1.3,
    )
    lease = econ.site_pnl(ai_mode="colocation", **common)
    gpus = econ.site_pnl(ai_mode="gpu_cloud", gpu_utilisation=0.63, **common)
    assert lease.ai_revenue_usd_per_year == pytest.approx(370e6, rel=REL_1PCT)
    assert lease.ai_revenue_usd_per_year - lease.ai_opex_usd_per_day * 365 == pytest.approx(0.85 * 370e6)
    assert gpus.ai_revenue_usd_per_year == pytest.approx(1.9e9, rel=REL_1PCT)
    assert gpus.ai_gpu_capex_usd == pytest.approx(5.8e9, rel=REL_1PCT)


# --- Bitcoin Core rules -------------------------------------------------------------------------


def test_subsidy_follows_get_block_subsidy():
    assert halvings.subsidies_btc(0) == 50
    assert halvings.subsidies_btc(839_999) == 6.25
    assert halvings.subsidies_btc(840_000) == 3.125
    assert halvings.subsidies_btc(1_050_000) == 1.5625
    assert halvings.subsidies_btc(149, 150) == 50 and halvings.subsidies_btc(150, 150) == 25
    # Integer satoshi shifts: after 33 halvings the subsidy is 0 (5e9 >> 33 == 0), and zero from 64 on.
    assert halvings.subsidy_after_halvings_btc(32) == (5_000_000_000 >> 32) / 1e8 == 1e-8
    assert halvings.subsidy_after_halvings_btc(33) == 0
    assert halvings.subsidy_after_halvings_btc(64) == 0 and halvings.subsidy_after_halvings_btc(1000) == 0
    heights = np.array([0, 209_999, 210_000, 420_000, 630_000])
    assert halvings.subsidies_btc(heights).tolist() == [50, 50, 25, 12.5, 6.25]


def test_halving_schedule_and_countdown():
    assert halvings.halving_schedule(3) == [(0, 0, 50.0), (1, 210_000, 25.0), (2, 420_000, 12.5)]
    assert halvings.halving_schedule(2, 150) == [(0, 0, 50.0), (1, 150, 25.0)]
    assert halvings.blocks_until_halving(839_999) == 1
    assert halvings.blocks_until_halving(840_000) == 210_000
    assert halvings.blocks_until_halving(299, 150) == 1


def test_next_target_is_calculate_next_work_required():
    t = units.TARGET_TIMESPAN_S
    old = 0x00000000000000000003A30C0000000000000000000000000000000000000000
    assert retarget.next_target(old, t) == old
    assert retarget.next_target(old, t // 2) == old * (t // 2) // t
    assert retarget.next_target(old, 1) == old * (t // 4) // t  # clamped at T/4
    assert retarget.next_target(old, 100 * t) == old * (4 * t) // t  # clamped at 4T
    assert retarget.next_target(units.POW_LIMIT_MAINNET, 4 * t) == units.POW_LIMIT_MAINNET  # capped at the limit


def test_retarget_floor_is_difficulty_one():
    assert retarget.retarget_difficulty(1.5, 4 * units.TARGET_TIMESPAN_S) == 1.0


# --- invalid input names the parameter ----------------------------------------------------------


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: econ.hashprice_usd_per_ph_day(-1, 3.125, 0.02, 85_000), "difficulty"),
        (lambda: econ.hashprice_usd_per_ph_day(1e12, 60, 0.02, 85_000), "subsidy_btc"),
        (lambda: econ.hashprice_usd_per_ph_day(1e12, 3.125, np.nan, 85_000), "fees_btc_per_block"),
        (lambda: econ.hashprice_usd_per_ph_day(1e12, 3.125, 0.0, "lots"), "btc_price_usd"),
        (lambda: econ.hashcost_usd_per_ph_day(0, 0.05), "efficiency_j_per_th"),
        (lambda: econ.hashcost_usd_per_ph_day(17.5, [0.05, -0.01]), "power_price_usd_per_kwh"),
        (lambda: halvings.subsidies_btc(1.5), "height"),
        (lambda: econ.gpu_cloud_revenue_usd_per_kwh(2.2, 1.275, 1.5), "gpu_utilisation"),
        (
            lambda: econ.hashrate_exodus(
                share_leaving=1.0, difficulty=1e12, subsidy_btc=3.125, fees_btc_per_block=0, btc_price_usd=1
            ),
            "share_leaving",
        ),
        (
            lambda: econ.site_pnl(
                mining_mw=1,
                ai_mw=1,
                difficulty=1e12,
                subsidy_btc=3.125,
                fees_btc_per_block=0,
                btc_price_usd=1,
                efficiency_j_per_th=17.5,
                power_price_usd_per_kwh=0.05,
                pue=0.9,
            ),
            "pue",
        ),
        (
            lambda: econ.site_pnl(
                mining_mw=1,
                ai_mw=1,
                difficulty=1e12,
                subsidy_btc=3.125,
                fees_btc_per_block=0,
                btc_price_usd=1,
                efficiency_j_per_th=17.5,
                power_price_usd_per_kwh=0.05,
                ai_mode="mining",
            ),
            "ai_mode",
        ),
        (lambda: retarget.next_target(0, 100), "old_target"),
    ],
)
def test_invalid_input_raises_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_scalars_in_floats_out_and_arrays_broadcast():
    assert type(hp_usd(150e12, 3.125, 0.025, 85_000)) is float
    sweep = hp_usd(np.array([100e12, 150e12]), 3.125, 0.025, np.array([[60_000], [90_000]]))
    assert sweep.shape == (2, 2)
    assert sweep[1, 0] == pytest.approx(hp_usd(100e12, 3.125, 0.025, 90_000))


# --- properties ---------------------------------------------------------------------------------

difficulties = st.floats(1e9, 1e16)
subsidies = st.sampled_from([50.0, 25.0, 12.5, 6.25, 3.125, 1.5625, 0.78125])
fees = st.floats(0, 2)
prices = st.floats(1_000, 1e6)


@given(d=difficulties, factor=st.floats(1.001, 100), s=subsidies, f=fees, p=prices)
def test_hashprice_falls_as_difficulty_rises(d, factor, s, f, p):
    assert hp_usd(d * factor, s, f, p) < hp_usd(d, s, f, p)
    assert econ.hashprice_usd_per_ph_day(d * factor, s, f, p) * factor == pytest.approx(hp_usd(d, s, f, p), rel=1e-9)


@given(d=st.floats(1.0, 1e16), actual=st.floats(0, 1e9))
def test_retarget_stays_within_the_4x_clamp(d, actual):
    new = retarget.retarget_difficulty(d, actual)
    assert d / 4 * (1 - 1e-12) <= new or new == 1.0
    assert new <= d * 4 * (1 + 1e-12)
    assert new >= 1.0


@given(old=st.integers(1, units.POW_LIMIT_MAINNET), actual=st.integers(-(10**7), 10**9))
def test_integer_retarget_within_clamp_and_limit(old, actual):
    t = units.TARGET_TIMESPAN_S
    new = retarget.next_target(old, actual)
    assert new <= units.POW_LIMIT_MAINNET
    assert old * (t // 4) // t <= new <= max(old * 4, old * (4 * t) // t)


site_floats = dict(
    mining_mw=st.floats(0, 2000),
    ai_mw=st.floats(0, 2000),
    difficulty=difficulties,
    subsidy_btc=subsidies,
    fees_btc_per_block=fees,
    btc_price_usd=prices,
    efficiency_j_per_th=st.floats(5, 40),
    power_price_usd_per_kwh=st.floats(0, 0.2),
    mining_uptime=st.floats(0, 1),
    curtailment_credit_usd_per_mwh=st.floats(0, 200),
    ai_availability=st.floats(0.9, 1),
    gpu_utilisation=st.floats(0, 1),
    conversion_months=st.floats(0, 36),
)


@settings(max_examples=200)
@given(ai_mode=st.sampled_from(econ.AI_MODES), **site_floats)
def test_site_pnl_adds_up_across_the_split(ai_mode, **kwargs):
    pnl = econ.site_pnl(ai_mode=ai_mode, **kwargs)
    mining = econ.site_pnl(ai_mode=ai_mode, **{**kwargs, "ai_mw": 0.0})
    ai = econ.site_pnl(ai_mode=ai_mode, **{**kwargs, "mining_mw": 0.0})
    tol = dict(rel=1e-9, abs=1e-3)
    # The whole site is its mining part plus its AI part...
    assert pnl.profit_usd_per_day == pytest.approx(mining.profit_usd_per_day + ai.profit_usd_per_day, **tol)
    assert pnl.mining_profit_usd_per_day + pnl.ai_profit_usd_per_day == pytest.approx(pnl.profit_usd_per_day, **tol)
    # ...and on each side, revenue minus costs is profit.
    assert (
        pnl.mining_revenue_usd_per_day
        + pnl.mining_curtailment_credit_usd_per_day
        - pnl.mining_power_cost_usd_per_day
        - pnl.mining_capex_usd_per_day
        == pytest.approx(pnl.mining_profit_usd_per_day, **tol)
    )
    assert (
        pnl.ai_revenue_usd_per_day - pnl.ai_sla_penalty_usd_per_day - pnl.ai_opex_usd_per_day - pnl.ai_capex_usd_per_day
        == pytest.approx(pnl.ai_profit_usd_per_day, **tol)
    )
    assert pnl.revenue_usd_per_day - pnl.cost_usd_per_day == pytest.approx(pnl.profit_usd_per_day, **tol)
    assert pnl.profit_usd_per_year == pytest.approx(365 * pnl.profit_usd_per_day, **tol)
    # Year one loses the AI hall's operating result for the months of conversion.
    operating = (pnl.ai_revenue_usd_per_day - pnl.ai_sla_penalty_usd_per_day - pnl.ai_opex_usd_per_day) * 365
    lost = operating * (1 - pnl.ai_online_fraction_year_one)
    assert pnl.profit_usd_year_one == pytest.approx(pnl.profit_usd_per_year - lost, rel=1e-9, abs=1e-2)
    assert (
        0 <= pnl.ai_sla_penalty_usd_per_day <= pnl.ai_revenue_usd_per_day / max(kwargs["ai_availability"], 1e-9) + 1e-6
    )


def test_site_pnl_sweep_matches_pointwise():
    prices_usd = np.linspace(40_000, 150_000, 7)
    ai_mw = np.linspace(0, 1000, 5)[:, None]
    common = dict(
        mining_mw=1000 - ai_mw,
        difficulty=150e12,
        subsidy_btc=3.125,
        fees_btc_per_block=0.025,
        efficiency_j_per_th=17.5,
        power_price_usd_per_kwh=0.045,
    )
    sweep = econ.site_pnl(ai_mw=ai_mw, btc_price_usd=prices_usd, **common)
    assert sweep.profit_usd_per_day.shape == (5, 7)
    point = econ.site_pnl(ai_mw=250.0, btc_price_usd=prices_usd[3], **{**common, "mining_mw": 750.0})
    assert sweep.profit_usd_per_day[1, 3] == pytest.approx(point.profit_usd_per_day)


def test_downtime_below_the_sla_costs_a_penalty_and_mining_curtailment_does_not():
    base = dict(
        mining_mw=100,
        ai_mw=100,
        difficulty=150e12,
        subsidy_btc=3.125,
        fees_btc_per_block=0.025,
        btc_price_usd=85_000,
        efficiency_j_per_th=17.5,
        power_price_usd_per_kwh=0.045,
    )
    full = econ.site_pnl(**base)
    down = econ.site_pnl(ai_availability=0.999, **base)
    assert full.ai_sla_penalty_usd_per_day == 0
    gross = full.ai_revenue_usd_per_day
    assert down.ai_sla_penalty_usd_per_day == pytest.approx(10 * gross * (0.99982 - 0.999))
    curtailed = econ.site_pnl(mining_uptime=0.9, curtailment_credit_usd_per_mwh=50, **base)
    assert curtailed.mining_power_cost_usd_per_day == pytest.approx(0.9 * full.mining_power_cost_usd_per_day)
    assert curtailed.mining_curtailment_credit_usd_per_day == pytest.approx(100 * 24 * 0.1 * 50)
    assert curtailed.ai_profit_usd_per_day == full.ai_profit_usd_per_day


def test_conversion_time_delays_ai_income_in_year_one():
    base = dict(
        mining_mw=0,
        ai_mw=130,
        difficulty=150e12,
        subsidy_btc=3.125,
        fees_btc_per_block=0.025,
        btc_price_usd=85_000,
        efficiency_j_per_th=17.5,
        power_price_usd_per_kwh=0.045,
    )
    now = econ.site_pnl(conversion_months=0, **base)
    later = econ.site_pnl(conversion_months=6, **base)
    assert later.ai_online_fraction_year_one == 0.5
    assert now.profit_usd_year_one == pytest.approx(now.profit_usd_per_year)
    operating = (now.ai_revenue_usd_per_day - now.ai_opex_usd_per_day) * 365
    assert later.profit_usd_year_one == pytest.approx(now.profit_usd_per_year - operating / 2)


def test_rental_attack_cost_is_the_crypto51_method():
    h = econ.network_hashrate_h_s(150e12)
    assert attack_cost.attack_cost_rental_usd_per_hour(h, 40.0) == pytest.approx(h / 1e15 * 40 / 24)
    assert attack_cost.attack_cost_rental_usd_per_hour(h * 0.7, 40.0) == pytest.approx(
        0.7 * attack_cost.attack_cost_rental_usd_per_hour(h, 40.0)
    )


def test_exodus_mid_period_and_beyond_the_clamp():
    common = dict(difficulty=100e12, subsidy_btc=3.125, fees_btc_per_block=0.0, btc_price_usd=85_000)
    half = econ.hashrate_exodus(share_leaving=0.3, blocks_into_period=1008, **common)
    actual_s = 1008 * 600 + 1008 * 600 / 0.7
    assert half.blocks_until_retarget == 1008
    assert half.new_difficulty == pytest.approx(100e12 * 2016 * 600 / actual_s)
    assert half.hours_until_retarget == pytest.approx(1008 * 600 / 0.7 / 3600)
    # 80% leaving would need a 5x drop; pow.cpp clamps the timespan at 4T, so difficulty falls only 4x.
    most = econ.hashrate_exodus(share_leaving=0.8, **common)
    assert most.new_difficulty == pytest.approx(25e12)
    with pytest.raises(ValueError, match="blocks_into_period"):
        econ.hashrate_exodus(share_leaving=0.3, blocks_into_period=2016, **common)
