"""The AI tenant's billing: the price of a core-second of work, from the scenario's AI revenue
and the site's MW per core (BillingRate), the Ledger that bills finished jobs and counts SLA
downtime, and the AIReport it gives. The compute is in engine.ai.jobs.

The Ledger's cumulative books (`Ledger.books()`: requests, work, bill, contract and downtime) are
what the SLA figures are worked out of; `save_books`/`load_books` keep them in a small JSON file
beside the lab's chain so they carry across the app's own restart (a language switch, a kernel
choice: the window reopens as a new process) instead of starting again from zero.

The price comes from the scenario alone: a core busy for a second earns what its share of the
site's AI hall earns in a second, whatever this computer's speed (the GFLOP/s in the report are a
measurement of the work done, never a price).
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.economy import economics as econ
from engine.economy import units
from engine.economy.lab_mapping import LabMapping, ai_revenue_usd_per_mw_it_hour

LATENCY_WINDOW_JOBS = 4096
# The Ledger's cumulative books, the ones carried across a restart (whole numbers first).
BOOK_COUNTS = ("jobs_done", "jobs_interrupted", "flops_done", "flops_lost")
BOOK_AMOUNTS = ("busy_s", "billed_usd", "contracted_slot_s", "downtime_slot_s")


@dataclass(frozen=True)
class BillingRate:
    """What the AI tenant pays for a core-second of work, and the uptime it was promised."""

    usd_per_core_s: float
    sla_availability: float = 0.99982
    sla_penalty_multiplier: float = 10.0

    def __post_init__(self) -> None:
        units._param("usd_per_core_s", self.usd_per_core_s, low=0)
        units._param("sla_availability", self.sla_availability, low=0, high=1)
        units._param("sla_penalty_multiplier", self.sla_penalty_multiplier, low=0)

    @classmethod
    def for_site(
        cls,
        *,
        ai_revenue_usd_per_mw_it_hour: float,
        mw_it_per_slot: float,
        sla_availability: float = 0.99982,
        sla_penalty_multiplier: float = 10.0,
    ) -> BillingRate:
        """Price a core-second so that one slot busy all the time earns what `mw_it_per_slot` of
        the site's AI earns."""
        rate = units._param("ai_revenue_usd_per_mw_it_hour", ai_revenue_usd_per_mw_it_hour, low=0)
        mw = units._param("mw_it_per_slot", mw_it_per_slot, low=0)
        return cls(float(rate * mw / 3600.0), sla_availability, sla_penalty_multiplier)


def ai_billing_for_lab(values: Mapping[str, float], mapping: LabMapping, ai_mode: str = "colocation") -> BillingRate:
    """The AI runner's rate: a busy core earns what its share of the site's AI hall earns (the
    scenario's revenue per MW of IT load, the site's MW per core over its PUE)."""
    return BillingRate.for_site(
        ai_revenue_usd_per_mw_it_hour=ai_revenue_usd_per_mw_it_hour(values, ai_mode),
        mw_it_per_slot=mapping.mw_per_core / values["pue"],
        sla_availability=values["sla_availability"],
        sla_penalty_multiplier=values["sla_penalty_multiplier"],
    )


@dataclass(frozen=True)
class AIReport:
    """What the AI runner has delivered and earned since it started (or since `reset_accounting`)."""

    elapsed_s: float
    slots: int
    contracted_slots: int
    busy_workers: int
    jobs_done: int
    jobs_interrupted: int
    gflop_done: float
    gflop_lost: float
    gflop_s: float  # over the last few seconds
    gflop_s_per_slot: float  # one core's speed: work per busy second
    latency_ms_mean: float  # recent requests
    latency_ms_p95: float
    billed_usd: float
    contracted_slot_s: float
    downtime_slot_s: float
    availability: float
    sla_availability: float
    sla_penalty_usd: float
    net_usd: float


