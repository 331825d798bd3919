"""Lesson events computed from what the window already receives (block headers, the capacity
split, the AI runner's reports, the scenario's values), and the steps they advance.

Events carry this run's numbers; the window words them ("retarget at 48: the last 24 blocks took
2.7 s on average against 5 s, so the difficulty rose x1.85"). A step advances when the event it
waits for arrives while it is the current step, or when it becomes current if that event (one
that happens once: cores moved to AI, the exodus's retarget, the SLA penalty) already happened;
the teacher can also step by hand.

The crossover is the conversion decision (engine.economy.conversion): on the first block of each
lab halving era the scenario's site weighs keeping 1 MW mining against converting it, in that
halving's world; the event is the first era whose verdict is "convert" when the start's was "keep".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.economy.conversion import CONVERT, KEEP, ConversionDecision, conversion_decision
from engine.lesson.figures import TODAY_SUBSIDY_BTC, halving_real_year, world_subsidy_btc
from engine.primitives.params import (
    LESSON_HALVING_INTERVAL,
    LESSON_RETARGET_INTERVAL,
    LESSON_TARGET_SPACING_S,
    ConsensusParams,
)
from engine.primitives.pow import retargets_at

FIRST_BLOCK, RETARGET, AI_MOVED, EXODUS_RETARGET, HALVING, SLA_PENALTY, CROSSOVER = (
    "first_block",
    "retarget",
    "ai_moved",
    "exodus_retarget",
    "halving",
    "sla_penalty",
    "crossover",
)


# Events that happen once and complete their step even when they came before it: the move to AI,
# the exodus's retarget, the penalty. The crossover is not among them: its step is the lesson's
# climax and stays on screen (with the block and figures of the flip) until the teacher moves on.
ONCE_BEFORE = (AI_MOVED, EXODUS_RETARGET, SLA_PENALTY)


@dataclass(frozen=True)
class Step:
    """One step of the lesson; its words live in the window (translated), keyed by `key`."""

    key: str
    waits_for: str | None  # the event kind that completes it; None: the teacher moves on by hand


STEPS: tuple[Step, ...] = (
    Step("start", FIRST_BLOCK),
    Step("retarget", RETARGET),
    Step("move_to_ai", AI_MOVED),
    Step("exodus", EXODUS_RETARGET),
    Step("halving", HALVING),
    Step("take_back", SLA_PENALTY),
    Step("crossover", CROSSOVER),
    Step("wrap_up", None),
)


@dataclass(frozen=True)
class LessonEvent:
    kind: str
    height: int | None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Block:
    time: int
    difficulty: float
    subsidy_btc: float


class LessonTracker:
    """Turns the window's inputs into lesson events, once each, and moves the current step."""

    def __init__(
        self,
        retarget_interval: int = LESSON_RETARGET_INTERVAL,
        halving_interval: int = LESSON_HALVING_INTERVAL,
        target_spacing_s: float = LESSON_TARGET_SPACING_S,
    ):
        self.set_consensus(retarget_interval, halving_interval, target_spacing_s)
        self.blocks: dict[int, _Block] = {}
        self.events: list[LessonEvent] = []
        self.step_index = 0
        self.move_height: int | None = None  # tip when cores first went to AI
        self.ai_slots = 0
        self._seen: set[tuple[str, int | None]] = set()
        self.scenario_subsidy_btc = TODAY_SUBSIDY_BTC  # the world's subsidy at the lab's start
        self.decisions: dict[int, ConversionDecision] = {}  # lab halving era -> its conversion decision
        self._penalty_usd = 0.0

    def set_consensus(self, retarget_interval: int, halving_interval: int, target_spacing_s: float) -> None:
        for name, value in (("retarget_interval", retarget_interval), ("halving_interval", halving_interval)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
        if not target_spacing_s > 0:
            raise ValueError(f"target_spacing_s must be > 0, got {target_spacing_s!r}")
        self.retarget_interval, self.halving_interval = retarget_interval, halving_interval
        self.target_spacing_s = float(target_spacing_s)

    # --- steps -------------------------------------------------------------------------------
    @property
    def step(self) -> Step:
        return STEPS[self.step_index]

    def next(self) -> None:
        self.step_index = min(self.step_index + 1, len(STEPS) - 1)
        # a step whose once-only event came before it (cores moved to AI during step 1) is done
        while self.step.waits_for in ONCE_BEFORE and self.first(self.step.waits_for) is not None:
            self.step_index = min(self.step_index + 1, len(STEPS) - 1)

    def previous(self) -> None:
        self.step_index = max(self.step_index - 1, 0)

    def _emit(self, event: LessonEvent, out: list[LessonEvent]) -> None:
        key = (event.kind, event.height if event.kind in (RETARGET, HALVING) else None)  # the rest: once
        if key in self._seen:
            return
        self._seen.add(key)
        self.events.append(event)
        out.append(event)
        kinds = {event.kind} | ({RETARGET} if event.kind == EXODUS_RETARGET else set())
        if self.step.waits_for in kinds:
            self.next()

    def first(self, kind: str) -> LessonEvent | None:
        return next((e for e in self.events if e.kind == kind), None)

    def of_kind(self, kind: str) -> list[LessonEvent]:
        return [e for e in self.events if e.kind == kind]

    @property
    def tip(self) -> int | None:
        return max(self.blocks) if self.blocks else None

    # --- inputs ------------------------------------------------------------------------------
    def on_blocks(self, rows: Sequence[Any]) -> list[LessonEvent]:
        """Block rows (height, time, difficulty, subsidy_btc), oldest first; a row at a known
        height replaces it (a reorg). Returns the new events."""
        out: list[LessonEvent] = []
        for r in sorted(rows, key=lambda r: r.height):
            self.blocks[r.height] = _Block(int(r.time), float(r.difficulty), float(r.subsidy_btc))
        for r in sorted(rows, key=lambda r: r.height):
            h = r.height
            if h >= 1:
                self._emit(LessonEvent(FIRST_BLOCK, None, {"height": h}), out)
            if h > 0 and h % self.retarget_interval == 0:
                retarget = self._retarget(h)
                if retarget is not None:
                    self._emit(LessonEvent(RETARGET, h, retarget), out)
                    if self.move_height is not None and h - self.move_height > self.retarget_interval // 2:
                        self._emit(
                            LessonEvent(
                                EXODUS_RETARGET,
                                None,
                                dict(retarget, height=h, moved_at=self.move_height, ai_slots=self.ai_slots),
                            ),
                            out,
                        )
            prev = self.blocks.get(h - 1)
            if h > 0 and prev is not None and float(r.subsidy_btc) < prev.subsidy_btc:
                halvings = h // self.halving_interval
                world = self.scenario_subsidy_btc
                self._emit(
                    LessonEvent(
                        HALVING,
                        h,
                        {
                            "before_btc": prev.subsidy_btc,
                            "after_btc": float(r.subsidy_btc),
                            "halvings": halvings,
                            "real_year": halving_real_year(halvings, world),
                            # the lab pays 50 BTC at its start, the world the scenario's subsidy
                            "world_before_btc": world_subsidy_btc(halvings - 1, world),
                            "world_after_btc": world_subsidy_btc(halvings, world),
                        },
                    ),
                    out,
                )
        return out

    def _retarget(self, h: int) -> dict[str, float] | None:
        """pow.cpp CalculateNextWorkRequired: the window is blocks h-interval .. h-1 (Core measures
        pindexLast - pindexFirst, interval - 1 gaps), compared with interval * spacing.

        `mean_interval_s` is the real mean of those gaps; `core_interval_s` is Core's figure, the
        timespan / interval the retarget compares with the target spacing (one gap short)."""
        params = ConsensusParams(retarget_interval=self.retarget_interval, no_retargeting=False)
        if not retargets_at(h, params):
            return None  # the lab skips the first window, which starts at the 2011 genesis (engine/primitives/pow.py)
        first, last, new = self.blocks.get(h - self.retarget_interval), self.blocks.get(h - 1), self.blocks.get(h)
        if first is None or last is None or new is None or last.difficulty <= 0:
            return None
        before = last  # the difficulty before the retarget: the window's last block's
        span_s = max(last.time - first.time, 0)
        return {
            "window_s": float(span_s),
            "mean_interval_s": span_s / max(self.retarget_interval - 1, 1),
            "core_interval_s": span_s / self.retarget_interval,
            "target_s": self.target_spacing_s,
            "factor": new.difficulty / before.difficulty,
            "difficulty_before": before.difficulty,
            "difficulty_after": new.difficulty,
        }

    def on_allocation(self, ai_slots: int, total_cores: int) -> list[LessonEvent]:
        out: list[LessonEvent] = []
        self.ai_slots = int(ai_slots)
        if ai_slots > 0 and self.move_height is None:
            self.move_height = self.tip or 0
            self._emit(
                LessonEvent(AI_MOVED, self.move_height, {"ai_slots": int(ai_slots), "total_cores": int(total_cores)}),
                out,
            )
        return out

    def on_ai_report(self, report: Any) -> list[LessonEvent]:
        """engine.ai.billing.AIReport: the first penalty (cores taken back from a leased tenant)."""
        out: list[LessonEvent] = []
        penalty = float(report.sla_penalty_usd)
        if penalty > 0 and self._penalty_usd == 0:
            self._emit(
                LessonEvent(
                    SLA_PENALTY,
                    self.tip,
                    {
                        "sla_availability": float(report.sla_availability),
                        "availability": float(report.availability),
                        "downtime_slot_s": float(report.downtime_slot_s),
                        "contracted_slot_s": float(report.contracted_slot_s),
                        "penalty_usd": penalty,
                        "billed_usd": float(report.billed_usd),
                        "jobs_interrupted": int(report.jobs_interrupted),
                    },
                ),
                out,
            )
        self._penalty_usd = max(self._penalty_usd, penalty)
        return out

    def set_scenario(self, values: Mapping[str, float]) -> None:
        """The scenario the lab's world is read in (its subsidy names the real halvings' years)."""
        subsidy = float(values.get("subsidy_btc", TODAY_SUBSIDY_BTC))
        if subsidy > 0:
            self.scenario_subsidy_btc = subsidy

    @property
    def start_verdict(self) -> str | None:
        start = self.decisions.get(min(self.decisions)) if self.decisions else None
        return start.verdict if start else None

    def on_economics(
        self, values: Mapping[str, float], start_difficulty: float, ai_mode: str = "colocation"
    ) -> list[LessonEvent]:
        """The conversion decision on the first block seen of each lab halving era, in that era's
        world (the scenario's subsidy halved once per lab halving, its difficulty scaled by the lab
        chain's ratio to its start at that block). The crossover: the first era whose verdict is
        "convert" when the first decision's was "keep"; none when converting already won at the
        start (the preset says why)."""
        out: list[LessonEvent] = []
        tip = self.tip
        if tip is None or tip < 1 or not start_difficulty > 0:
            return out
        self.set_scenario(values)
        tip_era = tip // self.halving_interval
        # every era since the last decision, each at its first block (blocks may come in a batch)
        first_era = max(self.decisions) + 1 if self.decisions else tip_era
        for era in range(first_era, tip_era + 1):
            height = max(era * self.halving_interval, 1)
            at = height if height in self.blocks else tip
            ratio = self.blocks[at].difficulty / start_difficulty
            decision = conversion_decision(values, era, ratio, ai_mode)
            self.decisions[era] = decision
            if self.start_verdict == KEEP and decision.verdict == CONVERT:
                self._emit(LessonEvent(CROSSOVER, at, dict(decision.as_dict(), height=at, difficulty_ratio=ratio)), out)
        return out
