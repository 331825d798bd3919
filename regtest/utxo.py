"""The chain state on disk: the UTXO set (coins.h CCoinsView over Core's chainstate database),
the undo data of every active block (undo.h CBlockUndo, Core's rev*.dat) and the transaction
index (Core's -txindex), all in the block database (storage.py).

Connecting or disconnecting a block writes its changes in the caller's open transaction, the
one that stores the block or carries the whole reorg, so the state committed on disk is always
that of the chain ending at the stored best block. Reads go through the same connection, so they
see the changes of a transaction still open. Not thread-safe by itself: the chain lock guards it.
"""

from __future__ import annotations

import hashlib
import sqlite3
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from bitcoin.core import CBlock
from bitcoin.core.serialize import VarIntSerializer

from engine.primitives.muhash import MuHash3072

from .muhash_batch import to_num3072_many
from .tx_validation import BlockUndo, Coin, is_unspendable

Outpoint = tuple[bytes, int]  # (txid in internal byte order, output index)

_UNDO_HEAD = struct.Struct("<qII")  # fees, sigop cost, number of spent coins
_UNDO_COIN = struct.Struct("<32sIqII")  # txid, n, value, height * 2 + coinbase, script length


def encode_undo(undo: BlockUndo) -> bytes:
    parts = [_UNDO_HEAD.pack(undo.fees, undo.sigop_cost, len(undo.spent))]
    for (txid, n), coin in undo.spent:
        parts.append(_UNDO_COIN.pack(txid, n, coin.value, coin.height * 2 + coin.coinbase, len(coin.script_pubkey)))
        parts.append(coin.script_pubkey)
    return b"".join(parts)


def decode_undo(data: bytes) -> BlockUndo:
    fees, sigop_cost, count = _UNDO_HEAD.unpack_from(data)
    pos = _UNDO_HEAD.size
    spent = []
    for _ in range(count):
        txid, n, value, code, length = _UNDO_COIN.unpack_from(data, pos)
        pos += _UNDO_COIN.size
        spent.append(((txid, n), Coin(value, data[pos : pos + length], code >> 1, bool(code & 1))))
        pos += length
    if pos != len(data):
        raise ValueError("undo data has trailing bytes")
    return BlockUndo(spent=spent, fees=fees, sigop_cost=sigop_cost)


def coin_rows(block: CBlock, height: int) -> dict[Outpoint, tuple[int, bytes, int]]:
    """The spendable outputs a block creates: outpoint -> (value, script, height * 2 + coinbase)."""
    rows = {}
    for index, tx in enumerate(block.vtx):
        txid = tx.GetTxid()
        for n, out in enumerate(tx.vout):
            spk = bytes(out.scriptPubKey)
            if not is_unspendable(spk):
                rows[(txid, n)] = (out.nValue, spk, height * 2 + (index == 0))
    return rows


HASH_TYPES = ("hash_serialized_3", "muhash", "none")  # rpc/blockchain.cpp ParseHashType


@dataclass(frozen=True)
class UtxoStats:
    """kernel/coinstats.h CCoinsStats as gettxoutsetinfo reports it without coinstatsindex."""

    txouts: int
    bogosize: int
    total_amount: int
    transactions: int
    hash: bytes | None  # internal byte order; None for hash type "none"


def txout_ser(txid: bytes, n: int, value: int, script: bytes, code: int) -> bytes:
    """kernel/coinstats.cpp TxOutSer: outpoint, height * 2 + coinbase (uint32), CTxOut."""
    return b"".join((txid, struct.pack("<IIq", n, code, value), VarIntSerializer.serialize(len(script)), script))


