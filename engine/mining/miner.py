"""The CPU miner: worker threads hashing nonce chunks with the Numba kernels, on work from one
job source (engine.mining.source.JobSource: a node, engine.mining.node_source, or a pool,
engine.mining.stratum_client), reporting events (engine.mining.events). The kernel thread is engine.mining.kernel_loop, a worker thread's loop engine.mining.worker.

    miner = Miner(RPCClient(url, cookie_file=...), payout_script, on_event=print)
    miner.start()            # returns at once; compiling, RPC and hashing run on threads
    miner.set_slots(1)       # capacity control: active workers, 0..max_slots, within ~100 ms
    miner.pause(); miner.resume()
    miner.stats()            # a MinerStats snapshot at any time
    miner.stop()

Every event goes to every listener on a miner thread, never the caller's. When the node refuses
REFUSALS_BEFORE_STOP blocks in a row for the same reason, each built on its current template,
mining stops with a MiningRefused event (a block the node will never take is not worth the
electricity) whose `message` says what to do.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from engine.mining.events import (
    BlockResult,
    ConnectionProblem,
    ConnectionRestored,
    Listener,
    MinerEvent,
    MinerStats,
    NewJob,
)
from engine.mining.jobs import DEFAULT_PAYOUT_SCRIPT, HeaderWork, MinerWork
from engine.mining.kernel_loop import kernel_loop
from engine.mining.kernels import QUICK_COMPILING, Kernel
from engine.mining.kernels.choice import forced_kernel_name
from engine.mining.kernels.trial import KernelTally
from engine.mining.meter import HashrateMeter
from engine.mining.node_source import NodeSource
from engine.mining.refusals import MiningRefused, RefusalStreak
from engine.mining.source import JobSource
from engine.mining.worker import worker_loop
from engine.primitives.pow import NONCE_SPACE
from engine.rpc import RPCClient

log = logging.getLogger(__name__)


# ----------------------------------------------------------------------------- miner
class Miner:
    """Mines with up to `max_slots` worker threads on work from `source`, by default a
    Core-compatible node through `rpc` (an `engine.rpc.RPCClient`, or anything with its
    `call`/`call_retrying`), paying `payout_script`. `nonces_per_header` is how much of the nonce
    space a worker scans before it rolls its
    extranonce (2**32 in real use; tests make it small).
    """

    def __init__(
        self,
        rpc: RPCClient | None,
        payout_script: bytes | None = None,
        *,
        max_slots: int | None = None,
        slots: int | None = None,
        kernel: str | None = None,
        quick_start: bool = True,
        on_event: Listener | None = None,
        chunk_s: float = 0.05,
        poll_interval_s: float = 0.5,
        longpoll: bool = True,
        stats_interval_s: float = 1.0,
        hashrate_window_s: float = 5.0,
        refresh_interval_s: float = 30.0,
        nonces_per_header: int = NONCE_SPACE,
        source: JobSource[Any] | None = None,
    ):
        self.rpc = rpc
        self.payout_script = bytes(payout_script if payout_script is not None else DEFAULT_PAYOUT_SCRIPT)
        # the node behind `rpc` unless another source is given (a pool: engine.mining.stratum_client,
        # and `rpc` None)
        if source is None:
            assert rpc is not None, "a Miner needs a node's RPCClient or another source"
            source = NodeSource(
                rpc,
                self.payout_script,
                longpoll=longpoll,
                poll_interval_s=poll_interval_s,
                refresh_interval_s=refresh_interval_s,
            )
        self.source: JobSource[Any] = source
        self.max_slots: int = max(1, int(max_slots if max_slots is not None else (os.cpu_count() or 1)))
        self._slots = self.max_slots if slots is None else self._check_slots(slots)
        # a kernel asked for (or forced by $MINE2COMPUTE_KERNEL), else None: the kernel thread then
        # starts with the cached choice or the first kernel ready, and times the others as it mines
        self.kernel_name: str | None = kernel or forced_kernel_name()
        self.quick_start = quick_start and self.kernel_name not in QUICK_COMPILING
        self.chunk_s = chunk_s
        self.stats_interval_s = stats_interval_s
        self.nonces_per_header = min(int(nonces_per_header), NONCE_SPACE)
        self._listeners: list[Listener] = [on_event] if on_event is not None else []

        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._paused = False
        self._kernel: Kernel | None = None
        self._template: MinerWork | None = None  # what the source published (a BlockTemplate from a node)
        self._template_id = 0
        self._solved_template_id = -1
        self._threads: list[threading.Thread] = []
        self._connected = False
        self._had_problem = False
        self._start_s: float | None = None
        self._first_hash_s: float | None = None
        self._resume_at_s = 0.0  # after a rejected block: wait for fresh work before hashing on
        self._templates_answered = 0  # getblocktemplate answers, new or not (a refusal's template is fresh after one)
        self._refusals = RefusalStreak()
        self.refused: MiningRefused | None = None  # set when refusals stopped the miner

        self._worker_hashes = [0] * self.max_slots
        self._worker_active = [False] * self.max_slots
        self._meters = [HashrateMeter(hashrate_window_s) for _ in range(self.max_slots)]
        self._tallies = [KernelTally() for _ in range(self.max_slots)]  # per worker and kernel
        self._counts_lock = threading.Lock()
        self._found = self._accepted = self._rejected = self._stale = 0

    # ------------------------------------------------------------------ public API
    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    @property
    def slots(self) -> int:
        """Worker slots granted by the last `set_slots` (paused or not)."""
        return self._slots

    def set_slots(self, n: int) -> None:
        """Run `n` (0..max_slots) mining workers; takes effect within ~100 ms."""
        n = self._check_slots(n)
        with self._changed:
            self._slots = n
            self._changed.notify_all()

    def pause(self) -> None:
        with self._changed:
            self._paused = True
            self._changed.notify_all()

    def resume(self) -> None:
        with self._changed:
            self._paused = False
            self._changed.notify_all()

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def running(self) -> bool:
        return bool(self._threads) and not self._stop.is_set()

    def start(self) -> Miner:
        if self._threads:
            raise RuntimeError("miner already started")
        self._start_s = time.perf_counter()
        targets: list[tuple[str, Callable[[], None]]] = [
            ("kernels", functools.partial(kernel_loop, self)),
            *self.source.loops(self),
            ("stats", self._stats_loop),
        ]
        targets += [(f"worker-{i}", functools.partial(worker_loop, self, i)) for i in range(self.max_slots)]
        for name, target in targets:
            thread = threading.Thread(target=target, name=f"miner-{name}", daemon=True)
            self._threads.append(thread)
            thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop hashing and submitting. A longpoll in flight or a kernel compile still running
        is abandoned: those daemon threads end on their own and never block shutdown."""
        self._stop.set()
        with self._changed:
            self._changed.notify_all()
        deadline_s = time.monotonic() + timeout_s
        for thread in self._threads:
            if thread.name not in ("miner-templates", "miner-kernels"):
                thread.join(max(0.0, deadline_s - time.monotonic()))

    def __enter__(self) -> Miner:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def stats(self) -> MinerStats:
        now_s = time.perf_counter()
        rates = tuple(m.rate_hs(now_s) for m in self._meters)
        template = self._template
        kernel = self._kernel
        return MinerStats(
            elapsed_s=now_s - self._start_s if self._start_s else 0.0,
            hashes=sum(self._worker_hashes),
            hashrate_hs=sum(rates),
            worker_hashrates_hs=rates,
            blocks_found=self._found,
            blocks_accepted=self._accepted,
            blocks_rejected=self._rejected,
            blocks_stale=self._stale,
            slots=self._slots,
            active_workers=sum(self._worker_active),
            paused=self._paused,
            kernel=kernel.name if kernel else None,
            height=template.height if template else None,
            connected=self._connected,
            first_hash_s=self._first_hash_s,
        )

    # ------------------------------------------------------------------ internals
    def _check_slots(self, n: int) -> int:
        if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= self.max_slots:
            raise ValueError(f"slots must be a whole number in 0..{self.max_slots}, got {n!r}")
        return n

    # ------------------------------------------------------------------ for job sources
    @property
    def stopping(self) -> threading.Event:
        """Set when the miner stops; a source's loops end when it is."""
        return self._stop

    @property
    def work(self) -> MinerWork | None:
        """The work published last (None before the first, or while withdrawn)."""
        return self._template

    def emit(self, event: MinerEvent) -> None:
        """Deliver `event` to every listener (a broken listener never takes the miner down)."""
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("miner event listener failed on %r", event)

    def set_connected(self, connected: bool, problem: str | None = None, retry_in_s: float = 0.0) -> None:
        """The source reached its node or pool, or lost it (`problem` says how: a ConnectionProblem,
        and a ConnectionRestored once it is back)."""
        if not connected:
            self._connected = False
            if problem is not None:
                self._had_problem = True
                self.emit(ConnectionProblem(problem, retry_in_s))
        elif not self._connected:
            self._connected = True
            if self._had_problem:
                self._had_problem = False
                self.emit(ConnectionRestored())

    def report_problem(self, message: str, retry_in_s: float) -> None:
        """A refusal the source keeps retrying (the connection itself is fine)."""
        self.emit(ConnectionProblem(message, retry_in_s))

    def block_result(self, job: HeaderWork, block_hash: str, status: str, reason: str | None) -> bool:
        """Count and report the node's answer to a block; True if refusals stopped the miner."""
        self.count_block(job, block_hash, status, reason)
        return self._count_refusal(job, status, reason)

    def count_block(
        self, job: HeaderWork, block_hash: str, status: str, reason: str | None, *, found: bool = False
    ) -> None:
        """Count and report a node's answer to one of our blocks (the one home of these counts:
        solo through block_result, pooled when the pool says what its node answered, `found`)."""
        with self._counts_lock:
            self._found += found
            if status == "accepted":
                self._accepted += 1
            elif status == "stale":
                self._stale += 1
            else:
                self._rejected += 1
        self.emit(BlockResult(job.template.height, block_hash, status, reason))

    def hold(self, seconds: float) -> None:
        """Workers wait `seconds` before hashing on (fresh work should come meanwhile)."""
        self._resume_at_s = time.monotonic() + seconds

    def reopen(self, job: HeaderWork) -> None:
        """The block found on `job` did not make our tip: if its work is still current, hash it
        again rather than idle."""
        with self._changed:
            if (
                self._solved_template_id == self._template_id
                and self._template is not None
                and self._template.previous_block_hash == job.template.previous_block_hash
            ):
                self._solved_template_id = -1
                self._changed.notify_all()

    # work ----------------------------------------------------------------------------
    def publish(self, template: MinerWork, reason: str, force: bool = False) -> bool:
        """Make `template` the work unless it changes nothing (or `force`); True if it did."""
        with self._changed:
            self._templates_answered += 1
            current = self._template
            # a template that changes nothing must not restart the workers (or, after we
            # solved this one, set them mining a sibling of our own block)
            same = (
                not force
                and current is not None
                and current.previous_block_hash == template.previous_block_hash
                and current.transactions == template.transactions
            )
            if same:
                return False
            if (
                current is not None
                and current.previous_block_hash != template.previous_block_hash
                and reason == "refresh"
            ):
                reason = "new tip"
            elif current is not None and reason == "refresh":
                reason = "new transactions"
            self._template = template
            self._template_id += 1
            self._changed.notify_all()
        self.emit(
            NewJob(template.height, template.previous_block_hash, template.target, len(template.transactions), reason)
        )
        return True

    def withdraw(self) -> None:
        """No work (a job source lost its pool): workers stop rather than hash stale work."""
        with self._changed:
            self._template = None
            self._template_id += 1
            self._changed.notify_all()

    def _count_refusal(self, job: HeaderWork, status: str, reason: str | None) -> bool:
        """Count refusals in a row (engine.mining.refusals); at REFUSALS_BEFORE_STOP, stop mining with
        a MiningRefused event and return True."""
        with self._changed:
            current, answered = self._template, self._templates_answered
        on_current = (
            current is not None
            and job.template.previous_block_hash == current.previous_block_hash
            and job.template.transactions == current.transactions
        )
        refused = self._refusals.add(status, reason, on_current, answered)
        if refused is None:
            return False
        self.refused = refused
        log.info("%s", self.refused.message)  # the event carries it to the user
        self._stop.set()  # every thread ends; the owner's stop() still joins them
        with self._changed:
            self._changed.notify_all()
        self.emit(self.refused)
        return True

    # stats ---------------------------------------------------------------------------
    def _stats_loop(self) -> None:
        while not self._stop.wait(self.stats_interval_s):
            self.emit(self.stats())
