"""The wallet's adapter to Qt: refreshes engine.wallet.Wallet on its own thread (every two
seconds, or at once after a payment) and re-emits what it finds as signals; sends payments
off the GUI thread. The controller owns one; the Wallet and Attack tabs observe it."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from engine.rpc import RPCError
from engine.wallet.keys import KeyFileError
from engine.wallet.tx import parse_btc
from engine.wallet.wallet import SendError, Wallet
from gui.i18n import tr
from gui.qt import QObject, Signal

log = logging.getLogger(__name__)

REFRESH_INTERVAL_S = 2.0


class WalletService(QObject):
    state = Signal(object)  # engine.wallet.state.WalletState after every refresh
    sent = Signal(object)  # the Payment just accepted by the node
    failed = Signal(str)  # why a payment was not made, in words
    problem = Signal(str)  # the wallet cannot read the node or its key file

    def __init__(self, folder: Path, parent=None):
        super().__init__(parent)
        self.wallet: Wallet | None = None
        self.error: str | None = None
        try:
            self.wallet = Wallet.open(Path(folder))
        except KeyFileError as exc:
            self.error = str(exc)
        self.rpc = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._sender: threading.Thread | None = None

    @property
    def mining_script(self) -> bytes | None:
        """What the miner's coinbase pays to (None: the wallet could not open; the miner's default)."""
        return self.wallet.mining_script if self.wallet else None

    def set_rpc(self, rpc) -> None:
        """The node to read (after every (re)connect); starts the refresh thread once."""
        self.rpc = rpc
        if self.wallet is None:
            self.problem.emit(self.error or "")
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="wallet-refresh", daemon=True)
            self._thread.start()
        self._wake.set()

    def refresh_now(self) -> None:
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            rpc = self.rpc
            if rpc is not None:
                try:
                    self.state.emit(self.wallet.refresh(rpc))
                except RPCError as exc:
                    self.problem.emit(tr("Wallet: cannot read the node ({error})").format(error=exc.message))
                except Exception as exc:  # a wallet that stops refreshing must say so
                    log.exception("wallet refresh failed")
                    self.problem.emit(tr("Wallet: {error}").format(error=exc))
            self._wake.wait(REFRESH_INTERVAL_S)
            self._wake.clear()

    def send(self, address: str, amount_text: str, fee_rate_sat_vb: float) -> None:
        """Pay on a thread; `sent` or `failed` follows."""
        if self.wallet is None or self.rpc is None:
            self.failed.emit(self.error or tr("The node is not connected yet."))
            return
        try:
            amount_sat = parse_btc(amount_text)
        except ValueError as exc:
            self.failed.emit(tr("Amount: {error}").format(error=exc))
            return
        rpc = self.rpc

        def pay() -> None:
            try:
                self.sent.emit(self.wallet.pay(rpc, address, amount_sat, fee_rate_sat_vb))
            except SendError as exc:
                self.failed.emit(str(exc))
            except RPCError as exc:
                self.failed.emit(tr("The node cannot be reached: {error}").format(error=exc.message))
            self._wake.set()

        self._sender = threading.Thread(target=pay, name="wallet-send", daemon=True)
        self._sender.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        for thread in (self._thread, self._sender):
            if thread is not None:
                thread.join(10)
