"""The CPU miner: worker threads hashing nonce chunks with the Numba kernels.

    miner = Miner(RPCClient(url, cookie_file=...), payout_script, on_event=print)
    miner.start()            # returns at once; compiling, RPC and hashing run on threads
    miner.set_slots(1)       # capacity control: active workers, 0..max_slots, within ~100 ms
    miner.pause(); miner.resume()
    miner.stats()            # a MinerStats snapshot at any time
    miner.stop()

Events (all frozen dataclasses, delivered to every listener on a miner thread, never the
caller's; a GUI adapter re-emits them as Qt signals):
- KernelProgress(kernel, stage, seconds): stage "compiling", "ready", then "active" when the
  workers switch to it. If the chosen kernel is slow to compile (the generated lanes kernels,
  ~10 s cold) the quick scalar kernel mines meanwhile; "shani" compiles in well under a second.
  The first miner on a CPU with no measured kernel choice also compiles every kernel (the slow
  ones in parallel child processes: "loading" once a child is done, "fallback: <why>" if it
  failed and the kernel compiles here instead) and times each ("timing", ~3 s with the workers
  idle), then mines with the fastest (engine.mining.kernels.choice, engine.mining.kernels.parallel).
- NewJob(height, previous_block_hash, target, transactions, reason): work from a new template.
- BlockFound(height, block_hash, nonce, worker): a header met the target; submission follows.
- BlockResult(height, block_hash, status, reason): status "accepted", "rejected" (reason is
  the node's BIP22 string) or "stale" (valid but no longer on the best chain).
- ConnectionProblem(message, retry_in_s) / ConnectionRestored(): the node went away / came
  back; the miner retries with back-off and never stops because of it.
- MiningRefused(reason, rejections, message): the node refused REFUSALS_BEFORE_STOP blocks in
  a row for the same reason, each built on its current template; mining has stopped (a block
  the node will never take is not worth the electricity) and `message` says what to do.
- MinerStats: every `stats_interval_s`, counters (exact hashes, blocks) and hashrates
  (per worker and total, moving average over `hashrate_window_s`).
"""
from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable, Union

from engine.mining.jobs import (DEFAULT_PAYOUT_SCRIPT, EXTRANONCE_SIZE, BlockJob, BlockTemplate, make_job,
                                submit_outcome)
from engine.mining.kernels import QUICK_COMPILING, QUICK_KERNEL, Kernel, chosen_kernel_name, get_kernel, is_loaded
from engine.mining.refusals import REFUSALS_BEFORE_STOP, MiningRefused, RefusalStreak, refusal_message  # noqa: F401 (re-exported)
from engine.rpc import RPCClient, RPCConnectionError, RPCError, RPCStopped

log = logging.getLogger(__name__)

NONCE_SPACE = 1 << 32
GBT_REQUEST = {"rules": ["segwit"]}  # BIP9/BIP145: Core refuses templates without the segwit rule
# Core holds a longpoll until the tip changes (rpc/mining.cpp); giving up sooner would leave one of
# its few RPC threads blocked per retry until none is left, so wait as long as it takes.
LONGPOLL_TIMEOUT_S = 6 * 60 * 60.0


# ----------------------------------------------------------------------------- events
@dataclass(frozen=True)
class KernelProgress:
    kernel: str
    stage: str  # "compiling" | "loading" | "fallback: <why>" | "ready" | "timing" | "active" | "failed: <why>"
    seconds: float


@dataclass(frozen=True)
class NewJob:
    height: int
    previous_block_hash: str
    target: int
    transactions: int
    reason: str  # "start" | "new tip" | "new transactions" | "after submit"


@dataclass(frozen=True)
class BlockFound:
    height: int
    block_hash: str
    nonce: int
    worker: int


@dataclass(frozen=True)
class BlockResult:
    height: int
    block_hash: str
    status: str  # "accepted" | "rejected" | "stale"
    reason: str | None


@dataclass(frozen=True)
class ConnectionProblem:
    message: str
    retry_in_s: float


@dataclass(frozen=True)
class ConnectionRestored:
    pass


