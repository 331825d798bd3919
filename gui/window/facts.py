"""What the window shows, as data: `collect(window)` returns the facts `mine2compute snapshot
--facts OUT.json` writes beside the picture, and the tests read.

- `widgets`: every widget visible on each tab (the header, cards and slider under `tab` null), with
  what assistive technology is told (`name`, `role`: Qt's QAccessible interface, the same one a
  screen reader queries), the text a reader sees (`text`), where it is in the window (`x`, `y`,
  `w`, `h`, window pixels), whether it is a Tab stop (`focusable`), whether it must have a name
  (`needs_name`: controls, cards, tables, lists, charts) and whether a button is narrower than its
  text (`clipped`).
- `pages`: each tab, whether its page scrolls sideways at this size (`scrolls_sideways`), and its
  Tab stops in the order the Tab key visits them (`tab_order`: name, kind, place).
- `charts`: each chart's accessible `name`, `title`, axis labels, the left axis' tick labels as
  drawn (`y_ticks`) and `y_unit_scale`, the multiplier those labels stand for (1 when none: the
  labels are the values; 0.001 when pyqtgraph's SI prefix draws 20 for 0.020).
- `state`: the lab state's figures (LabState.facts: height, difficulty, blocks found, the SLA
  penalty...).

Every tab is shown in turn to be measured (a hidden page has no geometry), then the tab shown
before is shown again. The lab is frozen meanwhile (`frozen`): one redraw, then no timer, no
engine signal and no redraw until every widget and the state are read, so all of them speak for
one moment (a page shown lays itself out through its posted layout requests alone).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gui.qt import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QAccessible,
    QApplication,
    QComboBox,
    QEvent,
    QFrame,
    QHeaderView,
    QImage,
    QLabel,
    QLineEdit,
    QListWidget,
    QPainter,
    QPlainTextEdit,
    QPoint,
    QScrollArea,
    QScrollBar,
    Qt,
    QTabBar,
    QTextEdit,
    QWidget,
    pg,
)
from gui.window.tabs import TABS

# Widgets a reader must be able to name: what takes input or holds data.
NAMED_KINDS = (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QAbstractItemView,
    QPlainTextEdit,
    QTextEdit,
    QTabBar,
    pg.PlotWidget,
)


def accessible(widget: QWidget) -> tuple[str, str, str]:
    """(name, role's name, description) as Qt's accessibility layer reports them."""
    iface = QAccessible.queryAccessibleInterface(widget)
    if iface is None:
        return "", "", ""
    name = iface.text(QAccessible.Text.Name) or ""
    description = iface.text(QAccessible.Text.Description) or ""
    return name, iface.role().name, description


def needs_name(widget: QWidget) -> bool:
    """A control, a table, a list, a chart, or a card (QFrame#card); not the parts Qt names
    itself (a scroll bar, a table's header, the line edit inside a spin box or a combo box)."""
    if isinstance(widget, (QScrollBar, QHeaderView)) or widget.objectName().startswith("qt_"):
        return False
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QAbstractSpinBox, QComboBox)):
            return False
        parent = parent.parentWidget()
    if isinstance(widget, NAMED_KINDS):
        return True
    return isinstance(widget, QFrame) and widget.objectName() == "card"


def _text(widget: QWidget) -> str:
    if isinstance(widget, (QLabel, QAbstractButton, QLineEdit)):
        return widget.text()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QListWidget):  # a list's lines (the Lesson feed's numbers), one a line
        return "\n".join(widget.item(i).text() for i in range(widget.count()))
    if isinstance(widget, pg.PlotWidget):
        return widget.getPlotItem().titleLabel.text
    return ""


def clipped(widget: QWidget) -> bool:
    """A button narrower than its text needs: its words are cut."""
    if isinstance(widget, QAbstractButton) and widget.text():  # not a tab bar's arrows
        return widget.width() < widget.sizeHint().width() - 1
    return False


def _shown(widget: QWidget) -> bool:
    """Visible and not clipped away entirely by the scroll areas around it."""
    if not widget.isVisible() or widget.width() <= 0 or widget.height() <= 0:
        return False
    return not widget.visibleRegion().isEmpty()


def widget_facts(window: QWidget, tab_of, seen: set[int]) -> list[dict]:
    """The widgets shown now that were not listed yet (`seen`: their ids)."""
    out = []
    for widget in window.findChildren(QWidget):
        if id(widget) in seen or not _shown(widget):
            continue
        if widget.window() is not window:
            continue
        seen.add(id(widget))
        name, role, description = accessible(widget)
        top_left = widget.mapTo(window, QPoint(0, 0))
        out.append(
            {
                "name": name,
                "role": role,
                "description": description,
                "text": _text(widget),
                "kind": type(widget).__name__,
                "object": widget.objectName(),
                "x": top_left.x(),
                "y": top_left.y(),
                "w": widget.width(),
                "h": widget.height(),
                "tab": tab_of(widget),
                "focusable": bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and widget.isEnabled(),
                "enabled": widget.isEnabled(),
                "needs_name": needs_name(widget),
                "clipped": clipped(widget),
            }
        )
    return out


