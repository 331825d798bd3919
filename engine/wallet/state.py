"""What a wallet refresh finds: the WalletState and its HistoryEntry rows, and how a history
entry's confirmations are read back from the node (reorgs included). The Wallet is in engine.wallet.wallet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.rpc import RPCError
from engine.wallet.tx import Coin

RECHECK_BELOW_CONFIRMATIONS = 100  # history entries re-read from the node until this deep


@dataclass(frozen=True)
class HistoryEntry:
    txid: str
    kind: str  # "received" | "sent" | "mined"
    amount_sat: int  # what arrived (received, mined) or left to the payee (sent)
    fee_sat: int  # fee paid (sent), or fees earned in a mined block
    address: str  # payee (sent); ours (received, mined)
    time: float  # first seen, seconds since the epoch
    confirmations: int  # 0: in the mempool; -1: vanished (double-spent, dropped or reorged out)
    height: int | None


@dataclass(frozen=True)
class WalletState:
    chain: str
    tip_height: int
    tip_hash: str
    immature_sat: int
    confirmed_sat: int
    unconfirmed_sat: int
    fees_earned_sat: int
    blocks_mined: int
    receive_address: str
    coins: tuple[Coin, ...] = field(repr=False)  # spendable now
    history: tuple[HistoryEntry, ...] = field(repr=False)  # newest first

    @property
    def mined_heights(self) -> tuple[int, ...]:
        """The heights of the blocks counted in `blocks_mined` (mined coinbases on the active chain)."""
        return tuple(e.height for e in self.history if e.kind == "mined" and e.confirmations > 0 and e.height)


def block_off_chain(rpc, block_hash: str) -> bool:
    """True when the block left the active chain (a reorg), or this node does not know it."""
    try:
        return int(rpc.call("getblockheader", block_hash).get("confirmations", -1)) < 0
    except RPCError:
        return True  # unknown to this node: read everything again


def history_confirmations(
    rpc,
    txid: str,
    entry: dict,
    tip_height: int,
    mempool_ids: set,
    confirmed_txids: dict[str, int],
    reorged: bool = False,
) -> int:
    """A history entry's confirmations: 0 in the mempool, -1 vanished (double-spent, dropped, reorged out)."""
    if txid in mempool_ids:
        return 0
    if txid in confirmed_txids:
        return tip_height - confirmed_txids[txid] + 1
    height = entry.get("height")
    if not reorged and height is not None and tip_height - height + 1 >= RECHECK_BELOW_CONFIRMATIONS:
        return tip_height - height + 1  # deep enough not to be re-read every refresh
    if entry["kind"] == "mined" and not reorged:
        return -1  # an immature coinbase is unspendable, so missing from the scan means reorged out
    try:
        found = rpc.call("getrawtransaction", txid, 1)
    except RPCError:
        return -1  # neither in the mempool nor in the chain: double-spent, dropped or reorged out
    return int(found.get("confirmations", 0))
