"""Opening the chain: the block index from the stored header rows (Core's LoadBlockIndexDB), the
active chain from the chain state's best block, without replaying blocks; then, as Core's
ActivateBestChain at start, whatever stored blocks have more work are connected (a crash after a
block was stored but before its branch became active).

A chain state that is missing, from an older release (schema version), or corrupt (its coin
count or the tip's undo data disagree with it), or `-reindex-chainstate` (Core's option), is
rebuilt from the stored blocks, the progress logged; the rebuild commits every
REBUILD_COMMIT_BLOCKS blocks with its best block, so one cut short resumes where it stopped.
"""

from __future__ import annotations

import gc
import logging
import sqlite3
import time
from typing import TYPE_CHECKING

from bitcoin.core import b2lx

from engine.primitives.pow import block_work

from .blockindex import BlockIndex
from .chainparams import genesis_block
from .storage import HEADER, SCHEMA_VERSION
from .validation import BlockInvalid

if TYPE_CHECKING:
    from .chain import Chain

log = logging.getLogger("regtest.chain")

REBUILD_COMMIT_BLOCKS = 2000  # blocks connected per transaction while catching up at start
PROGRESS_EVERY_S = 5.0
FREEZE_INDEX_ABOVE = 100_000  # blocks


def open_chain_state(chain: Chain, reindex_chainstate: bool) -> None:
    t0 = time.perf_counter()
    store = chain.store
    # A million index entries would make the cyclic garbage collector walk them again and again
    # while they are made (twice the load time); a large index then leaves its generations for
    # good (gc.freeze; not for small chains, so a test process opening many keeps collecting).
    collecting = gc.isenabled()
    gc.disable()
    try:
        best = load_block_index(chain)
    finally:
        if collecting:
            if len(chain.index) >= FREEZE_INDEX_ABOVE:
                gc.freeze()
            gc.enable()
    if best is None:  # a new database: the genesis block, its (empty) chain state
        genesis = genesis_block()
        raw = genesis.serialize()
        store.begin()
        store.add_block(
            genesis.GetHash(),
            0,
            raw,
            len(genesis.vtx),
            len(genesis.serialize({"include_witness": False})),
            genesis.GetWeight(),
            commit=False,
        )
        store.set_chainstate(genesis.GetHash(), 0)
        store.commit()
        best = load_block_index(chain)
        assert best is not None
    genesis_entry = next(e for e in chain.index.values() if e.height == 0)
    problem = "is rebuilt as asked (-reindex-chainstate)" if reindex_chainstate else chainstate_problem(chain)
    if problem is not None:
        log.warning("chain state %s: rebuilding it from the %d stored blocks", problem, len(chain.index))
        store.begin()
        store.reset_chainstate(genesis_entry.hash)
        store.commit()
        chain.invalid.clear()
    state = store.chainstate_row()
    assert state is not None  # written with the genesis block, or by the reset
    chain.utxo.count = state[1]
    chain.active = path_to(chain.index[state[0]])  # genesis's outputs are never spendable
    log.info(
        "loaded the block index (%d blocks) and the chain state at height %d in %.2f s",
        len(chain.index),
        chain.height(),
        time.perf_counter() - t0,
    )
    catch_up(chain, best)


def load_block_index(chain: Chain) -> BlockIndex | None:
    """chain.cpp LoadBlockIndexDB: every stored header into the index, chain work summed on
    the way; returns the most-work block (first stored wins ties), None for an empty store."""
    index = chain.index
    index.clear()
    work_of: dict[int, int] = {}
    best: BlockIndex | None = None
    unpack = HEADER.unpack
    for seq, block_hash, height, header, n_tx, size, stripped, weight in chain.store.header_rows():
        version, prev_hash, merkle, time_, bits, nonce = unpack(header)
        prev = index.get(prev_hash) if height else None
        if height and prev is None:
            raise ValueError(f"block store is inconsistent: {b2lx(block_hash)} has no parent")
        work = work_of.get(bits)
        if work is None:
            work = work_of[bits] = block_work(bits)
        entry = BlockIndex(
            block_hash,
            prev,
            height,
            version,
            merkle,
            time_,
            bits,
            nonce,
            (prev.chainwork if prev is not None else 0) + work,
            seq,
            n_tx,
            size,
            stripped,
            weight,
        )
        index[block_hash] = entry
        if best is None or entry.chainwork > best.chainwork:
            best = entry
    chain.invalid = chain.store.load_failed()
    return best


def chainstate_problem(chain: Chain) -> str | None:
    """Why the stored chain state cannot be used as it is, or None (a cheap check at every
    start: the schema, the best block, the coin count and the tip's undo data)."""
    store = chain.store
    try:
        if store.schema_version() < SCHEMA_VERSION:
            return "is from an older release (upgrading)"
        state = store.chainstate_row()
        if state is None:
            return "is missing"
        best_hash, coins = state
        best = chain.index.get(best_hash)
        if best is None:
            return "is at a block the store does not hold (corrupt)"
        if store.count_coins() != coins:
            return "has lost coins (corrupt)"
        if best.height > 0 and not store.has_undo(best_hash):
            return "has lost its undo data (corrupt)"
    except sqlite3.DatabaseError as exc:
        return f"cannot be read ({exc})"
    return None


def path_to(entry: BlockIndex) -> list[BlockIndex]:
    path = []
    walk: BlockIndex | None = entry
    while walk is not None:
        path.append(walk)
        walk = walk.prev
    path.reverse()
    return path


def catch_up(chain: Chain, best: BlockIndex) -> None:
    """Connect the most-work valid chain of stored blocks (validation.cpp ActivateBestChain
    at start): a block that fails to connect (stored on a side branch before its
    transactions were checked) is marked invalid and the next best chain is tried."""
    candidate: BlockIndex | None = best if not chain._descends_from_invalid(best) else chain._best_candidate()
    while candidate is not None and candidate is not chain.tip and not chain.interrupted():
        if candidate.chainwork <= chain.tip.chainwork:
            break
        if chain.ancestor(candidate, chain.tip.height) is chain.tip:
            connect_forward(chain, candidate)
        else:
            try:
                chain._activate(candidate)  # a reorg, in a transaction of its own
            except BlockInvalid:
                pass
        candidate = chain._best_candidate()


def connect_forward(chain: Chain, target: BlockIndex) -> None:
    """Connect the blocks from the tip up to `target`, committing every
    REBUILD_COMMIT_BLOCKS blocks and logging the progress, as Core's reindex does."""
    branch = path_to(target)[chain.tip.height + 1 :]
    start, total = time.monotonic(), len(branch)
    last_log = start
    for first in range(0, total, REBUILD_COMMIT_BLOCKS):
        chain.store.begin()
        try:
            for entry in branch[first : first + REBUILD_COMMIT_BLOCKS]:
                try:
                    chain.connect_stored(entry)
                except BlockInvalid:
                    return
                now = time.monotonic()
                if now - last_log >= PROGRESS_EVERY_S:
                    last_log = now
                    done = entry.height - branch[0].height + 1
                    log.info(
                        "connecting stored blocks: height %d of %d (%.0f%%, %.0f blocks/s)",
                        entry.height,
                        target.height,
                        100 * done / total,
                        done / (now - start),
                    )
        finally:
            chain.store.commit()
        if chain.interrupted():
            log.info("shutdown requested: stopped connecting stored blocks at height %d", chain.height())
            return
    if total > 1:
        log.info("connected %d stored blocks up to height %d in %.1f s", total, target.height, time.monotonic() - start)
