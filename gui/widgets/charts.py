"""Live charts: `Chart` (titled axes with units, no tick values before data, per-theme palettes
`PALETTES`, wider lines in presenter mode, labelled vertical marks that never overlap) and
`LiveSeries` (preallocated buffers that grow by doubling, clip-to-view, peak downsampling, NaN
gaps), redrawn on a timer, not per event (pyqtgraph's scrolling-plot example).

Every palette colour is at least 3:1 against its theme's chart background (WCAG 1.4.11, non-text
contrast): `contrast_ratio` is the check the tests run."""

from __future__ import annotations

import numpy as np

from gui.formats import MINUS
from gui.i18n import locale, tr
from gui.qt import QFont, pg

# Colours by theme. Series name a role ("mining", "workers"); each theme gives the role a colour
# that reads on its background: the light theme's are darker, and the per-core lines take hues
# far from the total's orange so a class can tell them apart.
PALETTES = {
    "dark": {
        "mining": "#F7931A",  # Bitcoin orange
        "ai": "#2EC4B6",  # teal
        "target": "#9AA5B1",
        "difficulty": "#A78BFA",
        "reward": "#F4C430",
        "halving": "#F2607F",  # 5.2:1 on the dark panel: the Lesson timeline writes text in it
        "gpu_cloud": "#118AB2",
        "workers": ["#4CC9F0", "#80ED99", "#F72585", "#B8C0FF", "#06D6A0", "#FF8FA3", "#90E0EF", "#E9FF70"],
    },
    "light": {
        "mining": "#C2570C",
        "ai": "#0F766E",
        "target": "#52606D",
        "difficulty": "#6D28D9",
        "reward": "#A16207",
        "halving": "#D62246",
        "gpu_cloud": "#0B6F91",
        "workers": ["#1D4ED8", "#15803D", "#BE185D", "#7C3AED", "#0E7490", "#B45309", "#4D7C0F", "#9D174D"],
    },
}
PALETTE = PALETTES["dark"]  # the default theme's colours, for widgets that are not charts
MIN_GRAPHIC_CONTRAST = 3.0  # WCAG 2.1 SC 1.4.11: lines and marks against their background
MARK_LEVELS = 3  # at most this many labels stacked at one place; more are hidden
MARK_GAP_PX = 6  # room kept between two labels, side by side or stacked
PRESENTER_LINE_SCALE = 1.75  # presenter mode: lines a projector shows from the back of a room


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two "#RRGGBB" colours (1 to 21)."""

    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def series_colour(palette: dict, role: str) -> str:
    """`role` is a palette key, "workers:N" for the N-th per-core colour, or a literal colour."""
    if role.startswith("workers:"):
        workers = palette["workers"]
        return workers[int(role.split(":", 1)[1]) % len(workers)]
    return palette.get(role, role)


class LiveSeries:
    """An x/y series in a buffer that doubles when full; `view()` is what setData draws.

    A `level` series (difficulty, reward) keeps only the points where the value changes, plus
    the latest x: an hour of blocks at one difficulty is two points, not 3,600. A NaN y is a
    gap (an outage): the curve is not drawn across it.
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

    def add_gap(self, x: float) -> None:
        """End the line here: the next point starts a new stretch."""
        if self.size and not np.isnan(self._y[self.size - 1]):
            self.append(x, float("nan"))

    def clear(self) -> None:
        self.size = 0
        self._latest_x = None

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self._x[: self.size], self._y[: self.size]
        if self.level and self.size and self._latest_x is not None and self._latest_x > x[-1]:
            return np.append(x, self._latest_x), np.append(y, y[-1])
        return x, y


