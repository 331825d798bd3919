"""The lab window: header, metric cards, the capacity slider, and the tabs, installed from
gui/window/tabs.TABS one way (pages scroll but the Chain tab's); a floating banner that never
moves the layout; export. Bounded by the screen's available area (`fit_to_screen`).

Widgets only observe the controller's signals (its slots are in engine_slots.py) and call its few
methods; charts redraw on a 500 ms timer. Every metric has a tooltip a teacher can read out.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from engine.ai.billing import AIReport
from engine.capacity import Allocation
from engine.mining.events import MinerStats
from gui.formats import cores_text
from gui.i18n import LANGUAGES, current_language, integer, tr
from gui.qt import (
    QAction,
    QApplication,
    QComboBox,
    QFileDialog,
    QFrame,
    QGuiApplication,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSize,
    QSlider,
    QSpinBox,
    Qt,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from gui.widgets.card import FitLabel, card_row, reserve_lines
from gui.widgets.charts import PALETTES
from gui.window.banner import Banner
from gui.window.cards import TIPS, LabCards
from gui.window.controller import LabController
from gui.window.engine_slots import EngineSlots
from gui.window.tabs import TABS, LabState, Look, Tab, TabContext, weak_call
from gui.window.theme import PRESENTER_DARK, THEMES, font_pt, stylesheet

REDRAW_MS = 500
PREFERRED_SIZE = QSize(1440, 900)  # shrunk to the screen's available area when smaller


class MainWindow(EngineSlots, LabCards, QMainWindow):
    def __init__(self, controller: LabController):
        super().__init__()
        self.controller = controller
        self.setWindowTitle(tr("Mine-to-Compute Lab"))
        self.t0 = time.monotonic()
        self.lab = LabState(weak_call(self.lab_state, {}), parent=self)  # what tabs share (gui/window/tabs.py)
        self.lab.scenario_changed.connect(controller.set_scenario_values)  # the scenario prices the AI work
        self.pages: dict[str, Tab] = {}  # TABS' name -> the tab
        self.presenter = bool(controller.settings.value("ui/presenter", False, type=bool))
        self.theme_name = controller.settings.value("ui/theme", "dark")
        self.info: dict = {}
        self.last_stats: MinerStats | None = None
        self.last_allocation: Allocation | None = None
        self.last_ai_report: AIReport | None = None
        self.node_state = "starting"  # "starting" | "running" | "stopped"
        self.own_hashes: set[str] = set()  # blocks the node accepted from this window's miner (status bar)
        self.wallet_state = None  # engine.wallet.state.WalletState: blocks found are its coinbases on this chain
        self.gap_sum_s = 0.0  # the gaps between the blocks shown (block 2 on): their sum and number
        self.gaps = 0
        self._lab_dirty = False  # the lab state moved since the last redraw
        self.restart_requested = False  # set when the window closes to reopen (a new language or chain)
        self._build()
        self._wire()
        self.apply_theme()
        self.resize(PREFERRED_SIZE.boundedTo(self._available_area().size()))
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
        # shrinks to fit rather than make the header (and the window) wider than a 1280 projector
        titles.addWidget(FitLabel(tr("Mine-to-Compute Lab"), objectName="title"))
        self.subtitle = QLabel(
            tr("A real Bitcoin chain and miner on this computer — and what happens when its power goes to AI instead"),
            objectName="subtitle",
        )
        self.subtitle.setWordWrap(True)
        titles.addWidget(self.subtitle)
        h.addLayout(titles, 1)
        self.node_chip = QLabel(tr("node: starting…"), objectName="chip")
        h.addWidget(self.node_chip, 0, Qt.AlignmentFlag.AlignVCenter)
        self.pause_button = QPushButton(tr("Pause mining"), checkable=True)
        self.pause_button.setToolTip(tr("Stop hashing (the chain and the AI jobs carry on)."))
        self.presenter_button = QPushButton(tr("Presenter"), checkable=True, checked=self.presenter)
        self.presenter_button.setToolTip(tr("Large fonts and high contrast for a projector (F11 for full screen)."))
        self.theme_button = QPushButton(tr("Light") if self.theme_name == "dark" else tr("Dark"))
        self.theme_button.setToolTip(tr("Switch between the dark and the light theme."))
        self.export_button = QPushButton(tr("Export…"))
        self.export_button.setToolTip(tr("Save every chart as PNG and the data as CSV, for slides."))
        for b in (self.pause_button, self.presenter_button, self.theme_button, self.export_button):
            h.addWidget(b)
        self.language_picker = QComboBox()
        for code, name in LANGUAGES.items():
            self.language_picker.addItem(name, code)
        self.language_picker.setCurrentIndex(max(self.language_picker.findData(current_language()), 0))
        self.language_picker.setToolTip(tr("Language of the window (remembered; the lab restarts in it)."))
        self.language_picker.setAccessibleName(tr("Language"))
        outer.addWidget(header)

        cards, labels = card_row(
            [
                (tr("Hashrate"), tr(TIPS["hashrate"])),
                (tr("Blocks"), tr(TIPS["blocks"])),
                (tr("Difficulty"), tr(TIPS["difficulty"])),
                (tr("Block reward"), tr(TIPS["reward"])),
                (tr("AI jobs"), tr(TIPS["ai"])),
            ]
        )
        (
            (self.hashrate_value, self.hashrate_caption),
            (self.height_value, self.height_caption),
            (self.difficulty_value, self.difficulty_caption),
            (self.reward_value, self.reward_caption),
            (self.ai_value, self.ai_caption),
        ) = labels
        outer.addLayout(cards)

        cap = QFrame(objectName="capacity")
        cap.setToolTip(tr(TIPS["capacity"]))
        c = QHBoxLayout(cap)
        c.setContentsMargins(16, 8, 16, 8)
        self.mining_label = QLabel(tr("Mining: – cores"))
        self.ai_label = QLabel(tr("AI: – cores"))
        total = self.controller.total_cores
        self.capacity_slider = QSlider(
            Qt.Orientation.Horizontal, minimum=0, maximum=total, value=0, pageStep=1, tickInterval=1
        )
        self.capacity_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.capacity_slider.setToolTip(tr(TIPS["capacity"]))
        self.capacity_slider.setAccessibleName(tr("Cores moved from mining to AI"))
        c.addWidget(self.mining_label)
        c.addWidget(self.capacity_slider, 1)
        c.addWidget(self.ai_label)
        c.addSpacing(24)
        throttle_label = QLabel(tr("Use"))
        saved = int(self.controller.settings.value("ui/throttle", total))
        self.throttle = QSpinBox(
            minimum=1, maximum=total, value=min(max(saved, 1), total), suffix=tr(" of %n core(s)", "", total)
        )
        self.throttle.setToolTip(tr(TIPS["throttle"]))
        self.throttle.setAccessibleName(tr("Cores the lab may use"))
        throttle_label.setToolTip(tr(TIPS["throttle"]))
        c.addWidget(throttle_label)
        c.addWidget(self.throttle)
        outer.addWidget(cap)

        self.tabs = QTabWidget()
        outer.addWidget(self.tabs, 1)
        self.banner = Banner(root, self.tabs)
        context = TabContext(
            self.controller, self.lab, show_status=self.statusBar().showMessage, restart=weak_call(self.restart)
        )
        for entry in TABS:
            self.add_tab(entry.name, entry.build(context), entry.shown_title)
        self.chain = self.pages["chain"]  # the window feeds it the blocks and hashrate it receives

        # In the status bar's corner, where it takes no room from the header on a 1280-wide projector;
        # placed last, so it is the last Tab stop too, as it is the last thing on screen.
        self.statusBar().addPermanentWidget(self.language_picker)

        full = QAction(tr("Full screen"), self, shortcut=QKeySequence("F11"), triggered=self.toggle_full_screen)
        quit_action = QAction(tr("Quit"), self, shortcut=QKeySequence("Ctrl+Q"), triggered=self.close)
        self.addActions([full, quit_action])

    def tab(self, name: str) -> Tab:
        """The tab installed under `name` (TABS: chain, economics, node, class, wallet, attack, lesson)."""
        return self.pages[name]

    def add_tab(self, name: str, page: Tab, title: str) -> None:
        """A tab whose page scrolls rather than make the window taller than a 720-line projector,
        unless the tab says otherwise (the Chain tab shrinks its charts instead, the Node tab's log
        scrolls itself)."""
        self.pages[name] = page
        if page.scrolls:
            scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
            scroll.setAccessibleName(title)  # a Tab stop (keys scroll the page): it says which page
            scroll.setWidget(page)
            self.tabs.addTab(scroll, title)
        else:
            self.tabs.addTab(page, title)

    def restart(self) -> None:
        """Close the window to reopen it (a new language, a new chain): app.main sees restart_requested."""
        self.restart_requested = True
        self.close()

    # --- wiring ----------------------------------------------------------------------------
    def _wire(self) -> None:
        c = self.controller
        c.status.connect(self.statusBar().showMessage)
        c.problem.connect(self.on_problem)
        c.compile_progress.connect(self.on_compile_progress)
        c.node_ready.connect(self.on_node_ready)
        c.node_failed.connect(self.on_node_failed)
        c.chain_info.connect(self.on_chain_info)
        c.blocks.connect(self.on_blocks)
        c.miner_stats.connect(self.on_miner_stats)
        c.block_result.connect(self.on_block_result)
        c.ai_report.connect(self.on_ai_report)
        c.allocation.connect(self.on_allocation)
        c.wallet.state.connect(self.on_wallet_state)
        self.capacity_slider.valueChanged.connect(c.set_ai_cores)
        self.throttle.valueChanged.connect(self.on_throttle)
        self.pause_button.toggled.connect(self.on_pause)
        self.presenter_button.toggled.connect(self.set_presenter)
        self.theme_button.clicked.connect(self.toggle_theme)
        self.export_button.clicked.connect(self.choose_export_folder)
        self.banner.button.clicked.connect(self.restart_node)
        self.language_picker.activated.connect(self.on_language_picked)

    # --- banner ------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.banner.place()

    # --- the header's controls ------------------------------------------------------------
    def on_throttle(self, cores: int) -> None:
        self.controller.set_throttle(cores)
        self.controller.settings.setValue("ui/throttle", cores)

    def on_pause(self, paused: bool) -> None:
        self.controller.set_mining_paused(paused)
        self.pause_button.setText(tr("Resume mining") if paused else tr("Pause mining"))

    # --- appearance ------------------------------------------------------------------------
    def apply_theme(self) -> None:
        theme = PRESENTER_DARK if self.presenter and self.theme_name == "dark" else THEMES[self.theme_name]
        palette = PALETTES["light" if self.theme_name == "light" else "dark"]
        # Presenter mode trades detail for size: what a room reads from the back stays.
        self.subtitle.setVisible(not self.presenter)
        for caption in (self.hashrate_caption, self.height_caption, self.ai_caption):
            caption.setVisible(not self.presenter)
        self.mining_label.setStyleSheet(f"color: {palette['mining']}; font-weight: 700;")
        self.ai_label.setStyleSheet(f"color: {palette['ai']}; font-weight: 700;")
        # Fonts changed through the style sheet: size hints must be recomputed everywhere.
        for widget in self.findChildren(QWidget):
            widget.updateGeometry()
        app = QApplication.instance()
        app.setStyleSheet(stylesheet(theme, self.presenter))
        for label in (self.mining_label, self.ai_label):
            label.ensurePolished()
            label.setMinimumWidth(
                label.fontMetrics().horizontalAdvance(tr("Mining: {cores}").format(cores=cores_text(88))) + 12
            )
        for caption in (
            self.hashrate_caption,
            self.height_caption,
            self.difficulty_caption,
            self.reward_caption,
            self.ai_caption,
        ):
            reserve_lines(caption, 2)  # two lines in every mode (the block a card speaks for, then its countdown)
        for value in (self.hashrate_value, self.height_value, self.difficulty_value, self.reward_value, self.ai_value):
            reserve_lines(value, 1)
        # No taller than a status line: the status bar must not grow the window past a 720-line screen.
        self.language_picker.setStyleSheet("QComboBox { padding: 0px 6px; }")
        self.language_picker.ensurePolished()
        self.language_picker.setFixedHeight(self.language_picker.fontMetrics().height() + 2)
        self.node_chip.ensurePolished()
        widest = tr("● {chain} · height {height}").format(chain="regtest", height=integer(888888)) + (
            "" if self.presenter else " · http://127.0.0.1:18449"
        )
        self.node_chip.setFixedWidth(self.node_chip.fontMetrics().horizontalAdvance(widest) + 28)
        look = Look(self.theme_name, theme, palette, self.presenter, font_pt(self.presenter))
        for page in self.pages.values():
            page.apply_theme(look)
        self.refresh_cards()
        self.fit_to_screen()

    def _available_area(self):
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry()

    def fit_to_screen(self) -> None:
        """Never larger than the screen's available area (a 1366x768 laptop, a 1280x720
        projector), whatever the fonts of the moment ask for."""
        if self.isFullScreen() or self.isMaximized():
            return
        area = self._available_area()
        frame, inner = self.frameGeometry(), self.geometry()
        extra_w, extra_h = frame.width() - inner.width(), frame.height() - inner.height()
        self.setMaximumSize(area.width() - extra_w, area.height() - extra_h)
        if frame.right() > area.right() or frame.bottom() > area.bottom():
            self.move(
                max(area.left(), min(frame.left(), area.right() - frame.width())),
                max(area.top(), min(frame.top(), area.bottom() - frame.height())),
            )

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.fit_to_screen()

    def set_presenter(self, on: bool) -> None:
        self.presenter = on
        self.controller.settings.setValue("ui/presenter", on)
        self.apply_theme()

    def toggle_theme(self) -> None:
        self.theme_name = "light" if self.theme_name == "dark" else "dark"
        self.theme_button.setText(tr("Light") if self.theme_name == "dark" else tr("Dark"))
        self.controller.settings.setValue("ui/theme", self.theme_name)
        self.apply_theme()

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.setMaximumSize(16_777_215, 16_777_215)  # QWIDGETSIZE_MAX: full screen may fill it
            self.showFullScreen()

    def redraw(self) -> None:
        for page in self.pages.values():
            page.redraw()
        self.refresh_cards()
        if self._lab_dirty and self.info:
            self._lab_dirty = False
            self.lab.changed.emit(self.lab_state())

    def lab_state(self) -> dict:
        """The live lab's inputs in one dict, for the tabs (LabState.snapshot; LabState.facts
        works the figures out of it)."""
        a = self.last_allocation
        rows = self.chain.rows
        billing = self.controller.billing
        return {
            "tip_time": rows[-1].time if rows and rows[-1].height == self.info.get("blocks") else None,
            "gap_sum_s": self.gap_sum_s,
            "gaps": self.gaps,
            "blocks_found": None if self.wallet_state is None else self.wallet_state.blocks_mined,
            "mined_heights": () if self.wallet_state is None else self.wallet_state.mined_heights,
            "class_blocks": self.controller.classroom.student_blocks(self.controller.miner),
            "ai_usd_per_core_s": None if billing is None else billing.usd_per_core_s,
            "chain_info": self.info,
            "mining_slots": a.mining_slots if a else self.controller.total_cores,
            "ai_slots": a.ai_slots if a else 0,
            "total_cores": self.controller.total_cores,
            "hashrate_hs": self.last_stats.hashrate_hs if self.last_stats else 0.0,
            "ai_report": self.last_ai_report,
            "node_state": self.node_state,
        }

    # --- export ----------------------------------------------------------------------------
    def choose_export_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Export charts and data to…"))
        if folder:
            try:
                written = self.export_all(Path(folder))
            except OSError as exc:
                QMessageBox.warning(
                    self,
                    tr("Export failed"),
                    tr("Could not write to {folder}: {error}").format(folder=folder, error=exc.strerror),
                )
                return
            self.statusBar().showMessage(
                tr("Exported %n file(s) to {folder}", "", len(written)).format(folder=folder), 8000
            )

    def export_all(self, folder: Path) -> list[Path]:
        """Every tab's export (the chain's charts as PNG, blocks and hashrate as CSV, the economics
        charts and figures), in the tabs' order, and the lab state's figures as JSON (the cards'
        figures, the SLA over the run: lab_state.json)."""
        folder.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        for page in self.pages.values():
            written += page.export(folder)
        path = folder / "lab_state.json"
        path.write_text(json.dumps(self.lab.facts(), indent=1) + "\n")
        written.append(path)
        return written

    def on_language_picked(self, index: int) -> None:
        """Remember the language; the window restarts in it (every string, number and chart is
        built afresh: sturdier than retranslating a live window), the chain carries on from disk."""
        lang = self.language_picker.itemData(index)
        if lang == current_language():
            return
        self.controller.settings.setValue("ui/language", lang)
        self.controller.settings.sync()
        self.restart()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.redraw_timer.stop()
        self.statusBar().showMessage(tr("Stopping the miner and the node…"))
        QApplication.processEvents()
        for page in self.pages.values():
            page.shutdown()
        self.controller.shutdown()
        super().closeEvent(event)
