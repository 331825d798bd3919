"""The lab window: live chain and miner, the capacity control, economics, and the node.

Widgets only observe the controller's signals and call its few methods; charts redraw on a
timer. Every metric has a tooltip a teacher can read out.
"""
from __future__ import annotations

import csv
import time
from pathlib import Path

from engine.ai_jobs import AIReport
from engine.capacity import Allocation
from engine.miner import BlockResult, MinerStats
from gui.charts import PALETTE, Chart
from gui.controller import BlockRow, LabController
from gui.qt import (QAbstractItemView, QAction, QApplication, QFileDialog, QFrame, QGridLayout,
                    QHBoxLayout, QHeaderView, QKeySequence, QLabel, QMainWindow, QMessageBox,
                    QPlainTextEdit, QProgressBar, QPushButton, QSlider, QSpinBox, Qt,
                    QTableWidget, QTableWidgetItem, QTabWidget, QTimer, QVBoxLayout, QWidget, pg)
from gui.theme import PRESENTER_DARK, THEMES, font_pt, stylesheet
from gui.widgets import card_row

REDRAW_MS = 500
TABLE_ROWS = 200
MAX_ROWS = 50_000  # blocks kept for the table and the CSV export (the charts keep every point)

TIPS = {
    "hashrate": "How many SHA-256d hashes this laptop tries per second, in millions (MH/s). "
                "Each hash is one lottery ticket for the next block.",
    "blocks": "Blocks this chain has. A new block comes when someone's hash is below the target.",
    "difficulty": "How hard it is to find a block, as a multiple of Bitcoin's easiest difficulty. "
                  "It is retuned every few blocks so that blocks keep coming at the target pace.",
    "reward": "New bitcoins paid to whoever finds the next block (the subsidy). It halves every "
              "halving interval: on this lab chain every 150 blocks, on Bitcoin every four years.",
    "ai": "The cores given to AI run real matrix multiplications, like an AI model answering "
          "requests. GFLOP/s is billions of calculations per second; the bill is what a site of "
          "this size would earn for the same share of its power.",
    "capacity": "Drag to move CPU cores from mining to AI jobs. Fewer mining cores means a lower "
                "hashrate; after the next retarget the difficulty follows.",
    "throttle": "How many of this computer's cores the lab may use at all, so a laptop stays cool.",
    "hashrate_chart": "Hashrate over time: the total (thick) and each mining core (thin).",
    "interval_chart": "Seconds between blocks. The dashed line is the target spacing; when blocks "
                      "come faster, the next retarget raises the difficulty.",
    "difficulty_chart": "The difficulty written in each block's header (nBits). It changes only at "
                        "retarget heights.",
    "reward_chart": "Block reward by height. Red lines mark the halvings.",
    "table": "The most recent blocks, newest first, read from their headers.",
}


