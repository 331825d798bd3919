"""The Wallet tab: balance (confirmed, unconfirmed, immature), fees earned by mining, the
receive address as text and QR code, Send with a fee rate, and the payment history with
confirmations. It observes the controller's WalletService and never calls RPC itself."""

from __future__ import annotations

import time

import segno

from engine.wallet.state import WalletState
from gui.formats import btc_amount, grouped, short_id
from gui.i18n import num, tr
from gui.qt import (
    QT_TRANSLATE_NOOP,
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QColor,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QImage,
    QLabel,
    QLineEdit,
    QPixmap,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from gui.window.tabs import Tab, TabContext

HISTORY_ROWS = 200  # newest first; a lab chain mines a block every 5 s
QR_SCALE = 3


def qr_image(text: str, scale: int = QR_SCALE) -> QImage:
    """`text` as a QR code (segno), black on white with the standard 4-module quiet zone."""
    # BIP173: upper case bech32 fits QR's alphanumeric mode, a smaller code
    qr = segno.make_qr(text.upper() if text.lower().startswith(("bc1", "tb1", "bcrt1")) else text)
    rows = [bytes(0 if dark else 255 for dark in row) for row in qr.matrix_iter(scale=scale, border=4)]
    width, height = len(rows[0]), len(rows)
    return QImage(b"".join(rows), width, height, width, QImage.Format.Format_Grayscale8).copy()


def confirmations_text(confirmations: int) -> str:
    if confirmations < 0:
        return tr("vanished: double-spent or reorged out")
    if confirmations == 0:
        return tr("unconfirmed (in the mempool)")
    return str(confirmations)


class BackupDialog(QDialog):
    """The recovery phrase and descriptors, shown once."""

    def __init__(self, phrase: str, descriptors: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("Wallet backup"))
        layout = QVBoxLayout(self)
        note = QLabel(
            tr(
                "Write these 12 words down: they are the only way to get this wallet back. "
                "They are shown once. The descriptors below import the same keys into "
                "Bitcoin Core (importdescriptors)."
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.text = QPlainTextEdit(phrase + "\n\n" + "\n".join(descriptors), readOnly=True)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(640, 260)


class WalletTab(Tab, QWidget):
    COLUMNS = (
        QT_TRANSLATE_NOOP("", "When"),
        QT_TRANSLATE_NOOP("", "What"),
        QT_TRANSLATE_NOOP("", "Amount (BTC)"),
        QT_TRANSLATE_NOOP("", "Confirmations"),
        QT_TRANSLATE_NOOP("", "Fee (BTC)"),
        QT_TRANSLATE_NOOP("", "Address"),
    )

    def __init__(self, service, parent=None):
        super().__init__(parent)
        self.service = service
        self.last_state: WalletState | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        # one line of balances: the tab lives under the window's cards, so it saves height
        self.balances = QLabel("–", objectName="walletBalances")
        self.balances.setTextFormat(Qt.TextFormat.RichText)
        self.balances.setWordWrap(True)  # one line when there is room, never wider than the window
        self.balances.setToolTip(
            tr(
                "Confirmed: coins in blocks, spendable now. Unconfirmed: payments waiting "
                "in the mempool (incoming and change). Immature: mined coins, spendable "
                "after 100 confirmations. Fees earned: what your blocks collected on top "
                "of the subsidy."
            )
        )
        outer.addWidget(self.balances)

        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        receive = QGroupBox(tr("Receive"))
        rl = QHBoxLayout(receive)
        self.qr = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        rl.addWidget(self.qr)
        column = QVBoxLayout()
        # In groups of four, as wallets show addresses, so it wraps instead of being cut; Copy
        # address copies it whole.
        self.receive_address = ""
        self.address = QLabel("–")
        self.address.setObjectName("walletAddress")
        self.address.setWordWrap(True)
        self.copy_button = QPushButton(tr("Copy address"))
        self.copy_button.clicked.connect(lambda: QApplication.clipboard().setText(self.receive_address))
        self.backup_button = QPushButton(tr("Show the backup phrase (once)"))
        self.backup_button.clicked.connect(self.show_backup)
        self.backup_button.setVisible(bool(service.wallet and service.wallet.backup_pending()))
        for widget in (self.address, self.copy_button, self.backup_button):
            column.addWidget(widget)
        column.addStretch(1)
        rl.addLayout(column, 1)
        ll.addWidget(receive)

        send = QGroupBox(tr("Send"))
        form = QFormLayout(send)
        self.pay_to = QLineEdit(placeholderText="bcrt1q…")
        self.amount = QLineEdit(placeholderText=num(0.5, 1))
        self.fee_rate = QDoubleSpinBox(decimals=1, minimum=0.1, maximum=10_000, value=2.0, suffix=" sat/vB")
        self.fee_rate.setToolTip(tr("Miners take the highest fee rates first; the node relays 1 sat/vB and up"))
        self.send_button = QPushButton(tr("Send"))
        self.send_button.clicked.connect(self.send)
        self.send_status = QLabel("")
        self.send_status.setWordWrap(True)
        self.send_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(tr("Pay to"), self.pay_to)
        form.addRow(tr("Amount (BTC)"), self.amount)
        form.addRow(tr("Fee rate"), self.fee_rate)
        form.addRow(self.send_button)
        form.addRow(self.send_status)
        ll.addWidget(send)
        ll.addStretch(1)
        split.addWidget(left)

        self.history = QTableWidget(0, len(self.COLUMNS))
        self.history.setHorizontalHeaderLabels([tr(c) for c in self.COLUMNS])
        self.history.setAccessibleName(tr("Wallet history"))
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().setVisible(False)
        header = self.history.horizontalHeader()
        for column in range(len(self.COLUMNS)):
            header.setSectionResizeMode(
                column, QHeaderView.ResizeMode.Stretch if column == 5 else QHeaderView.ResizeMode.ResizeToContents
            )
        right = QWidget()
        hl = QVBoxLayout(right)
        hl.setContentsMargins(0, 0, 0, 0)
        self.all_mined = QCheckBox(tr("Every mined block"))
        self.all_mined.setToolTip(tr("Otherwise only the mined blocks that earned fees are listed."))
        self.all_mined.toggled.connect(lambda _: self.last_state and self._fill_history(self.last_state))
        hl.addWidget(self.all_mined)
        hl.addWidget(self.history, 1)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        outer.addWidget(split, 1)

        service.state.connect(self.on_state)
        service.sent.connect(self.on_sent)
        service.failed.connect(self.on_failed)
        if service.wallet is None:
            self.send_status.setText(service.error or "")

    def on_state(self, state: WalletState) -> None:
        self.last_state = state
        self.balances.setText(
            tr(
                "<b style='font-size:15pt'>{confirmed} BTC</b> confirmed ({coins}) &nbsp;·&nbsp; "
                "{unconfirmed} unconfirmed &nbsp;·&nbsp; {immature} immature &nbsp;·&nbsp; "
                "fees earned <b>{fees}</b> in {blocks}"
            ).format(
                confirmed=btc_amount(state.confirmed_sat),
                coins=tr("%n coin(s)", "", len(state.coins)),
                unconfirmed=btc_amount(state.unconfirmed_sat),
                immature=btc_amount(state.immature_sat),
                fees=btc_amount(state.fees_earned_sat),
                blocks=tr("%n block(s) mined", "", state.blocks_mined),
            )
        )
        if self.receive_address != state.receive_address:
            self.receive_address = state.receive_address
            self.address.setText(grouped(state.receive_address))
            self.address.setToolTip(state.receive_address)
            self.qr.setPixmap(QPixmap.fromImage(qr_image(state.receive_address)))
        self._fill_history(state)

    def _fill_history(self, state: WalletState) -> None:
        words = {"received": tr("received"), "sent": tr("sent"), "mined": tr("mined")}
        show_all = self.all_mined.isChecked()
        entries = [e for e in state.history if show_all or e.kind != "mined" or e.fee_sat][:HISTORY_ROWS]
        self.history.setRowCount(len(entries))
        for r, e in enumerate(entries):
            what = words.get(e.kind, e.kind)
            if e.kind == "mined":
                what = tr("mined block {height}").format(height=e.height) if e.height else what
                if e.fee_sat:
                    what += tr(" (+fees)")
            sign = "-" if e.kind == "sent" else "+"
            cells = (
                time.strftime("%H:%M:%S", time.localtime(e.time)),
                what,
                sign + btc_amount(e.amount_sat),
                confirmations_text(e.confirmations),
                btc_amount(e.fee_sat) if e.fee_sat else "",
                e.address,
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(e.txid)
                if e.confirmations < 0:
                    item.setForeground(QColor("#c0392b"))
                self.history.setItem(r, c, item)

    def send(self) -> None:
        self.send_button.setEnabled(False)
        self.send_status.setStyleSheet("")
        self.send_status.setText(tr("Signing and sending…"))
        self.service.send(self.pay_to.text(), self.amount.text(), self.fee_rate.value())

    def on_sent(self, payment) -> None:
        self.send_button.setEnabled(True)
        self.send_status.setStyleSheet("color: #27ae60")
        self.send_status.setText(
            tr("Sent {amount} BTC, fee {fee} BTC. Transaction {txid}").format(
                amount=btc_amount(payment.amount_sat), fee=btc_amount(payment.fee_sat), txid=short_id(payment.txid)
            )
        )
        self.send_status.setToolTip(payment.txid)  # whole, where the sentence shows its ends
        self.amount.clear()

    def on_failed(self, message: str) -> None:
        self.send_button.setEnabled(True)
        self.send_status.setStyleSheet("color: #c0392b")
        self.send_status.setText(message)

    def show_backup(self) -> None:
        backup = self.service.wallet.backup_once() if self.service.wallet else None
        self.backup_button.setVisible(False)
        if backup:
            self.backup_dialog = BackupDialog(*backup, parent=self)
            self.backup_dialog.show()


def build(ctx: TabContext) -> WalletTab:
    """The Wallet tab, fed by the controller's wallet service."""
    return WalletTab(ctx.controller.wallet)
