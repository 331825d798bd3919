"""A long regtest chain written straight into a block database, for the reopen benchmark
(benchmarks/bench_node.py) and its tests: building 1,000,000 blocks through full validation
would take hours on the 2-core machine, and reopening must be measured on chains that long.

Each block is a coinbase-only regtest block as Core's would be: a BIP34 height push, one output
paying the block subsidy to PAYOUT, no witness (so no commitment is needed), a timestamp one
second after its parent and a nonce ground until the hash meets regtest's nBits 0x207fffff
(two tries on average). The rows are what the node itself writes for such a block: the block
row, its coin, its (empty) undo data, its txindex entry, and the chainstate row at the end, with
the node's own encoders (regtest/utxo.py). tests/regtest/test_chainstate.py rebuilds such a
chain with -reindex-chainstate through full validation and finds the same UTXO set.
"""

from __future__ import annotations

import struct
from pathlib import Path

from engine.primitives.hashes import sha256d
from engine.primitives.pow import bits_to_target
from engine.primitives.subsidy import block_subsidy_sat
from regtest.chain import Chain
from regtest.chainparams import REGTEST
from regtest.storage import BlockStore
from regtest.tx_validation import BlockUndo
from regtest.utxo import encode_undo
from regtest.validation import bip34_prefix

PAYOUT = bytes.fromhex("0014751e76e8199196d454941c45d1b3a323f1433bd6")  # P2WPKH
BITS = 0x207FFFFF
BATCH = 20_000


def _coinbase(height: int, value: int) -> bytes:
    script_sig = bip34_prefix(height) + b"\x04bulk"
    return b"".join(
        (
            struct.pack("<i", 2),
            b"\x01" + b"\x00" * 32 + b"\xff\xff\xff\xff",
            bytes([len(script_sig)]) + script_sig + b"\xff\xff\xff\xff",
            b"\x01" + struct.pack("<q", value) + bytes([len(PAYOUT)]) + PAYOUT,
            b"\x00\x00\x00\x00",
        )
    )


def build_bulk_chain(path: Path, count: int) -> None:
    """Extend the regtest chain in the database at `path` (created if new) by `count` blocks."""
    chain = Chain(BlockStore(path), REGTEST)
    store, db = chain.store, chain.store.db
    tip = chain.tip
    prev, height, time_ = tip.hash, tip.height, tip.time
    coins = chain.utxo.count
    target, _, _ = bits_to_target(BITS)
    empty_undo = encode_undo(BlockUndo(spent=[], fees=0, sigop_cost=0))
    done = 0
    while done < count:
        blocks, coin_rows, undo_rows, index_rows = [], [], [], []
        for _ in range(min(BATCH, count - done)):
            height += 1
            time_ += 1
            tx = _coinbase(height, block_subsidy_sat(height, REGTEST))
            txid = sha256d(tx)
            head = struct.pack("<i32s32sII", 0x20000000, prev, txid, time_, BITS)
            nonce = 0
            while True:
                header = head + struct.pack("<I", nonce)
                block_hash = sha256d(header)
                if int.from_bytes(block_hash, "little") <= target:
                    break
                nonce += 1
            raw = header + b"\x01" + tx
            blocks.append((block_hash, height, header, 1, len(raw), len(raw), len(raw) * 4, raw))
            coin_rows.append((txid, 0, block_subsidy_sat(height, REGTEST), PAYOUT, height * 2 + 1))
            undo_rows.append((block_hash, empty_undo))
            index_rows.append((txid, block_hash))
            prev = block_hash
            done += 1
        store.begin()
        db.executemany(
            "INSERT INTO blocks (hash, height, header, n_tx, size, stripped_size, weight, raw)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            blocks,
        )
        db.executemany("INSERT INTO coins (txid, n, value, script, code) VALUES (?, ?, ?, ?, ?)", coin_rows)
        db.executemany("INSERT INTO undo (hash, data) VALUES (?, ?)", undo_rows)
        db.executemany("INSERT INTO txindex (txid, block) VALUES (?, ?)", index_rows)
        coins += len(coin_rows)
        store.set_chainstate(prev, coins)
        store.commit()
    store.close()
