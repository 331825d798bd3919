"""The Lesson tab: the current step (what to do, what to watch, a question for the class) moved by
the run's real events or by hand, a "what just happened" feed with this run's numbers (also marked
on the difficulty chart), the SLA penalty explained when it happens, the real world's timeline
beside the lab's, New lesson and Worksheet.

It observes the controller's signals only; the logic is engine.lesson (no Qt).
"""

from __future__ import annotations

from engine.lab_figures import sla_terms
from engine.lesson import tracker as t
from engine.lesson.timeline import load_timeline
from engine.primitives.params import LESSON_HALVING_INTERVAL, LESSON_RETARGET_INTERVAL, LESSON_TARGET_SPACING_S
from gui.i18n import current_language, integer, tr
from gui.lesson.text import crossover_text, event_note, ratio, sla_explanation, step_texts
from gui.qt import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
    pg,
)
from gui.widgets.charts import PALETTES
from gui.window.tabs import ChartMark, Look, Tab, TabContext

FEED_LINES = 60
MAX_CHART_MARKS = 40


class LessonTab(Tab, QWidget):
    """Fed by `on_blocks`, `on_allocation`, `on_ai_report`, `on_chain_info`; shows `tracker`."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tracker = t.LessonTracker()
        self.halving_colour = PALETTES["dark"]["halving"]  # the theme's, readable on its background
        self.start_difficulty: float | None = None
        self.values_source = None  # a callable giving the scenario's values (the lab state's)
        self.facts_source = dict  # a callable giving the lab state's facts (the run's SLA among them)
        self._sla_item: QListWidgetItem | None = None  # the feed's SLA line, kept to the run's figure
        self.presenter = False
        self._build()
        self.show_step()

    def _build(self) -> None:
        outer = QHBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        left = QFrame(objectName="lessonStep")
        v = QVBoxLayout(left)
        self.step_number = QLabel("", objectName="lessonNumber")
        self.step_title = QLabel("", objectName="lessonTitle")
        self.step_title.setWordWrap(True)
        self.step_do = QLabel("", wordWrap=True)
        self.step_watch = QLabel("", wordWrap=True)
        self.step_question = QLabel("", wordWrap=True, objectName="lessonQuestion")
        for w in (self.step_number, self.step_title, self.step_do, self.step_watch, self.step_question):
            w.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            v.addWidget(w)
        self.sla_box = QLabel("", wordWrap=True, objectName="lessonSla")
        self.sla_box.setToolTip(tr("What the AI tenant's contract promised, what it got and what the miss cost."))
        self.sla_box.hide()
        v.addWidget(self.sla_box)
        v.addStretch(1)
        nav = QHBoxLayout()
        self.previous_button = QPushButton(tr("◀ Previous"))
        self.next_button = QPushButton(tr("Next ▶"))
        self.previous_button.setToolTip(
            tr("Go back one step (the lesson also moves on by itself when its event happens).")
        )
        self.next_button.setToolTip(tr("Go to the next step without waiting for its event."))
        self.new_lesson_button = QPushButton(tr("New lesson…"))
        self.new_lesson_button.setToolTip(
            tr(
                "Start a fresh lesson chain (a halving every {halving} blocks, a retarget every "
                "{retarget}, {spacing} s a block) in its own folder, sized to this computer. Your own "
                "chain is kept."
            ).format(
                halving=LESSON_HALVING_INTERVAL, retarget=LESSON_RETARGET_INTERVAL, spacing=LESSON_TARGET_SPACING_S
            )
        )
        self.worksheet_button = QPushButton(tr("Worksheet…"))
        self.worksheet_button.setToolTip(
            tr("Save a printable PDF: the lesson's questions and an answer key with this run's numbers.")
        )
        for b in (self.previous_button, self.next_button):
            nav.addWidget(b)
        nav.addStretch(1)
        self.leave_button = QPushButton(tr("Back to my chain"))
        self.leave_button.setToolTip(
            tr("Leave the lesson chain: the lab restarts on your own chain (the lesson's chain stays on disk).")
        )
        self.leave_button.hide()
        manage = QHBoxLayout()  # a row of its own: presenter fonts must not widen the window
        for b in (self.leave_button, self.new_lesson_button, self.worksheet_button):
            manage.addWidget(b)
        manage.addStretch(1)
        v.addLayout(nav)
        v.addLayout(manage)
        outer.addWidget(left, 3)

        self.side = QSplitter(Qt.Orientation.Vertical)
        feed_box = QWidget()
        f = QVBoxLayout(feed_box)
        f.setContentsMargins(0, 0, 0, 0)
        f.addWidget(QLabel(tr("What just happened"), objectName="lessonHeading"))
        self.feed = QListWidget()
        self.feed.setWordWrap(True)
        self.feed.setAccessibleName(tr("What just happened"))
        self.feed.setMinimumHeight(48)  # the tab fits a 720-line projector without scrolling
        self.feed.setToolTip(tr("This run's events with their numbers, newest first."))
        f.addWidget(self.feed, 1)
        self.side.addWidget(feed_box)
        time_box = QWidget()
        tl = QVBoxLayout(time_box)
        tl.setContentsMargins(0, 0, 0, 0)
        self.timeline_heading = QLabel(tr("The real world beside the lab"), objectName="lessonHeading")
        tl.addWidget(self.timeline_heading)
        self.timeline = QListWidget()
        self.timeline.setWordWrap(True)
        self.timeline.setAccessibleName(tr("The real world beside the lab"))
        self.timeline.setMinimumHeight(48)
        self.timeline.setToolTip(
            tr(
                "Bitcoin's halvings and the mining sites converted to AI, with their sources "
                "(hover an entry); the lab's halvings stand for the coming ones."
            )
        )
        tl.addWidget(self.timeline, 1)
        self.side.addWidget(time_box)
        for lst in (self.feed, self.timeline):
            lst.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        outer.addWidget(self.side, 2)
        self._fill_timeline()

    def _fill_timeline(self) -> None:
        self.timeline.clear()
        try:
            events = load_timeline()
        except ValueError as exc:
            self.timeline.addItem(tr("The timeline could not be read: {error}").format(error=exc))
            return
        lang = current_language()
        for e in events:
            item = QListWidgetItem(f"{e.date} · {e.text(lang)}")
            item.setToolTip(tr("Source: {source}").format(source=e.source))
            self.timeline.addItem(item)
        for e in self.tracker.of_kind(t.HALVING):
            item = QListWidgetItem(
                tr("lab block {height} · halving {n} of the lab, standing for {year}").format(
                    height=integer(e.height), n=e.data["halvings"], year=e.data["real_year"]
                )
            )
            item.setData(Qt.ItemDataRole.UserRole, "halving")
            item.setForeground(pg.mkColor(self.halving_colour))
            self.timeline.addItem(item)

    # --- steps -------------------------------------------------------------------------------
    def show_step(self) -> None:
        step = self.tracker.step
        title, do, watch, question = step_texts(step.key)
        self.step_number.setText(tr("Step {n} of {total}").format(n=self.tracker.step_index + 1, total=len(t.STEPS)))
        self.step_title.setText(title)
        self.step_do.setText(tr("<b>Do:</b> {text}").format(text=do))
        if step.key == "crossover":  # the climax shows the flip, even when it came before the step
            flip = self.tracker.first(t.CROSSOVER)
            if flip is not None:
                watch += "<br>" + crossover_text(flip.data)
            elif self.tracker.start_verdict == "convert":
                watch += "<br>" + tr(
                    "In this scenario converting already won at the start: there is no flip to wait for."
                )
        self.step_watch.setText(tr("<b>Watch:</b> {text}").format(text=watch))
        self.step_question.setText(tr("<b>Ask the class:</b> {text}").format(text=question))
        self.previous_button.setEnabled(self.tracker.step_index > 0)
        self.next_button.setEnabled(self.tracker.step_index < len(t.STEPS) - 1)

    def go_next(self) -> None:
        self.tracker.next()
        self.show_step()

    def go_previous(self) -> None:
        self.tracker.previous()
        self.show_step()

    # --- inputs ------------------------------------------------------------------------------
    def on_chain_info(self, info: dict) -> None:
        consensus = info.get("consensus") or {}
        try:
            self.tracker.set_consensus(
                int(consensus.get("difficulty_adjustment_interval", 2016)),
                int(consensus.get("subsidy_halving_interval", 150)),
                float(consensus.get("pow_target_spacing", 600)),
            )
        except (TypeError, ValueError):
            return
        from engine.economy.lab_mapping import start_difficulty_of

        self.start_difficulty = start_difficulty_of(info) or self.start_difficulty

    def on_blocks(self, rows: list, _replaced: bool = False) -> None:
        values = self.values_source() if self.values_source else None
        if values:
            self.tracker.set_scenario(values)  # its subsidy names the real years of the lab's halvings
        self._show(self.tracker.on_blocks(rows))
        if values and self.start_difficulty:
            try:
                self._show(self.tracker.on_economics(values, self.start_difficulty))
            except (KeyError, ValueError):
                pass  # a scenario the model rejects: the Economics tab says why

    def on_allocation(self, allocation) -> None:
        self._show(self.tracker.on_allocation(allocation.ai_slots, allocation.total_cores))

    def on_ai_report(self, report) -> None:
        self._show(self.tracker.on_ai_report(report))

    def _show(self, events: list) -> None:
        if not events:
            return
        for e in events:
            self.feed.insertItem(0, event_note(e))
            if e.kind == t.SLA_PENALTY:
                self._sla_item = self.feed.item(0)
                self.sla_box.show()
                self.show_sla(e.data)
            self.annotate(e)
        while self.feed.count() > FEED_LINES:
            self.feed.takeItem(self.feed.count() - 1)
        if any(e.kind == t.HALVING for e in events):
            self._fill_timeline()
        self.show_step()

    def sla(self) -> dict | None:
        """The run's SLA as the lab state has it (the AI card's figure), in the lesson's terms."""
        return sla_terms(self.facts_source())

    def show_sla(self, first: dict | None = None) -> None:
        """The SLA box and the feed's SLA line say the whole run's figure (the penalty grows
        while the lease runs out), the lab state's; the event's first report until it has one."""
        data = self.sla() or first
        if data is None or self.sla_box.isHidden():
            return
        self.sla_box.setText(sla_explanation(data))
        if self._sla_item is not None and self.feed.row(self._sla_item) >= 0:
            self._sla_item.setText(event_note(t.LessonEvent(t.SLA_PENALTY, None, data)))

    def redraw(self) -> None:
        self.show_sla()

    def annotate(self, e) -> None:
        """Hook for chart marks; build() asks the lab state for a mark on the difficulty chart."""

    def apply_theme(self, look: Look) -> None:
        self.set_presenter(look.presenter)
        self.halving_colour = look.palette["halving"]  # #e0a030 was 2.0:1 on the light theme
        for i in range(self.timeline.count()):
            item = self.timeline.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == "halving":
                item.setForeground(pg.mkColor(self.halving_colour))

    # --- presenter mode ------------------------------------------------------------------------
    def set_presenter(self, on: bool) -> None:
        """Presenter mode: the step large enough for the back of the room; the timeline hides."""
        self.presenter = on
        big, body = (24, 16) if on else (18, 11)
        self.step_title.setStyleSheet(f"font-size: {big}pt; font-weight: 700;")
        for w in (self.step_do, self.step_watch, self.step_question, self.sla_box):
            w.setStyleSheet(f"font-size: {body}pt;")
        self.step_question.setStyleSheet(f"font-size: {body}pt; font-weight: 600;")
        self.timeline.parentWidget().setVisible(not on)


