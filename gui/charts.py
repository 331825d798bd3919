"""Live charts: preallocated series that grow by doubling, redrawn on a timer, not per event
(pyqtgraph's scrolling-plot example)."""
from __future__ import annotations

import numpy as np

from gui.qt import QFont, pg

PALETTE = {
    "mining": "#F7931A",  # Bitcoin orange
    "ai": "#2EC4B6",  # teal
    "target": "#9AA5B1",
    "difficulty": "#A78BFA",
    "reward": "#F4C430",
    "halving": "#EF476F",
    "workers": ["#FFB347", "#FF7F50", "#FFD166", "#F9A03F", "#E76F51", "#F4A261", "#E9C46A", "#FF9F1C"],
}


class LiveSeries:
    """An x/y series in a buffer that doubles when full; `view()` is what setData draws.

    A `level` series (difficulty, reward) keeps only the points where the value changes, plus
    the latest x: an hour of blocks at one difficulty is two points, not 3,600.
    """

    def __init__(self, capacity: int = 1024, level: bool = False):
        self._x = np.empty(capacity)
        self._y = np.empty(capacity)
        self.size = 0
        self.level = level
        self._latest_x: float | None = None

    def append(self, x: float, y: float) -> None:
        if self.level:
            self._latest_x = x
            if self.size and self._y[self.size - 1] == y:
                return
        if self.size == len(self._x):
            self._x = np.resize(self._x, 2 * len(self._x))
            self._y = np.resize(self._y, 2 * len(self._y))
        self._x[self.size] = x
        self._y[self.size] = y
        self.size += 1

    def clear(self) -> None:
        self.size = 0
        self._latest_x = None

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self._x[: self.size], self._y[: self.size]
        if self.level and self.size and self._latest_x is not None and self._latest_x > x[-1]:
            return np.append(x, self._latest_x), np.append(y, y[-1])
        return x, y


class IntegerAxis(pg.AxisItem):
    """An axis of whole numbers (block heights): no ticks between blocks."""

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802 - pyqtgraph's name
        levels = [(spacing, offset) for spacing, offset in super().tickSpacing(minVal, maxVal, size)
                  if spacing >= 1]
        return levels or [(1.0, 0.0)]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph's name
        return [f"{int(round(v)):,}" for v in values]


class Chart(pg.PlotWidget):
    """A titled plot whose curves are LiveSeries; call `redraw()` from a timer."""

    def __init__(self, title: str, tooltip: str, y_from_zero: bool = False, legend: bool = False,
                 integer_x: bool = False, parent=None):
        """`title` carries the units ("Hashrate (MH/s)"): axis labels would crowd a projector."""
        super().__init__(parent=parent, axisItems={"bottom": IntegerAxis("bottom")} if integer_x else None)
        self.y_from_zero = y_from_zero
        self.setToolTip(tooltip)
        self.title = title
        self.plot_item = self.getPlotItem()
        self.plot_item.setTitle(title)
        self.plot_item.showGrid(x=True, y=True, alpha=0.15)
        for axis in ("left", "bottom"):
            # Major grid lines only: minor ones cost most of a software-rendered frame.
            self.plot_item.getAxis(axis).setStyle(maxTickLevel=0)
        self.plot_item.setClipToView(True)
        self.plot_item.setDownsampling(auto=True, mode="peak")
        self.legend = self.plot_item.addLegend(offset=(8, 8)) if legend else None
        self.series: dict[str, tuple[LiveSeries, pg.PlotDataItem]] = {}
        self._dirty = False

    def add_series(self, name: str, color: str, width: float = 2.0, level: bool = False,
                   dash: bool = False) -> LiveSeries:
        """A curve; `level` draws a step line through the points where the value changes."""
        series = LiveSeries(level=level)
        pen = pg.mkPen(color, width=width, style=pg.QtCore.Qt.PenStyle.DashLine if dash else pg.QtCore.Qt.PenStyle.SolidLine)
        item = pg.PlotDataItem(name=name, pen=pen, stepMode="left" if level else None)
        # Clip-to-view and peak downsampling are set on the plot before the item is added.
        self.plot_item.addItem(item)
        self.series[name] = (series, item)
        return series

    def append(self, name: str, x: float, y: float) -> None:
        self.series[name][0].append(x, y)
        self._dirty = True

    def clear_data(self) -> None:
        for series, _ in self.series.values():
            series.clear()
        self._dirty = True

    def redraw(self, force: bool = False) -> None:
        if not (self._dirty or force):
            return
        top = 0.0
        for series, item in self.series.values():
            x, y = series.view()
            item.setData(x, y)
            if len(y):
                top = max(top, float(y.max()))
        if self.y_from_zero and top > 0:
            # Levels like difficulty and reward read best against zero, not auto-zoomed.
            self.plot_item.setYRange(0, top * 1.15, padding=0)
        self._dirty = False

    def set_theme(self, background: str, foreground: str, font_pt: int) -> None:
        self.setBackground(background)
        font = QFont()
        font.setPointSize(font_pt)
        for axis in ("left", "bottom"):
            ax = self.plot_item.getAxis(axis)
            ax.setPen(foreground)
            ax.setTextPen(foreground)
            ax.setTickFont(font)
            # Without axis labels an SI scale factor ("x0.001") would be invisible: show real values.
            ax.enableAutoSIPrefix(False)
        self.plot_item.getAxis("left").setWidth(int(font_pt * 7))
        self.plot_item.setTitle(self.title, color=foreground, size=f"{font_pt + 3}pt")
        if self.legend is not None:
            size = f"{max(font_pt - 1, 8)}pt"
            self.legend.setLabelTextColor(foreground)
            self.legend.setLabelTextSize(size)
            self.legend.setBrush(pg.mkBrush(background + "C0"))
            for _, label in self.legend.items:  # existing labels keep their style until re-set
                label.setText(label.text, color=foreground, size=size)

    def export_png(self, path: str, width_px: int = 1600) -> None:
        exporter = pg.exporters.ImageExporter(self.plot_item)
        exporter.parameters()["width"] = width_px
        exporter.export(path)
