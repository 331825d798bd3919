"""What the pool knows about each worker: hashrate from its shares, tallies, blocks, payouts.

A worker is its name (the student's), not its connection: one that disconnects and comes back
keeps its statistics. Hashrate from shares: each accepted share of difficulty d stands for
d * 2**32 hashes on average (the diff-1 target is 2**224 * 0xFFFF / 2**16, so ~2**32 hashes
per diff-1 share), summed over a window. Everything here is bounded: shares older than the
longest window are dropped; the PPLNS window keeps the last shares worth `PPLNS_KEEP` times
what a block at the current difficulty needs (at most `PPLNS_MAX_SHARES` shares); a name with
no open connection, nothing in the round or the PPLNS window and no share for the longest
hashrate window is forgotten (`evict_idle`), and one address holds at most `NAMES_PER_ADDRESS`
names (20,000 names from one laptop held 2.4 KB each for good and stalled share replies).
A snapshot copies the few figures of each kept worker under the lock and builds the rows
outside it, so the Class tab's second never holds share accounting up.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Collection
from dataclasses import dataclass

# Hashes per share of difficulty 1 as pools count them (cgminer, ckpool): 2**32. Core's exact figure,
# 2**48 / 65535, is engine.primitives.pow.HASHES_PER_DIFFICULTY (0.0015% more); pools round it.
HASHES_PER_DIFF1 = 2**32
WINDOWS_S = (1.0, 10.0, 60.0)
PPLNS_FACTOR = 2.0  # PPLNS pays the last shares worth 2x the block's difficulty (a common N)
PPLNS_MAX_SHARES = 200_000
PPLNS_KEEP = 2.0  # margin over the PPLNS window: the block difficulty may rise before the next block
BLOCKS_KEPT = 200
DROP_RATIO = 0.5  # 10 s hashrate under half the 1 min one: the student moved cores away
NAMES_PER_ADDRESS = 16  # distinct worker names one computer (one source address) may hold


@dataclass(frozen=True)
class WorkerRow:
    name: str
    connected: int  # open connections authorised as this worker
    hashrate_hs: dict  # window seconds -> H/s from accepted shares
    difficulty: float  # the last share difficulty assigned
    accepted: int
    rejected: int
    stale: int
    reasons: dict  # reason -> count of rejected/stale shares
    blocks: int
    work_share: float  # this worker's part of all accepted work (difficulty), 0..1
    block_share: float  # its part of the class's blocks, 0..1
    status: str  # "mining" | "dropped" (hashrate falling) | "left" (disconnected)


@dataclass(frozen=True)
class BlockRow:
    height: int
    block_hash: str
    finder: str
    status: str  # "accepted" | "rejected" | "stale" (the node's BIP22 answer)
    reason: str | None
    reward_sat: int
    proportional: dict  # worker -> satoshis: the round's shares since the last block
    pplns: dict  # worker -> satoshis: the last N shares, rounds ignored
    found_s: float


@dataclass(frozen=True)
class PoolSnapshot:
    workers: tuple[WorkerRow, ...]
    blocks: tuple[BlockRow, ...]
    total_hashrate_hs: dict
    node_ok: bool
    height: int | None
    port: int | None
    clients: int


class _Window:
    """Accepted work over the last `span_s` seconds as a running sum, so a snapshot costs the
    same with 10 shares or 10,000 (the window's timer must not hold the pool's loop). Work is
    kept in integer units of 2**-128 difficulty: sums and removals are exact, nothing drifts."""

    __slots__ = ("span_s", "shares", "units")

    def __init__(self, span_s: float):
        self.span_s = span_s
        self.shares: deque[tuple[float, int]] = deque()  # (time, units)
        self.units = 0

    def add(self, now_s: float, units: int) -> None:
        shares, horizon = self.shares, now_s - self.span_s
        shares.append((now_s, units))
        self.units += units
        while shares[0][0] < horizon:
            self.units -= shares.popleft()[1]

    def trim(self, now_s: float) -> None:
        horizon, shares = now_s - self.span_s, self.shares
        while shares and shares[0][0] < horizon:
            self.units -= shares.popleft()[1]


WORK_UNITS = 2**128  # units per difficulty 1 (exact for any difficulty above 2**-75)


class _Worker:
    def __init__(self, name: str, now_s: float):
        self.name = name
        self.first_s = now_s
        self.connected = 0
        self.windows = tuple(_Window(span_s) for span_s in WINDOWS_S)
        self.accepted = self.rejected = self.stale = self.blocks = 0
        self.work = 0.0
        self.reasons: Counter[str] = Counter()
        self.difficulty = 0.0
        self.last_s = now_s  # last connect, disconnect or share
        self.in_pplns = 0  # its shares in the PPLNS window kept
        self.addresses: set[str] = set()


def split_reward(reward_sat: int, work: dict[str, float]) -> dict[str, int]:
    """Split `reward_sat` in proportion to `work` (worker -> difficulty); remainders to the largest."""
    total = sum(work.values())
    if total <= 0:
        return {}
    paid = {name: int(reward_sat * w // total) for name, w in work.items()}
    rest = reward_sat - sum(paid.values())
    if rest and paid:
        paid[max(work, key=work.__getitem__)] += rest
    return paid


class PoolStats:
    """Thread-safe tallies; the pool's event loop writes, the window's timer reads snapshots."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._workers: dict[str, _Worker] = {}
        self._round: defaultdict[str, float] = defaultdict(float)  # worker -> difficulty since the last block
        self._recent: deque[tuple[str, float]] = deque()
        self._recent_units = 0  # their work in WORK_UNITS (exact)
        self.block_difficulty: float | None = None  # the pool sets it from each template
        self._blocks: deque[BlockRow] = deque(maxlen=BLOCKS_KEPT)
        self.node_ok = True
        self.height: int | None = None
        self.port: int | None = None
        self.clients = 0
        self._by_address: dict[str, set[str]] = {}
        self._evicted_work = 0.0  # accepted work of the names evict_idle forgot (accepted_hashes)

    def _worker(self, name: str) -> _Worker:
        worker = self._workers.get(name)
        if worker is None:
            worker = self._workers[name] = _Worker(name, self._clock())
        return worker

    def blocks_of(self, name: str) -> int:
        """The blocks the node accepted from `name` (0 for a name the pool does not know)."""
        with self._lock:
            worker = self._workers.get(name)
            return worker.blocks if worker is not None else 0

    def connected(self, name: str, delta: int, address: str | None = None) -> bool:
        """A connection authorised as `name` (+1) or closed (-1). From `address`, a name new to
        it is refused (False) when the address already holds NAMES_PER_ADDRESS names."""
        with self._lock:
            if address is not None and delta > 0:
                names = self._by_address.setdefault(address, set())
                if name not in names:
                    if len(names) >= NAMES_PER_ADDRESS:
                        return False
                    names.add(name)
                    self._worker(name).addresses.add(address)
            worker = self._worker(name)
            worker.connected = max(0, worker.connected + delta)
            worker.last_s = self._clock()
            return True

    def evict_idle(self) -> int:
        """Forget the names nobody uses: no open connection, nothing owed by either payout (no
        share in the round or in the PPLNS window) and no share for the longest hashrate window.
        Returns how many went."""
        horizon = self._clock() - WINDOWS_S[-1]
        with self._lock:
            idle = [
                w
                for w in self._workers.values()
                if not w.connected and not w.in_pplns and w.last_s < horizon and w.name not in self._round
            ]
            for w in idle:
                self._evicted_work += w.work
                del self._workers[w.name]
                for address in w.addresses:
                    names = self._by_address.get(address)
                    if names is not None:
                        names.discard(w.name)
                        if not names:
                            del self._by_address[address]
            return len(idle)

    def accepted_hashes(self, exclude: Collection[str] = ()) -> int:
        """The hashes the accepted shares stand for since the pool started (difficulty x
        HASHES_PER_DIFF1), never decreasing: forgotten names still count. `exclude`: workers left
        out (the teacher's own miner, when the 51% race counts the class's hashes)."""
        with self._lock:
            work = self._evicted_work + sum(w.work for w in self._workers.values() if w.name not in exclude)
        return int(work * HASHES_PER_DIFF1)

    def __len__(self) -> int:
        return len(self._workers)

    def set_difficulty(self, name: str, difficulty: float) -> None:
        with self._lock:
            self._worker(name).difficulty = difficulty

    def share(self, name: str, difficulty: float, status: str, reason: str | None = None) -> None:
        """status: "accepted", "stale" or "rejected" (with the reason)."""
        now_s = self._clock()
        with self._lock:
            worker = self._worker(name)
            worker.last_s = now_s
            if status == "accepted":
                worker.accepted += 1
                worker.work += difficulty
                units = int(difficulty * WORK_UNITS)
                for window in worker.windows:
                    window.add(now_s, units)
                self._round[name] += difficulty
                self._keep_recent(name, difficulty, units)
            else:
                if status == "stale":
                    worker.stale += 1
                else:
                    worker.rejected += 1
                worker.reasons[reason or status] += 1

    def _keep_recent(self, name: str, difficulty: float, units: int) -> None:
        """The PPLNS window's shares, trimmed by work: without it 200 shares/s filled the count
        bound over 17 minutes (~15 MB of tuples, the pool's memory growing all the while)."""
        recent, workers = self._recent, self._workers
        recent.append((name, difficulty))
        workers[name].in_pplns += 1
        self._recent_units += units
        keep = PPLNS_KEEP * PPLNS_FACTOR * self.block_difficulty * WORK_UNITS if self.block_difficulty else None
        while len(recent) > PPLNS_MAX_SHARES or (
            keep is not None and len(recent) > 1 and self._recent_units - int(recent[0][1] * WORK_UNITS) >= keep
        ):
            old, old_difficulty = recent.popleft()
            self._recent_units -= int(old_difficulty * WORK_UNITS)
            workers[old].in_pplns -= 1  # a name is not evicted while it has shares here

    def block(
        self,
        finder: str,
        height: int,
        block_hash: str,
        status: str,
        reason: str | None,
        reward_sat: int,
        block_difficulty: float,
    ) -> None:
        """A block a worker found, with the node's answer; accepted blocks close the round."""
        with self._lock:
            proportional, pplns = {}, {}
            if status == "accepted":
                self._worker(finder).blocks += 1
                proportional = split_reward(reward_sat, dict(self._round))
                window = PPLNS_FACTOR * block_difficulty
                taken: defaultdict[str, float] = defaultdict(float)
                total = 0.0
                for name, difficulty in reversed(self._recent):
                    if total >= window:
                        break
                    taken[name] += difficulty
                    total += difficulty
                pplns = split_reward(reward_sat, dict(taken))
                self._round.clear()
            self._blocks.append(
                BlockRow(height, block_hash, finder, status, reason, reward_sat, proportional, pplns, self._clock())
            )

    def snapshot(self) -> PoolSnapshot:
        now_s = self._clock()
        with self._lock:  # copy the figures (a few per worker); the rows are built outside
            copied = [
                (
                    w.name,
                    w.connected,
                    tuple(_trimmed_units(window, now_s) for window in w.windows),
                    w.first_s,
                    w.difficulty,
                    w.accepted,
                    w.rejected,
                    w.stale,
                    dict(w.reasons),
                    w.blocks,
                    w.work,
                )
                for w in self._workers.values()
            ]
            blocks = tuple(self._blocks)
        total_work = sum(c[10] for c in copied)
        total_blocks = sum(c[9] for c in copied)
        rows = []
        for name, connected, units, first_s, difficulty, accepted, rejected, stale, reasons, found, work in copied:
            rates = {
                window_s: float(u) * (HASHES_PER_DIFF1 / WORK_UNITS) / min(window_s, max(now_s - first_s, 1e-3))
                for window_s, u in zip(WINDOWS_S, units)
            }
            if not connected:
                status = "left"
            elif now_s - first_s > 20 and rates[10.0] < DROP_RATIO * rates[60.0]:
                status = "dropped"
            else:
                status = "mining"
            rows.append(
                WorkerRow(
                    name,
                    connected,
                    rates,
                    difficulty,
                    accepted,
                    rejected,
                    stale,
                    reasons,
                    found,
                    work / total_work if total_work else 0.0,
                    found / total_blocks if total_blocks else 0.0,
                    status,
                )
            )
        rows.sort(key=lambda r: r.name.lower())
        totals = {window: sum(r.hashrate_hs[window] for r in rows) for window in WINDOWS_S}
        return PoolSnapshot(tuple(rows), blocks, totals, self.node_ok, self.height, self.port, self.clients)


def _trimmed_units(window: _Window, now_s: float) -> int:
    window.trim(now_s)
    return window.units