def fmt_duration(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 5400:
        return f"{round(seconds / 60)} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class MainWindow(QMainWindow):
    def __init__(self, controller: LabController):
        super().__init__()
        self.controller = controller
        self.setWindowTitle("Mine-to-Compute Lab")
        self.resize(1440, 900)
        self.t0 = time.monotonic()
        self.presenter = bool(controller.settings.value("ui/presenter", False, type=bool))
        self.theme_name = controller.settings.value("ui/theme", "dark")
        self.rows: list[BlockRow] = []
        self.info: dict = {}
        self.hashrate_log: list[tuple[float, float, tuple[float, ...]]] = []
        self.halving_lines: set[int] = set()
        self.last_stats: MinerStats | None = None
        self.start_info: dict | None = None
        self.last_allocation: Allocation | None = None
        self.last_ai_report: AIReport | None = None
        self._economics_dirty = False
        self.interval_target = 5
        self.blocks_accepted = 0
        self._build()
        self._wire()
        self.apply_theme()
        self.redraw_timer = QTimer(self, interval=REDRAW_MS, timeout=self.redraw)
        self.redraw_timer.start()

    # --- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        root = QWidget()
        outer = QVBoxLayout(root)
        outer.setContentsMargins(14, 12, 14, 12)
        outer.setSpacing(10)
        self.setCentralWidget(root)

        header = QFrame(objectName="header")
        h = QHBoxLayout(header)
        h.setContentsMargins(16, 10, 16, 10)
        titles = QVBoxLayout()
        titles.addWidget(QLabel("Mine-to-Compute Lab", objectName="title"))
        self.subtitle = QLabel("A real Bitcoin chain and miner on this computer — and what happens "
                               "when its power goes to AI instead", objectName="subtitle")
        titles.addWidget(self.subtitle)
        h.addLayout(titles, 1)
        self.node_chip = QLabel("node: starting…", objectName="chip")
        self.node_chip.setMaximumWidth(520)
        self.node_chip.setToolTip("The node keeps the chain. It runs as its own process and speaks "
                                  "Bitcoin Core's JSON-RPC.")
        h.addWidget(self.node_chip)
        self.pause_button = QPushButton("Pause mining", checkable=True)
        self.pause_button.setToolTip("Stop hashing (the chain and the AI jobs carry on).")
        self.presenter_button = QPushButton("Presenter", checkable=True, checked=self.presenter)
        self.presenter_button.setToolTip("Large fonts and high contrast for a projector (F11 for full screen).")
        self.theme_button = QPushButton("Light" if self.theme_name == "dark" else "Dark")
        self.theme_button.setToolTip("Switch between the dark and the light theme.")
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save every chart as PNG and the data as CSV, for slides.")
        for b in (self.pause_button, self.presenter_button, self.theme_button, self.export_button):
            h.addWidget(b)
        outer.addWidget(header)

        self.banner = QFrame(objectName="banner")
        b = QHBoxLayout(self.banner)
        b.setContentsMargins(16, 8, 16, 8)
        self.banner_label = QLabel("")
        self.banner_label.setWordWrap(True)
        self.banner_progress = QProgressBar(maximumWidth=260)
        self.banner_button = QPushButton("Restart node", objectName="primary")
        self.banner_button.hide()
        b.addWidget(self.banner_label, 1)
        b.addWidget(self.banner_progress)
        b.addWidget(self.banner_button)
        self.banner.hide()
        self.banner_timer = QTimer(self, singleShot=True, interval=6000, timeout=self.banner.hide)
        outer.addWidget(self.banner)

        cards, labels = card_row([("Hashrate", TIPS["hashrate"]), ("Blocks", TIPS["blocks"]),
                                  ("Difficulty", TIPS["difficulty"]), ("Block reward", TIPS["reward"]),
                                  ("AI jobs", TIPS["ai"])])
        ((self.hashrate_value, self.hashrate_caption), (self.height_value, self.height_caption),
         (self.difficulty_value, self.difficulty_caption), (self.reward_value, self.reward_caption),
         (self.ai_value, self.ai_caption)) = labels
        outer.addLayout(cards)

        cap = QFrame(objectName="capacity")
        cap.setToolTip(TIPS["capacity"])
        c = QHBoxLayout(cap)
        c.setContentsMargins(16, 10, 16, 10)
        self.mining_label = QLabel("Mining: – cores")
        self.mining_label.setStyleSheet(f"color: {PALETTE['mining']}; font-weight: 700;")
        self.ai_label = QLabel("AI: – cores")
        self.ai_label.setStyleSheet(f"color: {PALETTE['ai']}; font-weight: 700;")
        total = self.controller.total_cores
        self.capacity_slider = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=total,
                                       value=0, pageStep=1, tickInterval=1)
        self.capacity_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.capacity_slider.setToolTip(TIPS["capacity"])
        self.capacity_slider.setAccessibleName("Cores moved from mining to AI")
        c.addWidget(self.mining_label)
        c.addWidget(self.capacity_slider, 1)
        c.addWidget(self.ai_label)
        c.addSpacing(24)
        throttle_label = QLabel("Use")
        saved = int(self.controller.settings.value("ui/throttle", total))
        self.throttle = QSpinBox(minimum=1, maximum=total, value=min(max(saved, 1), total),
                                 suffix=f" of {total} cores")
        self.throttle.setToolTip(TIPS["throttle"])
        throttle_label.setToolTip(TIPS["throttle"])
        c.addWidget(throttle_label)
        c.addWidget(self.throttle)
        outer.addWidget(cap)

        self.tabs = QTabWidget()
        outer.addWidget(self.tabs, 1)
        self.tabs.addTab(self._build_chain_tab(), "Chain")
        self.economics = self._build_economics_tab()
        self.tabs.addTab(self.economics, "Economics")
        self.tabs.addTab(self._build_node_tab(), "Node")

        full = QAction("Full screen", self, shortcut=QKeySequence("F11"), triggered=self.toggle_full_screen)
        self.addAction(full)

    def _build_chain_tab(self) -> QWidget:
        tab = QWidget()
        grid = QGridLayout(tab)
        grid.setContentsMargins(8, 8, 8, 8)
        grid.setSpacing(8)
        self.hashrate_chart = Chart("Hashrate (MH/s), by second", TIPS["hashrate_chart"], legend=True)
        self.hashrate_chart.add_series("total", PALETTE["mining"], width=2)
        for i in range(self.controller.total_cores):
            self.hashrate_chart.add_series(f"core {i + 1}", PALETTE["workers"][i % 8], width=1)
        self.interval_chart = Chart("Seconds between blocks", TIPS["interval_chart"], legend=True,
                                    integer_x=True)
        self.interval_chart.add_series("interval", PALETTE["mining"], width=1)
        self.interval_chart.add_series("target", PALETTE["target"], width=2, level=True, dash=True)
        self.difficulty_chart = Chart("Difficulty by height", TIPS["difficulty_chart"], y_from_zero=True,
                                      integer_x=True)
        self.difficulty_chart.add_series("difficulty", PALETTE["difficulty"], width=3, level=True)
        self.reward_chart = Chart("Block reward (BTC) · red: halvings", TIPS["reward_chart"], y_from_zero=True,
                                  integer_x=True)
        self.reward_chart.add_series("subsidy", PALETTE["reward"], width=3, level=True)
        self.charts = {"hashrate": self.hashrate_chart, "block_interval": self.interval_chart,
                       "difficulty": self.difficulty_chart, "block_reward": self.reward_chart}
        grid.addWidget(self.hashrate_chart, 0, 0)
        grid.addWidget(self.interval_chart, 0, 1)
        grid.addWidget(self.difficulty_chart, 1, 0)
        grid.addWidget(self.reward_chart, 1, 1)

        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(["Height", "Hash", "Time", "Difficulty", "Reward (BTC)", "Interval"])
        self.table.setToolTip(TIPS["table"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        grid.addWidget(self.table, 0, 2, 2, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 3)
        return tab

    def _build_economics_tab(self) -> QWidget:
        try:
            from gui.economics_panel import EconomicsPanel
        except ImportError:
            panel = QLabel("The economics panel is not available in this build.")
            panel.setAlignment(Qt.AlignmentFlag.AlignCenter)
            return panel
        panel = EconomicsPanel()
        panel.values_changed.connect(self.controller.set_scenario_values)
        return panel

    def _build_node_tab(self) -> QWidget:
        tab = QWidget()
        v = QVBoxLayout(tab)
        self.node_details = QLabel("Starting…")
        self.node_details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.node_details.setWordWrap(True)
        v.addWidget(self.node_details)
        row = QHBoxLayout()
        self.settings_button = QPushButton("Node settings…")
        self.settings_button.setToolTip("Use the embedded node, Bitcoin Core's bitcoind, or attach to a "
                                        "running node (a teacher's, over the network).")
        row.addWidget(self.settings_button)
        row.addStretch(1)
        v.addLayout(row)
        self.node_log = QPlainTextEdit(readOnly=True)
        self.node_log.setMaximumBlockCount(1000)
        self.node_log.setToolTip("What the node writes: one line per block, reorgs, start and stop.")
        v.addWidget(self.node_log, 1)
        return tab

    # --- wiring ----------------------------------------------------------------------------
    def _wire(self) -> None:
        c = self.controller
        c.status.connect(self.statusBar().showMessage)
        c.problem.connect(lambda m: self.statusBar().showMessage(m, 8000))
        c.compile_progress.connect(self.on_compile_progress)
        c.node_ready.connect(self.on_node_ready)
        c.node_log.connect(self.node_log.appendPlainText)
        c.node_failed.connect(self.on_node_failed)
        c.chain_info.connect(self.on_chain_info)
        c.blocks.connect(self.on_blocks)
        c.miner_stats.connect(self.on_miner_stats)
        c.block_result.connect(self.on_block_result)
        c.ai_report.connect(self.on_ai_report)
        c.allocation.connect(self.on_allocation)
        self.capacity_slider.valueChanged.connect(c.set_ai_cores)
        self.throttle.valueChanged.connect(self.on_throttle)
        self.pause_button.toggled.connect(self.on_pause)
        self.presenter_button.toggled.connect(self.set_presenter)
        self.theme_button.clicked.connect(self.toggle_theme)
        self.export_button.clicked.connect(self.choose_export_folder)
        self.banner_button.clicked.connect(self.restart_node)
        self.settings_button.clicked.connect(self.open_settings)

    # --- slots -----------------------------------------------------------------------------
    def on_compile_progress(self, message: str, percent: int) -> None:
        self.banner.setProperty("error", False)
        self.banner_button.hide()
        self.banner_label.setText(message)
        self.banner_progress.setVisible(percent < 100)
        self.banner_progress.setRange(0, 0 if percent < 0 else 100)
        self.banner_progress.setValue(max(percent, 0))
        self.banner.show()
        self._restyle(self.banner)
        if percent >= 100:
            self.banner_timer.start()  # one timer, restarted: a stale one must not hide an error

    def on_node_ready(self, url: str) -> None:
        if self.banner.property("error"):
            self.banner.hide()

    def on_node_failed(self, message: str) -> None:
        self.banner_timer.stop()
        self.banner.setProperty("error", True)
        self.banner_label.setText(f"⚠  {message}")
        self.banner_progress.hide()
        self.banner_button.setVisible(self.controller.node is not None)
        self.banner.show()
        self._restyle(self.banner)
        self.node_chip.setText("node: stopped")

    def restart_node(self) -> None:
        self.banner.hide()
        self.controller.restart_node()

    def on_chain_info(self, info: dict) -> None:
        self.info = info
        if self.start_info is None or self.start_info.get("chain") != info.get("chain"):
            self.start_info = info
        self._economics_dirty = True
        consensus = info.get("consensus") or {}
        spacing = consensus.get("pow_target_spacing", 600)
        retarget = consensus.get("difficulty_adjustment_interval", 2016)
        halving = consensus.get("subsidy_halving_interval", 150)
        height = info["blocks"]
        uptime = "–" if info.get("uptime") is None else fmt_duration(info["uptime"])
        self.node_chip.setText(f"● {info['chain']} · height {height}"
                               + ("" if self.presenter else f" · {self.controller.url or ''}"))
        self.height_value.setText(f"{height:,}")
        tip_time = info.get("time") or (self.rows[-1].time if self.rows else None)
        age = "" if tip_time is None else f"last block {fmt_duration(time.time() - tip_time)} ago · "
        self.height_caption.setText(f"{age}target every {spacing} s")
        self.difficulty_value.setText(f"{float(info['difficulty']):.4g}")
        if consensus.get("pow_no_retargeting"):
            self.difficulty_caption.setText("fixed on regtest (no retargeting)")
        else:
            left = retarget - (height + 1) % retarget
            left = 0 if left == retarget else left
            self.difficulty_caption.setText(f"retarget in {left + 1} block{'s' if left else ''}")
        subsidy = float(consensus.get("subsidy", 50 / 2 ** ((height + 1) // halving)))
        self.reward_value.setText(f"{subsidy:g} BTC")
        blocks_left = (height // halving + 1) * halving - height
        self.reward_caption.setText(f"halving in {blocks_left} blocks" + (
            "" if self.presenter else f" · ≈ {fmt_duration(blocks_left * spacing)}"))
        self.interval_target = spacing
        self.node_details.setText(
            f"<b>Chain</b> {info['chain']} &nbsp; <b>Height</b> {height} &nbsp; <b>RPC</b> "
            f"{self.controller.url} &nbsp; <b>Node up</b> {uptime}<br><b>Best block</b> {info['bestblockhash']}"
            f"<br><b>Target spacing</b> {spacing} s &nbsp; <b>Retarget every</b> {retarget} blocks "
            f"&nbsp; <b>Halving every</b> {halving} blocks &nbsp; <b>Network hashrate</b> "
            f"{float(info.get('networkhashps') or 0) / 1e6:.2f} MH/s"
            + (f"<br><b>Shared with the class:</b> {share}" if (share := self.controller.class_address()) else ""))

    def on_blocks(self, rows: list, replaced: bool) -> None:
        if replaced:
            keep = rows[0].height if rows else 0
            self.rows = [r for r in self.rows if r.height < keep]
            for chart in (self.interval_chart, self.difficulty_chart, self.reward_chart):
                chart.clear_data()
            for r in self.rows:
                self._chart_block(r)
        for r in rows:
            self.rows.append(r)
            self._chart_block(r)
        if len(self.rows) > MAX_ROWS:  # regtest at full speed adds thousands an hour
            del self.rows[:-MAX_ROWS]
        self._fill_table()

    def _chart_block(self, r: BlockRow) -> None:
        if r.height == 0:
            return
        if r.interval_s is not None and r.height > 1:
            self.interval_chart.append("interval", r.height, r.interval_s)
            self.interval_chart.append("target", r.height, self.interval_target)
        self.difficulty_chart.append("difficulty", r.height, r.difficulty)
        self.reward_chart.append("subsidy", r.height, r.subsidy_btc)
        halving = (self.info.get("consensus") or {}).get("subsidy_halving_interval", 150)
        # After 33 halvings the subsidy is zero (GetBlockSubsidy): no more lines to draw.
        if r.height % halving == 0 and r.height // halving <= 33 and r.height not in self.halving_lines:
            self.halving_lines.add(r.height)
            line = pg.InfiniteLine(pos=r.height, angle=90, pen=pg.mkPen(PALETTE["halving"], width=2),
                                   label=f"{r.height // halving}",  # short: on regtest they crowd
                                   labelOpts={"color": PALETTE["halving"], "position": 0.9})
            self.reward_chart.plot_item.addItem(line)

    def _fill_table(self) -> None:
        recent = self.rows[-TABLE_ROWS:][::-1]
        self.table.setRowCount(len(recent))
        for i, r in enumerate(recent):
            # Block 1's interval reaches back to the 2011 genesis block: not worth showing.
            interval = "" if r.interval_s is None or r.height <= 1 else f"{r.interval_s} s"
            values = [f"{r.height:,}", f"{r.hash[:12]}…",
                      time.strftime("%H:%M:%S", time.localtime(r.time)),
                      f"{r.difficulty:.4g}", f"{r.subsidy_btc:g}", interval]
            for j, v in enumerate(values):
                item = QTableWidgetItem(v)
                if j == 1:
                    item.setToolTip(r.hash)
                if j != 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)

    def on_miner_stats(self, s: MinerStats) -> None:
        self.last_stats = s
        x = time.monotonic() - self.t0
        self.hashrate_chart.append("total", x, s.hashrate_hs / 1e6)
        for i, rate in enumerate(s.worker_hashrates_hs):
            self.hashrate_chart.append(f"core {i + 1}", x, rate / 1e6)
        self.hashrate_log.append((x, s.hashrate_hs, s.worker_hashrates_hs))
        self.hashrate_value.setText(f"{s.hashrate_hs / 1e6:.1f} MH/s")
        state = "paused" if s.paused else f"{s.active_workers} of {s.slots} mining cores busy"
        self.hashrate_caption.setText(f"{state} · {s.blocks_accepted} blocks found · kernel {s.kernel or '…'}")

    def on_block_result(self, result: BlockResult) -> None:
        if result.status == "accepted":
            self.blocks_accepted += 1
            self.statusBar().showMessage(f"Block {result.height} found by this laptop!", 5000)
        elif result.status == "rejected":
            self.statusBar().showMessage(f"Block {result.height} rejected: {result.reason}", 8000)

    def on_ai_report(self, r: AIReport) -> None:
        self.last_ai_report = r
        self._economics_dirty = True
        self.ai_value.setText(f"{r.gflop_s:.1f} GFLOP/s")
        self.ai_caption.setText(f"{r.jobs_done:,} requests · billed ${r.billed_usd:,.0f} · "
                                f"uptime {r.availability * 100:.3f}% (SLA {r.sla_availability * 100:.3f}%)"
                                + (f" · penalty ${r.sla_penalty_usd:,.0f}" if r.sla_penalty_usd else ""))

    def on_allocation(self, a: Allocation) -> None:
        self.last_allocation = a
        self._economics_dirty = True
        self.mining_label.setText(f"Mining: {a.mining_slots} core{'s' if a.mining_slots != 1 else ''}")
        self.ai_label.setText(f"AI: {a.ai_slots} core{'s' if a.ai_slots != 1 else ''}")
        if self.capacity_slider.value() != a.ai_slots and not self.capacity_slider.isSliderDown():
            self.capacity_slider.blockSignals(True)
            self.capacity_slider.setValue(a.ai_slots)
            self.capacity_slider.blockSignals(False)

    def on_throttle(self, cores: int) -> None:
        self.controller.set_throttle(cores)
        self.controller.settings.setValue("ui/throttle", cores)

    def on_pause(self, paused: bool) -> None:
        self.controller.set_mining_paused(paused)
        self.pause_button.setText("Resume mining" if paused else "Pause mining")

    # --- appearance ------------------------------------------------------------------------
    def apply_theme(self) -> None:
        theme = PRESENTER_DARK if self.presenter and self.theme_name == "dark" else THEMES[self.theme_name]
        # Presenter mode trades detail for size: what a room reads from the back stays.
        self.subtitle.setVisible(not self.presenter)
        for column in (1, 2):  # hash, time: detail a room cannot read anyway
            self.table.setColumnHidden(column, self.presenter)
        self.table.setColumnHidden(3, True)  # difficulty: its chart and card show it, the hash needs the room
        for caption in (self.hashrate_caption, self.height_caption, self.ai_caption):
            caption.setVisible(not self.presenter)
        # Fonts changed through the style sheet: size hints must be recomputed everywhere.
        for widget in self.findChildren(QWidget):
            widget.updateGeometry()
        for label in (self.mining_label, self.ai_label):
            label.ensurePolished()
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance("Mining: 88 cores") + 12)
        if self.info:
            self.on_chain_info(self.info)
        app = QApplication.instance()
        app.setStyleSheet(stylesheet(theme, self.presenter))
        for chart in self.charts.values():
            chart.set_theme(theme.chart_bg, theme.text, font_pt(self.presenter))
        if hasattr(self.economics, "set_theme"):
            self.economics.set_theme(theme, self.presenter)

    def set_presenter(self, on: bool) -> None:
        self.presenter = on
        self.controller.settings.setValue("ui/presenter", on)
        self.apply_theme()

    def toggle_theme(self) -> None:
        self.theme_name = "light" if self.theme_name == "dark" else "dark"
        self.theme_button.setText("Light" if self.theme_name == "dark" else "Dark")
        self.controller.settings.setValue("ui/theme", self.theme_name)
        self.apply_theme()

    def toggle_full_screen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    @staticmethod
    def _restyle(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    def redraw(self) -> None:
        for chart in self.charts.values():
            chart.redraw()
        if self._economics_dirty and self.info and hasattr(self.economics, "on_lab_state"):
            self._economics_dirty = False
            self.economics.on_lab_state(self.lab_state())

    def lab_state(self) -> dict:
        """What the economics panel needs from the live lab, in one dict."""
        a = self.last_allocation
        return {"chain_info": self.info, "start_info": self.start_info or self.info,
                "mining_slots": a.mining_slots if a else self.controller.total_cores,
                "ai_slots": a.ai_slots if a else 0, "total_cores": self.controller.total_cores,
                "hashrate_hs": self.last_stats.hashrate_hs if self.last_stats else 0.0,
                "ai_report": self.last_ai_report}

    # --- export ----------------------------------------------------------------------------
    def choose_export_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export charts and data to…")
        if folder:
            try:
                written = self.export_all(Path(folder))
            except OSError as exc:
                QMessageBox.warning(self, "Export failed", f"Could not write to {folder}: {exc.strerror}")
                return
            self.statusBar().showMessage(f"Exported {len(written)} files to {folder}", 8000)

    def export_all(self, folder: Path) -> list[Path]:
        """Every chart as PNG, blocks and hashrate as CSV (and the economics panel's, if any)."""
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        self.redraw()
        for name, chart in self.charts.items():
            path = folder / f"{name}.png"
            chart.export_png(str(path))
            written.append(path)
        path = folder / "blocks.csv"
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["height", "hash", "time_unix", "bits", "difficulty", "subsidy_btc", "interval_s"])
            for r in self.rows:
                w.writerow([r.height, r.hash, r.time, r.bits, r.difficulty, r.subsidy_btc,
                            "" if r.interval_s is None else r.interval_s])
        written.append(path)
        path = folder / "hashrate.csv"
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            cores = self.controller.total_cores
            w.writerow(["seconds", "total_h_s", *[f"core{i + 1}_h_s" for i in range(cores)]])
            for x, total, per in self.hashrate_log:
                w.writerow([f"{x:.2f}", f"{total:.0f}", *[f"{v:.0f}" for v in per]])
        written.append(path)
        if hasattr(self.economics, "export"):
            written += self.economics.export(folder)
        return written

    def open_settings(self) -> None:
        from gui.settings_dialog import NodeSettingsDialog
        dialog = NodeSettingsDialog(self.controller.settings, self)
        if dialog.exec():
            QMessageBox.information(self, "Node settings saved",
                                    "The new node settings apply the next time the lab starts.")

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.redraw_timer.stop()
        self.statusBar().showMessage("Stopping the miner and the node…")
        QApplication.processEvents()
        self.controller.shutdown()
        super().closeEvent(event)
