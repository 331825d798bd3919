"""The lab's figures (engine/lab_figures.py): each block figure speaks for a named block, the first
retarget window is skipped as the consensus rule skips it, the SLA is the run's, and the mean
time between blocks is the real mean of the gaps."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from engine.lab_figures import blocks_found_at, chain_figures, lab_facts, mean_gap_s, sla_figures
from engine.primitives.params import ConsensusParams
from engine.primitives.pow import difficulty_from_bits, next_retarget_height, next_work_required, retargets_at

LESSON = ConsensusParams(
    halving_interval=48, target_spacing_s=5, retarget_interval=24, no_retargeting=False, start_bits=0x1E0FFFFF
)


def info(height: int, difficulty: float = 0.0418, **extra) -> dict:
    return {
        "chain": "lab",
        "blocks": height,
        "bestblockhash": "ab" * 32,
        "difficulty": difficulty,
        "consensus": LESSON.to_consensus(),
        **extra,
    }


def test_the_reward_is_the_tips_and_the_next_block_is_labelled():
    f = chain_figures(info(95), tip_time=1000, now_s=1010)
    # block 95 paid 25 BTC (one halving at 48); block 96 is the second halving
    assert (f["reward_btc"], f["reward_block"]) == (25.0, 95)
    assert f["next_reward_btc"] == 12.5
    assert (f["next_halving_height"], f["halving_in_blocks"]) == (96, 1)
    assert (f["difficulty"], f["difficulty_block"]) == (0.0418, 95)
    assert f["last_block_age_s"] == 10


def test_at_height_0_the_figures_speak_for_block_1_not_the_2011_genesis():
    genesis_time = 1296688602
    f = chain_figures(info(0, difficulty=4.656542373906925e-10, time=genesis_time), tip_time=None, now_s=2e9)
    assert f["difficulty"] == pytest.approx(difficulty_from_bits(LESSON.start_bits))
    assert f["difficulty_block"] == 1 and f["reward_block"] == 1 and f["reward_btc"] == 50.0
    assert f["last_block_age_s"] is None


@pytest.mark.parametrize(
    "height, retarget_at",
    [(0, 48), (1, 48), (23, 48), (24, 48), (47, 48), (48, 72), (95, 96)],
)
def test_the_next_retarget_skips_the_first_window_as_the_rule_does(height, retarget_at):
    f = chain_figures(info(height), tip_time=None, now_s=0)
    assert (f["next_retarget_height"], f["retarget_in_blocks"]) == (retarget_at, retarget_at - height)
    # one home: the height it names is the first above the tip where next_work_required moves the bits
    for h in range(height + 1, retarget_at + 1):
        bits = next_work_required(h, 0x1E0FFFFF, 1000, 1001, lambda _h: 0, LESSON)
        assert (bits != 0x1E0FFFFF) == (h == retarget_at) or h == 1, h
        assert retargets_at(h, LESSON) == (h == retarget_at)


def test_regtest_never_retargets():
    regtest = ConsensusParams()
    assert next_retarget_height(5000, regtest) is None
    f = chain_figures({"chain": "regtest", "blocks": 3, "difficulty": 4.6e-10}, tip_time=None, now_s=0)
    assert f["retargets"] is False and f["retarget_in_blocks"] is None


def test_mean_gap_is_the_real_mean_not_core_timespan_over_interval():
    gaps = [12, 13] * 11 + [14]  # 23 gaps of a 24-block window
    assert mean_gap_s(sum(gaps), len(gaps)) == pytest.approx(sum(gaps) / 23)
    assert mean_gap_s(sum(gaps), len(gaps)) != pytest.approx(sum(gaps) / 24)
    assert mean_gap_s(0.0, 0) is None


def report(**kw):
    base = dict(
        sla_availability=0.99982,
        availability=0.95405,
        contracted_slot_s=1000.0,
        downtime_slot_s=45.95,
        jobs_interrupted=3,
        jobs_done=120,
        billed_usd=5000.0,
        sla_penalty_usd=24789.0,
        net_usd=-19789.0,
        gflop_s=12.5,
        gflop_s_per_slot=6.2,
    )
    return SimpleNamespace(**{**base, **kw})


def test_sla_figures_are_the_runs_latest_report():
    f = sla_figures(report())
    assert f["sla_penalty_usd"] == 24789.0 and f["sla_delivered"] == 0.95405 and f["sla_requests_cut"] == 3
    assert f["sla_downtime_core_s"] == 45.95 and f["sla_promised"] == 0.99982
    assert sla_figures(None)["sla_penalty_usd"] == 0.0


def test_lab_facts_is_one_plain_dict():
    import json

    facts = lab_facts(
        info(95),
        tip_time=1000,
        gap_sum_s=50.0,
        gaps=10,
        now_s=1001,
        node_state="running",
        blocks_found=7,
        hashrate_hs=1e6,
        mining_slots=1,
        ai_slots=1,
        total_cores=2,
        ai_report=report(),
        ai_usd_per_core_s=18.6,
    )
    assert json.loads(json.dumps(facts)) == facts
    for key in ("sla_penalty_usd", "difficulty", "height", "blocks_found", "reward_btc", "ai_usd_per_core_s"):
        assert key in facts
    assert facts["mean_block_interval_s"] == 5.0 and facts["blocks_found"] == 7


def test_blocks_found_are_counted_up_to_the_height_the_cards_speak_for():
    # the wallet saw block 81 (its scan's tip) before getblockchaininfo did: 80 found at height 80
    assert blocks_found_at(80, 81, range(1, 82)) == 80
    assert blocks_found_at(80, 3, (5, 40, 80)) == 3
    assert blocks_found_at(80, 0, ()) == 0
    assert blocks_found_at(None, 4, (1, 2, 3, 4)) == 4 and blocks_found_at(80, None, ()) is None
