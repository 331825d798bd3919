"""The numbers of the worksheet's answer key, from this run's events (engine.lesson.tracker) and
the scenario's values, in the lab's world (engine.lesson.figures).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.lesson.figures import hashprice_usd, lab_world_values, mining_vs_ai
from engine.lesson.tracker import CROSSOVER, HALVING, RETARGET, SLA_PENALTY, LessonTracker


def answer_key(
    tracker: LessonTracker,
    values: Mapping[str, float] | None,
    start_difficulty: float | None,
    sla: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the worksheet's key needs: retargets (height, mean interval, Core's interval,
    factor, difficulty before/after), halvings (height, the lab's and the world's subsidy
    before/after, real year, hashprice before/after in the lab's world), the conversion decisions
    and their flip, mining vs AI per MW-year at the tip, and the SLA penalty if one was paid: `sla`,
    the whole run's (engine.lab_figures.sla_terms of the window's lab state), else the tracker's
    first report."""
    retargets = [
        {
            "height": e.height,
            "mean_interval_s": e.data["mean_interval_s"],  # the real mean of the window's gaps
            "core_interval_s": e.data["core_interval_s"],  # Core's timespan / interval, what the retarget uses
            "target_s": e.data["target_s"],
            "factor": e.data["factor"],
            "difficulty_before": e.data["difficulty_before"],
            "difficulty_after": e.data["difficulty_after"],
        }
        for e in tracker.of_kind(RETARGET)
    ]
    halvings = []
    for e in tracker.of_kind(HALVING):
        assert e.height is not None  # a halving event is at a height (LessonTracker.on_block)
        row = {
            "height": e.height,
            "before_btc": e.data["before_btc"],
            "after_btc": e.data["after_btc"],
            "real_year": e.data["real_year"],
            "world_before_btc": e.data["world_before_btc"],
            "world_after_btc": e.data["world_after_btc"],
            "hashprice_before": None,
            "hashprice_after": None,
        }
        before, after = tracker.blocks.get(e.height - 1), tracker.blocks.get(e.height)
        if values is not None and start_difficulty and before is not None and after is not None:
            row["hashprice_before"] = hashprice_usd(
                lab_world_values(values, e.height - 1, before.difficulty, start_difficulty, tracker.halving_interval)
            )
            row["hashprice_after"] = hashprice_usd(
                lab_world_values(values, e.height, after.difficulty, start_difficulty, tracker.halving_interval)
            )
        halvings.append(row)
    now = None
    tip = tracker.tip
    if values is not None and start_difficulty and tip is not None:
        now = mining_vs_ai(values, tip, tracker.blocks[tip].difficulty, start_difficulty, tracker.halving_interval)
    first_sla = tracker.first(SLA_PENALTY)
    if sla is None and first_sla is not None:
        sla = first_sla.data
    crossover = tracker.first(CROSSOVER)
    return {
        # the conversion decision taken at each lab halving era (engine.economy.conversion), and its flip
        "decisions": [d.as_dict() for _, d in sorted(tracker.decisions.items())],
        "crossover": crossover.data if crossover else None,
        "retargets": retargets,
        "halvings": halvings,
        "now": now,
        "sla": dict(sla) if sla else None,
        "blocks": tip or 0,
    }
