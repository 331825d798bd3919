"""The Class tab: the teacher's pool as the class sees it, and the dialog a student joins it with.

`ClassTab.on_snapshot(PoolSnapshot)` redraws from one engine.pool.stats snapshot (the
controller emits one a second): each worker's hashrate from its shares over 1 s, 10 s and
1 min, its share tallies and blocks, its part of the class's work against its part of the
blocks (luck), who dropped or left, and each block's reward split proportionally and by PPLNS.
"""

from __future__ import annotations

from gui.classroom.service import POOL_PORT
from gui.formats import btc_short, hashrate_text, percent
from gui.i18n import tr
from gui.qt import (
    QT_TRANSLATE_NOOP,
    QAbstractItemView,
    QCoreApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from gui.window.tabs import Tab, TabContext


def _tr(text: str) -> str:
    return QCoreApplication.translate("ClassTab", text)


def split_text(split: dict) -> str:
    """A block's reward split, largest part first: 'ada 0.2500, bob 0.0625'."""
    return (
        ", ".join(f"{name} {btc_short(sats)}" for name, sats in sorted(split.items(), key=lambda item: -item[1])) or "—"
    )


class ClassTab(Tab, QWidget):
    WORKER_COLUMNS = (
        QT_TRANSLATE_NOOP("", "Student"),
        QT_TRANSLATE_NOOP("", "Status"),
        QT_TRANSLATE_NOOP("", "1 s"),
        QT_TRANSLATE_NOOP("", "10 s"),
        QT_TRANSLATE_NOOP("", "1 min"),
        QT_TRANSLATE_NOOP("", "Difficulty"),
        QT_TRANSLATE_NOOP("", "Accepted"),
        QT_TRANSLATE_NOOP("", "Rejected"),
        QT_TRANSLATE_NOOP("", "Stale"),
        QT_TRANSLATE_NOOP("", "Blocks"),
        QT_TRANSLATE_NOOP("", "Share of work"),
        QT_TRANSLATE_NOOP("", "Share of blocks"),
    )
    BLOCK_COLUMNS = (
        QT_TRANSLATE_NOOP("", "Height"),
        QT_TRANSLATE_NOOP("", "Found by"),
        QT_TRANSLATE_NOOP("", "Node said"),
        QT_TRANSLATE_NOOP("", "Reward (BTC)"),
        QT_TRANSLATE_NOOP("", "Proportional (BTC)"),
        QT_TRANSLATE_NOOP("", "PPLNS (BTC)"),
    )

    def __init__(self, parent=None):
        super().__init__(parent)
        v = QVBoxLayout(self)
        self.summary = QLabel(
            self.tr(
                "The class pool opens when this node is shared with the class "
                "(Node settings). Students then join with Join a class…, cpuminer, "
                "a NerdMiner or a Bitaxe."
            )
        )
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        self.join_button = QPushButton(self.tr("Join a class…"))
        self.join_button.setToolTip(
            self.tr("Mine through the teacher's pool with your name, and watch the teacher's chain.")
        )
        self.leave_button = QPushButton(self.tr("Leave the class"))
        top.addWidget(self.join_button)
        top.addWidget(self.leave_button)
        v.addLayout(top)
        # the Attack tab's 51% race against the class chain, when this window runs one
        self.race = QLabel("", objectName="classRace", textFormat=Qt.TextFormat.RichText, wordWrap=True)
        self.race.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.race.hide()
        v.addWidget(self.race)
        split = QSplitter(Qt.Orientation.Vertical)
        self.workers = self._table([tr(c) for c in self.WORKER_COLUMNS])
        self.workers.setToolTip(
            self.tr(
                "Hashrate from accepted shares: each share of difficulty d stands for d x 2^32 hashes. "
                "Share of work against share of blocks is luck: over many blocks they meet. "
                "'dropped': the last 10 s are under half the last minute (cores moved to AI?); "
                "'left': disconnected (statistics kept for when the student comes back)."
            )
        )
        self.workers.setAccessibleName(tr("The class's miners"))
        split.addWidget(self.workers)
        lower = QWidget()
        lv = QVBoxLayout(lower)
        lv.setContentsMargins(0, 0, 0, 0)
        self.payout_note = QLabel(
            self.tr(
                "Proportional pays each block's reward by the shares since the class's previous block: a "
                "short round after a long one pays whoever happened to be mining then. PPLNS pays the last N "
                "shares (work worth twice the block's difficulty) whatever the round, so a student who joins "
                "just before a lucky block gets little and nobody gains by hopping in and out."
            )
        )
        self.payout_note.setWordWrap(True)
        lv.addWidget(self.payout_note)
        self.blocks = self._table([tr(c) for c in self.BLOCK_COLUMNS])
        self.blocks.setAccessibleName(tr("The class's blocks and payouts"))
        lv.addWidget(self.blocks, 1)
        split.addWidget(lower)
        v.addWidget(split, 1)
        self.snapshot = None

    def _table(self, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        # headers over their values: a centred title over the stretched last column sat far
        # from its numbers at the left (seen in a 1366x768 screenshot)
        table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return table

    def on_race(self, s) -> None:
        """A look at the Attack tab's race against the class (gui.attack.service.RaceStatus)."""
        line = self.tr(
            "<b>51% attack on the class chain:</b> private branch {private} blocks against {public} public blocks "
            "since the fork at height {fork}; the attacker has q = {q} of the hashes (the class's counted from "
            "its accepted shares)."
        ).format(private=s.private_blocks, public=s.public_blocks, fork=s.fork_height, q=percent(s.attacker_share))
        if s.result == "succeeded":
            line += " " + self.tr("The attack succeeded: the node reorganised {depth} blocks deep.").format(
                depth=s.reorg_depth
            )
        elif s.result is not None:
            line += " " + self.tr("The attack failed: the class's chain stands.")
        self.race.setText(line)
        self.race.show()

    def on_snapshot(self, snapshot) -> None:
        self.snapshot = snapshot
        node = self.tr("node reachable") if snapshot.node_ok else self.tr("NODE UNREACHABLE: workers told to wait")
        self.summary.setText(
            self.tr(
                "Class pool on port {port}: {clients}, {workers}, "
                "{rate} in the last minute, working on block {height}, {node}."
            ).format(
                port=snapshot.port,
                clients=self.tr("%n connection(s)", "", snapshot.clients),
                workers=self.tr("%n student(s)", "", len(snapshot.workers)),
                rate=hashrate_text(snapshot.total_hashrate_hs.get(60.0, 0.0), 2),
                height=snapshot.height if snapshot.height is not None else "—",
                node=node,
            )
        )
        statuses = {"mining": self.tr("mining"), "dropped": self.tr("dropped (AI?)"), "left": self.tr("left")}
        self.workers.setRowCount(len(snapshot.workers))
        for r, w in enumerate(snapshot.workers):
            refused = ", ".join(f"{reason} {n}" for reason, n in sorted(w.reasons.items()))
            cells = (
                w.name,
                statuses.get(w.status, w.status),
                hashrate_text(w.hashrate_hs[1.0], 2),
                hashrate_text(w.hashrate_hs[10.0], 2),
                hashrate_text(w.hashrate_hs[60.0], 2),
                f"{w.difficulty:.3g}",
                str(w.accepted),
                str(w.rejected),
                str(w.stale),
                str(w.blocks),
                f"{w.work_share:.1%}",
                f"{w.block_share:.1%}",
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c in (6, 7, 8) and refused:
                    item.setToolTip(refused)
                self.workers.setItem(r, c, item)
        blocks = list(reversed(snapshot.blocks))
        self.blocks.setRowCount(len(blocks))
        for r, b in enumerate(blocks):
            said = b.status + (f" ({b.reason})" if b.reason else "")
            cells = (
                str(b.height),
                b.finder,
                said,
                btc_short(b.reward_sat),
                split_text(b.proportional),
                split_text(b.pplns),
            )
            for c, text in enumerate(cells):
                self.blocks.setItem(r, c, QTableWidgetItem(text))


def build(ctx: TabContext) -> ClassTab:
    """The Class tab, fed by the controller's class pool service."""
    controller, classroom = ctx.controller, ctx.controller.classroom
    tab = ClassTab()
    classroom.stats.connect(tab.on_snapshot)
    classroom.race.connect(tab.on_race)
    joined = classroom.joined()
    tab.leave_button.setVisible(bool(joined))
    if joined:
        tab.summary.setText(
            tr(
                "You mine in {name}'s class as '{me}' through the pool at {host}:{port}; "
                "the chain views show the teacher's chain."
            ).format(name=joined["host"], me=joined["name"], host=joined["host"], port=joined["port"])
        )

    def join() -> None:
        if JoinClassDialog(controller.settings, tab).exec():
            QMessageBox.information(tab, tr("Class joined"), tr("The lab mines in the class from its next start."))

    def leave() -> None:
        controller.settings.setValue("class/joined", False)
        controller.settings.setValue("node/mode", "embedded")
        QMessageBox.information(tab, tr("Class left"), tr("The lab mines on its own chain again from its next start."))

    tab.join_button.clicked.connect(join)
    tab.leave_button.clicked.connect(leave)
    return tab


class JoinClassDialog(QDialog):
    """A student's window mines through the teacher's pool and reads the teacher's chain."""

    def __init__(self, settings, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Join a class"))
        form = QFormLayout(self)
        self.address = QLineEdit(settings.value("class/host", ""), placeholderText="192.168.1.20")
        self.name = QLineEdit(settings.value("class/name", ""), placeholderText=self.tr("your name"))
        self.password = QLineEdit(settings.value("class/password", ""), echoMode=QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Teacher's address"), self.address)
        form.addRow(self.tr("Your name"), self.name)
        form.addRow(self.tr("Class password"), self.password)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #c0392b")
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        host = self.address.text().strip().removeprefix("stratum+tcp://").removeprefix("http://").split("/")[0]
        host, _, port = host.partition(":")
        if port and not (port.isdigit() and 0 < int(port) < 65536):
            self.error.setText(self.tr("The pool port must be a number, e.g. 192.168.1.20:3333"))
            return
        name = self.name.text().strip()
        if not host or any(ch.isspace() for ch in host):
            self.error.setText(self.tr("Type the teacher's address, e.g. 192.168.1.20"))
            return
        if not name or len(name) > 64 or not name.isprintable():
            self.error.setText(self.tr("Type your name (up to 64 characters): the class sees it"))
            return
        if not self.password.text():
            self.error.setText(self.tr("Type the class password the teacher gave"))
            return
        from gui.window.class_login import SHARE_USER

        s = self.settings
        s.setValue("class/joined", True)
        s.setValue("class/host", host)
        s.setValue("class/pool_port", int(port or POOL_PORT))
        s.setValue("class/name", name)
        s.setValue("class/password", self.password.text())
        # the chain views read the teacher's node (the lab chain's port, the class login)
        s.setValue("node/mode", "attach")
        s.setValue("node/url", f"http://{host}:18449")
        s.setValue("node/cookie", "")
        s.setValue("node/user", SHARE_USER)
        s.setValue("node/password", self.password.text())
        super().accept()
