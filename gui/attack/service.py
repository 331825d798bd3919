"""The 51% demo's adapter to Qt: runs engine.wallet.race.LabRace on a thread (the lab mines the
honest network's share on its own miner while the attacker's cores mine the private branch) and
re-emits the race as signals. The window's own public mining is paused for the race: its cores
are the two sides. When the class pool is open (the teacher's window shares its node), the
honest side is the class instead: no honest miner runs here, the class's hashes are the pool's
accepted share work (ClassroomService.class_hashes), and the race is also reported to the
ClassroomService so the Class tab shows it."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace

from engine.rpc import RPCError
from engine.wallet.attack import AttackError
from engine.wallet.odds import attacker_success_probability, catch_up_probability, hash_share
from engine.wallet.race import LabRace, RaceResult, RaceRules
from engine.wallet.tx import SendError, parse_btc
from gui.i18n import tr
from gui.qt import QObject, Signal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RaceStatus:
    """One look at the race; every number the panel shows."""

    fork_height: int
    private_blocks: int
    public_blocks: int  # found by the honest miner since the fork
    cores: int  # attacking
    honest_cores: int
    attacker_hashes: int  # measured: the private miner's own count
    honest_hashes: int  # measured: the honest miner's own count
    confirmations_wanted: int  # z: what the merchant waits for before handing over the goods
    payment_confirmations: int
    elapsed_s: float
    payment_txid: str = ""
    released: bool = False
    result: str | None = None  # "succeeded" | "failed" once the race has ended
    reorg_depth: int | None = None  # public blocks the node disconnected at the release
    payment_vanished: bool | None = None
    reason: str = ""
    through_class: bool = False  # the honest side is the class mining through the class pool

    @property
    def lead(self) -> int:
        return self.private_blocks - self.public_blocks

    @property
    def attacker_share(self) -> float:
        """q: the attacker's share of the hashes both miners did since the race began."""
        return hash_share(self.attacker_hashes, self.honest_hashes)

    @property
    def attacker_hs(self) -> float:
        return self.attacker_hashes / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def honest_hs(self) -> float:
        return self.honest_hashes / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def hashes(self) -> int:
        return self.attacker_hashes

    @property
    def success_probability(self) -> float:
        """Nakamoto's AttackerSuccessProbability(q, z) for this attacker and this merchant."""
        return attacker_success_probability(self.attacker_share, self.confirmations_wanted)

    @property
    def catch_up_probability(self) -> float:
        """From where the race stands now: the chance the private branch ever gets ahead."""
        return catch_up_probability(self.attacker_share, self.public_blocks - self.private_blocks)


class AttackService(QObject):
    status = Signal(object)  # RaceStatus, whenever a side finds a block, and once after the end
    paid = Signal(object)  # the merchant's Payment, accepted by the node
    failed = Signal(str)  # why the attack could not start or go on, in words

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.race: LabRace | None = None
        self.last: RaceStatus | None = None
        self._stop = threading.Event()
        self.auto_release = True  # publish as soon as the branch is longer and the payment confirmed
        self._threads: list[threading.Thread] = []
        self._class = None  # the ClassroomService while racing against the class

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def start(
        self,
        merchant: str,
        amount_text: str,
        fee_rate_sat_vb: float,
        confirmations: int,
        cores: int,
        honest_cores: int = 1,
    ) -> None:
        service = self.controller.wallet
        if service.wallet is None or service.rpc is None:
            self.failed.emit(service.error or tr("The node is not connected yet."))
            return
        if self.running:
            self.failed.emit(tr("An attack is already running."))
            return
        try:
            amount_sat = parse_btc(amount_text)
            rules = RaceRules(max(1, confirmations), give_up_behind=8 if self.auto_release else 1000)
        except ValueError as exc:
            self.failed.emit(tr("Amount: {error}").format(error=exc))
            return
        self._stop.clear()
        self.last = None
        args = (service.wallet, service.rpc, merchant, amount_sat, fee_rate_sat_vb, rules, max(1, cores))
        self._threads = [
            threading.Thread(target=self._run, args=(*args, max(1, honest_cores)), name="attack-race", daemon=True)
        ]
        self._threads[0].start()

    def set_auto_release(self, on: bool) -> None:
        self.auto_release = bool(on)
        if self.race is not None:
            self.race.auto_release = self.auto_release

    def release_now(self) -> None:
        if self.race is not None:
            self.race.release_now.set()

    def stop(self) -> None:
        """Give up: the private branch is dropped unpublished; the window mines publicly again."""
        self._stop.set()
        for thread in self._threads:
            thread.join(15)

    def _run(self, wallet, rpc, merchant, amount_sat, fee_rate, rules, cores, honest_cores) -> None:
        miner = self.controller.miner
        was_paused = bool(miner and miner.paused)
        classroom = getattr(self.controller, "classroom", None)
        through_class = classroom is not None and classroom.pool is not None
        base = RaceStatus(
            0, 0, 0, cores, honest_cores, 0, 0, rules.confirmations, 0, 0.0, through_class=through_class
        )  # fmt: skip
        self._class = classroom if through_class else None

        def on_status(look: dict) -> None:
            status = replace(
                base,
                fork_height=look["fork_height"],
                private_blocks=look["private"],
                public_blocks=look["public"],
                attacker_hashes=look["attacker_hashes"],
                honest_hashes=look["honest_hashes"],
                payment_confirmations=look["confirmations"],
                elapsed_s=look["seconds"],
                payment_txid=self.race.paid_txid if self.race else "",
            )
            self._emit(status)

        try:
            if miner:
                miner.pause()  # the window's cores become the two sides of the race
            race = LabRace(
                rpc,
                wallet,
                merchant,
                amount_sat,
                cores,
                honest_cores,
                rules,
                fee_rate,
                status=on_status,
                stop=self._stop,
                paid=self.paid.emit,
                honest_hashes=classroom.class_hashes if through_class else None,
            )
            race.auto_release = self.auto_release
            self.race = race
            result = race.run()
            self._finished(base, result)
        except (SendError, AttackError, ValueError) as exc:
            self.failed.emit(str(exc))
        except RPCError as exc:
            self.failed.emit(tr("The node cannot be reached: {error}").format(error=exc.message))
        finally:
            if miner and not was_paused:
                miner.resume()

    def _finished(self, base: RaceStatus, r: RaceResult) -> None:
        status = replace(
            base,
            fork_height=r.fork_height,
            private_blocks=r.private_blocks,
            public_blocks=r.public_blocks,
            attacker_hashes=r.attacker_hashes,
            honest_hashes=r.honest_hashes,
            payment_confirmations=r.payment_confirmations,
            elapsed_s=r.seconds,
            payment_txid=r.payment_txid,
            released=r.released,
            result=r.result,
            reorg_depth=r.reorg_depth,
            payment_vanished=not r.payment_in_active_chain,
            reason=r.reason,
        )
        self._emit(status)

    def _emit(self, status: RaceStatus) -> None:
        self.last = status
        self.status.emit(status)
        if self._class is not None:
            self._class.race.emit(status)  # the Class tab shows the attack on the class chain
