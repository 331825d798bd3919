"""The Node tab: what the node is (chain, height, RPC address, uptime, best block, consensus
parameters, network hashrate, the address students attach to when shared), Node settings…, and
the node's own log lines."""

from __future__ import annotations

from gui.formats import blocks_text, fmt_duration
from gui.i18n import integer, num, tr
from gui.qt import QHBoxLayout, QLabel, QMessageBox, QPlainTextEdit, QPushButton, Qt, QVBoxLayout, QWidget
from gui.window.tabs import Tab, TabContext


class NodeTab(Tab, QWidget):
    """Redrawn from the lab state's snapshot whenever it changes; the log from the controller."""

    scrolls = False  # the log takes the room left and scrolls itself

    def __init__(self, ctx: TabContext, parent=None):
        super().__init__(parent)
        self.controller, self.lab = ctx.controller, ctx.lab
        v = QVBoxLayout(self)
        self.node_details = QLabel(tr("Starting…"))
        self.node_details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.node_details.setWordWrap(True)
        v.addWidget(self.node_details)
        row = QHBoxLayout()
        self.settings_button = QPushButton(tr("Node settings…"))
        self.settings_button.setToolTip(
            tr(
                "Use the embedded node, Bitcoin Core's bitcoind, or attach to a "
                "running node (a teacher's, over the network)."
            )
        )
        row.addWidget(self.settings_button)
        row.addStretch(1)
        v.addLayout(row)
        self.node_log = QPlainTextEdit(readOnly=True)
        self.node_log.setMaximumBlockCount(1000)
        self.node_log.setAccessibleName(tr("Node log"))
        self.node_log.setToolTip(tr("What the node writes: one line per block, reorgs, start and stop."))
        v.addWidget(self.node_log, 1)
        self.settings_button.clicked.connect(self.open_settings)
        self.controller.node_log.connect(self.node_log.appendPlainText)
        self.lab.changed.connect(self.refresh)

    def refresh(self, state: dict) -> None:
        info = state.get("chain_info")
        if not info:
            return
        stopped = state.get("node_state") == "stopped"
        consensus = info.get("consensus") or {}
        spacing = consensus.get("pow_target_spacing", 600)
        retarget = consensus.get("difficulty_adjustment_interval", 2016)
        halving = consensus.get("subsidy_halving_interval", 150)
        uptime = "–" if info.get("uptime") is None or stopped else fmt_duration(info["uptime"])
        share = self.controller.classroom.address()
        self.node_details.setText(
            tr(
                "<b>Chain</b> {chain} &nbsp; <b>Height</b> {height} &nbsp; <b>RPC</b> {url} &nbsp; "
                "<b>Node up</b> {uptime}<br><b>Best block</b> {best}<br><b>Target spacing</b> {spacing} s "
                "&nbsp; <b>Retarget every</b> {retarget} &nbsp; <b>Halving every</b> {halving} &nbsp; "
                "<b>Network hashrate</b> {mhs} MH/s"
            ).format(
                chain=info["chain"],
                height=integer(info["blocks"]),
                url=self.controller.url,
                uptime=uptime,
                best=info["bestblockhash"],
                spacing=spacing,
                retarget=blocks_text(retarget),
                halving=blocks_text(halving),
                mhs=num(float(info.get("networkhashps") or 0) / 1e6, 2),
            )
            + (tr("<br><b>Shared with the class:</b> {address}").format(address=share) if share else "")
        )

    def open_settings(self) -> None:
        from gui.window.settings_dialog import NodeSettingsDialog

        dialog = NodeSettingsDialog(self.controller.settings, self)
        if dialog.exec():
            QMessageBox.information(
                self, tr("Node settings saved"), tr("The new node settings apply the next time the lab starts.")
            )


def build(ctx: TabContext) -> NodeTab:
    return NodeTab(ctx)