class Ledger:
    """The runner's books: work done, bill, contract and downtime. Thread-safe, cheap per job.

    Kept apart from the compute so the bill can be checked against the work (and benchmarked).
    """

    def __init__(self, billing: BillingRate, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self.billing = billing
        self._start = clock()
        self._last = self._start
        self._granted = 0
        self._contracted = 0
        self.jobs_done = 0
        self.jobs_interrupted = 0
        self.flops_done = 0
        self.flops_lost = 0
        self.busy_s = 0.0
        self.billed_usd = 0.0
        self.contracted_slot_s = 0.0
        self.downtime_slot_s = 0.0
        self._latency_s = np.zeros(LATENCY_WINDOW_JOBS)
        self._finished_at = np.full(LATENCY_WINDOW_JOBS, -np.inf)
        self._finished_flops = np.zeros(LATENCY_WINDOW_JOBS)
        self._cursor = 0

    def _integrate(self, now: float) -> None:
        dt = now - self._last
        if dt > 0:
            self.contracted_slot_s += self._contracted * dt
            self.downtime_slot_s += max(0, self._contracted - self._granted) * dt
            self._last = now

    def set_capacity(self, granted: int, contracted: int) -> None:
        """Record a change of granted or contracted slots from now on."""
        with self._lock:
            self._integrate(self._clock())
            self._granted, self._contracted = granted, contracted

    def record_job(self, flops: int, latency_s: float) -> None:
        """A request finished: bill the core-seconds it took."""
        with self._lock:
            self.jobs_done += 1
            self.flops_done += flops
            self.busy_s += latency_s
            self.billed_usd += latency_s * self.billing.usd_per_core_s
            i = self._cursor % LATENCY_WINDOW_JOBS
            self._latency_s[i] = latency_s
            self._finished_at[i] = self._clock()
            self._finished_flops[i] = flops
            self._cursor += 1

    def record_interrupt(self, flops_lost: int) -> None:
        """A request was cut short: its partial work is lost, never billed."""
        with self._lock:
            self.jobs_interrupted += 1
            self.flops_lost += flops_lost

    def set_billing(self, billing: BillingRate) -> None:
        """Change the rate for work finished from now on (the bill so far stands)."""
        with self._lock:
            self.billing = billing

    def books(self) -> dict[str, float]:
        """The cumulative books up to now (BOOK_COUNTS and BOOK_AMOUNTS), JSON-ready."""
        with self._lock:
            self._integrate(self._clock())
            return {name: getattr(self, name) for name in (*BOOK_COUNTS, *BOOK_AMOUNTS)}

    def carry(self, books: Mapping[str, float]) -> None:
        """Start from books kept by an earlier run (added to what this one counted so far).
        Raises ValueError on books that cannot be a run's: a missing, negative or non-finite
        figure, or more downtime than contract."""
        checked = check_books(books)
        with self._lock:
            for name, value in checked.items():
                setattr(self, name, getattr(self, name) + value)

    def report(self, slots: int, busy_workers: int, window_s: float = 3.0) -> AIReport:
        with self._lock:
            now = self._clock()
            self._integrate(now)
            n = min(self._cursor, LATENCY_WINDOW_JOBS)
            latencies = self._latency_s[:n]
            span = min(window_s, now - self._start) or 1.0
            recent = self._finished_at >= now - span
            availability = 1.0 - self.downtime_slot_s / self.contracted_slot_s if self.contracted_slot_s > 0 else 1.0
            availability = min(1.0, max(0.0, availability))
            penalty = econ.sla_penalty_usd(
                self.billed_usd, availability, self.billing.sla_availability, self.billing.sla_penalty_multiplier
            )
            return AIReport(
                elapsed_s=now - self._start,
                slots=slots,
                contracted_slots=self._contracted,
                busy_workers=busy_workers,
                jobs_done=self.jobs_done,
                jobs_interrupted=self.jobs_interrupted,
                gflop_done=self.flops_done / 1e9,
                gflop_lost=self.flops_lost / 1e9,
                gflop_s=float(self._finished_flops[recent].sum()) / 1e9 / span,
                gflop_s_per_slot=self.flops_done / 1e9 / self.busy_s if self.busy_s > 0 else 0.0,
                latency_ms_mean=float(latencies.mean()) * 1e3 if n else 0.0,
                latency_ms_p95=float(np.percentile(latencies, 95)) * 1e3 if n else 0.0,
                billed_usd=self.billed_usd,
                contracted_slot_s=self.contracted_slot_s,
                downtime_slot_s=self.downtime_slot_s,
                availability=availability,
                sla_availability=self.billing.sla_availability,
                sla_penalty_usd=penalty,
                net_usd=self.billed_usd - penalty,
            )


def check_books(books: Mapping[str, float]) -> dict[str, float]:
    """The books as numbers, or ValueError saying which figure is wrong."""
    if not isinstance(books, Mapping):
        raise ValueError(f"AI books must be a mapping, got {type(books).__name__}")
    out: dict[str, float] = {}
    for name in (*BOOK_COUNTS, *BOOK_AMOUNTS):
        value = books.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ValueError(f"AI books: {name} must be a number >= 0, got {value!r}")
        out[name] = int(value) if name in BOOK_COUNTS else float(value)
    if out["downtime_slot_s"] > out["contracted_slot_s"] * (1 + 1e-9):
        raise ValueError("AI books: more downtime than contracted core-seconds")
    return out


def save_books(path: Path, books: Mapping[str, float]) -> None:
    """Write the books to `path` (JSON), atomically: a crash mid-write leaves the old file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(dict(books), indent=1), encoding="utf-8")
    os.replace(tmp, path)


def load_books(path: Path) -> dict[str, float] | None:
    """The books saved at `path`, None when there are none; ValueError (saying why) on a file
    that cannot be read as books."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ValueError(f"{path}: {exc.strerror}") from exc
    try:
        return check_books(json.loads(text))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not JSON ({exc.msg})") from exc