def scrolls_sideways(page: QWidget) -> bool:
    """Whether the tab's page is wider than the room it is shown in (its scroll area's, or its own)."""
    if isinstance(page, QScrollArea):
        bar = page.horizontalScrollBar()
        return bar.maximum() > 0
    inner = page.layout().minimumSize().width() if page.layout() else page.minimumSizeHint().width()
    return inner > page.width()


def tab_order(window: QWidget) -> list[dict]:
    """The Tab stops shown now, in the order the Tab key visits them: name, kind and place."""
    out = []
    widget = window.nextInFocusChain()
    for _ in range(10_000):  # the chain is a ring; a bound in case a widget leaves it mid-walk
        if widget is window or widget is None:
            break
        if (
            widget.window() is window
            and widget.isVisible()
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.focusProxy() is None
            and not widget.visibleRegion().isEmpty()
        ):
            top_left = widget.mapTo(window, QPoint(0, 0))
            out.append(
                {
                    "name": accessible(widget)[0],
                    "kind": type(widget).__name__,
                    "x": top_left.x(),
                    "y": top_left.y(),
                    "w": widget.width(),
                    "h": widget.height(),
                }
            )
        widget = widget.nextInFocusChain()
    return out


def drawn_ticks(axis) -> list[str]:
    """The tick labels the axis draws now (pyqtgraph's own layout, crowded labels dropped)."""
    image = QImage(max(int(axis.width()), 1), max(int(axis.height()), 1), QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        painter.setFont(axis.style["tickFont"] or painter.font())
        _, _, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [text for _, _, text in texts]


def unit_scale(axis) -> float:
    """The multiplier a tick label stands for: value = label x unit_scale (pyqtgraph's SI prefix
    and axis scale divide the values before they are written)."""
    shown = axis.scale * (axis.autoSIPrefixScale if axis.autoSIPrefix else 1.0)
    return 1.0 / shown if shown else 1.0


def chart_facts(window: QWidget, tab_of) -> list[dict]:
    out = []
    for chart in window.findChildren(pg.PlotWidget):
        item = chart.getPlotItem()
        left, bottom = item.getAxis("left"), item.getAxis("bottom")
        name, _, description = accessible(chart)
        out.append(
            {
                "name": name,
                "description": description,
                "title": getattr(chart, "title", None) or item.titleLabel.text,
                "x_label": bottom.labelText,
                "y_label": left.labelText,
                "y_ticks": drawn_ticks(left),
                "y_unit_scale": unit_scale(left),
                "tab": tab_of(chart),
            }
        )
    return out


def state_facts(window) -> dict[str, Any]:
    """The lab state's figures, as the lab state itself gives them (LabState.facts: the one dict
    every card, tab and export reads)."""
    return _plain(window.lab.facts())


def _plain(value):
    """JSON-safe: numbers stay numbers (NaN and infinities become null), objects their str."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def settle() -> None:
    """Lay out what was just shown or resized (the posted layout requests: widgets' and charts'),
    without running anything else: no timer, no queued engine signal."""
    for _ in range(8):  # a layout's request can post its parent's; a few rounds settle a page
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


@contextmanager
def frozen(window) -> Iterator[None]:
    """The lab stands still: one redraw brings every tab to the lab's latest state, then the
    window's redraw timer stops and no event is processed (only layout requests, `settle`), so
    the engine's signals wait in the queue, delivered once the caller is back in the event loop:
    held, not blocked, as a blocked signal would be lost (a block row, an AI report)."""
    timer = getattr(window, "redraw_timer", None)
    running = timer is not None and timer.isActive()
    if running:
        timer.stop()
    try:
        window.redraw()
        settle()
        yield
    finally:
        if running:
            timer.start()


def collect(window) -> dict:
    """Every tab shown in turn, the lab frozen; returns {"widgets", "pages", "charts", "state",
    "size", "current_tab"}."""
    with frozen(window):
        return _collect(window)


def _collect(window) -> dict:
    tabs = window.tabs
    names = [entry.name for entry in TABS]
    before = tabs.currentIndex()
    widgets: list[dict] = []
    pages: list[dict] = []
    seen: set[int] = set()

    def tab_of(widget: QWidget) -> str | None:
        return _tab_of(widget, tabs, names)

    for index, name in enumerate(names):
        tabs.setCurrentIndex(index)
        settle()
        pages.append(
            {"tab": name, "scrolls_sideways": scrolls_sideways(tabs.widget(index)), "tab_order": tab_order(window)}
        )
        widgets += widget_facts(window, tab_of, seen)
    charts = chart_facts(window, tab_of)
    state = state_facts(window)
    tabs.setCurrentIndex(before)
    settle()
    return {
        "size": [window.width(), window.height()],
        "current_tab": names[before] if 0 <= before < len(names) else None,
        "widgets": widgets,
        "pages": pages,
        "charts": charts,
        "state": state,
    }


def _tab_of(widget: QWidget, tabs, names: list[str]) -> str | None:
    for index, name in enumerate(names):
        page = tabs.widget(index)
        if page is widget or page.isAncestorOf(widget):
            return name
    return None


def write(window, path: Path) -> dict:
    facts = collect(window)
    Path(path).write_text(json.dumps(facts, ensure_ascii=False, indent=1), encoding="utf-8")
    return facts
