"""The mempool's bounds as Bitcoin Core 29: the package limits with the CPFP carve-out
(validation.cpp PreChecks, txmempool.cpp CalculateAncestorsAndCheckLimits), and its size and
age (txmempool.cpp TrimToSize, Expire,
GetMinFee, trackPackageRemoved; validation.cpp LimitMempoolSize): past -maxmempool the entries
with the lowest descendant score leave with their descendants and the rolling minimum fee rises
to their fee rate plus the incremental relay fee, then halves every 12 hours after a block (faster
when the pool is small); entries older than -mempoolexpiry leave too.

Memory is counted as this Python node really spends it, not as Core's C++ would: ENTRY_BASE_BYTES
plus BYTES_PER_RAW_BYTE for each serialized byte (a 191-byte P2WPKH spend measured 2,450 bytes
with tracemalloc: the decoded transaction, its entry, indexes and script cache; the test checks
the count stays above the measure), so -maxmempool bounds the node's memory."""

from __future__ import annotations

import heapq
import itertools
import logging
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from bitcoin.core import b2lx

from . import policy
from .tx_validation import TxInvalid

if TYPE_CHECKING:
    from .mempool import MempoolEntry

log = logging.getLogger("regtest.mempool")

DEFAULT_MAX_MEMPOOL_SIZE_MB = 300  # kernel/mempool_options.h
DEFAULT_MEMPOOL_EXPIRY_HOURS = 336  # kernel/mempool_options.h: two weeks
ROLLING_FEE_HALFLIFE_S = 60 * 60 * 12  # txmempool.h
ENTRY_BASE_BYTES = 1800
BYTES_PER_RAW_BYTE = 8
EXPIRY_SCAN_INTERVAL_S = 60  # Core scans a time index at each acceptance; a minute is as good at 336 h


def entry_usage(entry: MempoolEntry) -> int:
    return ENTRY_BASE_BYTES + BYTES_PER_RAW_BYTE * len(entry.raw)