@dataclass(frozen=True)
class MinerStats:
    elapsed_s: float
    hashes: int                              # exact count of nonces hashed
    hashrate_hs: float                       # total, moving average
    worker_hashrates_hs: tuple[float, ...]   # per worker (index = worker), moving average
    blocks_found: int
    blocks_accepted: int
    blocks_rejected: int
    blocks_stale: int
    slots: int                               # granted by set_slots
    active_workers: int                      # hashing now (0 while paused or without a job)
    paused: bool
    kernel: str | None                       # the kernel workers use now
    height: int | None                       # height of the block being mined
    connected: bool
    first_hash_s: float | None               # start() to the first finished chunk


MinerEvent = Union[KernelProgress, NewJob, BlockFound, BlockResult, ConnectionProblem,
                   ConnectionRestored, MiningRefused, MinerStats]
Listener = Callable[[MinerEvent], None]


# ----------------------------------------------------------------------------- meter
class HashrateMeter:
    """Moving-average hashrate of one worker over the last `window_s` seconds."""

    def __init__(self, window_s: float):
        self.window_s = window_s
        self._samples: deque[tuple[float, int]] = deque()  # (end time, hashes) per chunk
        self._since_s: float | None = None

    def add(self, now_s: float, hashes: int, chunk_s: float) -> None:
        if self._since_s is None or not self._samples:
            self._since_s = now_s - chunk_s
        self._samples.append((now_s, hashes))
        self._trim(now_s)

    def _trim(self, now_s: float) -> None:
        while self._samples and self._samples[0][0] < now_s - self.window_s:
            self._samples.popleft()

    def rate_hs(self, now_s: float) -> float:
        samples = list(self._samples)  # a worker may append meanwhile
        recent = [h for t, h in samples if t >= now_s - self.window_s]
        if not recent or self._since_s is None:
            return 0.0
        span_s = min(self.window_s, now_s - self._since_s)
        return sum(recent) / span_s if span_s > 0 else 0.0


