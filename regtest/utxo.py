"""The UTXO set (coins.h CCoinsView) with connect and disconnect (undo) of whole blocks.

It lives in memory and is derived from the stored blocks when the node opens (the active
chain is replayed), so it can never disagree with the blocks a crash left on disk: the
blocks stay the only record (see storage.py).
"""

from __future__ import annotations

from bitcoin.core import CBlock

from .tx_validation import BlockUndo, Coin, is_unspendable

Outpoint = tuple[bytes, int]  # (txid in internal byte order, output index)


class UtxoSet:
    """Outpoint -> Coin. Not thread-safe by itself: the chain lock guards it."""

    def __init__(self) -> None:
        self.coins: dict[Outpoint, Coin] = {}

    def get(self, outpoint: Outpoint) -> Coin | None:
        return self.coins.get(outpoint)

    def __contains__(self, outpoint: Outpoint) -> bool:
        return outpoint in self.coins

    def __len__(self) -> int:
        return len(self.coins)

    def connect(self, block: CBlock, height: int) -> None:
        """validation.cpp UpdateCoins for every transaction (already checked)."""
        coins = self.coins
        for index, tx in enumerate(block.vtx):
            if index:
                for txin in tx.vin:
                    del coins[(txin.prevout.hash, txin.prevout.n)]
            txid = tx.GetTxid()
            for n, out in enumerate(tx.vout):
                spk = bytes(out.scriptPubKey)
                if not is_unspendable(spk):
                    coins[(txid, n)] = Coin(out.nValue, spk, height, index == 0)

    def disconnect(self, block: CBlock, undo: BlockUndo) -> None:
        """validation.cpp DisconnectBlock: drop the block's outputs, restore what it spent
        (except its own outputs that a later transaction of the block spent)."""
        created = set()
        for tx in block.vtx:
            txid = tx.GetTxid()
            for n in range(len(tx.vout)):
                created.add((txid, n))
                self.coins.pop((txid, n), None)
        for outpoint, coin in undo.spent:
            if outpoint not in created:
                self.coins[outpoint] = coin

    def snapshot(self) -> dict[Outpoint, Coin]:
        return dict(self.coins)
