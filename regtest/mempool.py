"""The mempool: unconfirmed transactions checked against the UTXO set and relay policy, with
replacement (RBF) as Bitcoin Core 28+ does it (full RBF), in Core's order and with its reasons
(validation.cpp MemPoolAccept PreChecks / ReplacementChecks / PolicyScriptChecks, policy/rbf.cpp,
txmempool.cpp). It shares the chain lock (Core's cs_main and pool.cs), and the chain tells it
of every tip change (removeForBlock, MaybeUpdateMempoolForReorg).
"""

from __future__ import annotations

import heapq
import itertools
import time
from dataclasses import dataclass, field

from bitcoin.core import CTransaction, b2lx

from . import policy
from .mempool_limits import DEFAULT_MAX_MEMPOOL_SIZE_MB, DEFAULT_MEMPOOL_EXPIRY_HOURS, MempoolLimits, entry_usage
from .tx_validation import (
    MEMPOOL_HEIGHT,
    Coin,
    TxInvalid,
    _btc,
    check_tx_inputs,
    script_error_text,
    sequence_locks_ok,
    tx_sigop_cost,
    verify_scripts,
)
from .validation import LOCKTIME_THRESHOLD, SEQUENCE_FINAL, BlockInvalid, check_transaction

MAX_BIP125_RBF_SEQUENCE = 0xFFFFFFFD  # util/rbf.h


@dataclass(eq=False)
class MempoolEntry:
    """txmempool_entry.h CTxMemPoolEntry."""

    tx: CTransaction
    raw: bytes
    txid: bytes
    wtxid: bytes
    fee: int
    weight: int
    vsize: int
    sigop_cost: int
    time: int
    height: int  # the chain's height when it entered
    sequence: int  # entry order (parents always enter before children)
    parents: set[bytes] = field(default_factory=set)
    children: set[bytes] = field(default_factory=set)


@dataclass(frozen=True)
class AcceptResult:
    txid: bytes
    wtxid: bytes
    vsize: int
    fee: int
    replaced: tuple[bytes, ...]


def signals_rbf(tx: CTransaction) -> bool:
    """util/rbf.cpp SignalsOptInRBF (BIP125)."""
    return any(txin.nSequence <= MAX_BIP125_RBF_SEQUENCE for txin in tx.vin)


def _fee_rate_text(fee: int, vsize: int) -> str:
    """CFeeRate::ToString: BTC per kvB with eight decimals."""
    rate = fee * 1000 // vsize
    return f"{rate // 100_000_000}.{rate % 100_000_000:08d} BTC/kvB"