class MempoolLimits:
    """Mixed into Mempool: its `entries`, `lock`, `clock`, `incremental_relay_fee`,
    `descendants` and `_remove_one`, plus the state below (set by `_init_limits`)."""

    entries: dict
    clock: Callable[[], float]
    incremental_relay_fee: int

    def descendants(self, txid: bytes) -> set[bytes]:
        raise NotImplementedError

    def _remove_one(self, txid: bytes) -> None:
        raise NotImplementedError

    def _init_limits(self, max_mempool_mb: int, expiry_hours: int) -> None:
        self.max_bytes = max_mempool_mb * 1_000_000  # init.cpp: -maxmempool in MB
        self.expiry_s = expiry_hours * 3600
        self.usage = 0  # DynamicMemoryUsage
        self.rolling_min_fee = 0.0  # sat/kvB
        self.last_rolling_update = 0.0
        self.block_since_bump = False
        self._last_expiry_scan = float("-inf")
        # Core's descendant_score index as a heap of (score, -time, version, txid): an entry is
        # ranked again (a new version) when its descendants or time change; older ranks go stale.
        self._scores: list[tuple[float, float, int, bytes]] = []
        self._score_version: dict[bytes, int] = {}
        self._versions = itertools.count()

    def rescore(self, txids) -> None:
        """Rank these entries again (their descendants, fees or entry time changed)."""
        for txid in txids:
            if txid in self.entries:
                version = next(self._versions)
                self._score_version[txid] = version
                heapq.heappush(self._scores, (*self._descendant_score_key(txid), version, txid))
        if len(self._scores) > 2 * len(self.entries) + 1024:  # mostly stale: rebuild
            self._scores = [(*self._descendant_score_key(t), v, t) for t, v in self._score_version.items()]
            heapq.heapify(self._scores)

    def _forget_score(self, txid: bytes) -> None:
        self._score_version.pop(txid, None)

    def _clear_scores(self) -> None:
        self._scores.clear()
        self._score_version.clear()

    def lowest_score(self) -> bytes:
        """The entry TrimToSize removes first (mapTx.get<descendant_score>().begin())."""
        while self._scores:
            *_, version, txid = self._scores[0]
            if self._score_version.get(txid) == version:
                return txid
            heapq.heappop(self._scores)
        raise LookupError("the mempool is empty")

    # --- the rolling minimum fee -----------------------------------------------------------
    def min_fee_rate(self) -> int:
        """txmempool.cpp GetMinFee: the fee rate (sat/kvB) below which the full pool refuses."""
        if not self.block_since_bump or self.rolling_min_fee == 0:
            return round(self.rolling_min_fee)
        now = self.clock()
        if now > self.last_rolling_update + 10:
            halflife = float(ROLLING_FEE_HALFLIFE_S)
            if self.usage < self.max_bytes / 4:
                halflife /= 4
            elif self.usage < self.max_bytes / 2:
                halflife /= 2
            self.rolling_min_fee /= math.pow(2.0, (now - self.last_rolling_update) / halflife)
            self.last_rolling_update = now
            if self.rolling_min_fee < self.incremental_relay_fee / 2:
                self.rolling_min_fee = 0.0
                return 0
        return max(round(self.rolling_min_fee), self.incremental_relay_fee)

    def _track_package_removed(self, rate: float) -> None:
        if rate > self.rolling_min_fee:
            self.rolling_min_fee = rate
            self.block_since_bump = False

    def _block_connected(self) -> None:
        """removeForBlock: the rolling fee may decay again from now."""
        self.last_rolling_update = self.clock()
        self.block_since_bump = True

    # --- trimming and expiry ---------------------------------------------------------------
    def limit_size(self) -> None:
        """validation.cpp LimitMempoolSize: expire, then trim to -maxmempool."""
        now = self.clock()
        if now - self._last_expiry_scan >= EXPIRY_SCAN_INTERVAL_S:
            self._last_expiry_scan = now
            cutoff = now - self.expiry_s
            old = [txid for txid, e in self.entries.items() if e.time < cutoff]
            expired = set().union(*(self.descendants(t) for t in old if t in self.entries)) if old else set()
            for txid in expired:
                self._remove_one(txid)
            if expired:
                log.info("Expired %d transactions from the memory pool", len(expired))
        self.trim_to_size(self.max_bytes)

    def trim_to_size(self, limit: int) -> None:
        """txmempool.cpp TrimToSize: lowest descendant score first, with its descendants."""
        removed_count, max_removed = 0, 0.0
        while self.entries and self.usage > limit:
            txid = self.lowest_score()
            stage = self.descendants(txid)
            fee = sum(self.entries[t].fee for t in stage)
            size = sum(self.entries[t].vsize for t in stage)
            rate = fee * 1000 // size + self.incremental_relay_fee  # CFeeRate(fees, size) + incremental
            self._track_package_removed(rate)
            max_removed = max(max_removed, rate)
            removed_count += len(stage)
            for t in stage:
                self._remove_one(t)
        if max_removed:
            log.info(
                "Removed %d txn, rolling minimum fee bumped to %s",
                removed_count,
                f"{int(max_removed) // 100_000_000}.{int(max_removed) % 100_000_000:08d} BTC/kvB",
            )

    def _descendant_score_key(self, txid: bytes) -> tuple[float, float]:
        """CompareTxMemPoolEntryByDescendantScore: the higher of the tx's own fee rate and its
        fee rate with descendants, lowest first; on a tie the newer entry first."""
        e = self.entries[txid]
        rate = e.fee / e.vsize
        if e.children:
            stage = self.descendants(txid)
            rate = max(rate, sum(self.entries[t].fee for t in stage) / sum(self.entries[t].vsize for t in stage))
        return rate, -e.time

    # --- package limits ------------------------------------------------------------------
    def _check_limits(self, parents: set[bytes], vsize: int, version: int) -> set[bytes]:
        """validation.cpp PreChecks: the ancestors within Core's limits (25 / 101 kvB each way),
        else the CPFP carve-out: a tx of at most 10,000 vB with one unconfirmed ancestor may be a
        parent's 26th descendant (and 10 kvB over its size limit). Raises too-long-mempool-chain
        with the first check's words, as Core."""
        limits = (
            policy.DEFAULT_ANCESTOR_LIMIT,
            policy.DEFAULT_ANCESTOR_SIZE_LIMIT_VB,
            policy.DEFAULT_DESCENDANT_LIMIT,
            policy.DEFAULT_DESCENDANT_SIZE_LIMIT_VB,
        )
        ancestors, error = self._ancestors_within(parents, vsize, *limits)
        if error is None:
            return ancestors
        if vsize <= policy.EXTRA_DESCENDANT_TX_SIZE_LIMIT and version != policy.TRUC_VERSION:
            carve_out = (2, limits[1], limits[2] + 1, limits[3] + policy.EXTRA_DESCENDANT_TX_SIZE_LIMIT)
            ancestors, retry_error = self._ancestors_within(parents, vsize, *carve_out)
            if retry_error is None:
                return ancestors
        raise TxInvalid("too-long-mempool-chain", error)

    def _ancestors_within(
        self, parents: set[bytes], vsize: int, count: int, size: int, desc_count: int, desc_size: int
    ) -> tuple[set[bytes], str | None]:
        """txmempool.cpp CalculateMemPoolAncestors / CalculateAncestorsAndCheckLimits, in Core's
        order (each staged ancestor in txid order: descendant size, descendant count, ancestor
        size; the ancestor count as parents are staged): the ancestors, and Core's words if a
        limit is passed."""
        if len(parents) + 1 > count:
            return set(), f"too many unconfirmed parents [limit: {count}]"
        staged, ancestors, total = set(parents), set(), vsize
        while staged:
            txid = min(staged)  # Core's set order: by hash
            staged.discard(txid)
            ancestors.add(txid)
            entry = self.entries[txid]
            total += entry.vsize
            descendants = self.descendants(txid)
            if sum(self.entries[d].vsize for d in descendants) + vsize > desc_size:
                return ancestors, f"exceeds descendant size limit for tx {b2lx(txid)} [limit: {desc_size}]"
            if len(descendants) + 1 > desc_count:
                return ancestors, f"too many descendants for tx {b2lx(txid)} [limit: {desc_count}]"
            if total > size:
                return ancestors, f"exceeds ancestor size limit [limit: {size}]"
            for parent in entry.parents:
                if parent not in ancestors:
                    staged.add(parent)
                if len(staged) + len(ancestors) + 1 > count:
                    return ancestors, f"too many unconfirmed ancestors [limit: {count}]"
        return ancestors, None
