"""Crash-safe storage: one SQLite database per chain, WAL with synchronous FULL.

It holds the blocks and, as Bitcoin Core's chainstate and rev*.dat undo files, the chain state
of the active chain: the UTXO set (`coins`), each connected block's undo data (`undo`), the
transaction index (`txindex`, Core's -txindex), the blocks found invalid when connected
(`failed`, Core's BLOCK_FAILED_VALID) and the block the state is at (`chainstate`, Core's
DB_BEST_BLOCK) with its coin count. A block and the chain state changes it causes (connect,
disconnect, a whole reorg) are written in one transaction, committed (and fsynced) before
submitblock answers: an acknowledged block survives kill -9, and the UTXO set on disk is always
the one of a chain of stored blocks. The schema version is SQLite's user_version: a database
of an older release (blocks only) is upgraded by rebuilding its chain state once (chain.py).
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# 0: blocks only (releases before the chain state was stored); 1: blocks + chain state.
SCHEMA_VERSION = 1

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
CREATE TABLE IF NOT EXISTS coins (          -- Core's chainstate: the UTXO set of the active chain
    txid BLOB NOT NULL,
    n INTEGER NOT NULL,
    value INTEGER NOT NULL,
    script BLOB NOT NULL,
    code INTEGER NOT NULL,                  -- height * 2 + coinbase, as Core's Coin serialization
    PRIMARY KEY (txid, n)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS undo (           -- Core's rev*.dat: what each active block spent
    hash BLOB PRIMARY KEY,
    data BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS txindex (        -- Core's -txindex: txid -> active block holding it
    txid BLOB PRIMARY KEY,
    block BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS failed (         -- stored blocks that failed to connect
    hash BLOB PRIMARY KEY,
    reason TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS chainstate (     -- one row: the block the state is at, its coin count
    id INTEGER PRIMARY KEY CHECK (id = 0),
    best_block BLOB NOT NULL,
    coins INTEGER NOT NULL
);
"""

HEADER = struct.Struct("<i32s32sIII")
HEADER_COLUMNS = "seq, hash, height, header, n_tx, size, stripped_size, weight"


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
            self.db.execute("PRAGMA cache_size=-65536")  # 64 MiB of pages: the UTXO set's hot part
            version = self.schema_version()
            if version > SCHEMA_VERSION:
                raise StorageError(
                    f"the block database {path} was written by a newer release (schema {version}, "
                    f"this one reads {SCHEMA_VERSION}): use that release or another --datadir"
                )
            fresh = self.db.execute("SELECT name FROM sqlite_master WHERE name = 'blocks'").fetchone() is None
            self.db.executescript(SCHEMA)
            if fresh:  # a new database starts at this version; an old one is upgraded by its rebuild
                self.set_schema_version()
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open the block database {path}: {exc}") from exc

    # --- blocks ---------------------------------------------------------------------------
    def header_rows(self) -> Iterator[tuple]:
        """Every stored block's (seq, hash, height, header, n_tx, size, stripped_size, weight),
        in arrival order: what the block index is built from."""
        return self.db.execute(f"SELECT {HEADER_COLUMNS} FROM blocks ORDER BY seq")

    def load_headers(self) -> list[StoredHeader]:
        """Every stored block's header fields, in arrival order."""
        out = []
        for seq, block_hash, height, header, n_tx, size, stripped, weight in self.header_rows():
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
        """Store a block (durably when `commit`); returns its arrival sequence number."""
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
            if commit and self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise StorageError(f"cannot store block: {exc}") from exc

    def has_block(self, block_hash: bytes) -> bool:
        return self.db.execute("SELECT 1 FROM blocks WHERE hash = ?", (block_hash,)).fetchone() is not None

    def raw_block(self, block_hash: bytes) -> bytes:
        row = self.db.execute("SELECT raw FROM blocks WHERE hash = ?", (block_hash,)).fetchone()
        if row is None:
            raise KeyError(block_hash)
        return row[0]

    # --- transactions ---------------------------------------------------------------------
    def begin(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StorageError(f"cannot write the block database: {exc}") from exc

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    # --- chain state ----------------------------------------------------------------------
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def set_schema_version(self) -> None:
        self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def chainstate_row(self) -> tuple[bytes, int] | None:
        """(best block hash, coin count) as last committed with the coins, or None."""
        row = self.db.execute("SELECT best_block, coins FROM chainstate WHERE id = 0").fetchone()
        return (row[0], row[1]) if row else None

    def set_chainstate(self, best_block: bytes, coins: int) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO chainstate (id, best_block, coins) VALUES (0, ?, ?)", (best_block, coins)
        )

    def count_coins(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM coins").fetchone()[0]

    def coins_disk_size(self) -> int | None:
        """Bytes of the pages holding the UTXO set (Core's CCoinsViewDB::EstimateSize), or None
        where SQLite was built without its dbstat table."""
        try:
            return self.db.execute("SELECT SUM(pgsize) FROM dbstat WHERE name = 'coins'").fetchone()[0] or 0
        except sqlite3.Error:
            return None

    def has_undo(self, block_hash: bytes) -> bool:
        return self.db.execute("SELECT 1 FROM undo WHERE hash = ?", (block_hash,)).fetchone() is not None

    def reset_chainstate(self, genesis_hash: bytes) -> None:
        """Empty the chain state back to the genesis block (whose outputs are unspendable) and
        mark the schema current, in the caller's transaction: the start of a rebuild."""
        for table in ("coins", "undo", "txindex", "failed"):
            self.db.execute(f"DELETE FROM {table}")
        self.set_chainstate(genesis_hash, 0)
        self.set_schema_version()

    def load_failed(self) -> dict[bytes, str]:
        return dict(self.db.execute("SELECT hash, reason FROM failed"))

    def add_failed(self, block_hash: bytes, reason: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO failed (hash, reason) VALUES (?, ?)", (block_hash, reason))

    # --- files ----------------------------------------------------------------------------
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
