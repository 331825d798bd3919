"""Simulated AI jobs: worker threads doing real compute that stands in for AI inference.

Each job is one inference request: a batch of token activations pushed through a stack of dense
layers (float32 matrix multiplications plus ReLU), so the FLOPs are real and measured. The runner
is a `CapacityConsumer` (engine/capacity.py): `set_slots(n)` grants n CPU cores, one worker
thread each. Work is billed per core-second at the scenario's rate (`BillingRate.for_site`), so a
core busy all the time earns its share of the site's AI income; the GFLOP/s are measured, not priced.

Uptime: the runner keeps a contract of `contracted_slots` (it grows when slots are granted).
Slots pulled back below the contract are downtime: the job in flight is lost (not billed) and
every slot-second below the contract counts against the SLA, which costs
`economics.sla_penalty_usd`. Lowering the contract itself (`set_contracted_slots`, ending the
lease with notice) costs nothing.

Reports go through two plain callbacks, called on the runner's own threads (keep them short;
the GUI re-emits them as Qt signals):
- `on_report(AIReport)` every `report_interval_s` while the runner is open;
- `on_interrupt(JobInterrupted)` when a job is cut short because its slot was pulled.
`snapshot()` returns the same AIReport on demand. The rate, the ledger and AIReport: engine.ai.billing.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from engine.ai.billing import AIReport, BillingRate, Ledger
from engine.economy import units

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InferenceJobSpec:
    """Shape of one simulated inference request: `batch_tokens` x `hidden_width` through `layers` layers."""

    batch_tokens: int = 64
    hidden_width: int = 768
    layers: int = 6

    def __post_init__(self) -> None:
        for name, low, high in (("batch_tokens", 1, 4096), ("hidden_width", 8, 8192), ("layers", 1, 256)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValueError(f"{name} must be a whole number in [{low}, {high}], got {value!r}")

    @property
    def flops(self) -> int:
        """Floating-point operations per request: 2 * batch * width^2 per layer (multiply-add)."""
        return 2 * self.batch_tokens * self.hidden_width * self.hidden_width * self.layers


@dataclass(frozen=True)
class JobInterrupted:
    """A request cut short because its slot was taken away: its work is lost and not billed."""

    slot: int
    at_s: float
    layers_done: int
    gflop_lost: float


class InferenceKernel:
    """The compute of one worker: its own activations, shared read-only weights."""

    def __init__(self, job: InferenceJobSpec, weights: list[np.ndarray], seed: int):
        rng = np.random.default_rng(seed)
        self.job = job
        self.weights = weights
        self.inputs = rng.standard_normal((job.batch_tokens, job.hidden_width), dtype=np.float32)
        self._a = np.empty_like(self.inputs)
        self._b = np.empty_like(self.inputs)

    def run(self, keep_going: Callable[[], bool] = lambda: True) -> tuple[np.ndarray | None, int]:
        """Run one request; returns (output, layers done), output None if `keep_going` said stop."""
        x, y = self._a, self._b
        np.copyto(x, self.inputs)
        for done, weight in enumerate(self.weights):
            if not keep_going():
                return None, done
            np.matmul(x, weight, out=y)
            np.maximum(y, 0.0, out=y)
            x, y = y, x
        return x, len(self.weights)


def make_weights(job: InferenceJobSpec, seed: int = 0) -> list[np.ndarray]:
    """He-initialised layer weights, so activations stay O(1) through the ReLU stack."""
    rng = np.random.default_rng(seed)
    scale = np.float32(np.sqrt(2.0 / job.hidden_width))
    return [
        rng.standard_normal((job.hidden_width, job.hidden_width), dtype=np.float32) * scale for _ in range(job.layers)
    ]


def measure_slot_gflop_s(job: InferenceJobSpec = InferenceJobSpec(), duration_s: float = 0.3) -> float:
    """One core's inference speed in GFLOP/s (BLAS held to one thread): a measurement (bench), not a price."""
    with threadpool_limits(limits=1, user_api="blas"):
        kernel = InferenceKernel(job, make_weights(job), seed=0)
        kernel.run()  # warm caches
        jobs, start = 0, time.perf_counter()
        while True:
            kernel.run()
            jobs += 1
            elapsed = time.perf_counter() - start
            if elapsed >= duration_s:
                return jobs * job.flops / elapsed / 1e9


