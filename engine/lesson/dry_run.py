"""A lesson walked through without mining: a lesson-pace chain's heights fed to the tracker with
blocks exactly on the target spacing (so retargets leave the difficulty as it is), the teacher
acting as soon as a step asks (cores moved to AI, then taken back with a penalty), and the
scenario's conversion decision on each lab halving. It tells, before class, at which block each
step fires and where the crossover falls, or why there is none (`mine2compute lesson --dry-run`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from engine.economy.conversion import first_convert, why_never
from engine.lesson import tracker as t
from engine.primitives.params import (
    LESSON_HALVING_INTERVAL,
    LESSON_MINUTES,
    LESSON_RETARGET_INTERVAL,
    LESSON_TARGET_SPACING_S,
)
from engine.primitives.subsidy import subsidy_after_halvings_sat

_START_TIME = 1_700_000_000


@dataclass(frozen=True)
class _Row:
    height: int
    time: int
    difficulty: float
    subsidy_btc: float


def _penalty_report() -> Any:
    """What the AI runner reports when the teacher takes cores back from a leased tenant."""
    return SimpleNamespace(
        sla_penalty_usd=1.0,
        sla_availability=0.99982,
        availability=0.99,
        downtime_slot_s=1.0,
        contracted_slot_s=100.0,
        billed_usd=10.0,
        jobs_interrupted=1,
    )


def dry_run(
    values: Mapping[str, float],
    ai_mode: str = "colocation",
    blocks: int | None = None,
    retarget_interval: int = LESSON_RETARGET_INTERVAL,
    halving_interval: int = LESSON_HALVING_INTERVAL,
    target_spacing_s: int = LESSON_TARGET_SPACING_S,
    why_never_note: str = "",
) -> dict[str, Any]:
    """The lesson's heights: halvings, retargets, each step's block and the crossover (JSON-ready)."""
    if blocks is None:
        blocks = LESSON_MINUTES * 60 // target_spacing_s
    if isinstance(blocks, bool) or not isinstance(blocks, int) or blocks < 1:
        raise ValueError(f"blocks must be a whole number >= 1, got {blocks!r}")
    tracker = t.LessonTracker(retarget_interval, halving_interval, target_spacing_s)
    reached = {t.STEPS[0].key: 0}
    fired: dict[str, int] = {}
    for h in range(blocks + 1):
        sats = subsidy_after_halvings_sat(h // halving_interval)
        before = tracker.step_index
        tracker.on_blocks([_Row(h, _START_TIME + h * target_spacing_s, 1.0, sats / 1e8)])
        tracker.on_economics(values, 1.0, ai_mode)
        if tracker.step.key == "move_to_ai":  # the teacher moves half the cores at once
            tracker.on_allocation(1, 2)
        if tracker.step.key == "take_back":  # and takes them back, paying the tenant's penalty
            tracker.on_ai_report(_penalty_report())
        if tracker.step.key == "crossover" and tracker.first(t.CROSSOVER) is not None:
            tracker.next()  # the flip is on screen (now, or recorded earlier): the teacher moves on
        for i in range(before, tracker.step_index):
            fired.setdefault(t.STEPS[i].key, h)
            reached.setdefault(t.STEPS[i + 1].key, h)
    crossover_event = tracker.first(t.CROSSOVER)
    steps = []
    for number, step in enumerate(t.STEPS, 1):
        height = fired.get(step.key)
        if step.waits_for is None:
            height = reached.get(step.key)
        steps.append(
            {
                "number": number,
                "key": step.key,
                "waits_for": step.waits_for,
                "reached": reached.get(step.key),
                "height": height,
            }
        )
    k, rows = first_convert(values, max_halvings=max(4, blocks // halving_interval), ai_mode=ai_mode)
    if crossover_event is not None:
        crossover: dict[str, Any] = dict(crossover_event.data)
        crossover["height"] = crossover_event.height
    elif k is not None:  # the verdict flips, but after the heights walked
        crossover = {
            "height": None,
            "why_never": f"the walk ends at block {blocks}, before the flip at lab halving {k} "
            f"(block {k * halving_interval})",
        }
    else:
        crossover = {"height": None, "why_never": (why_never_note + " " if why_never_note else "") + why_never(rows)}
    halvings = list(range(halving_interval, blocks + 1, halving_interval))
    # the lab skips the first window, which starts at the 2011 genesis (engine/primitives/pow.py)
    retargets = list(range(2 * retarget_interval, blocks + 1, retarget_interval))
    return {
        "blocks": blocks,
        "pace": {
            "target_spacing_s": target_spacing_s,
            "retarget_interval": retarget_interval,
            "halving_interval": halving_interval,
            "minutes": blocks * target_spacing_s / 60,
        },
        "halving_heights": halvings,
        "retarget_heights": retargets,
        "halvings_on_retargets": sorted(set(halvings) & set(retargets)),
        "steps": steps,
        "crossover": crossover,
        "decisions": [r.as_dict() for r in rows[: len(halvings) + 1]],
        "assumptions": "blocks exactly on the target spacing (difficulty unchanged); the teacher moves half "
        "the cores to AI and takes them back as soon as the step asks",
    }
