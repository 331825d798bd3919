"""Builds (valid or deliberately broken) blocks for node tests, from a template-like state."""

from __future__ import annotations

import struct

from bitcoin.core import (
    CBlock,
    CMutableTransaction,
    COutPoint,
    CTransaction,
    CTxIn,
    CTxInWitness,
    CTxOut,
    CTxWitness,
    lx,
)
from bitcoin.core.script import CScript, CScriptWitness

from engine.mining.sha256d import find_nonce
from engine.primitives.chain import BLOCK_VERSION
from engine.primitives.merkle import WITNESS_RESERVED_VALUE, merkle_root
from engine.primitives.pow import bits_to_target
from regtest.validation import default_witness_commitment


def coinbase_transaction(
    height: int, value_sat: int, script_pubkey: bytes, extranonce: int, commitment: bytes
) -> CTransaction:
    """A coinbase the tests can bend: any height, value and commitment output, with the
    witness reserved value (engine.mining.jobs builds the real ones from a template)."""
    tx = CMutableTransaction(
        vin=[CTxIn(COutPoint(), CScript([height, struct.pack("<I", extranonce)]), nSequence=0xFFFFFFFF)],
        vout=[CTxOut(value_sat, CScript(script_pubkey)), CTxOut(0, CScript(commitment))],
        witness=CTxWitness([CTxInWitness(CScriptWitness([WITNESS_RESERVED_VALUE]))]),
    )
    return CTransaction.from_tx(tx)


PAYOUT = bytes.fromhex("0014751e76e8199196d454941c45d1b3a323f1433bd6")  # bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080


def make_block(
    prev_hash: bytes,
    height: int,
    time_: int,
    bits: int,
    value_sat: int,
    extranonce: int = 0,
    coinbase=None,
    version: int = BLOCK_VERSION,
    merkle: bytes | None = None,
    mine: bool = True,
    extra_txs=(),
) -> CBlock:
    """A block on `prev_hash`; `mine` searches a nonce meeting `bits` (cheap on regtest)."""
    if coinbase is None:
        commitment = default_witness_commitment(CBlock(vtx=[CTransaction(), *extra_txs]))
        coinbase = coinbase_transaction(height, value_sat, PAYOUT, extranonce, commitment)
    vtx = [coinbase, *extra_txs]
    root = merkle if merkle is not None else merkle_root([tx.GetTxid() for tx in vtx])[0]
    # Assemble the bytes by hand: python-bitcoinlib's CBlock() refuses a wrong merkle root.
    body = CBlock(vtx=vtx).serialize()[80:]
    header = struct.pack("<i32s32sIII", version, prev_hash, root, time_, bits, 0)
    if mine:
        target, _, _ = bits_to_target(bits)
        nonce = find_nonce(header, target)
        assert nonce is not None
        header = header[:76] + struct.pack("<I", nonce)
    return CBlock.deserialize(header + body)


def block_from_template(tpl: dict, **overrides) -> CBlock:
    """A valid block from a getblocktemplate result; keyword arguments override fields."""
    args = dict(
        prev_hash=lx(tpl["previousblockhash"]),
        height=tpl["height"],
        time_=tpl["curtime"],
        bits=int(tpl["bits"], 16),
        value_sat=tpl["coinbasevalue"],
    )
    args.update(overrides)
    return make_block(**args)


def mine_high_hash(block: CBlock) -> CBlock:
    """The same block with a nonce whose hash misses the target (proof of work fails)."""
    target, _, _ = bits_to_target(block.nBits)
    raw = block.serialize()
    for nonce in range(1 << 16):
        candidate = CBlock.deserialize(raw[:76] + struct.pack("<I", nonce) + raw[80:])
        if int.from_bytes(candidate.GetHash(), "little") > target:
            return candidate
    raise AssertionError("no failing nonce found")
