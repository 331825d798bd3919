"""mempool.dat as Bitcoin Core writes it with -persistmempoolv1 (kernel/mempool_persist.cpp,
MEMPOOL_DUMP_VERSION_NO_XOR_KEY = 1): the version (uint64), the count (uint64), then each
transaction with its witness, its entry time (int64 seconds) and its fee delta (int64, always 0
here: no prioritisetransaction), then the fee deltas map and the unbroadcast set (both empty).
Written on a clean shutdown (to mempool.dat.new, then renamed), read at start; Core 29's own
version 2 files (XOR-obfuscated) are read too. A corrupt or truncated file is ignored with a
warning, as Core's LoadMempool does, and the node starts with an empty mempool."""

from __future__ import annotations

import io
import logging
import os
import struct
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bitcoin.core import CTransaction
from bitcoin.core.serialize import BytesSerializer, VarIntSerializer

from .tx_validation import TxInvalid

if TYPE_CHECKING:
    from .mempool import Mempool

log = logging.getLogger("regtest.mempool")

MEMPOOL_DUMP_VERSION_NO_XOR_KEY = 1
MEMPOOL_DUMP_VERSION = 2
FILE_NAME = "mempool.dat"


def dump_mempool(pool: Mempool, path: Path) -> int:
    """kernel/mempool_persist.cpp DumpMempool, version 1; returns how many were written."""
    with pool.lock:
        entries = sorted(pool.entries.values(), key=lambda e: e.sequence)  # parents first
        out = io.BytesIO()
        out.write(struct.pack("<QQ", MEMPOOL_DUMP_VERSION_NO_XOR_KEY, len(entries)))
        for e in entries:
            out.write(e.raw)
            out.write(struct.pack("<qq", e.time, 0))
        out.write(b"\x00\x00")  # mapDeltas, unbroadcast_txids: both empty
    tmp = path.with_name(path.name + ".new")
    with open(tmp, "wb") as f:
        f.write(out.getvalue())
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)
    log.info("Dumped mempool: %d transactions to %s", len(entries), path)
    return len(entries)


def _read_transactions(data: bytes) -> list[tuple[CTransaction, int]]:
    f = io.BytesIO(data)
    (version,) = struct.unpack("<Q", _read(f, 8))
    if version == MEMPOOL_DUMP_VERSION:
        key = BytesSerializer.stream_deserialize(f)
        if len(key) != 8:
            raise ValueError("bad obfuscation key")
        start = f.tell()  # the key applies from here, by absolute file position (AutoFile::SetXor)
        rest = bytes(b ^ key[(start + i) % 8] for i, b in enumerate(data[start:]))
        f = io.BytesIO(data[:start] + rest)
        f.seek(start)
    elif version != MEMPOOL_DUMP_VERSION_NO_XOR_KEY:
        raise ValueError(f"unknown version {version}")
    (count,) = struct.unpack("<Q", _read(f, 8))
    if count > len(data):
        raise ValueError("bad count")
    txs = []
    for _ in range(count):
        tx = CTransaction.stream_deserialize(f)
        time_, _delta = struct.unpack("<qq", _read(f, 16))
        txs.append((tx, time_))
    for _ in range(2):  # mapDeltas (32 + 8 bytes each) and the unbroadcast set (32 each)
        n = VarIntSerializer.stream_deserialize(f)
        _read(f, n * 40 if _ == 0 else n * 32)
    return txs


def _read(f: io.BytesIO, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise ValueError("truncated")
    return data


def load_mempool(pool: Mempool, path: Path, should_stop: Callable[[], bool] = lambda: False) -> tuple[int, int, int]:
    """kernel/mempool_persist.cpp LoadMempool: each transaction offered again (expired ones
    skipped) with its old entry time; (succeeded, failed, expired). A bad file: a warning.
    `pool.loaded` is set once the load was tried, as Core's m_load_tried (getmempoolinfo
    "loaded"; the pool is written at shutdown only then). Stops early if `should_stop()`."""
    try:
        counts = _load(pool, path, should_stop)
    finally:
        pool.loaded = not should_stop()
    return counts


def _load(pool: Mempool, path: Path, should_stop: Callable[[], bool]) -> tuple[int, int, int]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return 0, 0, 0
    except OSError as exc:
        log.warning("Failed to open mempool file %s: %s. Continuing anyway.", path, exc)
        return 0, 0, 0
    try:
        txs = _read_transactions(data)
    except Exception as exc:  # any malformed byte: Core logs and goes on with an empty pool
        log.warning("Failed to deserialize mempool data on file %s: %s. Continuing anyway.", path, exc)
        return 0, 0, 0
    ok = failed = expired = 0
    cutoff = pool.clock() - pool.expiry_s
    for tx, time_ in txs:
        if should_stop():
            return ok, failed, expired
        if time_ < cutoff:
            expired += 1
            continue
        try:
            result = pool.accept(tx)
        except TxInvalid:
            failed += 1
            continue
        with pool.lock:
            entry = pool.entries.get(result.txid)
            if entry is not None:
                entry.time = time_
                pool.rescore([result.txid])
        ok += 1
    log.info(
        "Imported mempool transactions from disk: %d succeeded, %d failed, %d expired, 0 already there, "
        "0 waiting for initial broadcast",
        ok,
        failed,
        expired,
    )
    return ok, failed, expired