class PlainAxis(pg.AxisItem):
    """An axis whose tick labels are the values themselves, never scaled by an SI prefix.

    pyqtgraph's `enableAutoSIPrefix(False)` still works a prefix out from the current range
    (AxisItem.updateAutoSIPrefix), and then never updates it: after a theme or presenter toggle a
    difficulty of 0.04 was drawn as 40 (a milli scale) for the rest of the run. Units are in the
    axis titles, so the scale stays 1.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.autoSIPrefix = False

    def updateAutoSIPrefix(self):  # noqa: N802 - pyqtgraph's name
        self.autoSIPrefixScale = 1.0
        self.labelUnitPrefix = ""
        self._updateLabel()

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph's name
        """pyqtgraph's labels written as the language writes numbers (0,2 in French), a negative
        one with a true minus sign as the cards write money (gui.formats.MINUS)."""
        point, group = locale().decimalPoint(), locale().groupSeparator()
        labels = [
            text.replace(",", "\x00").replace(".", point).replace("\x00", group)
            for text in super().tickStrings(values, scale, spacing)
        ]
        return [MINUS + text[1:] if text.startswith("-") else text for text in labels]


class IntegerAxis(PlainAxis):
    """An axis of whole numbers (block heights): no ticks between blocks."""

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802 - pyqtgraph's name
        levels = [(spacing, offset) for spacing, offset in super().tickSpacing(minVal, maxVal, size) if spacing >= 1]
        return levels or [(1.0, 0.0)]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph's name
        return [locale().toString(int(round(v))) for v in values]


class Chart(pg.PlotWidget):
    """A titled plot with titled axes whose curves are LiveSeries; call `redraw()` from a timer."""

    def __init__(
        self,
        title: str,
        tooltip: str,
        y_from_zero: bool = False,
        legend: bool = False,
        integer_x: bool = False,
        x_label: str = "",
        y_label: str = "",
        parent=None,
    ):
        """Axis labels carry the units ("MH/s", "block height"); pyqtgraph's own unit handling
        is not used, so an SI factor never rescales the numbers behind the reader's back."""
        super().__init__(
            parent=parent,
            axisItems={
                "bottom": IntegerAxis("bottom") if integer_x else PlainAxis("bottom"),
                "left": PlainAxis("left"),
            },
        )
        self.y_from_zero = y_from_zero
        self.setToolTip(tooltip)
        # What a screen reader says for the picture: the title and the latest values (the name,
        # kept up to date by redraw), and what the chart shows (the description).
        self.setAccessibleName(title)
        self.setAccessibleDescription(tooltip)
        self.title = title
        self.axis_labels = {"bottom": x_label, "left": y_label}
        self.plot_item = self.getPlotItem()
        self.plot_item.setTitle(title)
        self.plot_item.showGrid(x=True, y=True, alpha=0.15)
        for axis in ("left", "bottom"):
            # Major grid lines only: minor ones cost most of a software-rendered frame.
            self.plot_item.getAxis(axis).setStyle(maxTickLevel=0)
        self.plot_item.setClipToView(True)
        self.plot_item.setDownsampling(auto=True, mode="peak")
        # One row along the top: a column of entries would hide a short chart's lines.
        self.legend = self.plot_item.addLegend(offset=(8, 4), colCount=4) if legend else None
        self.series: dict[str, tuple[LiveSeries, pg.PlotDataItem]] = {}
        self._styles: dict[str, tuple[str, float, bool]] = {}  # name -> (colour role, width, dash)
        self.palette = PALETTES["dark"]
        self.line_scale = 1.0
        self._has_data = None  # live charts: tick values appear with the first point, not 0-1 before
        self._dirty = False
        self.marks: list[tuple[pg.InfiniteLine, str, str, bool]] = []  # (line, line role, label role, dotted)
        self._themed: list[tuple[object, str, float, bool]] = []  # items coloured by role (themed)
        self.font_pt = 10

    def add_series(
        self,
        name: str,
        color: str,
        width: float = 2.0,
        level: bool = False,
        dash: bool = False,
        label: str | None = None,
    ) -> LiveSeries:
        """A curve. `color` is a palette role ("mining", "workers:2") or a literal colour; `label`
        is what the legend shows (the translated name; `name` by default).

        A `level` series draws each value from the x where it takes effect to the next change
        (stepMode "right"): difficulty and reward apply from the block that carries them.
        """
        series = LiveSeries(level=level)
        item = pg.PlotDataItem(
            name=label or name, pen=self._pen(color, width, dash), stepMode="right" if level else None, connect="finite"
        )
        # Clip-to-view and peak downsampling are set on the plot before the item is added.
        self.plot_item.addItem(item)
        self.series[name] = (series, item)
        self._styles[name] = (color, width, dash)
        if self._has_data is None:
            self._show_values(False)
        return series

    def _pen(self, role: str, width: float, dash: bool):
        style = pg.QtCore.Qt.PenStyle.DashLine if dash else pg.QtCore.Qt.PenStyle.SolidLine
        return pg.mkPen(series_colour(self.palette, role), width=width * self.line_scale, style=style)

    def colour(self, name: str) -> str:
        """The colour series `name` is drawn in now."""
        return series_colour(self.palette, self._styles[name][0])

    def append(self, name: str, x: float, y: float) -> None:
        self.series[name][0].append(x, y)
        self._dirty = True

    def add_gap(self, x: float) -> None:
        """An outage: no series draws a line across x."""
        for series, _ in self.series.values():
            series.add_gap(x)
        self._dirty = True

    def clear_data(self) -> None:
        for series, _ in self.series.values():
            series.clear()
        self._dirty = True

    def themed(self, item, role: str, width: float = 2.0, dash: bool = False):
        """Colour a plot item (a curve, a line, a scatter's dots) by palette role, now and at every
        theme change, so it keeps 3:1 on the chart's background; returns the item."""
        self._themed.append((item, role, width, dash))
        self._colour_item(item, role, width, dash)
        return item

    def _colour_item(self, item, role: str, width: float, dash: bool) -> None:
        if isinstance(item, pg.ScatterPlotItem):
            item.setBrush(pg.mkBrush(series_colour(self.palette, role)))
        else:
            item.setPen(self._pen(role, width, dash))

    def add_mark(self, x: float, text: str, role: str, label_role: str | None = None, dotted: bool = False):
        """A labelled vertical line at x (a halving, a retarget). `role` is a palette role (or a
        literal colour) for the line, `label_role` for its label (the line's by default). Labels
        never overlap: `layout_marks` stacks them down the lines, or hides the ones with no room."""
        line = pg.InfiniteLine(pos=x, angle=90, label=text, labelOpts={"position": 0.9})
        self.marks.append((line, role, label_role or role, dotted))
        self._style_mark(line, role, label_role or role, dotted)
        line.setToolTip(text)
        self.plot_item.addItem(line)
        self.layout_marks()
        return line

    def _style_mark(self, line, role: str, label_role: str, dotted: bool) -> None:
        style = pg.QtCore.Qt.PenStyle.DotLine if dotted else pg.QtCore.Qt.PenStyle.SolidLine
        width = (1.5 if dotted else 2) * self.line_scale
        line.setPen(pg.mkPen(series_colour(self.palette, role), width=width, style=style))
        line.label.setColor(series_colour(self.palette, label_role))
        font = QFont()
        font.setPointSize(self.font_pt)  # presenter: the marks grow with the fonts
        line.label.setFont(font)

    def _mark_row_px(self) -> float:
        """The height of one row of mark labels, the gap included."""
        return max(line.label.boundingRect().height() for line, *_ in self.marks) + MARK_GAP_PX

    def layout_marks(self) -> None:
        """Place the marks' labels so none overlaps another: left to right, each beside its line
        (right of it in the chart's left half, left of it in the right half, so it stays inside)
        on the highest row (MARK_LEVELS rows, from the top band the y range keeps free) where it
        clears the label before it by MARK_GAP_PX; a label with no room is hidden (its line
        stays, its text in the line's tooltip)."""
        if not self.marks:
            return
        vb = self.plot_item.vb
        (x0, x1), width, height = vb.viewRange()[0], vb.width(), vb.height()
        if x1 <= x0 or width <= 0 or height <= 0:
            return
        row = self._mark_row_px()
        top = 1 - (self._legend_px() + row / 2) / height  # the first row: in the band above the data
        levels = [top - i * row / height for i in range(MARK_LEVELS) if top - i * row / height >= 0.1] or [top]
        ends = [float("-inf")] * len(levels)
        for line, *_ in sorted(self.marks, key=lambda m: m[0].value()):
            label = line.label
            at = (line.value() - x0) / (x1 - x0) * width
            w = label.boundingRect().width()
            right = at < width / 2
            left_px = at + 2 if right else at - 2 - w
            level = next((i for i, end in enumerate(ends) if left_px >= end + MARK_GAP_PX), None)
            shown = x0 <= line.value() <= x1 and level is not None
            label.setVisible(shown)
            if not shown:
                continue
            ends[level] = left_px + w
            anchor = (0.0, 0.5) if right else (1.0, 0.5)
            if label.anchors[0] != anchor:
                label.anchors = [anchor, anchor]  # pyqtgraph picks between these two by the view's centre
            if label.orthoPos != levels[level]:
                label.setPosition(levels[level])
            label.updatePosition()

    def _show_values(self, on: bool) -> None:
        if on == self._has_data:
            return
        self._has_data = on
        for axis in ("left", "bottom"):
            self.plot_item.getAxis(axis).setStyle(showValues=on)

    def redraw(self, force: bool = False) -> None:
        if not (self._dirty or force):
            self.layout_marks()  # the view may have been resized or zoomed
            return
        top = 0.0
        points = 0
        for series, item in self.series.values():
            x, y = series.view()
            item.setData(x, y)
            finite = y[np.isfinite(y)]
            points += len(finite)
            if len(finite):
                top = max(top, float(finite.max()))
        if self.series:
            self._show_values(points > 0)
        if self.y_from_zero and top > 0:
            # Levels like difficulty and reward read best against zero, not auto-zoomed; a chart
            # with a legend keeps its top row for it, so no line runs under the legend.
            self.plot_item.setYRange(0, top * 1.1 / (1 - self._top_band_share()), padding=0)
        self._dirty = False
        self.layout_marks()
        self.setAccessibleName(self.text_alternative())

    def _legend_px(self) -> float:
        """The height of the legend's row (0 without one)."""
        return 0.0 if self.legend is None else self.legend.boundingRect().height() + 8

    def _top_band_share(self) -> float:
        """The share of the plot's height kept above the data (at most half): the legend's row and
        the first row of mark labels, so no line runs under either."""
        height = self.plot_item.vb.height()
        if height <= 0:
            return 0.0
        band = self._legend_px() + (self._mark_row_px() if self.marks else 0.0)
        return min(0.5, band / height)

    MAX_SERIES_SAID = 3  # a screen reader reads the main lines, not every core's

    def text_alternative(self) -> str:
        """The chart in words: its title, its axis' unit, and each main line's latest value."""
        said = []
        shown = list(self.series.items())[: self.MAX_SERIES_SAID]
        for _name, (series, item) in shown:
            _, y = series.view()
            finite = y[np.isfinite(y)]
            if len(finite):
                value = locale().toString(float(finite[-1]), "g", 4)
                # a line is named by its legend label when there are several (never its internal key)
                said.append(f"{item.name()} {value}" if len(shown) > 1 and item.name() else value)
        unit = self.axis_labels.get("left") or ""
        title = f"{self.title} ({unit})" if unit and unit.lower() != self.title.lower() else self.title
        if not said:
            return title
        return tr("{chart}; latest: {values}").format(chart=title, values=", ".join(said))

    def set_theme(
        self, background: str, foreground: str, font_pt: int, palette: dict | None = None, line_scale: float = 1.0
    ) -> None:
        """Colours, fonts and line widths for a theme (presenter mode: larger fonts and lines)."""
        self.setBackground(background)
        self.palette = palette or self.palette
        self.line_scale = line_scale
        self.font_pt = font_pt
        for line, role, label_role, dotted in self.marks:
            self._style_mark(line, role, label_role, dotted)
        for item, role, width, dash in self._themed:
            self._colour_item(item, role, width, dash)
        for name, (role, width, dash) in self._styles.items():
            self.series[name][1].setPen(self._pen(role, width, dash))
        font = QFont()
        font.setPointSize(font_pt)
        label_style = {"color": foreground, "font-size": f"{font_pt}pt"}
        for axis in ("left", "bottom"):
            ax = self.plot_item.getAxis(axis)
            ax.setPen(foreground)
            ax.setTextPen(foreground)
            ax.setTickFont(font)
            # Units are in the axis titles: an SI factor ("x0.001") would change the numbers (PlainAxis).
            if self.axis_labels[axis]:
                ax.setLabel(self.axis_labels[axis], **label_style)
        self.plot_item.getAxis("left").setWidth(int(font_pt * 6.5))
        self.plot_item.setTitle(self.title, color=foreground, size=f"{font_pt + 2}pt")
        if self.legend is not None:
            size = f"{max(font_pt - 1, 8)}pt"
            self.legend.setLabelTextColor(foreground)
            self.legend.setLabelTextSize(size)
            self.legend.setBrush(pg.mkBrush(None))  # no veil: a line under the legend keeps its colour
            for sample, label in self.legend.items:  # existing labels keep their style until re-set
                label.setText(label.text, color=foreground, size=size)
                sample.update()

    def export_png(self, path: str, width_px: int = 1600) -> None:
        exporter = pg.exporters.ImageExporter(self.plot_item)
        exporter.parameters()["width"] = width_px
        exporter.export(path)