class Mempool(MempoolLimits):
    def __init__(
        self,
        chain,
        min_relay_fee_sat_per_kvb: int = policy.DEFAULT_MIN_RELAY_FEE_SAT_PER_KVB,
        full_rbf: bool = True,
        clock=time.time,
        max_mempool_mb: int = DEFAULT_MAX_MEMPOOL_SIZE_MB,
        expiry_hours: int = DEFAULT_MEMPOOL_EXPIRY_HOURS,
    ):
        self.chain = chain
        self.lock = chain.lock
        self.min_relay_fee = min_relay_fee_sat_per_kvb
        self.incremental_relay_fee = policy.DEFAULT_INCREMENTAL_RELAY_FEE_SAT_PER_KVB
        self.full_rbf = full_rbf  # Core 28's -mempoolfullrbf (default on; the option is gone in 29)
        self.clock = clock
        self.entries: dict[bytes, MempoolEntry] = {}
        self.by_wtxid: dict[bytes, bytes] = {}
        self.spenders: dict[tuple[bytes, int], bytes] = {}  # outpoint -> txid spending it
        self.transactions_updated = 0  # Core's nTransactionsUpdated (getblocktemplate longpoll)
        self._sequence = itertools.count()
        self._init_limits(max_mempool_mb, expiry_hours)
        self.loaded = True  # getmempoolinfo "loaded": False while mempool.dat is being read
        chain.mempool = self

    # --- queries ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.entries)

    def get(self, txid: bytes) -> MempoolEntry | None:
        return self.entries.get(txid)

    def coin(self, outpoint: tuple[bytes, int]) -> Coin | None:
        """CCoinsViewMemPool::GetCoin: outputs of mempool transactions, then the UTXO set."""
        parent = self.entries.get(outpoint[0])
        if parent is not None:
            if outpoint[1] < len(parent.tx.vout):
                out = parent.tx.vout[outpoint[1]]
                return Coin(out.nValue, bytes(out.scriptPubKey), MEMPOOL_HEIGHT, False)
            return None
        return self.chain.utxo.get(outpoint)

    def ancestors(self, txids) -> set[bytes]:
        """CalculateMemPoolAncestors over the given parents (not including a new tx itself)."""
        seen, stack = set(), list(txids)
        while stack:
            txid = stack.pop()
            if txid not in seen:
                seen.add(txid)
                stack.extend(self.entries[txid].parents)
        return seen

    def descendants(self, txid: bytes) -> set[bytes]:
        """CalculateDescendants, including txid itself."""
        seen, stack = set(), [txid]
        while stack:
            t = stack.pop()
            if t not in seen:
                seen.add(t)
                stack.extend(self.entries[t].children)
        return seen

    def replaceable(self, entry: MempoolEntry) -> bool:
        """bip125-replaceable as Core shows it (policy/rbf.cpp IsRBFOptIn: the tx or an
        unconfirmed ancestor signals)."""
        return any(signals_rbf(self.entries[t].tx) for t in self.ancestors([entry.txid]))

    # --- acceptance (validation.cpp AcceptToMemoryPool) -------------------------------------
    def accept(self, tx: CTransaction, test_only: bool = False, max_fee_sat: int | None = None) -> AcceptResult:
        """Check a transaction and, unless test_only, add it. Raises TxInvalid with Core's
        reason. Context-free checks and script verification run without the chain lock."""
        raw = tx.serialize()
        weight = self._context_free_checks(tx, len(raw))
        with self.lock:
            coins = [self.coin((i.prevout.hash, i.prevout.n)) for i in tx.vin]
        known = [coin for coin in coins if coin is not None]
        if len(known) == len(coins):  # warm the script cache off the lock; failures are found below
            verify_scripts(tx, known, self.chain.script_cache, raw)
        with self.lock:
            return self._accept_locked(tx, raw, test_only, max_fee_sat, bypass_limits=False, weight=weight)

    def _context_free_checks(self, tx: CTransaction, size: int) -> int:
        try:
            check_transaction(tx)  # consensus/tx_check.cpp CheckTransaction
        except BlockInvalid as exc:
            raise TxInvalid(exc.reason, exc.detail) from None
        if tx.is_coinbase():
            raise TxInvalid("coinbase")
        stripped = len(tx.serialize({"include_witness": False}))
        weight = stripped * 3 + size
        policy.check_standard(tx, weight)
        if stripped < policy.MIN_STANDARD_TX_NONWITNESS_SIZE:
            raise TxInvalid("tx-size-small")
        return weight

    def _accept_locked(
        self,
        tx: CTransaction,
        raw: bytes,
        test_only: bool,
        max_fee_sat: int | None,
        bypass_limits: bool,
        weight: int | None = None,
    ) -> AcceptResult:
        chain = self.chain
        tip = chain.tip
        txid, wtxid = tx.GetTxid(), tx.GetHash()
        if weight is None:
            weight = self._context_free_checks(tx, len(raw))
        # CheckFinalTxAtTip: the next block's height, the tip's median time past.
        if (
            tx.nLockTime
            and tx.nLockTime >= (tip.height + 1 if tx.nLockTime < LOCKTIME_THRESHOLD else tip.mtp)
            and not all(i.nSequence == SEQUENCE_FINAL for i in tx.vin)
        ):
            raise TxInvalid("non-final", "non-final transaction")
        if wtxid in self.by_wtxid:
            raise TxInvalid("txn-already-in-mempool")
        if txid in self.entries:
            raise TxInvalid("txn-same-nonwitness-data-in-mempool")
        conflicts: set[bytes] = set()
        for txin in tx.vin:
            spender = self.spenders.get((txin.prevout.hash, txin.prevout.n))
            if spender is not None and spender not in conflicts:
                if not self.full_rbf and not signals_rbf(self.entries[spender].tx):
                    raise TxInvalid("txn-mempool-conflict")
                conflicts.add(spender)
        coins = []
        for txin in tx.vin:
            coin = self.coin((txin.prevout.hash, txin.prevout.n))
            if coin is None:
                if any((txid, n) in chain.utxo for n in range(len(tx.vout))):
                    raise TxInvalid("txn-already-known")
                raise TxInvalid("bad-txns-inputs-missingorspent", missing_inputs=True)
            coins.append(coin)
        if not sequence_locks_ok(tx, coins, tip.height + 1, lambda h: chain.ancestor(tip, h).mtp, tip.mtp):
            raise TxInvalid("non-BIP68-final")
        fee = check_tx_inputs(tx, coins, tip.height + 1)
        policy.check_inputs_standard(tx, coins)
        sigop_cost = tx_sigop_cost(tx, coins)
        if sigop_cost > policy.MAX_STANDARD_TX_SIGOPS_COST:
            raise TxInvalid("bad-txns-too-many-sigops", str(sigop_cost))
        vsize = policy.vsize_of(weight, sigop_cost)
        if policy.dust_outputs(tx) and fee != 0:  # policy/ephemeral_policy.cpp PreCheckEphemeralTx
            raise TxInvalid("dust", "tx with dust output must be 0-fee")
        # validation.cpp CheckFeeRate: the full pool's rolling minimum first, then the relay floor
        pool_rate = self.min_fee_rate()
        pool_fee = policy.fee_for(pool_rate, vsize) if pool_rate else 0
        if not bypass_limits and pool_fee > 0 and fee < pool_fee:
            raise TxInvalid("mempool min fee not met", f"{fee} < {pool_fee}")
        min_fee = policy.fee_for(self.min_relay_fee, vsize)
        if not bypass_limits and fee < min_fee:
            raise TxInvalid("min relay fee not met", f"{fee} < {min_fee}")
        parents = {i.prevout.hash for i in tx.vin if i.prevout.hash in self.entries}
        ancestors = self._check_limits(parents, vsize, tx.nVersion)
        for ancestor in ancestors:
            if ancestor in conflicts:
                raise TxInvalid(
                    "bad-txns-spends-conflicting-tx", f"{b2lx(txid)} spends conflicting transaction {b2lx(ancestor)}"
                )
        all_conflicts = self._replacement_checks(tx, txid, fee, vsize, conflicts) if conflicts else set()
        failed = verify_scripts(tx, coins, self.chain.script_cache, raw)
        if failed is not None:
            text = script_error_text(tx, failed, coins[failed], standard=True)
            # Core 29 PolicyScriptChecks: failing the consensus flags too is "mandatory-..." (Core
            # 30 renamed it mempool-script-verify-flag-failed); only consensus flags are run here.
            raise TxInvalid(f"mandatory-script-verify-flag-failed ({text})", f"input {failed}")
        if max_fee_sat is not None and fee > max_fee_sat:
            raise TxInvalid("max-fee-exceeded", f"{fee} > {max_fee_sat}")
        result = AcceptResult(txid, wtxid, vsize, fee, tuple(sorted(all_conflicts)))
        if test_only:
            return result
        for conflict in all_conflicts:
            self._remove_one(conflict)
        entry = MempoolEntry(
            tx,
            raw,
            txid,
            wtxid,
            fee,
            weight,
            vsize,
            sigop_cost,
            int(self.clock()),
            tip.height,
            next(self._sequence),
            parents,
        )
        self.entries[txid] = entry
        self.by_wtxid[wtxid] = txid
        for parent in parents:
            self.entries[parent].children.add(txid)
        for txin in tx.vin:
            self.spenders[(txin.prevout.hash, txin.prevout.n)] = txid
        self.usage += entry_usage(entry)
        self.rescore(self.ancestors([txid]))  # it and its ancestors, whose descendants grew
        self.transactions_updated += 1
        if not bypass_limits:
            self.limit_size()  # validation.cpp AcceptSingleTransaction: LimitMempoolSize
            if txid not in self.entries:
                raise TxInvalid("mempool full")
        return result

    def _replacement_checks(
        self, tx: CTransaction, txid: bytes, fee: int, vsize: int, conflicts: set[bytes]
    ) -> set[bytes]:
        """validation.cpp MemPoolAccept::ReplacementChecks with policy/rbf.cpp's rules, in
        Core 28's order: feerate over each direct conflict (#6), at most 100 evicted (#5), no
        new unconfirmed input (#2), more fees in total (#3) paying for its own relay (#4)."""
        for c in conflicts:
            old = self.entries[c]
            if fee * old.vsize <= old.fee * vsize:
                raise TxInvalid(
                    "insufficient fee",
                    f"rejecting replacement {b2lx(txid)}; new feerate {_fee_rate_text(fee, vsize)}"
                    f" <= old feerate {_fee_rate_text(old.fee, old.vsize)}",
                )
        count = sum(len(self.descendants(c)) for c in conflicts)
        if count > policy.MAX_BIP125_REPLACEMENT_CANDIDATES:
            raise TxInvalid(
                "too many potential replacements",
                f"rejecting replacement {b2lx(txid)}; too many potential replacements"
                f" ({count} > {policy.MAX_BIP125_REPLACEMENT_CANDIDATES})",
            )
        all_conflicts = set().union(*(self.descendants(c) for c in conflicts))
        parents_of_conflicts = {i.prevout.hash for c in conflicts for i in self.entries[c].tx.vin}
        for j, txin in enumerate(tx.vin):
            if txin.prevout.hash not in parents_of_conflicts and txin.prevout.hash in self.entries:
                raise TxInvalid(
                    "replacement-adds-unconfirmed", f"replacement {b2lx(txid)} adds unconfirmed input, idx {j}"
                )
        conflicting_fees = sum(self.entries[c].fee for c in all_conflicts)
        if fee < conflicting_fees:
            raise TxInvalid(
                "insufficient fee",
                f"rejecting replacement {b2lx(txid)}, less fees than conflicting txs;"
                f" {_btc(fee)} < {_btc(conflicting_fees)}",
            )
        needed = policy.fee_for(self.incremental_relay_fee, vsize)
        if fee - conflicting_fees < needed:
            raise TxInvalid(
                "insufficient fee",
                f"rejecting replacement {b2lx(txid)}, not enough additional fees to relay;"
                f" {_btc(fee - conflicting_fees)} < {_btc(needed)}",
            )
        return all_conflicts

    # --- removal ---------------------------------------------------------------------------
    def _remove_one(self, txid: bytes) -> None:
        """txmempool.cpp removeUnchecked: children stay (a block confirmed their parent)."""
        entry = self.entries.pop(txid)
        self.usage -= entry_usage(entry)
        del self.by_wtxid[entry.wtxid]
        for txin in entry.tx.vin:
            op = (txin.prevout.hash, txin.prevout.n)
            if self.spenders.get(op) == txid:
                del self.spenders[op]
        for parent in entry.parents:
            if parent in self.entries:
                self.entries[parent].children.discard(txid)
        for child in entry.children:
            if child in self.entries:
                self.entries[child].parents.discard(txid)
        self._forget_score(txid)
        self.rescore(self.ancestors([p for p in entry.parents if p in self.entries]))
        self.transactions_updated += 1

    def remove_with_descendants(self, txid: bytes) -> None:
        for t in self.descendants(txid):
            self._remove_one(t)

    def update_for_tip_change(self, disconnected: list, connected: list) -> None:
        """Called by the chain (lock held) after the tip moved. Without a reorg: removeForBlock
        (confirmed transactions leave, what conflicts with them leaves with its descendants).
        After a reorg: MaybeUpdateMempoolForReorg, done simply: the disconnected blocks'
        transactions and then the old pool are offered again in order (fee limits bypassed,
        as Core does for them); what the new chain confirmed, or now conflicts or no longer
        validates (spent, immature, non-final), is dropped."""
        if connected:
            self._block_connected()
        if not disconnected:
            for block in connected:
                for tx in block.vtx:
                    txid = tx.GetTxid()
                    if txid in self.entries:
                        self._remove_one(txid)
                    for txin in tx.vin:
                        spender = self.spenders.get((txin.prevout.hash, txin.prevout.n))
                        if spender is not None and spender in self.entries:
                            self.remove_with_descendants(spender)
            return
        pending = [tx for block in disconnected for tx in block.vtx[1:]]
        pending += [e.tx for e in sorted(self.entries.values(), key=lambda e: e.sequence)]
        times = {e.txid: e.time for e in self.entries.values()}
        self.entries.clear()
        self.by_wtxid.clear()
        self.spenders.clear()
        self._clear_scores()
        self.usage = 0
        self.transactions_updated += 1
        for tx in pending:
            txid = tx.GetTxid()
            if txid in self.chain.tx_index or txid in self.entries:
                continue
            try:
                self._accept_locked(tx, tx.serialize(), False, None, bypass_limits=True)
            except TxInvalid:
                continue
            if txid in times:
                self.entries[txid].time = times[txid]
                self.rescore([txid])
        self.limit_size()  # MaybeUpdateMempoolForReorg ends with LimitMempoolSize

    # --- block templates (node/miner.cpp BlockAssembler::addPackageTxs) ---------------------
    def block_entries(self, max_weight: int, max_sigop_cost: int) -> list[MempoolEntry]:
        """Transactions for the next block, by ancestor-package fee rate, parents first, within
        the weight and sigop budgets (Core's reservation for the coinbase already taken off)."""
        with self.lock:
            chosen: set[bytes] = set()
            order: list[MempoolEntry] = []
            failed: set[bytes] = set()
            weight = sigops = 0

            def package(txid):
                members = {t for t in self.ancestors([txid]) if t not in chosen}
                fee = sum(self.entries[t].fee for t in members)
                size = sum(self.entries[t].vsize for t in members)
                return members, fee, size

            heap: list[tuple[float, int, bytes, int, int]] = []  # (-feerate, entry order, txid, fee, size)
            for txid in self.entries:
                _, fee, size = package(txid)
                heapq.heappush(heap, (-fee / size, self.entries[txid].sequence, txid, fee, size))
            while heap:
                _neg, _seq, txid, fee, size = heapq.heappop(heap)
                if txid in chosen or txid in failed:
                    continue
                members, now_fee, now_size = package(txid)
                if (now_fee, now_size) != (fee, size):  # an ancestor got in since: re-rank
                    heapq.heappush(heap, (-now_fee / now_size, _seq, txid, now_fee, now_size))
                    continue
                if now_fee < policy.fee_for(self.min_relay_fee, now_size):
                    continue  # Core's blockMinFeeRate (-blockmintxfee, the relay minimum here)
                add_weight = sum(self.entries[t].weight for t in members)
                add_sigops = sum(self.entries[t].sigop_cost for t in members)
                # BlockAssembler::TestPackage: the package's vsize x 4 and sigops must leave the
                # block strictly under its limits (the reserved coinbase share already taken off)
                if weight + 4 * now_size >= max_weight or sigops + add_sigops >= max_sigop_cost:
                    failed.add(txid)
                    continue
                for t in sorted(members, key=lambda t: self.entries[t].sequence):
                    chosen.add(t)
                    order.append(self.entries[t])
                weight += add_weight
                sigops += add_sigops
            return order