class UtxoSet(Mapping[Outpoint, Coin]):
    """Outpoint -> Coin, read from and written to the `coins` table; `coins` is itself (so
    `utxo.coins.get`, `.items()` work as on a dict)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.count = 0  # the coin count, kept with the best block in the chainstate row

    @property
    def coins(self) -> UtxoSet:
        return self

    def get(self, outpoint: Outpoint, default: Coin | None = None) -> Coin | None:  # type: ignore[override]
        row = self.db.execute("SELECT value, script, code FROM coins WHERE txid = ? AND n = ?", outpoint).fetchone()
        if row is None:
            return default
        return Coin(row[0], row[1], row[2] >> 1, bool(row[2] & 1))

    def __getitem__(self, outpoint: Outpoint) -> Coin:
        coin = self.get(outpoint)
        if coin is None:
            raise KeyError(outpoint)
        return coin

    def __contains__(self, outpoint: object) -> bool:
        return self.db.execute("SELECT 1 FROM coins WHERE txid = ? AND n = ?", outpoint).fetchone() is not None  # type: ignore[arg-type]

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Outpoint]:
        return iter([(txid, n) for txid, n in self.db.execute("SELECT txid, n FROM coins")])

    def items(self) -> Iterator[tuple[Outpoint, Coin]]:  # type: ignore[override]
        """Every coin, in (txid, n) order (a scan of the whole set, as Core's cursor)."""
        for txid, n, value, script, code in self.db.execute("SELECT txid, n, value, script, code FROM coins"):
            yield (txid, n), Coin(value, script, code >> 1, bool(code & 1))

    def with_scripts(self, scripts: set[bytes]) -> list[tuple[Outpoint, Coin]]:
        """The coins paying any of `scripts` (scantxoutset), filtered by SQLite during the scan."""
        out: list[tuple[Outpoint, Coin]] = []
        wanted = list(scripts)
        for i in range(0, len(wanted), 500):  # SQLite's bound on parameters per statement
            part = wanted[i : i + 500]
            query = f"SELECT txid, n, value, script, code FROM coins WHERE script IN ({','.join('?' * len(part))})"
            out.extend(
                ((txid, n), Coin(value, script, code >> 1, bool(code & 1)))
                for txid, n, value, script, code in self.db.execute(query, part)
            )
        return out

    def snapshot(self) -> dict[Outpoint, Coin]:
        return dict(self.items())

    def stats(self, hash_type: str) -> UtxoStats:
        """kernel/coinstats.cpp ComputeUTXOStats over the whole set in Core's cursor order (txid
        bytes, then output index): hash_serialized_3 is SHA256d of every coin's TxOutSer,
        muhash the MuHash3072 of them; bogosize counts 50 bytes per coin plus its script."""
        sha = hashlib.sha256() if hash_type == "hash_serialized_3" else None
        muhash = MuHash3072() if hash_type == "muhash" else None
        txouts = bogosize = total = transactions = 0
        last_txid = None
        pending: list[bytes] = []
        for txid, n, value, script, code in self.db.execute(
            "SELECT txid, n, value, script, code FROM coins ORDER BY txid, n"
        ):
            txouts += 1
            bogosize += 32 + 4 + 4 + 8 + 2 + len(script)  # GetBogoSize
            total += value
            if txid != last_txid:
                transactions += 1
                last_txid = txid
            if sha is not None:
                sha.update(txout_ser(txid, n, value, script, code))
            elif muhash is not None:
                pending.append(txout_ser(txid, n, value, script, code))
                if len(pending) >= 4096:
                    muhash.insert_numbers(to_num3072_many(pending))
                    pending.clear()
        if muhash is not None:
            muhash.insert_numbers(to_num3072_many(pending))
        digest = None
        if sha is not None:
            digest = hashlib.sha256(sha.digest()).digest()
        elif muhash is not None:
            digest = muhash.finalize()
        return UtxoStats(txouts, bogosize, total, transactions, digest)

    def connect(self, block: CBlock, height: int, block_hash: bytes, undo: BlockUndo) -> None:
        """validation.cpp UpdateCoins for every transaction (already checked), the block's undo
        data and its transactions in the index, the state now at `block_hash`."""
        created = coin_rows(block, height)
        spent = []
        for outpoint, _coin in undo.spent:
            if created.pop(outpoint, None) is None:  # spent from the set, not made by the block
                spent.append(outpoint)
        db = self.db
        db.executemany("DELETE FROM coins WHERE txid = ? AND n = ?", spent)
        db.executemany(
            "INSERT INTO coins (txid, n, value, script, code) VALUES (?, ?, ?, ?, ?)",
            [(txid, n, *row) for (txid, n), row in created.items()],
        )
        db.execute("INSERT OR REPLACE INTO undo (hash, data) VALUES (?, ?)", (block_hash, encode_undo(undo)))
        db.executemany(
            "INSERT OR REPLACE INTO txindex (txid, block) VALUES (?, ?)",
            [(tx.GetTxid(), block_hash) for tx in block.vtx],
        )
        self.count += len(created) - len(spent)
        db.execute("UPDATE chainstate SET best_block = ?, coins = ? WHERE id = 0", (block_hash, self.count))

    def undo_for(self, block_hash: bytes) -> BlockUndo:
        row = self.db.execute("SELECT data FROM undo WHERE hash = ?", (block_hash,)).fetchone()
        if row is None:
            raise KeyError(block_hash)
        return decode_undo(row[0])

    def disconnect(self, block: CBlock, height: int, block_hash: bytes, prev_hash: bytes) -> None:
        """validation.cpp DisconnectBlock: drop the block's outputs, restore what it spent
        (except its own outputs that a later transaction of the block spent), forget its undo
        data and its transactions in the index; the state is then at `prev_hash`."""
        undo = self.undo_for(block_hash)
        created = coin_rows(block, height)
        db = self.db
        removed = db.executemany("DELETE FROM coins WHERE txid = ? AND n = ?", list(created)).rowcount
        restored = [
            (txid, n, coin.value, coin.script_pubkey, coin.height * 2 + coin.coinbase)
            for (txid, n), coin in undo.spent
            if (txid, n) not in created
        ]
        db.executemany("INSERT INTO coins (txid, n, value, script, code) VALUES (?, ?, ?, ?, ?)", restored)
        db.execute("DELETE FROM undo WHERE hash = ?", (block_hash,))
        db.executemany(
            "DELETE FROM txindex WHERE txid = ? AND block = ?", [(tx.GetTxid(), block_hash) for tx in block.vtx]
        )
        self.count += len(restored) - removed
        db.execute("UPDATE chainstate SET best_block = ?, coins = ? WHERE id = 0", (prev_hash, self.count))


class TxIndex:
    """txid -> hash of the active block holding it (Core's -txindex), from the `txindex` table."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def get(self, txid: bytes) -> bytes | None:
        row = self.db.execute("SELECT block FROM txindex WHERE txid = ?", (txid,)).fetchone()
        return row[0] if row else None

    def __contains__(self, txid: object) -> bool:
        return self.db.execute("SELECT 1 FROM txindex WHERE txid = ?", (txid,)).fetchone() is not None

    def snapshot(self) -> dict[bytes, bytes]:
        return dict(self.db.execute("SELECT txid, block FROM txindex"))