class AIJobRunner:
    """Runs simulated inference requests on `slots` worker threads and keeps the books.

    Implements the CapacityConsumer protocol. While the runner is open, NumPy's BLAS is held to
    one thread (process-wide, via threadpoolctl) so that each worker uses exactly one core.
    Call `close()` (or use it as a context manager) to stop the workers.
    """

    def __init__(
        self,
        max_slots: int | None = None,
        *,
        job: InferenceJobSpec = InferenceJobSpec(),
        billing: BillingRate | None = None,
        on_report: Callable[[AIReport], None] | None = None,
        on_interrupt: Callable[[JobInterrupted], None] | None = None,
        report_interval_s: float = 1.0,
        seed: int = 0,
    ):
        max_slots = (os.cpu_count() or 1) if max_slots is None else max_slots
        if isinstance(max_slots, bool) or not isinstance(max_slots, int) or not 1 <= max_slots <= 1024:
            raise ValueError(f"max_slots must be a whole number in [1, 1024], got {max_slots!r}")
        units._param("report_interval_s", report_interval_s, low=0.01)
        self._max_slots = max_slots
        self.job = job
        self._weights = make_weights(job, seed)
        self._seed = seed
        self.ledger = Ledger(billing or BillingRate(usd_per_core_s=0.0))
        self._on_report = on_report
        self._on_interrupt = on_interrupt
        self._report_interval_s = float(report_interval_s)
        self._cond = threading.Condition()
        self._target = 0
        self._contracted = 0
        self._busy = 0
        self._closed = False
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []
        self._blas_limit = threadpool_limits(limits=1, user_api="blas")
        self._reporter: threading.Thread | None = None
        if on_report is not None:
            self._reporter = threading.Thread(target=self._report_loop, name="ai-report", daemon=True)
            self._reporter.start()

    # --- CapacityConsumer ---
    @property
    def max_slots(self) -> int:
        return self._max_slots

    @property
    def slots(self) -> int:
        return self._target

    def set_slots(self, n: int) -> None:
        """Grant `n` cores; workers above `n` stop between layers (well within 100 ms)."""
        if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= self._max_slots:
            raise ValueError(f"slots must be a whole number in [0, {self._max_slots}], got {n!r}")
        with self._cond:
            if self._closed:
                raise RuntimeError("the AI runner is closed")
            self._target = n
            self._contracted = max(self._contracted, n)
            self.ledger.set_capacity(n, self._contracted)
            while len(self._workers) < n:
                index = len(self._workers)
                thread = threading.Thread(target=self._work, args=(index,), name=f"ai-worker-{index}", daemon=True)
                self._workers.append(thread)
                thread.start()
            self._cond.notify_all()

    # --- contract, billing, reports ---
    @property
    def contracted_slots(self) -> int:
        return self._contracted

    def set_contracted_slots(self, n: int) -> None:
        """Change the capacity promised to the tenant (ending a lease with notice: no penalty).

        It cannot go below the slots currently granted.
        """
        if isinstance(n, bool) or not isinstance(n, int) or not self._target <= n <= self._max_slots:
            raise ValueError(
                f"contracted_slots must be a whole number in [{self._target}, {self._max_slots}], got {n!r}"
            )
        with self._cond:
            self._contracted = n
            self.ledger.set_capacity(self._target, n)

    def set_billing(self, billing: BillingRate) -> None:
        """Bill work finished from now on at `billing` (e.g. after the scenario changes)."""
        self.ledger.set_billing(billing)

    @property
    def busy_workers(self) -> int:
        """Workers currently serving requests (follows `slots` within ~100 ms)."""
        return self._busy

    def snapshot(self) -> AIReport:
        return self.ledger.report(self._target, self._busy)

    def close(self, timeout_s: float = 5.0) -> None:
        """Stop the workers and the reporter, and give BLAS its threads back."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._stop.set()
            self._target = 0
            # Shutting the lab down ends the contract: no downtime is counted from here on.
            self._contracted = 0
            self.ledger.set_capacity(0, 0)
            self._cond.notify_all()
        for thread in [*self._workers, *([self._reporter] if self._reporter else [])]:
            thread.join(timeout_s)
        self._blas_limit.restore_original_limits()

    def __enter__(self) -> AIJobRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- threads ---
    def _work(self, index: int) -> None:
        kernel = InferenceKernel(self.job, self._weights, seed=self._seed + 1 + index)
        flops_per_layer = self.job.flops // self.job.layers

        def keep_going() -> bool:
            return index < self._target

        while True:
            with self._cond:
                while index >= self._target and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                self._busy += 1
            try:
                while index < self._target:
                    start = time.perf_counter()
                    output, layers_done = kernel.run(keep_going)
                    if output is None:
                        if layers_done and not self._closed:
                            self._interrupted(index, layers_done * flops_per_layer, layers_done)
                        break
                    self.ledger.record_job(self.job.flops, time.perf_counter() - start)
            finally:
                with self._cond:
                    self._busy -= 1

    def _interrupted(self, index: int, flops_lost: int, layers_done: int) -> None:
        self.ledger.record_interrupt(flops_lost)
        if self._on_interrupt is not None:
            event = JobInterrupted(index, time.monotonic(), layers_done, flops_lost / 1e9)
            try:
                self._on_interrupt(event)
            except Exception:
                log.exception("on_interrupt callback failed")

    def _report_loop(self) -> None:
        while not self._stop.wait(self._report_interval_s):
            try:
                self._on_report(self.snapshot())  # type: ignore[misc]
            except Exception:
                log.exception("on_report callback failed")
