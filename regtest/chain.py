"""The chain state: an in-memory block index over the block store, the active chain, and
block acceptance with reorgs to the chain with the most work (Bitcoin Core validation.cpp)."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from bitcoin.core import CBlock, b2lx

from .chainparams import ChainParams, genesis_block
from .consensus import block_work, median_time_past, next_work_required, target_to_bits
from .storage import BlockStore, StoredHeader
from .validation import (MUTATED_REASONS, BlockInvalid, PrevContext, check_block,
                         check_connect, contextual_check_block, contextual_check_header)

log = logging.getLogger("regtest.chain")


@dataclass(eq=False)
class BlockIndex:
    """chain.h CBlockIndex: one known, valid block and its place in the tree."""

    hash: bytes
    prev: "BlockIndex | None"
    height: int
    version: int
    merkle: bytes
    time: int
    bits: int
    nonce: int
    chainwork: int
    seq: int
    n_tx: int
    size: int
    stripped_size: int
    weight: int
    mtp: int = field(default=0)  # median time past of the last 11 blocks ending here

    @property
    def hash_hex(self) -> str:
        return b2lx(self.hash)


class Chain:
    """Thread-safe: every public method takes the chain lock (Core's cs_main)."""

    def __init__(self, store: BlockStore, params: ChainParams, clock=time.time):
        self.store = store
        self.params = params
        self.clock = clock
        self.lock = threading.RLock()
        self.tip_changed = threading.Condition(self.lock)
        self.index: dict[bytes, BlockIndex] = {}
        self.active: list[BlockIndex] = []
        self.invalid: dict[bytes, str] = {}  # Core's BLOCK_FAILED_VALID, kept for this run
        self.on_block_connected = None  # callback(BlockIndex), e.g. the node's log line
        with self.lock:
            self._load()

    # --- opening -------------------------------------------------------------------------
    def _load(self) -> None:
        headers = self.store.load_headers()
        if not headers:
            genesis = genesis_block()
            raw = genesis.serialize()
            self.store.add_block(genesis.GetHash(), 0, raw, len(genesis.vtx),
                                 len(genesis.serialize({"include_witness": False})),
                                 genesis.GetWeight())
            headers = self.store.load_headers()
        best = None
        for h in headers:
            prev = self.index.get(h.prev) if h.height > 0 else None
            if h.height > 0 and prev is None:
                raise ValueError(f"block store is inconsistent: {b2lx(h.hash)} has no parent")
            entry = self._make_index(h, prev)
            self.index[entry.hash] = entry
            if best is None or entry.chainwork > best.chainwork:
                best = entry
        self._set_tip(best)

    def _make_index(self, h: StoredHeader, prev: BlockIndex | None) -> BlockIndex:
        entry = BlockIndex(hash=h.hash, prev=prev, height=h.height, version=h.version,
                           merkle=h.merkle, time=h.time, bits=h.bits, nonce=h.nonce,
                           chainwork=(prev.chainwork if prev else 0) + block_work(h.bits),
                           seq=h.seq, n_tx=h.n_tx, size=h.size, stripped_size=h.stripped_size,
                           weight=h.weight)
        times = [entry.time]
        walk = prev
        while walk is not None and len(times) < 11:
            times.append(walk.time)
            walk = walk.prev
        entry.mtp = median_time_past(times)
        return entry

    def _set_tip(self, new_tip: BlockIndex) -> list[BlockIndex]:
        """Make new_tip the active tip; returns the blocks newly connected, lowest first."""
        connected = []
        walk = new_tip
        while walk is not None and (walk.height >= len(self.active) or self.active[walk.height] is not walk):
            connected.append(walk)
            walk = walk.prev
        fork_height = walk.height if walk is not None else -1
        disconnected = len(self.active) - 1 - fork_height
        del self.active[fork_height + 1:]
        self.active.extend(reversed(connected))
        if disconnected > 0:
            log.info("reorg: disconnected %d block(s) back to height %d, new tip %s",
                     disconnected, fork_height, new_tip.hash_hex)
        self.tip_changed.notify_all()
        return list(reversed(connected))

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
            walk = walk.prev
        return walk

    def next_bits(self, prev: BlockIndex, block_time: int) -> int:
        """pow.cpp GetNextWorkRequired for a block on top of `prev`."""
        def walk_back_bits() -> int:
            # pow.cpp: the last block that is not a min-difficulty special, or a retarget block.
            limit_bits = target_to_bits(self.params.pow_limit)
            walk = prev
            while walk.prev is not None and walk.height % self.params.retarget_interval != 0 \
                    and walk.bits == limit_bits:
                walk = walk.prev
            return walk.bits

        return next_work_required(prev.height + 1, prev.bits, prev.time, block_time,
                                  lambda h: self.ancestor(prev, h).time, walk_back_bits,
                                  self.params)

    def prev_context(self, prev: BlockIndex, block_time: int) -> PrevContext:
        return PrevContext(height=prev.height, median_time_past=prev.mtp,
                           expected_bits=self.next_bits(prev, block_time))

    # --- accepting blocks ------------------------------------------------------------------
    def process_block(self, block: CBlock, commit: bool = True) -> tuple[str, BlockIndex | None]:
        """Validate and store a block. Returns (outcome, index entry).

        outcome is one of "connected" (now on the active chain), "side" (valid, stored on a
        branch with less work), "duplicate", or raises BlockInvalid with Core's reason.
        `commit=False` leaves the write in the caller's open transaction (bulk loads in
        benchmarks/bench_node.py); every block the RPC accepts is committed before it answers.
        """
        block_hash = block.GetHash()
        with self.lock:
            if block_hash in self.index:
                return "duplicate", self.index[block_hash]
            if block_hash in self.invalid:
                raise BlockInvalid("duplicate-invalid")
            entry = self._accept(block, block_hash, commit)
            if entry.chainwork > self.tip.chainwork:
                for connected in self._set_tip(entry):
                    if self.on_block_connected:
                        self.on_block_connected(connected)
                return "connected", entry
            return "side", entry

    def _accept(self, block: CBlock, block_hash: bytes, commit: bool) -> BlockIndex:
        check_block(block, self.params)
        prev = self.index.get(block.hashPrevBlock)
        if prev is None:
            if block.hashPrevBlock in self.invalid:
                # validation.cpp AcceptBlockHeader: a child of a failed block fails too.
                self.invalid[block_hash] = "bad-prevblk"
                raise BlockInvalid("bad-prevblk", "previous block invalid")
            raise BlockInvalid("prev-blk-not-found")
        ctx = self.prev_context(prev, block.nTime)
        contextual_check_header(block, ctx, int(self.clock()))
        try:
            contextual_check_block(block, ctx)
            check_connect(block, prev.height + 1, self.params)
        except BlockInvalid as exc:
            # validation.cpp AcceptBlock marks a block failed (BLOCK_FAILED_VALID) only past the
            # header checks, and never for a mutation: the same header may come with a good body.
            if exc.reason not in MUTATED_REASONS:
                self.invalid[block_hash] = exc.reason
            raise
        raw = block.serialize()
        stripped = len(block.serialize({"include_witness": False}))
        weight = stripped * 3 + len(raw)
        seq = self.store.add_block(block_hash, prev.height + 1, raw, len(block.vtx), stripped,
                                   weight, commit=commit)
        header = StoredHeader(seq, block_hash, prev.height + 1, block.nVersion, block.hashPrevBlock,
                              block.hashMerkleRoot, block.nTime, block.nBits, block.nNonce,
                              len(block.vtx), len(raw), stripped, weight)
        entry = self._make_index(header, prev)
        self.index[block_hash] = entry
        return entry

    def test_block_validity(self, block: CBlock) -> None:
        """validation.cpp TestBlockValidity for BIP23 proposals: every check but proof of work
        (Core calls it with fCheckPOW=false), nothing stored."""
        with self.lock:
            check_block(block, self.params, check_pow=False)
            prev = self.index.get(block.hashPrevBlock)
            if prev is None:
                raise BlockInvalid("prev-blk-not-found")
            ctx = self.prev_context(prev, block.nTime)
            contextual_check_header(block, ctx, int(self.clock()))
            contextual_check_block(block, ctx)
            check_connect(block, prev.height + 1, self.params)

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
