"""The lab wallet: keys in the participant's data folder, coins found over JSON-RPC from any
Core-compatible node (scantxoutset for the chain, getrawmempool + getrawtransaction for the
mempool), payments signed here and sent with sendrawtransaction.

    wallet = Wallet.open(folder)             # creates the keys on first use (file mode 0600)
    miner = Miner(rpc, wallet.mining_script) # the coinbase pays to the wallet
    state = wallet.refresh(rpc)              # balances, coins, history (safe from any thread)
    wallet.pay(rpc, "bcrt1q...", 10_000_000, fee_rate_sat_vb=2)
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from bitcoin.core import CTransaction, b2lx

from engine.primitives.chain import COINBASE_MATURITY
from engine.primitives.params import ConsensusParams
from engine.primitives.script import script_for_address
from engine.primitives.subsidy import COIN, block_subsidy_sat
from engine.rpc import RPCError
from engine.wallet.keys import Keychain, KeyFileError, WalletKey, create_key_file, mark_backup_shown, read_key_file
from engine.wallet.reasons import explain_rpc_error
from engine.wallet.state import HistoryEntry, WalletState, block_off_chain, history_confirmations
from engine.wallet.tx import Coin, SendError, format_btc, select_coins, sign_p2wpkh

GAP_LIMIT = 10  # unused addresses scanned past the last used one, per branch (BIP44 uses 20)
MAX_FEE_RATE_SAT_VB = 10_000
KEY_FILE = "wallet.key"
STATE_FILE = "wallet-state.json"


@dataclass(frozen=True)
class Payment:
    tx: CTransaction
    coins: tuple[Coin, ...]
    amount_sat: int
    fee_sat: int
    address: str

    @property
    def txid(self) -> str:
        return b2lx(self.tx.GetTxid())


class Wallet:
    """One participant's wallet; every method may be called from any thread."""

    def __init__(self, folder: Path, keychain: Keychain):
        self.folder = Path(folder)
        self.keychain = keychain
        self._lock = threading.RLock()
        self._mempool_txs: dict[str, CTransaction] = {}
        self._chain_id: str | None = None  # the chain last refreshed, whose history a payment joins
        self._state = self._load_state()

    @classmethod
    def open(cls, folder: Path, hrp: str = "bcrt") -> Wallet:
        """The wallet in `folder`, created (a new BIP39 phrase) if there is none yet."""
        folder = Path(folder)
        key_file = folder / KEY_FILE
        if not key_file.exists():
            try:
                create_key_file(key_file, Keychain.generate(hrp))
            except FileExistsError:  # another window created it meanwhile
                pass
            except OSError as exc:
                raise KeyFileError(f"cannot create the wallet in {folder}: {exc.strerror}") from exc
        data = read_key_file(key_file)
        return cls(folder, Keychain(data["bip39"], hrp))

    # --- keys and addresses ---------------------------------------------------------------------
    @property
    def mining_script(self) -> bytes:
        """The coinbase's payout: receive key 0, kept for mining so payments get fresh addresses."""
        return self.keychain.key(0, 0).script

    @property
    def mining_address(self) -> str:
        return self.keychain.key(0, 0).address

    def receive_address(self) -> str:
        with self._lock:
            return self.keychain.key(0, max(1, self._state["next"][0])).address

    def backup_pending(self) -> bool:
        """Whether the backup has not been shown yet."""
        return not read_key_file(self.folder / KEY_FILE).get("shown")

    def backup_once(self) -> tuple[str, list[str]] | None:
        """The BIP39 phrase and the descriptors, the first time only (then None)."""
        key_file = self.folder / KEY_FILE
        if read_key_file(key_file).get("shown"):
            return None
        mark_backup_shown(key_file)
        return self.keychain.phrase, self.keychain.descriptors()

    def _keys(self) -> dict[bytes, WalletKey]:
        nxt = self._state["next"]
        return {
            k.script: k
            for branch in (0, 1)
            for k in (self.keychain.key(branch, i) for i in range(max(nxt[branch], 1) + GAP_LIMIT))
        }

    # --- state file -------------------------------------------------------------------------------
    def _load_state(self) -> dict:
        try:
            state = json.loads((self.folder / STATE_FILE).read_text())
            if (
                isinstance(state, dict)
                and isinstance(state.get("next"), list)
                and isinstance(state.get("chains"), dict)
            ):
                return state
        except (OSError, ValueError):
            pass  # no history yet, or damaged: coins are found again from the chain
        return {"next": [1, 0], "chains": {}}

    def _save_state(self) -> None:
        path = self.folder / STATE_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._state))
        os.replace(tmp, path)

    # --- reading the node -------------------------------------------------------------------------
    def refresh(self, rpc) -> WalletState:
        """Balances, spendable coins and history from the node (a few RPC calls)."""
        with self._lock:
            return self._refresh(rpc)

    def _refresh(self, rpc) -> WalletState:
        info = rpc.call("getblockchaininfo")
        tip_height, tip_hash = int(info["blocks"]), info["bestblockhash"]
        consensus = ConsensusParams.from_consensus(info.get("consensus"))
        chain_id = f"{info['chain']}:{rpc.call('getblockhash', 0)}"
        self._chain_id = chain_id
        book = self._state["chains"].setdefault(chain_id, {"history": {}})
        history: dict[str, dict] = book["history"]
        changed = False

        keys = self._keys()
        scan = rpc.call("scantxoutset", "start", [f"raw({s.hex()})" for s in keys])
        # the scan's own tip: blocks found since getblockchaininfo must not make confirmations negative
        tip_height, tip_hash = int(scan.get("height", tip_height)), scan.get("bestblock", tip_hash)
        mempool_ids = set(rpc.call("getrawmempool"))
        for txid in list(self._mempool_txs):
            if txid not in mempool_ids:
                del self._mempool_txs[txid]
        for txid in mempool_ids - set(self._mempool_txs):
            try:
                raw = rpc.call("getrawtransaction", txid, 0)
            except RPCError:
                continue  # left the mempool meanwhile
            self._mempool_txs[txid] = CTransaction.deserialize(bytes.fromhex(raw))
        spent_in_mempool = {(b2lx(i.prevout.hash), i.prevout.n) for tx in self._mempool_txs.values() for i in tx.vin}

        immature = confirmed = unconfirmed = 0
        spendable: list[Coin] = []
        confirmed_txids: dict[str, int] = {}
        for out in scan.get("unspents", []):
            script = bytes.fromhex(out["scriptPubKey"])
            key = keys.get(script)
            if key is None:
                continue
            height = int(out["height"])
            coin = Coin(
                out["txid"],
                int(out["vout"]),
                round(Decimal(str(out["amount"])) * COIN),
                script,
                key,
                height,
                bool(out.get("coinbase", False)),
            )
            confirmed_txids[coin.txid] = height
            changed |= self._mark_used(key)
            confirmations = tip_height - height + 1
            if coin.coinbase:
                if coin.txid not in history:
                    history[coin.txid] = {
                        "kind": "mined",
                        "amount": coin.value_sat,
                        "fee": max(0, coin.value_sat - block_subsidy_sat(height, consensus)),
                        "address": key.address,
                        "time": time.time(),
                        "height": height,
                    }
                    changed = True
            elif coin.txid not in history:
                history[coin.txid] = {
                    "kind": "received",
                    "amount": 0,
                    "fee": 0,
                    "address": key.address,
                    "time": time.time(),
                    "height": height,
                    "outs": [],
                }
                changed = True
            entry = history[coin.txid]
            if entry["kind"] == "received" and coin.vout not in entry.setdefault("outs", []):
                entry["outs"].append(coin.vout)
                entry["amount"] += coin.value_sat
                changed = True
            if (coin.txid, coin.vout) in spent_in_mempool:
                continue
            if coin.coinbase and confirmations < COINBASE_MATURITY:
                immature += coin.value_sat
            else:
                confirmed += coin.value_sat
                spendable.append(coin)

        for txid, tx in self._mempool_txs.items():
            ours = [(n, o) for n, o in enumerate(tx.vout) if bytes(o.scriptPubKey) in keys]
            if not ours:
                continue
            sent_by_us = history.get(txid, {}).get("kind") == "sent"
            if txid not in history:
                first = keys[bytes(ours[0][1].scriptPubKey)]
                history[txid] = {
                    "kind": "received",
                    "amount": sum(o.nValue for _, o in ours),
                    "fee": 0,
                    "address": first.address,
                    "time": time.time(),
                    "height": None,
                    "outs": [n for n, _ in ours],
                }
                changed = True
            for n, out in ours:
                if (txid, n) in spent_in_mempool:
                    continue
                unconfirmed += out.nValue
                key = keys[bytes(out.scriptPubKey)]
                changed |= self._mark_used(key)
                if sent_by_us:  # our own change: trusted, spendable before it confirms (as Core)
                    spendable.append(Coin(txid, n, out.nValue, bytes(out.scriptPubKey), key, None))

        # A reorg deeper than the shortcut below (a released private branch) moves old entries too:
        # when the tip seen last time left the active chain, every entry is read again.
        last_tip = book.get("tip")
        reorged = bool(last_tip) and last_tip != tip_hash and block_off_chain(rpc, last_tip)
        if book.get("tip") != tip_hash:
            book["tip"] = tip_hash
            changed = True
        entries = []
        fees_earned = blocks_mined = 0
        for txid, entry in history.items():
            conf = history_confirmations(rpc, txid, entry, tip_height, mempool_ids, confirmed_txids, reorged)
            if entry.get("height") != (None if conf <= 0 else tip_height - conf + 1):
                entry["height"] = None if conf <= 0 else tip_height - conf + 1
                changed = True
            if entry["kind"] == "mined" and conf > 0:
                fees_earned += entry["fee"]
                blocks_mined += 1
            entries.append(
                HistoryEntry(
                    txid,
                    entry["kind"],
                    entry["amount"],
                    entry["fee"],
                    entry["address"],
                    entry["time"],
                    conf,
                    entry.get("height"),
                )
            )
        if changed:
            self._save_state()
        entries.sort(key=lambda e: (e.confirmations > 0, -(e.height or 0), -e.time))
        return WalletState(
            info["chain"],
            tip_height,
            tip_hash,
            immature,
            confirmed,
            unconfirmed,
            fees_earned,
            blocks_mined,
            self.receive_address(),
            tuple(spendable),
            tuple(entries),
        )

    def _mark_used(self, key: WalletKey) -> bool:
        branch, index = (int(p) for p in key.path.split("/")[-2:])
        if index + 1 > self._state["next"][branch]:
            self._state["next"][branch] = index + 1
            return True
        return False

    # --- paying -----------------------------------------------------------------------------------
    def check_address(self, address: str) -> bytes:
        """The payee's output script, or SendError in words."""
        address = address.strip()
        if not address:
            raise SendError("Enter the address to pay.")
        lowered = address.lower()
        if (
            self.keychain.hrp == "bcrt"
            and (lowered.startswith(("bc1", "tb1")) or address[:1] in "123mn2")
            and not lowered.startswith("bcrt1")
            and address[:1] not in "mn2"
        ):
            raise SendError(f"{address} is an address of another network; this lab chain uses bcrt1… addresses.")
        try:
            return bytes(script_for_address(address))
        except ValueError as exc:
            raise SendError(f"Not a valid address: {exc}") from None

    def prepare(
        self,
        state: WalletState,
        address: str,
        amount_sat: int,
        fee_rate_sat_vb: float,
        coins: tuple[Coin, ...] | None = None,
        change_index: int | None = None,
    ) -> Payment:
        """A signed payment from `coins` (default: all spendable), with change to a fresh address."""
        if not 0 < fee_rate_sat_vb <= MAX_FEE_RATE_SAT_VB:
            raise SendError(f"The fee rate must be between 0 and {MAX_FEE_RATE_SAT_VB} sat/vB.")
        payee = self.check_address(address)
        with self._lock:
            change_index = self._state["next"][1] if change_index is None else change_index
            change_key = self.keychain.key(1, change_index)
            selection = select_coins(
                list(state.coins if coins is None else coins), amount_sat, payee, fee_rate_sat_vb, change_key.script
            )
            outputs = [(payee, amount_sat)]
            if selection.change_sat:
                outputs.append((change_key.script, selection.change_sat))
            tx = sign_p2wpkh(list(selection.coins), outputs)
            return Payment(tx, selection.coins, amount_sat, selection.fee_sat, address.strip())

    def broadcast(self, rpc, payment: Payment) -> str:
        """sendrawtransaction; the payment joins the history as sent. SendError in words."""
        try:
            txid = rpc.call("sendrawtransaction", payment.tx.serialize().hex())
        except RPCError as exc:
            raise SendError(explain_rpc_error(exc)) from None
        with self._lock:
            book = self._state["chains"].get(self._chain_id) if self._chain_id else None
            if book is not None:
                book["history"][payment.txid] = {
                    "kind": "sent",
                    "amount": payment.amount_sat,
                    "fee": payment.fee_sat,
                    "address": payment.address,
                    "time": time.time(),
                    "height": None,
                }
            if any(
                bytes(o.scriptPubKey) == self.keychain.key(1, self._state["next"][1]).script for o in payment.tx.vout
            ):
                self._state["next"][1] += 1  # that change address is used now
            self._save_state()
        return txid

    def pay(self, rpc, address: str, amount_sat: int, fee_rate_sat_vb: float) -> Payment:
        """Refresh, choose coins, sign and send; returns the payment sent."""
        with self._lock:
            state = self.refresh(rpc)
            payment = self.prepare(state, address, amount_sat, fee_rate_sat_vb)
            self.broadcast(rpc, payment)
            return payment


__all__ = [
    "Wallet",
    "Payment",
    "SendError",
    "KeyFileError",
    "format_btc",
]
