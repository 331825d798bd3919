"""A block too large to decode (over consensus MAX_BLOCK_SERIALIZED_SIZE), answered as Bitcoin Core
answers it without building it: its bytes are walked once (no transaction objects, so a 32 MB
body of tiny witness items costs no memory) to get each transaction's txid and the stripped size.
Core's CheckBlock order then holds: proof of work (high-hash), merkle root (bad-txnmrklroot,
bad-txns-duplicate), size limits (bad-blk-length: too many transactions or over 1 MB stripped).
A block that passes them is only heavy with witness data: its stripped form (at most 1 MB) is
decoded and CheckBlock's remaining checks run on it; Core's ContextualCheckBlock then refuses it
with bad-blk-weight (the header's context checks, which Core runs before, are not repeated: a
block this large is refused either way)."""

from __future__ import annotations

import hashlib

from bitcoin.core import CBlock, CBlockHeader, CTransaction

from .chainparams import MAX_BLOCK_WEIGHT, WITNESS_SCALE_FACTOR, ChainParams
from .validation import BlockInvalid, check_block, check_pow_and_merkle

NOT_A_COINBASE = "Block does not start with a coinbase"


class BlockDecodeError(ValueError):
    """The bytes are not a block (Core's DecodeHexBlk fails: "Block decode failed")."""


def _varint(raw: memoryview, i: int) -> tuple[int, int]:
    first = raw[i]
    if first < 0xFD:
        return first, i + 1
    width = {0xFD: 2, 0xFE: 4, 0xFF: 8}[first]
    if i + 1 + width > len(raw):
        raise BlockDecodeError("truncated")
    return int.from_bytes(raw[i + 1 : i + 1 + width], "little"), i + 1 + width


def _scan(raw: memoryview) -> tuple[list[bytes], list[tuple[int, int, int, int]], bool]:
    """Each transaction's stripped-serialization spans (version+ins+outs, locktime) and txid,
    and whether the first looks like a coinbase. Raises BlockDecodeError on malformed bytes."""
    n = len(raw)
    count, i = _varint(raw, 80)
    txids: list[bytes] = []
    spans: list[tuple[int, int, int, int]] = []
    coinbase = False
    for t in range(count):
        start = i
        i += 4
        segwit = i + 1 < n and raw[i] == 0 and raw[i + 1] != 0
        if segwit:
            i += 2
        body = i
        nin, i = _varint(raw, i)
        for k in range(nin):
            if t == 0 and k == 0:
                coinbase = nin == 1 and bytes(raw[i : i + 32]) == bytes(32) and raw[i + 32 : i + 36] == b"\xff" * 4
            i += 36
            length, i = _varint(raw, i)
            i += length + 4
        nout, i = _varint(raw, i)
        for _ in range(nout):
            i += 8
            length, i = _varint(raw, i)
            i += length
        body_end = i
        if segwit:
            for _ in range(nin):
                items, i = _varint(raw, i)
                for _ in range(items):
                    length, i = _varint(raw, i)
                    i += length
        i += 4
        if i > n:
            raise BlockDecodeError("truncated")
        h = hashlib.sha256(raw[start : start + 4])
        h.update(raw[body:body_end])
        h.update(raw[i - 4 : i])
        txids.append(hashlib.sha256(h.digest()).digest())
        spans.append((start, body, body_end, i))
    return txids, spans, coinbase


def oversized_block_reason(raw: bytes, params: ChainParams, check_pow: bool = True) -> str:
    """Core's reject reason for a block over MAX_BLOCK_SERIALIZED_SIZE (see the module doc).
    Raises BlockDecodeError for bytes that are no block, ValueError(NOT_A_COINBASE) too."""
    view = memoryview(raw)
    if len(view) < 81:
        raise BlockDecodeError("truncated")
    try:
        txids, spans, coinbase = _scan(view)
    except IndexError:
        raise BlockDecodeError("truncated") from None
    if not txids or not coinbase:
        raise ValueError(NOT_A_COINBASE)
    if spans[-1][3] != len(view):
        raise BlockDecodeError("trailing bytes")  # as core_io.decode_block (python-bitcoinlib) refuses them
    header = CBlockHeader.deserialize(bytes(view[:80]))
    stripped_size = 80 + len(_count_bytes(len(txids))) + sum(8 + b_end - body for _, body, b_end, _ in spans)
    try:  # what CheckBlock checks before its size limits
        check_pow_and_merkle(header, txids, params, check_pow)
    except BlockInvalid as exc:
        return exc.reason
    if len(txids) * WITNESS_SCALE_FACTOR > MAX_BLOCK_WEIGHT or stripped_size * WITNESS_SCALE_FACTOR > MAX_BLOCK_WEIGHT:
        return "bad-blk-length"
    vtx = [
        CTransaction.deserialize(bytes(view[s : s + 4]) + bytes(view[body:b_end]) + bytes(view[e - 4 : e]))
        for s, body, b_end, e in spans
    ]
    fields = (header.nVersion, header.hashPrevBlock, header.hashMerkleRoot, header.nTime, header.nBits, header.nNonce)
    try:
        check_block(CBlock(*fields, vtx), params, check_pow)
    except BlockInvalid as exc:
        return exc.reason
    return "bad-blk-weight"  # validation.cpp ContextualCheckBlock: weight over MAX_BLOCK_WEIGHT


def _count_bytes(n: int) -> bytes:
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    if n <= 0xFFFFFFFF:
        return b"\xfe" + n.to_bytes(4, "little")
    return b"\xff" + n.to_bytes(8, "little")
