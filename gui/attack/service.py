"""The 51% demo's adapter to Qt: runs engine.wallet.attack.PrivateFork on threads (one mines the
private branch with the miner's kernels on the attacker's cores, one watches the public chain
twice a second) and re-emits the race as signals. The window's own public mining is paused while
its cores mine the private branch, as an attacker would move them."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace

from engine.rpc import RPCError
from engine.wallet.attack import AttackError, PrivateFork
from engine.wallet.odds import attacker_success_probability, catch_up_probability
from engine.wallet.tx import SendError, parse_btc
from gui.i18n import tr
from gui.qt import QObject, Signal

log = logging.getLogger(__name__)

WATCH_INTERVAL_S = 0.5
HASHRATE_WINDOW_BLOCKS = 24  # getnetworkhashps's look-back at the start: one lab retarget window


@dataclass(frozen=True)
class RaceStatus:
    """One look at the race; every number the panel shows."""

    fork_height: int
    private_blocks: int
    public_blocks: int  # found by everyone else since the fork
    cores: int
    attacker_hs: float  # measured on the private branch
    honest_hs: float  # the public chain's since the fork (getnetworkhashps), before that the chain's less ours
    network_hs_at_start: float  # getnetworkhashps over the last 24 blocks when the attack started
    confirmations_wanted: int  # z: what the merchant waits for before handing over the goods
    payment_confirmations: int
    elapsed_s: float
    hashes: int
    payment_txid: str
    refund_txid: str
    released: bool = False
    reorg_depth: int | None = None  # public blocks the node disconnected at the release
    payment_vanished: bool | None = None
    release_results: tuple = ()

    @property
    def lead(self) -> int:
        return self.private_blocks - self.public_blocks

    @property
    def attacker_share(self) -> float:
        """q: the attacker's share of all the hashrate on the chain (attacker + honest)."""
        total = self.attacker_hs + self.honest_hs
        return self.attacker_hs / total if total > 0 else 0.0

    @property
    def success_probability(self) -> float:
        """Nakamoto's AttackerSuccessProbability(q, z) for this attacker and this merchant."""
        return attacker_success_probability(self.attacker_share, self.confirmations_wanted)

    @property
    def catch_up_probability(self) -> float:
        """From where the race stands now: the chance the private branch ever gets ahead."""
        return catch_up_probability(self.attacker_share, self.public_blocks - self.private_blocks)


