"""The chain state: an in-memory block index over the block store, the active chain, the UTXO
set with undo data and a transaction index (kept in the block database, utxo.py), and block
acceptance with reorgs to the chain with the most work (Bitcoin Core validation.cpp). Opening
(without replaying blocks) and rebuilding the chain state are in chainload.py.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from bitcoin.core import CBlock

from engine.primitives.pow import block_work, next_work_required, target_to_bits
from engine.primitives.subsidy import block_subsidy_sat

from .blockindex import BlockIndex
from .chainload import open_chain_state, path_to
from .chainparams import ChainParams
from .storage import BlockStore, StorageError
from .tx_validation import BlockUndo, ScriptCache, connect_block_transactions
from .utxo import TxIndex, UtxoSet
from .validation import (
    MUTATED_REASONS,
    BlockInvalid,
    PrevContext,
    check_block,
    contextual_check_block,
    contextual_check_header,
)

log = logging.getLogger("regtest.chain")


class Chain:
    """Thread-safe: every public method takes the chain lock (Core's cs_main)."""

    def __init__(
        self,
        store: BlockStore,
        params: ChainParams,
        clock=time.time,
        reindex_chainstate: bool = False,
        interrupted: Callable[[], bool] = lambda: False,
    ):
        self.store = store
        self.params = params
        self.clock = clock
        self.lock = threading.RLock()
        self.tip_changed = threading.Condition(self.lock)
        self.index: dict[bytes, BlockIndex] = {}
        self.active: list[BlockIndex] = []
        self.invalid: dict[bytes, str] = {}  # Core's BLOCK_FAILED_VALID (stored blocks' marks persist)
        self.on_block_connected: Callable[[BlockIndex], None] | None = None  # e.g. the node's log line
        self.utxo = UtxoSet(store.db)
        self.tx_index = TxIndex(store.db)
        self.script_cache = ScriptCache()
        self.interrupted = interrupted  # a shutdown asked for while opening stops a rebuild (Core's ShutdownRequested)
        # The mempool (regtest/mempool.py) when the node has one: told of every tip change.
        self.mempool = None
        with self.lock:
            self._load(reindex_chainstate)

    # --- opening -------------------------------------------------------------------------
    def _load(self, reindex_chainstate: bool) -> None:
        open_chain_state(self, reindex_chainstate)

    def _set_invalid(self, entry: BlockIndex, reason: str) -> None:
        """Mark a stored block failed, on disk too (in the open transaction)."""
        self.invalid[entry.hash] = reason
        self.store.add_failed(entry.hash, reason)

    def _best_candidate(self) -> BlockIndex | None:
        """The most-work block not descending from an invalid one (first stored wins ties)."""
        best = None
        for e in self.index.values():
            if (
                best is None or e.chainwork > best.chainwork or (e.chainwork == best.chainwork and e.seq < best.seq)
            ) and not self._descends_from_invalid(e):
                best = e
        return best

    def _descends_from_invalid(self, entry: BlockIndex) -> bool:
        walk: BlockIndex | None = entry
        while walk is not None and not self.is_active(walk):
            if walk.hash in self.invalid:
                return True
            walk = walk.prev
        return False

    def _read_block(self, entry: BlockIndex) -> CBlock:
        return CBlock.deserialize(self.store.raw_block(entry.hash))

    def _check_transactions(self, block: CBlock, prev: BlockIndex) -> BlockUndo:
        """ConnectBlock's transaction checks for `block` on `prev`, the active tip."""
        return connect_block_transactions(
            block,
            prev.height + 1,
            self.utxo,
            block_subsidy_sat(prev.height + 1, self.params),
            lambda h: self.ancestor(prev, h).mtp,
            prev.mtp,
            self.script_cache,
        )

    def _connect_tip(self, entry: BlockIndex, block: CBlock, undo: BlockUndo) -> None:
        """The block's coins, undo data and index rows in the open transaction; then in memory."""
        self.utxo.connect(block, entry.height, entry.hash, undo)
        self.active.append(entry)

    def _disconnect_tip(self) -> CBlock:
        entry = self.active[-1]
        assert entry.prev is not None  # the genesis block is never disconnected
        block = self._read_block(entry)
        self.utxo.disconnect(block, entry.height, entry.hash, entry.prev.hash)
        self.active.pop()
        return block

    def _activate(self, new_tip: BlockIndex) -> bool:
        """validation.cpp ActivateBestChainStep: disconnect back to the fork, connect the new
        branch block by block (each checked against the UTXO set). If a block fails, it is
        marked invalid and the old chain is restored; returns whether new_tip became the tip.
        The mempool gets the disconnected transactions back (MaybeUpdateMempoolForReorg).
        Every change is written in the caller's open transaction, or in one of its own: a reorg
        is never committed half done."""
        if self.store.db.in_transaction:
            return self._activate_step(new_tip)
        self.store.begin()
        try:
            done = self._activate_step(new_tip)
        except BlockInvalid:
            self.store.commit()  # the failed block's mark and the old chain restored
            raise
        except BaseException:
            self._roll_back(None)
            raise
        self.store.commit()
        return done

    def connect_stored(self, entry: BlockIndex) -> CBlock:
        """Connect a stored block on the tip (reorgs and the start's catching up share this); a
        block that fails is marked invalid, logged, and BlockInvalid raised."""
        block = self._read_block(entry)
        try:
            undo = self._check_transactions(block, self.tip)
        except BlockInvalid as exc:
            log.warning("block %s at height %d failed to connect: %s", entry.hash_hex, entry.height, exc.reason)
            self._set_invalid(entry, exc.reason)
            raise
        self._connect_tip(entry, block, undo)
        return block

    def _activate_step(self, new_tip: BlockIndex) -> bool:
        branch = []
        walk = new_tip
        while not self.is_active(walk):
            branch.append(walk)
            assert walk.prev is not None  # the genesis block is always active
            walk = walk.prev
        fork = walk
        old_branch = self.active[fork.height + 1 :]
        disconnected = [self._disconnect_tip() for _ in old_branch]
        connected: list[tuple[BlockIndex, CBlock]] = []
        for entry in reversed(branch):
            try:
                block = self.connect_stored(entry)
            except BlockInvalid:
                for _ in connected:
                    self._disconnect_tip()
                for old in old_branch:  # these connected before, so they connect again
                    old_block = self._read_block(old)
                    self._connect_tip(old, old_block, self._check_transactions(old_block, self.tip))
                self.tip_changed.notify_all()
                raise
            connected.append((entry, block))
        if disconnected:
            log.info(
                "reorg: disconnected %d block(s) back to height %d, new tip %s",
                len(disconnected),
                fork.height,
                new_tip.hash_hex,
            )
        if self.mempool is not None:
            self.mempool.update_for_tip_change(list(reversed(disconnected)), [block for _, block in connected])
        self.tip_changed.notify_all()
        for entry, _ in connected:
            if self.on_block_connected:
                self.on_block_connected(entry)
        return True

    # --- queries ---------------------------------------------------------------------------
    @property
    def tip(self) -> BlockIndex:
        return self.active[-1]

    def height(self) -> int:
        return len(self.active) - 1

    def is_active(self, entry: BlockIndex) -> bool:
        return entry.height < len(self.active) and self.active[entry.height] is entry

    def ancestor(self, entry: BlockIndex, height: int) -> BlockIndex:
        if self.is_active(entry):
            return self.active[height]
        walk = entry
        while walk.height > height:
            assert walk.prev is not None  # only the genesis block (height 0) has none
            walk = walk.prev
        return walk

    def next_bits(self, prev: BlockIndex, block_time: int) -> int:
        """pow.cpp GetNextWorkRequired for a block on top of `prev`."""

        def walk_back_bits() -> int:
            # pow.cpp: the last block that is not a min-difficulty special, or a retarget block.
            limit_bits = target_to_bits(self.params.pow_limit)
            walk = prev
            while (
                walk.prev is not None and walk.height % self.params.retarget_interval != 0 and walk.bits == limit_bits
            ):
                walk = walk.prev
            return walk.bits

        return next_work_required(
            prev.height + 1,
            prev.bits,
            prev.time,
            block_time,
            lambda h: self.ancestor(prev, h).time,
            self.params,
            walk_back_bits,
        )

    def prev_context(self, prev: BlockIndex, block_time: int) -> PrevContext:
        return PrevContext(
            height=prev.height, median_time_past=prev.mtp, expected_bits=self.next_bits(prev, block_time)
        )

    # --- accepting blocks ------------------------------------------------------------------
    def process_block(self, block: CBlock, commit: bool = True) -> tuple[str, BlockIndex | None]:
        """Validate and store a block. Returns (outcome, index entry).

        outcome is one of "connected" (now on the active chain), "side" (valid as far as it can
        be checked off the active chain, stored on a branch with less work, or on a branch
        whose earlier block failed), "duplicate", or raises BlockInvalid with Core's reason.
        The block and every chain state change it causes (a reorg included) are one
        transaction, committed before this returns; `commit=False` leaves them in the caller's
        open transaction (bulk loads in benchmarks/bench_node.py).
        """
        block_hash = block.GetHash()
        with self.lock:
            if block_hash in self.index:
                return "duplicate", self.index[block_hash]
            if block_hash in self.invalid:
                raise BlockInvalid("duplicate-invalid")
            if not commit:
                return self._process_locked(block, block_hash)
            self.store.begin()
            try:
                result = self._process_locked(block, block_hash)
            except BlockInvalid:
                self.store.commit()  # what was written holds: a failed side block and its mark
                raise
            except BaseException:
                self._roll_back(block_hash)
                raise
            try:
                self.store.commit()
            except StorageError:
                self._roll_back(block_hash)
                raise
            return result

    def _roll_back(self, block_hash: bytes | None) -> None:
        """A write failed: drop the open transaction and bring the memory back to the disk."""
        self.store.rollback()
        if block_hash is not None and block_hash in self.index and not self.store.has_block(block_hash):
            del self.index[block_hash]
        state = self.store.chainstate_row()
        if state is not None:
            self.utxo.count = state[1]
            self.active = path_to(self.index[state[0]])
        self.tip_changed.notify_all()

    def _process_locked(self, block: CBlock, block_hash: bytes) -> tuple[str, BlockIndex | None]:
        prev_tip = self.tip
        entry, undo = self._accept(block, block_hash)
        if undo is not None:  # on the tip: checked against the UTXO set before it was stored
            self._connect_tip(entry, block, undo)
            if self.mempool is not None:
                self.mempool.update_for_tip_change([], [block])
            self.tip_changed.notify_all()
            if self.on_block_connected:
                self.on_block_connected(entry)
            return "connected", entry
        if entry.chainwork > prev_tip.chainwork:
            try:
                self._activate(entry)
            except BlockInvalid:
                if block_hash in self.invalid:
                    raise
                return "side", entry  # an ancestor failed: Core's submitblock says inconclusive
            return "connected", entry
        return "side", entry

    def _mark_invalid(self, block_hash: bytes, exc: BlockInvalid) -> None:
        # validation.cpp AcceptBlock marks a block failed (BLOCK_FAILED_VALID) only past the
        # header checks, and never for a mutation: the same header may come with a good body.
        if exc.reason not in MUTATED_REASONS:
            self.invalid[block_hash] = exc.reason

    def _accept(self, block: CBlock, block_hash: bytes) -> tuple[BlockIndex, BlockUndo | None]:
        """Check and store a block; a block on the tip is also checked against the UTXO set
        first (so an invalid one never reaches the disk) and its undo data returned."""
        check_block(block, self.params)
        prev = self.index.get(block.hashPrevBlock)
        if prev is None:
            if block.hashPrevBlock in self.invalid:
                # validation.cpp AcceptBlockHeader: a child of a failed block fails too.
                self.invalid[block_hash] = "bad-prevblk"
                raise BlockInvalid("bad-prevblk", "previous block invalid")
            raise BlockInvalid("prev-blk-not-found")
        if self._descends_from_invalid(prev):
            self.invalid[block_hash] = "bad-prevblk"
            raise BlockInvalid("bad-prevblk", "previous block invalid")
        ctx = self.prev_context(prev, block.nTime)
        contextual_check_header(block, ctx, int(self.clock()))
        undo = None
        try:
            contextual_check_block(block, ctx)
            if prev is self.tip:
                undo = self._check_transactions(block, prev)
        except BlockInvalid as exc:
            self._mark_invalid(block_hash, exc)
            raise
        raw = block.serialize()
        stripped = len(block.serialize({"include_witness": False}))
        weight = stripped * 3 + len(raw)
        seq = self.store.add_block(block_hash, prev.height + 1, raw, len(block.vtx), stripped, weight, commit=False)
        entry = BlockIndex(
            block_hash,
            prev,
            prev.height + 1,
            block.nVersion,
            block.hashMerkleRoot,
            block.nTime,
            block.nBits,
            block.nNonce,
            prev.chainwork + block_work(block.nBits),
            seq,
            len(block.vtx),
            len(raw),
            stripped,
            weight,
        )
        self.index[block_hash] = entry
        return entry, undo

    def test_block_validity(self, block: CBlock) -> None:
        """validation.cpp TestBlockValidity for BIP23 proposals: every check but proof of work
        (Core calls it with fCheckPOW=false), on the tip, nothing stored or changed."""
        with self.lock:
            check_block(block, self.params, check_pow=False)
            prev = self.index.get(block.hashPrevBlock)
            if prev is None:
                raise BlockInvalid("prev-blk-not-found")
            ctx = self.prev_context(prev, block.nTime)
            contextual_check_header(block, ctx, int(self.clock()))
            contextual_check_block(block, ctx)
            if prev is self.tip:
                self._check_transactions(block, prev)

    def coins_for(self, block: CBlock) -> dict:
        """The coins a block's inputs spend that the UTXO set or the block itself holds: what
        script checks need, to run before the chain lock is taken for the block."""
        with self.lock:
            found = {}
            for tx in block.vtx[1:]:
                for txin in tx.vin:
                    op = (txin.prevout.hash, txin.prevout.n)
                    coin = self.utxo.get(op)
                    if coin is not None:
                        found[op] = coin
            return found

    def wait_for_tip_change(self, tip_hash: bytes, timeout_s: float, stopping) -> None:
        """Block until the tip is not `tip_hash`, the timeout passes, or `stopping()` is true."""
        deadline = time.monotonic() + timeout_s
        with self.tip_changed:
            while self.tip.hash == tip_hash and not stopping():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self.tip_changed.wait(min(remaining, 0.5))

    def chain_tips(self) -> list[BlockIndex]:
        """Blocks no other known block builds on (getchaintips)."""
        with self.lock:
            has_child = {e.prev.hash for e in self.index.values() if e.prev is not None}
            return [e for e in self.index.values() if e.hash not in has_child]

    def precious_block(self, entry: BlockIndex) -> None:
        """validation.cpp Chainstate::PreciousBlock: a block with at least the tip's work wins
        ties as if it came first (a sequence number below every stored block's; a later call
        goes lower still until the chain grows), then ActivateBestChain. Not kept across restarts."""
        with self.lock:
            if entry.chainwork < self.tip.chainwork:
                return
            if self.tip.chainwork > getattr(self, "_last_precious_chainwork", -1):
                self._reverse_seq = -1  # the chain grew since the last call: start again
            self._last_precious_chainwork = self.tip.chainwork
            entry.seq = self._reverse_seq
            self._reverse_seq -= 1
            while True:
                best = self._best_candidate()
                if best is None or best is self.tip:
                    return
                try:
                    self._activate(best)
                except BlockInvalid:
                    continue