def build(ctx: TabContext) -> LessonTab:
    """The Lesson tab, wired to the controller; the scenario comes from the lab state, and its
    marks go to the chain's difficulty chart through it."""
    controller, lab = ctx.controller, ctx.lab
    tab = LessonTab()
    controller.chain_info.connect(tab.on_chain_info)
    controller.blocks.connect(tab.on_blocks)
    controller.allocation.connect(tab.on_allocation)
    controller.ai_report.connect(tab.on_ai_report)
    tab.values_source = lambda: lab.scenario
    tab.facts_source = lab.facts
    tab.previous_button.clicked.connect(tab.go_previous)
    tab.next_button.clicked.connect(tab.go_next)
    marks = [0]

    def annotate(e) -> None:
        if e.kind not in (t.RETARGET, t.HALVING) or e.height is None or marks[0] >= MAX_CHART_MARKS:
            return
        halving = e.kind == t.HALVING
        role = "halving" if halving else "target"  # palette roles: readable on every theme
        lab.request_mark(ChartMark(e.height, tr("halving") if halving else ratio(e.data["factor"]), role, role))
        marks[0] += 1

    tab.annotate = annotate

    def new_lesson() -> None:
        answer = QMessageBox.question(
            tab,
            tr("New lesson"),
            tr(
                "Start a fresh lesson chain? The lab restarts on a new chain in its own folder, sized to this "
                "computer first (about a minute). Your current chain is kept on disk."
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            controller.new_lesson()
            ctx.restart()

    def worksheet() -> None:
        from gui.lesson.worksheet import write_worksheet

        path, _ = QFileDialog.getSaveFileName(tab, tr("Save the worksheet"), tr("worksheet.pdf"), "PDF (*.pdf)")
        if not path:
            return
        try:
            write_worksheet(
                path,
                tab.tracker,
                tab.values_source() if tab.values_source else None,
                tab.start_difficulty,
                tab.sla(),
            )
        except (OSError, ValueError) as exc:
            QMessageBox.warning(tab, tr("Worksheet not saved"), str(exc))
            return
        ctx.show_status(tr("Worksheet saved to {path}").format(path=path), 8000)

    def leave() -> None:
        controller.leave_lesson()
        ctx.restart()

    tab.leave_button.setVisible(controller.lesson)
    tab.leave_button.clicked.connect(leave)
    tab.new_lesson_button.clicked.connect(new_lesson)
    tab.worksheet_button.clicked.connect(worksheet)
    return tab
