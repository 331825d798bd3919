"""Crash-safe block storage: one SQLite database per chain, WAL with synchronous FULL.

A block is committed (and fsynced) before submitblock answers, so an acknowledged block survives
kill -9. The best chain is not stored: it is derived from the blocks on open (most work wins,
first seen breaks ties), so there is no second record that a crash could leave inconsistent.
"""

from __future__ import annotations

import sqlite3
import struct
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS blocks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- arrival order: Core's nSequenceId tie-break
    hash BLOB NOT NULL UNIQUE,              -- 32 bytes, internal (little-endian) order
    height INTEGER NOT NULL,
    header BLOB NOT NULL,                   -- the 80-byte header
    n_tx INTEGER NOT NULL,
    size INTEGER NOT NULL,
    stripped_size INTEGER NOT NULL,
    weight INTEGER NOT NULL,
    raw BLOB NOT NULL                       -- the serialized block with witnesses
);
"""

HEADER = struct.Struct("<i32s32sIII")


@dataclass(frozen=True)
class StoredHeader:
    seq: int
    hash: bytes
    height: int
    version: int
    prev: bytes
    merkle: bytes
    time: int
    bits: int
    nonce: int
    n_tx: int
    size: int
    stripped_size: int
    weight: int


class StorageError(Exception):
    """The block database cannot be opened or written."""


class BlockStore:
    def __init__(self, path: Path):
        self.path = path
        try:
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.executescript(SCHEMA)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open the block database {path}: {exc}") from exc

    def load_headers(self) -> list[StoredHeader]:
        """Every stored block's header fields, in arrival order."""
        rows = self.db.execute(
            "SELECT seq, hash, height, header, n_tx, size, stripped_size, weight FROM blocks ORDER BY seq"
        )
        out = []
        for seq, block_hash, height, header, n_tx, size, stripped, weight in rows:
            version, prev, merkle, time_, bits, nonce = HEADER.unpack(header)
            out.append(
                StoredHeader(
                    seq, block_hash, height, version, prev, merkle, time_, bits, nonce, n_tx, size, stripped, weight
                )
            )
        return out

    def add_block(
        self,
        block_hash: bytes,
        height: int,
        raw: bytes,
        n_tx: int,
        stripped_size: int,
        weight: int,
        commit: bool = True,
    ) -> int:
        """Store a block durably; returns its arrival sequence number."""
        try:
            if commit:
                self.db.execute("BEGIN IMMEDIATE")
            cur = self.db.execute(
                "INSERT INTO blocks (hash, height, header, n_tx, size, stripped_size, weight, raw)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (block_hash, height, raw[:80], n_tx, len(raw), stripped_size, weight, raw),
            )
            if commit:
                self.db.execute("COMMIT")
            assert cur.lastrowid is not None  # set by the INSERT
            return cur.lastrowid
        except sqlite3.Error as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise StorageError(f"cannot store block: {exc}") from exc

    def begin(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def raw_block(self, block_hash: bytes) -> bytes:
        row = self.db.execute("SELECT raw FROM blocks WHERE hash = ?", (block_hash,)).fetchone()
        if row is None:
            raise KeyError(block_hash)
        return row[0]

    def size_on_disk(self) -> int:
        total = 0
        for suffix in ("", "-wal"):
            p = Path(str(self.path) + suffix)
            if p.exists():
                total += p.stat().st_size
        return total

    def close(self) -> None:
        try:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass
        self.db.close()
