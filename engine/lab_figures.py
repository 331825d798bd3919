"""The lab's figures, each worked out once, from what the window receives (getblockchaininfo, the
blocks it shows, the miner's stats, the core split, the AI runner's report, the wallet's count of
blocks mined, the scenario): `lab_facts(...)` returns them as one plain dict, which every card,
tab, chart, worksheet and export (and `snapshot --facts`) reads through the window's LabState.

Each block figure says which block it speaks for: the tip's difficulty and reward (`*_block`), the
next block's reward and the next halving or retarget labelled as such. At height 0 the tip is the
2011 genesis: its difficulty and time say nothing about this lab, so the figures speak for block 1
(the chain's start difficulty) and there is no "last block" age.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.primitives.params import ConsensusParams
from engine.primitives.pow import difficulty_from_bits, next_retarget_height
from engine.primitives.subsidy import COIN, block_subsidy_sat


def block_reward_btc(height: int, params: ConsensusParams) -> float:
    """The subsidy of the block at `height` in BTC (validation.cpp GetBlockSubsidy): the one
    reward figure the cards, the facts and the chain's rows (gui/chain/service.py) show."""
    return block_subsidy_sat(height, params) / COIN


def chain_figures(info: Mapping[str, Any], tip_time: int | None, now_s: float) -> dict[str, Any]:
    """Height, difficulty, reward, next halving and retarget, the last block's age, from
    getblockchaininfo (its `consensus` object: our node's extension; Core's regtest without it)."""
    if not info:
        return {"height": None}
    params = ConsensusParams.from_consensus(info.get("consensus"))
    height = int(info["blocks"])
    tip_time = info.get("time") or tip_time  # getblockchaininfo's tip time (Core 23+), else the last row's
    if height == 0:
        # the genesis (2011, regtest bits): block 1 is the first block of this lab
        difficulty, difficulty_block = difficulty_from_bits(params.start_bits), 1
        reward_block, age = 1, None
    else:
        difficulty, difficulty_block = float(info["difficulty"]), height
        reward_block = height
        age = None if tip_time is None else max(0.0, now_s - tip_time)
    halving = params.halving_interval
    next_halving = (height // halving + 1) * halving
    retarget = next_retarget_height(height, params)
    return {
        "chain": info.get("chain"),
        "height": height,
        "tip_hash": info.get("bestblockhash"),
        "target_spacing_s": params.target_spacing_s,
        "last_block_age_s": age,
        "difficulty": difficulty,
        "difficulty_block": difficulty_block,
        "retargets": not params.no_retargeting,
        "retarget_interval": params.retarget_interval,
        "next_retarget_height": retarget,
        "retarget_in_blocks": None if retarget is None else retarget - height,
        "reward_btc": block_reward_btc(reward_block, params),
        "reward_block": reward_block,
        "next_reward_btc": block_reward_btc(height + 1, params),
        "halving_interval": halving,
        "halvings": height // halving,
        "next_halving_height": next_halving,
        "halving_in_blocks": next_halving - height,
    }


def mean_gap_s(gap_sum_s: float, gaps: int) -> float | None:
    """The real mean of the gaps between blocks: their sum over their number (not Core's
    timespan / interval, which divides interval - 1 gaps by interval)."""
    return gap_sum_s / gaps if gaps > 0 else None


def blocks_found_at(height: int | None, blocks_mined: int | None, mined_heights: Sequence[int]) -> int | None:
    """The blocks this lab found on the chain up to `height`, the tip the cards speak for: the
    wallet's mined coinbases on the active chain (`blocks_mined`, at `mined_heights`) less those
    above it. The wallet reads the chain on its own thread (scantxoutset's tip, newer than the
    getblockchaininfo the height comes from), so its count can include a block the height does
    not yet: 81 found at height 80."""
    if blocks_mined is None or height is None:
        return blocks_mined
    return blocks_mined - sum(1 for h in mined_heights if h > height)


def sla_figures(report: Any) -> dict[str, Any]:
    """The AI tenant's contract over the whole run, from the runner's latest (cumulative) report
    (engine.ai.billing.AIReport): promised and delivered uptime, core-seconds contracted and taken
    back, requests cut short, billed, penalty, net. Zeros before the first report."""
    if report is None:
        return {
            "sla_promised": None,
            "sla_delivered": 1.0,
            "sla_contracted_core_s": 0.0,
            "sla_downtime_core_s": 0.0,
            "sla_requests_cut": 0,
            "ai_requests_done": 0,
            "ai_billed_usd": 0.0,
            "sla_penalty_usd": 0.0,
            "ai_net_usd": 0.0,
            "ai_gflop_s": None,
            "ai_gflop_s_per_core": None,
        }
    return {
        "sla_promised": float(report.sla_availability),
        "sla_delivered": float(report.availability),
        "sla_contracted_core_s": float(report.contracted_slot_s),
        "sla_downtime_core_s": float(report.downtime_slot_s),
        "sla_requests_cut": int(report.jobs_interrupted),
        "ai_requests_done": int(report.jobs_done),
        "ai_billed_usd": float(report.billed_usd),
        "sla_penalty_usd": float(report.sla_penalty_usd),
        "ai_net_usd": float(report.net_usd),
        # measured, not priced: the work this computer's cores did
        "ai_gflop_s": float(report.gflop_s),
        "ai_gflop_s_per_core": float(report.gflop_s_per_slot),
    }


def sla_terms(facts: Mapping[str, Any]) -> dict[str, Any] | None:
    """The run's SLA from the facts, in the terms the lesson words it with (the keys of its
    SLA_PENALTY event: engine.lesson.tracker), or None while no penalty is due."""
    if not facts.get("sla_penalty_usd"):
        return None
    return {
        "sla_availability": facts["sla_promised"],
        "availability": facts["sla_delivered"],
        "downtime_slot_s": facts["sla_downtime_core_s"],
        "contracted_slot_s": facts["sla_contracted_core_s"],
        "penalty_usd": facts["sla_penalty_usd"],
        "billed_usd": facts["ai_billed_usd"],
        "jobs_interrupted": facts["sla_requests_cut"],
    }


def lab_facts(
    info: Mapping[str, Any],
    *,
    tip_time: int | None,
    gap_sum_s: float,
    gaps: int,
    now_s: float,
    node_state: str,
    blocks_found: int | None,
    mined_heights: Sequence[int] = (),
    class_blocks: int | None = None,
    hashrate_hs: float,
    mining_slots: int,
    ai_slots: int,
    total_cores: int,
    ai_report: Any,
    ai_usd_per_core_s: float | None,
    scenario: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """Every figure the window shows, in one plain dict (JSON-ready); `blocks_found` is the
    wallet's count, `mined_heights` the heights of those blocks (blocks_found_at), or, for a window
    that mines through a class pool as a student, `class_blocks`: the blocks that pool credits to the
    student's name (its per-worker statistics, the teacher's Class tab row; the pool pays the
    teacher's wallet, so the student's wallet has none of them); `scenario` the
    Economics tab's values (their `decision_horizon_months`: the horizon its chart and the
    lesson's keep-or-convert verdict are both taken over)."""
    horizon = (scenario or {}).get("decision_horizon_months")
    chain = chain_figures(info, tip_time, now_s)
    return {
        "node_state": node_state,
        **chain,
        "mean_block_interval_s": mean_gap_s(gap_sum_s, gaps),
        "block_intervals": int(gaps),
        "blocks_found": (
            class_blocks if class_blocks is not None else blocks_found_at(chain["height"], blocks_found, mined_heights)
        ),
        "blocks_found_by": "class pool" if class_blocks is not None else "wallet",
        "hashrate_hs": float(hashrate_hs),
        "mining_cores": int(mining_slots),
        "ai_cores": int(ai_slots),
        "total_cores": int(total_cores),
        "ai_usd_per_core_s": ai_usd_per_core_s,
        "decision_horizon_months": None if horizon is None else int(round(float(horizon))),
        **sla_figures(ai_report),
    }
