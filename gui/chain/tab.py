"""The Chain tab: hashrate, block intervals, difficulty and reward charts, and the recent blocks.

Each value is drawn from the height where it takes effect (a retarget's difficulty from the block
that carries it, a halved reward from the halving block), blocks already shown are never drawn
twice (a new chain poller after a node restart re-sends them), and an outage is a gap.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

from gui.chain.service import BlockRow
from gui.formats import btc_value, difficulty_value, fmt_block_time
from gui.i18n import integer, tr
from gui.qt import (
    QT_TRANSLATE_NOOP,
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
    pg,
)
from gui.widgets.charts import PALETTES, PRESENTER_LINE_SCALE, Chart
from gui.window.tabs import ChartMark, Look, Tab, TabContext

TABLE_ROWS = 200
MAX_ROWS = 50_000  # blocks kept for the table and the CSV export (the charts keep every point)
MAX_HALVING_MARKERS = 33  # after 33 halvings the subsidy is zero (validation.cpp GetBlockSubsidy)

TIPS = {
    "hashrate_chart": QT_TRANSLATE_NOOP(
        "",
        "Hashrate over time: the total (thick) and each mining core (thin). A gap "
        "means the node or the miner was stopped.",
    ),
    "interval_chart": QT_TRANSLATE_NOOP(
        "",
        "Seconds between blocks. The dashed line is the target spacing; when blocks "
        "come faster, the next retarget raises the difficulty.",
    ),
    "difficulty_chart": QT_TRANSLATE_NOOP(
        "", "The difficulty written in each block's header (nBits). It changes only at retarget heights."
    ),
    "reward_chart": QT_TRANSLATE_NOOP("", "Block reward by height. Red lines mark the halvings."),
    "table": QT_TRANSLATE_NOOP("", "The most recent blocks, newest first, read from their headers."),
}


class ChainTab(Tab, QWidget):
    """Charts and table of the chain; fed by `add_blocks` and `add_hashrate` (the window's
    slots), drawn by `redraw`."""

    scrolls = False  # the charts shrink to fit instead

    def __init__(self, total_cores: int, parent=None):
        super().__init__(parent)
        self.total_cores = total_cores
        self.rows: list[BlockRow] = []
        self._hash_at: dict[int, str] = {}
        self.hashrate_log: list[tuple[float, float, tuple[float, ...]]] = []
        self.halving_lines: dict[int, pg.InfiniteLine] = {}
        self.halving_interval = 150
        self.interval_target = 5
        self.palette = PALETTES["dark"]
        self.presenter = False
        self._build()

    def _build(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 8, 8, 8)
        grid.setSpacing(8)
        self.hashrate_chart = Chart(
            tr("Hashrate"),
            tr(TIPS["hashrate_chart"]),
            y_from_zero=True,  # with room above the lines for the legend's row
            legend=True,
            x_label=tr("seconds since start"),
            y_label="MH/s",
        )
        self.hashrate_chart.add_series("total", "mining", width=3, label=tr("total"))
        for i in range(self.total_cores):
            self.hashrate_chart.add_series(
                f"core {i + 1}", f"workers:{i}", width=1.5, label=tr("core {n}").format(n=i + 1)
            )
        self.interval_chart = Chart(
            tr("Time between blocks"),
            tr(TIPS["interval_chart"]),
            y_from_zero=True,
            legend=True,
            integer_x=True,
            x_label=tr("block height"),
            y_label=tr("seconds"),
        )
        self.interval_chart.add_series("interval", "mining", width=1.5, label=tr("interval"))
        self.interval_chart.add_series("target", "target", width=2, level=True, dash=True, label=tr("target"))
        self.difficulty_chart = Chart(
            tr("Difficulty"),
            tr(TIPS["difficulty_chart"]),
            y_from_zero=True,
            integer_x=True,
            x_label=tr("block height"),
            y_label=tr("difficulty"),
        )
        self.difficulty_chart.add_series("difficulty", "difficulty", width=3, level=True)
        self.reward_chart = Chart(
            tr("Block reward"),
            tr(TIPS["reward_chart"]),
            y_from_zero=True,
            integer_x=True,
            x_label=tr("block height · red lines: halvings"),
            y_label="BTC",
        )
        self.reward_chart.add_series("subsidy", "reward", width=3, level=True)
        self.charts = {
            "hashrate": self.hashrate_chart,
            "block_interval": self.interval_chart,
            "difficulty": self.difficulty_chart,
            "block_reward": self.reward_chart,
        }
        grid.addWidget(self.hashrate_chart, 0, 0)
        grid.addWidget(self.interval_chart, 0, 1)
        grid.addWidget(self.difficulty_chart, 1, 0)
        grid.addWidget(self.reward_chart, 1, 1)
        for chart in self.charts.values():
            chart.setMinimumSize(200, 140)

        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            [tr("Height"), tr("Hash"), tr("Time"), tr("Difficulty"), "BTC", tr("Interval")]
        )
        self.table.setToolTip(tr(TIPS["table"]))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumWidth(200)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnHidden(3, True)  # difficulty: its chart and card show it; the hash needs the room
        grid.addWidget(self.table, 0, 2, 2, 1)
        for column in range(3):
            grid.setColumnStretch(column, 3)

    # --- data --------------------------------------------------------------------------------
    def set_consensus(self, target_spacing_s: int, halving_interval: int) -> None:
        self.interval_target = target_spacing_s
        self.halving_interval = halving_interval

    def add_blocks(self, rows: list[BlockRow]) -> tuple[list[BlockRow], list[BlockRow]]:
        """Merge blocks from the node; returns (blocks new on the chart, blocks a reorg removed).

        Blocks already shown with the same hash are skipped (a restarted poller re-sends the
        recent ones); a block whose hash differs from the one shown at its height replaces it and
        everything above it (a reorg).
        """
        oldest = self.rows[0].height if self.rows else 0
        rows = [r for r in rows if r.height >= oldest]
        first_new = 0
        while first_new < len(rows) and self._hash_at.get(rows[first_new].height) == rows[first_new].hash:
            first_new += 1
        rows = rows[first_new:]
        if not rows:
            return [], []
        removed: list[BlockRow] = []
        if self.rows and rows[0].height <= self.rows[-1].height:
            keep = rows[0].height
            removed = [r for r in self.rows if r.height >= keep]
            self.rows = [r for r in self.rows if r.height < keep]
            for r in removed:
                self._hash_at.pop(r.height, None)
            for chart in (self.interval_chart, self.difficulty_chart, self.reward_chart):
                chart.clear_data()
            for r in self.rows:
                self._chart_block(r)
        for r in rows:
            self.rows.append(r)
            self._hash_at[r.height] = r.hash
            self._chart_block(r)
        if len(self.rows) > MAX_ROWS:  # regtest at full speed adds thousands an hour
            for r in self.rows[:-MAX_ROWS]:
                self._hash_at.pop(r.height, None)
            del self.rows[:-MAX_ROWS]
        self._fill_table()
        return rows, removed

    def _chart_block(self, r: BlockRow) -> None:
        if r.height == 0:  # the genesis block is from 2011 and pays nothing spendable
            return
        if r.interval_s is not None:
            self.interval_chart.append("interval", r.height, r.interval_s)
            self.interval_chart.append("target", r.height, self.interval_target)
        self.difficulty_chart.append("difficulty", r.height, r.difficulty)
        self.reward_chart.append("subsidy", r.height, r.subsidy_btc)
        halving = self.halving_interval
        if (
            r.height % halving == 0
            and r.height // halving <= MAX_HALVING_MARKERS
            and r.height not in self.halving_lines
        ):
            # the chart stacks or thins out the labels where they crowd (regtest: every 150 blocks)
            self.halving_lines[r.height] = self.reward_chart.add_mark(
                r.height, tr("halving {n}").format(n=r.height // halving), "halving"
            )

    def add_hashrate(self, x_s: float, total_hs: float, per_core_hs: tuple[float, ...]) -> None:
        self.hashrate_chart.append("total", x_s, total_hs / 1e6)
        for i, rate in enumerate(per_core_hs):
            self.hashrate_chart.append(f"core {i + 1}", x_s, rate / 1e6)
        self.hashrate_log.append((x_s, total_hs, per_core_hs))

    def mark_outage(self, x_s: float) -> None:
        """The miner stopped (node down): the hashrate line breaks here instead of bridging the gap."""
        self.hashrate_chart.add_gap(x_s)

    def _fill_table(self) -> None:
        # Sizing columns to their contents after every cell made one fill take seconds once the
        # table was on screen (regtest at full speed starved the GUI thread): size them once.
        header = self.table.horizontalHeader()
        for column in (0, 2, 3, 4, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        self.table.setUpdatesEnabled(False)
        try:
            self._fill_rows()
        finally:
            for column in (0, 2, 3, 4, 5):
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
            self.table.setUpdatesEnabled(True)

    def _fill_rows(self) -> None:
        recent = self.rows[-TABLE_ROWS:][::-1]
        self.table.setRowCount(len(recent))
        now_s = time.time()
        for i, r in enumerate(recent):
            interval = "" if r.interval_s is None else f"{r.interval_s} s"
            values = [
                integer(r.height),
                f"{r.hash[:12]}…",
                fmt_block_time(r.time, now_s),
                difficulty_value(r.difficulty),
                btc_value(r.subsidy_btc),
                interval,
            ]
            for j, v in enumerate(values):
                item = QTableWidgetItem(v)
                if j == 1:
                    item.setToolTip(r.hash)
                else:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)

    # --- drawing -----------------------------------------------------------------------------
    def redraw(self) -> None:
        for chart in self.charts.values():
            chart.redraw()

    def add_mark(self, mark: ChartMark) -> None:
        """A labelled vertical line on the difficulty chart (the lesson's retargets and halvings)."""
        self.difficulty_chart.add_mark(mark.height, mark.text, mark.colour, mark.label_colour, dotted=True)

    def apply_theme(self, look: Look) -> None:
        self.set_theme(look.theme_name, look.theme.chart_bg, look.theme.text, look.font_pt, look.presenter)

    def set_theme(self, theme_name: str, background: str, foreground: str, font_pt: int, presenter: bool) -> None:
        self.palette = PALETTES["light" if theme_name == "light" else "dark"]
        self.presenter = presenter
        scale = PRESENTER_LINE_SCALE if presenter else 1.0
        for chart in self.charts.values():
            chart.set_theme(background, foreground, font_pt, self.palette, scale)
        # Presenter: the charts take the whole tab; a table is detail a room cannot read anyway.
        self.table.setVisible(not presenter)
        self.layout().setColumnStretch(2, 0 if presenter else 3)

    # --- export ------------------------------------------------------------------------------
    def export(self, folder: Path) -> list[Path]:
        """Every chart as PNG; the blocks and the hashrate as CSV."""
        written = []
        self.redraw()
        for name, chart in self.charts.items():
            path = folder / f"{name}.png"
            chart.export_png(str(path))
            written.append(path)
        path = folder / "blocks.csv"
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["height", "hash", "time_unix", "time_utc", "bits", "difficulty", "subsidy_btc", "interval_s"])
            for r in self.rows:
                w.writerow(
                    [
                        r.height,
                        r.hash,
                        r.time,
                        time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(r.time)),
                        r.bits,
                        r.difficulty,
                        r.subsidy_btc,
                        "" if r.interval_s is None else r.interval_s,
                    ]
                )
        written.append(path)
        path = folder / "hashrate.csv"
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["seconds", "total_h_s", *[f"core{i + 1}_h_s" for i in range(self.total_cores)]])
            for x, total, per in self.hashrate_log:
                w.writerow([f"{x:.2f}", f"{total:.0f}", *[f"{v:.0f}" for v in per]])
        written.append(path)
        return written


def build(ctx: TabContext) -> ChainTab:
    """The Chain tab; it also draws the marks other tabs ask for on the lab state."""
    tab = ChainTab(ctx.controller.total_cores)
    ctx.lab.mark_requested.connect(tab.add_mark)
    return tab