class AttackService(QObject):
    status = Signal(object)  # RaceStatus, twice a second while the race runs and once after
    paid = Signal(object)  # the merchant's Payment, accepted by the node
    failed = Signal(str)  # why the attack could not start or go on, in words

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.fork: PrivateFork | None = None
        self.last: RaceStatus | None = None
        self._stop = threading.Event()  # the whole attack
        self._mine_stop = threading.Event()  # the private miner only
        self._release = threading.Event()
        self.auto_release = True
        self._threads: list[threading.Thread] = []

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def start(self, merchant: str, amount_text: str, fee_rate_sat_vb: float, confirmations: int, cores: int) -> None:
        service = self.controller.wallet
        if service.wallet is None or service.rpc is None:
            self.failed.emit(service.error or tr("The node is not connected yet."))
            return
        if self.running:
            self.failed.emit(tr("An attack is already running."))
            return
        try:
            amount_sat = parse_btc(amount_text)
        except ValueError as exc:
            self.failed.emit(tr("Amount: {error}").format(error=exc))
            return
        self._stop.clear()
        self._mine_stop.clear()
        self._release.clear()
        self.fork, self.last = None, None
        args = (service.wallet, service.rpc, merchant, amount_sat, fee_rate_sat_vb, confirmations, max(1, cores))
        self._threads = [threading.Thread(target=self._run, args=args, name="attack-race", daemon=True)]
        self._threads[0].start()

    def release_now(self) -> None:
        self._release.set()

    def stop(self) -> None:
        """Give up: the private branch is dropped unpublished; the window mines publicly again."""
        self._stop.set()
        self._mine_stop.set()
        for thread in self._threads:
            thread.join(15)

    def _run(self, wallet, rpc, merchant, amount_sat, fee_rate, confirmations, cores) -> None:
        miner = self.controller.miner
        was_paused = bool(miner and miner.paused)
        try:
            own_hs = float(miner.stats().hashrate_hs) if miner else 0.0
            network_hs = float(rpc.call("getnetworkhashps", HASHRATE_WINDOW_BLOCKS))
            if miner:
                miner.pause()  # our cores leave the public chain for the private branch
            fork = PrivateFork.start(rpc, wallet.mining_script)
            before = wallet.refresh(rpc)
            payment = wallet.pay(rpc, merchant, amount_sat, fee_rate)
            self.paid.emit(payment)
            total = sum(c.value_sat for c in payment.coins)
            # the same coins, all back to us, for the private branch's first block
            refund = wallet.prepare(
                before, wallet.receive_address(), total - max(payment.fee_sat, 200), 1.0, coins=payment.coins
            )
            fork.add_transaction(refund.tx, refund.fee_sat)
            self.fork = fork
        except (SendError, AttackError) as exc:
            self.failed.emit(str(exc))
            self._resume(miner, was_paused)
            return
        except RPCError as exc:
            self.failed.emit(tr("The node cannot be reached: {error}").format(error=exc.message))
            self._resume(miner, was_paused)
            return
        miner_thread = threading.Thread(target=self._mine, args=(fork, cores), name="attack-private-miner", daemon=True)
        miner_thread.start()
        began = time.monotonic()
        status = RaceStatus(
            fork.fork_height,
            0,
            0,
            cores,
            0.0,
            max(network_hs - own_hs, 0.0),
            network_hs,
            confirmations,
            0,
            0.0,
            0,
            payment.txid,
            refund.txid,
        )
        try:
            while not self._stop.is_set():
                status = self._look(rpc, fork, status, began, own_hs)
                self.last = status
                self.status.emit(status)
                ready = status.lead > 0 and status.payment_confirmations >= confirmations
                if self._release.is_set() or (self.auto_release and ready):
                    self._mine_stop.set()
                    miner_thread.join()
                    status = self._release_branch(rpc, fork, self._look(rpc, fork, status, began, own_hs))
                    self.last = status
                    self.status.emit(status)
                    return
                self._stop.wait(WATCH_INTERVAL_S)
        except RPCError as exc:
            self.failed.emit(tr("The node cannot be reached: {error}").format(error=exc.message))
        finally:
            self._mine_stop.set()
            miner_thread.join()
            self._resume(miner, was_paused)

    def _mine(self, fork: PrivateFork, cores: int) -> None:
        while not self._mine_stop.is_set():
            try:
                fork.mine_block(self._mine_stop, threads=cores)
            except AttackError as exc:
                if not self._mine_stop.is_set():
                    self.failed.emit(str(exc))
                return

    @staticmethod
    def _look(rpc, fork: PrivateFork, status: RaceStatus, began: float, own_hs: float) -> RaceStatus:
        public = int(rpc.call("getblockcount")) - fork.fork_height
        honest_hs = status.honest_hs
        if public >= 2:  # the blocks since the fork were all found by others: their rate
            honest_hs = float(rpc.call("getnetworkhashps", public))
        try:
            confirmations = int(rpc.call("getrawtransaction", status.payment_txid, True).get("confirmations", 0))
        except RPCError:
            confirmations = 0
        return replace(
            status,
            private_blocks=len(fork.blocks),
            public_blocks=public,
            attacker_hs=fork.hashrate_hs or own_hs,
            honest_hs=honest_hs,
            payment_confirmations=confirmations,
            elapsed_s=time.monotonic() - began,
            hashes=fork.hashes,
        )

    @staticmethod
    def _release_branch(rpc, fork: PrivateFork, status: RaceStatus) -> RaceStatus:
        results = fork.release(rpc)
        won = rpc.call("getbestblockhash") == (fork.blocks[-1][0] if fork.blocks else None)
        try:
            entry = rpc.call("getrawtransaction", status.payment_txid, True)
            vanished = "confirmations" not in entry and status.payment_txid not in rpc.call("getrawmempool")
        except RPCError:
            vanished = True  # neither in the chain nor in the mempool: double-spent
        return replace(
            status,
            released=True,
            reorg_depth=status.public_blocks if won else 0,
            payment_vanished=vanished,
            release_results=tuple(results),
        )

    @staticmethod
    def _resume(miner, was_paused: bool) -> None:
        if miner and not was_paused:
            miner.resume()