# ----------------------------------------------------------------------------- miner
class Miner:
    """Mines on a Core-compatible node with up to `max_slots` worker threads.

    `rpc` is an `engine.rpc.RPCClient` (or anything with its `call`/`call_retrying`).
    `nonces_per_header` is how much of the nonce space a worker scans before it rolls its
    extranonce (2**32 in real use; tests make it small).
    """

    def __init__(self, rpc: RPCClient, payout_script: bytes | None = None, *,
                 max_slots: int | None = None, slots: int | None = None,
                 kernel: str | None = None, quick_start: bool = True,
                 on_event: Listener | None = None, chunk_s: float = 0.05,
                 poll_interval_s: float = 0.5, longpoll: bool = True,
                 stats_interval_s: float = 1.0, hashrate_window_s: float = 5.0,
                 refresh_interval_s: float = 30.0, nonces_per_header: int = NONCE_SPACE,
                 source=None):
        self.rpc = rpc
        # None: getblocktemplate from `rpc`; else a job source with run(miner), make_job(work,
        # worker, n) and submit(job, nonce, worker), e.g. engine.mining.stratum_client.StratumSource
        self.source = source
        self.payout_script = bytes(payout_script if payout_script is not None else DEFAULT_PAYOUT_SCRIPT)
        self.max_slots: int = max(1, int(max_slots if max_slots is not None else (os.cpu_count() or 1)))
        self._slots = self.max_slots if slots is None else self._check_slots(slots)
        # None until measured: the kernel thread then times every kernel on this CPU (once, cached)
        self.kernel_name: str | None = kernel or chosen_kernel_name()
        self.quick_start = quick_start and self.kernel_name not in QUICK_COMPILING
        self.chunk_s = chunk_s
        self.poll_interval_s = poll_interval_s
        self.longpoll = longpoll
        self.stats_interval_s = stats_interval_s
        self.refresh_interval_s = refresh_interval_s
        self.nonces_per_header = min(int(nonces_per_header), NONCE_SPACE)
        self._listeners: list[Listener] = [on_event] if on_event is not None else []

        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._paused = False
        self._kernel: Kernel | None = None
        self._template: BlockTemplate | None = None
        self._template_id = 0
        self._solved_template_id = -1
        self._salt = os.urandom(EXTRANONCE_SIZE - 5)  # two miners paying to one address never share work
        self._submit_queue: queue.Queue = queue.Queue()
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

    def start(self) -> "Miner":
        if self._threads:
            raise RuntimeError("miner already started")
        self._start_s = time.perf_counter()
        templates = self._template_loop if self.source is None else (lambda: self.source.run(self))
        targets = [("kernels", self._kernel_loop), ("templates", templates),
                   ("submit", self._submit_loop), ("stats", self._stats_loop)]
        targets += [(f"worker-{i}", lambda i=i: self._worker_loop(i)) for i in range(self.max_slots)]
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

    def __enter__(self) -> "Miner":
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
            hashes=sum(self._worker_hashes), hashrate_hs=sum(rates), worker_hashrates_hs=rates,
            blocks_found=self._found, blocks_accepted=self._accepted,
            blocks_rejected=self._rejected, blocks_stale=self._stale,
            slots=self._slots, active_workers=sum(self._worker_active), paused=self._paused,
            kernel=kernel.name if kernel else None, height=template.height if template else None,
            connected=self._connected, first_hash_s=self._first_hash_s)

    # ------------------------------------------------------------------ internals
    def _check_slots(self, n: int) -> int:
        if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= self.max_slots:
            raise ValueError(f"slots must be a whole number in 0..{self.max_slots}, got {n!r}")
        return n

    def _emit(self, event: MinerEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a broken listener must not take the miner down
                log.exception("miner event listener failed on %r", event)

    def _on_rpc_retry(self, error: RPCError, delay_s: float) -> None:
        if self._stop.is_set():  # stopping: the node going away now is expected, not news
            return
        self._connected = False
        self._had_problem = True
        self._emit(ConnectionProblem(str(error), delay_s))

    def _rpc(self, method: str, *params, timeout_s: float | None = None):
        """An RPC that retries with back-off on connection loss; raises RPCStopped on stop."""
        result = self.rpc.call_retrying(method, *params, stop=self._stop, on_retry=self._on_rpc_retry,
                                        timeout_s=timeout_s)
        if not self._connected:
            self._connected = True
            if self._had_problem:
                self._had_problem = False
                self._emit(ConnectionRestored())
        return result

    # kernels -------------------------------------------------------------------------
    def _kernel_loop(self) -> None:
        def progress(name: str, stage: str, seconds: float) -> None:
            self._emit(KernelProgress(name, stage, seconds))

        def activate(name: str) -> bool:
            kernel = get_kernel(name, progress)
            if self._stop.is_set():
                return False
            with self._changed:
                self._kernel = kernel
                self._changed.notify_all()
            self._emit(KernelProgress(name, "active", kernel.compile_s))
            return True

        try:
            if self.kernel_name is None:  # first run on this CPU: mine with the quick kernel meanwhile
                if self.quick_start and not activate(QUICK_KERNEL):
                    return
                self.kernel_name = self._measure_fastest_kernel(progress)
                if self._stop.is_set() or (self._kernel is not None and self._kernel.name == self.kernel_name):
                    return
            quick = self.quick_start and not is_loaded(self.kernel_name)  # e.g. measure_hashrate ran
            names = [QUICK_KERNEL, self.kernel_name] if quick else [self.kernel_name]
            for name in names:
                if not activate(name):
                    return
        except Exception as exc:  # a compile failure leaves the quick kernel mining if we have it
            log.exception("kernel compilation failed")
            self._emit(KernelProgress(self.kernel_name or QUICK_KERNEL, f"failed: {exc}", 0.0))

    def _measure_fastest_kernel(self, progress) -> str:
        """Compile every kernel (workers keep mining), then time them with the workers idle."""
        from engine.mining.kernels.choice import choose_kernel, measure_kernels_hs
        from engine.mining.kernels.parallel import prepare_kernels

        def measure(names: list, threads: int) -> dict:
            prepare_kernels(names, progress)  # slow kernels in child processes, in parallel
            hold_until = time.monotonic() + 3600.0
            with self._changed:  # workers finish their ~50 ms chunk, then wait: timing needs the cores
                previous, self._resume_at_s = self._resume_at_s, max(self._resume_at_s, hold_until)
            deadline_s = time.monotonic() + 1.0
            while any(self._worker_active) and time.monotonic() < deadline_s:
                time.sleep(0.01)
            try:
                return measure_kernels_hs(names, threads, progress)
            finally:
                with self._changed:
                    if self._resume_at_s == max(previous, hold_until):
                        self._resume_at_s = previous
                    self._changed.notify_all()

        return choose_kernel(self.max_slots, measure=measure, on_progress=progress).name

    # templates -----------------------------------------------------------------------
    def _publish(self, raw: dict, reason: str) -> bool:
        """Make `raw` the current template unless it changes nothing; True if it did."""
        return self._publish_template(BlockTemplate.from_rpc(raw), reason)

    def _publish_template(self, template, reason: str, force: bool = False) -> bool:
        with self._changed:
            self._templates_answered += 1
            current = self._template
            # a template that changes nothing must not restart the workers (or, after we
            # solved this one, set them mining a sibling of our own block)
            same = (not force and current is not None
                    and current.previous_block_hash == template.previous_block_hash
                    and current.transactions == template.transactions)
            if same:
                return False
            if current is not None and current.previous_block_hash != template.previous_block_hash \
                    and reason == "refresh":
                reason = "new tip"
            elif current is not None and reason == "refresh":
                reason = "new transactions"
            self._template = template
            self._template_id += 1
            self._changed.notify_all()
        self._emit(NewJob(template.height, template.previous_block_hash, template.target,
                          len(template.transactions), reason))
        return True

    def _withdraw_template(self) -> None:
        """No work (a job source lost its pool): workers stop rather than hash stale work."""
        with self._changed:
            self._template = None
            self._template_id += 1
            self._changed.notify_all()

    def _template_loop(self) -> None:
        use_longpoll = self.longpoll
        last_refresh_s = time.monotonic()
        while not self._stop.is_set():
            try:
                template = self._template
                if template is None:
                    self._publish(self._rpc("getblocktemplate", GBT_REQUEST), "start")
                    last_refresh_s = time.monotonic()
                elif use_longpoll and template.longpollid:
                    asked_s = time.monotonic()
                    try:
                        raw = self.rpc.call("getblocktemplate", dict(GBT_REQUEST, longpollid=template.longpollid),
                                            timeout_s=LONGPOLL_TIMEOUT_S)
                    except RPCConnectionError:
                        # a longpoll timing out is normal; a dead node shows in the plain call
                        raw = self._rpc("getblocktemplate", GBT_REQUEST)
                    except RPCError as exc:
                        if exc.transient:
                            raise
                        log.info("longpoll not usable (%s); polling instead", exc)
                        use_longpoll = False
                        continue
                    if not self._stop.is_set() and not self._publish(raw, "refresh"):
                        # a node that answers longpolls at once with nothing new must not be hammered
                        if self._stop.wait(max(0.0, self.poll_interval_s - (time.monotonic() - asked_s))):
                            return
                else:
                    if self._stop.wait(self.poll_interval_s):
                        return
                    best = self._rpc("getbestblockhash")
                    if best != template.previous_block_hash or \
                            time.monotonic() - last_refresh_s >= self.refresh_interval_s:
                        self._publish(self._rpc("getblocktemplate", GBT_REQUEST), "refresh")
                        last_refresh_s = time.monotonic()
            except RPCStopped:
                return
            except RPCError as exc:  # the node refuses templates: say so, keep trying
                self._emit(ConnectionProblem(f"getblocktemplate failed: {exc}", 5.0))
                if self._stop.wait(5.0):
                    return

    # submission ----------------------------------------------------------------------
    def _submit_loop(self) -> None:
        while not self._stop.is_set():
            try:
                job, nonce, worker = self._submit_queue.get(timeout=0.1)
            except queue.Empty:
                continue
            block_hash = job.block_hash(nonce)
            try:
                result = self._rpc("submitblock", job.block_hex(nonce))
            except RPCStopped:
                return
            except RPCError as exc:  # e.g. RPC_DESERIALIZATION_ERROR: the node refused to parse it
                result = f"rpc error: {exc}"
            status, reason = submit_outcome(result)
            with self._counts_lock:
                if status == "accepted":
                    self._accepted += 1
                elif status == "stale":
                    self._stale += 1
                else:
                    self._rejected += 1
            self._emit(BlockResult(job.template.height, block_hash, status, reason))
            if self._count_refusal(job, status, reason):
                return
            if status == "rejected":
                # Re-finding and re-submitting the same refused block would hammer the node:
                # pause a poll interval and take a fresh template (time-too-new, a new tip, ...).
                self._resume_at_s = time.monotonic() + self.poll_interval_s
            if status in ("accepted", "rejected"):
                try:  # mine on our new tip at once rather than wait for the longpoll or poll
                    self._publish(self._rpc("getblocktemplate", GBT_REQUEST), "after submit")
                except RPCStopped:
                    return
                except RPCError as exc:
                    self._emit(ConnectionProblem(f"getblocktemplate failed: {exc}", self.poll_interval_s))
            with self._changed:  # not our tip: keep mining the current template rather than idle
                if status != "accepted" and self._solved_template_id == self._template_id \
                        and self._template.previous_block_hash == job.template.previous_block_hash:
                    self._solved_template_id = -1
                    self._changed.notify_all()

    def _count_refusal(self, job: BlockJob, status: str, reason: str | None) -> bool:
        """Count refusals in a row (engine.mining.refusals); at REFUSALS_BEFORE_STOP, stop mining with
        a MiningRefused event and return True."""
        with self._changed:
            current, answered = self._template, self._templates_answered
        on_current = (current is not None and job.template.previous_block_hash == current.previous_block_hash
                      and job.template.transactions == current.transactions)
        refused = self._refusals.add(status, reason, on_current, answered)
        if refused is None:
            return False
        self.refused = refused
        log.info("%s", self.refused.message)  # the event carries it to the user
        self._stop.set()  # every thread ends; the owner's stop() still joins them
        with self._changed:
            self._changed.notify_all()
        self._emit(self.refused)
        return True

    # workers -------------------------------------------------------------------------
    def _may_mine(self, index: int) -> bool:
        template = self._template
        return (not self._stop.is_set() and not self._paused and index < self._slots
                and self._kernel is not None and template is not None
                and self._solved_template_id != self._template_id
                and time.monotonic() >= self._resume_at_s
                # regtest at full speed pushes the median time past toward the node's two-hour
                # future limit: then wait for the clock rather than build refused headers
                and template.time_in_bounds())

    def _worker_loop(self, index: int) -> None:
        job: BlockJob | None = None
        job_template_id = -1
        jobs_built = 0  # never reset: every header a worker builds has a fresh extranonce
        nonce = 0
        chunk = 1 << 12
        lanes_out = None
        params = None
        while not self._stop.is_set():
            if not self._may_mine(index):
                self._worker_active[index] = False
                with self._changed:
                    self._changed.wait_for(lambda: self._may_mine(index) or self._stop.is_set(), timeout=0.5)
                continue
            self._worker_active[index] = True
            kernel = self._kernel
            if lanes_out is None:
                lanes_out = kernel.new_lanes_buffer()
            template_id = self._template_id
            if job is None or template_id != job_template_id or nonce >= self.nonces_per_header:
                # a new template, or the nonce space is exhausted: new extranonce, new merkle root
                template = self._template
                extranonce = self._salt + index.to_bytes(1, "little") + (jobs_built % (1 << 32)).to_bytes(4, "little")
                jobs_built += 1
                if self.source is not None:
                    job = self.source.make_job(template, index, jobs_built)
                else:
                    job = make_job(template, self.payout_script, extranonce)
                params = job.params()
                job_template_id = template_id
                nonce = 0
            end = min(nonce + chunk, self.nonces_per_header)
            t0 = time.perf_counter()
            found, hashes = kernel.search(params, job.header76, job.target, nonce, end, lanes_out)
            t1 = time.perf_counter()
            self._worker_hashes[index] += hashes
            self._meters[index].add(t1, hashes, t1 - t0)
            if self._first_hash_s is None:
                self._first_hash_s = t1 - self._start_s
            # size chunks so each call takes ~chunk_s: slots/pause/new jobs apply within that
            if hashes == end - nonce and t1 > t0:
                chunk = int(min(max(hashes / (t1 - t0) * self.chunk_s, 1 << 10), 1 << 28))
            nonce = end
            if found is not None and self.source is not None:  # a share: send it, hash on
                self.source.submit(job, found, index)
                nonce = found + 1
            elif found is not None:
                with self._changed:
                    # another worker already solved this template: a second block would only
                    # compete with our own, so drop it
                    ours_already = self._solved_template_id == job_template_id
                    if self._template_id == job_template_id:
                        self._solved_template_id = job_template_id
                if ours_already:
                    continue
                with self._counts_lock:
                    self._found += 1
                self._emit(BlockFound(job.template.height, job.block_hash(found), found, index))
                # a solution for a template the tip has since left is submitted too: the
                # node's answer ("inconclusive") counts it as stale
                self._submit_queue.put((job, found, index))
        self._worker_active[index] = False

    # stats ---------------------------------------------------------------------------
    def _stats_loop(self) -> None:
        while not self._stop.wait(self.stats_interval_s):
            self._emit(self.stats())
