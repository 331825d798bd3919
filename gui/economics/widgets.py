"""The Economics tab's own widgets: a parameter spin box that refuses out-of-range input with a
reason, and a labelled bar chart."""

from __future__ import annotations

import numpy as np

from engine.economy.scenario_params import PARAMETERS, ParameterSpec
from gui.economics.text import display_for, parameter_label
from gui.i18n import tr
from gui.qt import QDoubleSpinBox, QFont, QFontMetrics, Qt, QValidator, Signal, pg
from gui.widgets.charts import Chart, series_colour
from gui.window.theme import DARK, font_pt


# --- widgets ----------------------------------------------------------------------------------
class ParameterSpinBox(QDoubleSpinBox):
    """A spin box over one parameter's range that says why it refuses what was typed."""

    refused = Signal(str)

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.name = name
        self.spec: ParameterSpec = PARAMETERS[name]
        self.display = display_for(name)
        d = self.display
        self.setDecimals(d.decimals)
        self.setRange(d.to_shown(self.spec.low), d.to_shown(self.spec.high))
        self.setSingleStep(d.step)
        prefix, suffix = d.affixes()
        self.setPrefix(prefix)
        self.setSuffix(suffix)
        self.setKeyboardTracking(False)  # apply on Enter, focus loss or the arrows, not per keystroke
        self.setGroupSeparatorShown(True)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setAccessibleName(parameter_label(name))
        self._last_refusal = ""

    def range_text(self, between: str = "") -> str:
        between = between or tr("to")
        d = self.display
        return f"{d.text(self.minimum(), unit=False)} {between} {d.text(self.maximum())}"

    def validate(self, text: str, pos: int):  # noqa: D401 - Qt's virtual
        result = super().validate(text, pos)
        state = result[0] if isinstance(result, tuple) else result
        if state == QValidator.State.Invalid:
            message = self.why_refused(text)
            if message != self._last_refusal:  # Qt validates the same keystroke more than once
                self._last_refusal = message
                self.refused.emit(message)
        else:
            self._last_refusal = ""
        return result

    def why_refused(self, text: str) -> str:
        label = parameter_label(self.name)
        core = text.strip()
        for affix in (self.prefix(), self.suffix()):
            core = core.replace(affix.strip(), "") if affix.strip() else core
        locale = self.locale()
        core = "".join(core.replace(locale.groupSeparator(), "").split())
        _, is_number = locale.toDouble(core)
        if not is_number:
            return tr("{name}: “{text}” is not a number.").format(name=label, text=text.strip())
        return tr("{name} must be between {range}; “{text}” was refused.").format(
            name=label, range=self.range_text(tr("and")), text=text.strip()
        )


class BarChart(Chart):
    """A calm, fixed bar chart (no mouse zoom) with the value written above each bar."""

    extent: tuple[float, float] | None = None  # the lowest and highest bar, once drawn (fit_y)

    def __init__(self, title: str, tooltip: str, categories: list[str], legend: bool = False, y_label: str = ""):
        super().__init__(title, tooltip, legend=legend, y_label=y_label)
        self.categories = categories
        self.plot_item.showGrid(x=False, y=True, alpha=0.15)
        self.plot_item.setMouseEnabled(x=False, y=False)
        self.plot_item.setMenuEnabled(False)
        self.plot_item.hideButtons()
        self.plot_item.getAxis("bottom").setTicks([list(enumerate(categories))])
        self.plot_item.setXRange(-0.6, len(categories) - 0.4, padding=0)
        self.bars: dict[str, pg.BarGraphItem] = {}
        self.labels: dict[tuple[str, int], pg.TextItem] = {}
        self.text_color = DARK.text
        self.font_size = font_pt(False)
        self.rows: list[tuple[str, str, float]] = []  # (series, category, value) as drawn, for CSV
        self.bar_roles: dict[str, str | list[str]] = {}  # series -> palette role(s), re-coloured per theme
        if self.legend is not None:
            # One row across the top right, above the head-room left for it in set_bars.
            self.legend.setColumnCount(4)
            self.legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-8, 4))

    def set_bars(
        self,
        series: list[tuple[str, str | list[str], float, float]],
        values: dict[str, list[float]],
        labels: dict[str, list[str]],
    ) -> None:
        """`series`: (name, palette role or one per bar, x offset, width); `values`/`labels`: per
        name, one per category."""
        self.rows = []
        low, high = 0.0, 0.0
        for name, role, offset, width in series:
            heights = np.asarray(values[name], dtype=float)
            xs = np.arange(len(heights)) + offset
            self.bar_roles[name] = role
            brush = self._bar_brush(role)
            if name not in self.bars:
                bar = pg.BarGraphItem(x=xs, height=heights, width=width, pen=pg.mkPen(None), **brush)
                self.plot_item.addItem(bar)
                if self.legend is not None:
                    self.legend.addItem(bar, name)
                self.bars[name] = bar
            else:
                self.bars[name].setOpts(x=xs, height=heights, width=width, **brush)
            for i, (x, h, text, category) in enumerate(zip(xs, heights, labels[name], self.categories)):
                self.rows.append((name, category, float(h)))
                # Made once and moved: removing TextItems from a live scene and letting Python
                # collect them later crashed PySide6 at exit (a refcount error on shutdown).
                label = self.labels.get((name, i))
                if label is None:
                    label = pg.TextItem(text, color=self.text_color)
                    label.setFont(self._font())
                    self.plot_item.addItem(label)
                    self.labels[(name, i)] = label
                label.setText(text, color=self.text_color)
                label.setAnchor((0.5, 1.0 if h >= 0 else 0.0))
                label.setPos(float(x), float(h))
            low, high = min(low, float(heights.min(initial=0))), max(high, float(heights.max(initial=0)))
        self.setAccessibleName(
            tr("{chart}; latest: {values}").format(
                chart=self.title,
                values=", ".join(f"{series}{category} {text}" for series, category, text in self._said(labels)),
            )
        )
        self.extent = (low, high)
        self.fit_y()

    def fit_y(self) -> None:
        """The y range: the bars, with room above the tallest for its value and, above that, the
        legend's row, in pixels of the fonts shown (presenter mode's are larger), so a value is
        never drawn under the legend; again on every resize and theme."""
        if self.extent is None:  # no bars yet (pyqtgraph resizes the view while it is being built)
            return
        low, high = self.extent
        span = (high - low) or 1.0
        height = self.plot_item.vb.height() or 0.6 * self.height()
        if height <= 0:
            return
        below = (0.16 if low < 0 else 0.03) * span
        label_px = QFontMetrics(self._font()).height() + 14  # the text item keeps a margin round its text
        band = min(0.6, (label_px + self._legend_px()) / height)  # the share of the plot kept above the bars
        room = band * (span + below) / (1 - band)
        self.plot_item.setYRange(low - below, high + room, padding=0)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit_y()

    def _said(self, labels: dict[str, list[str]]) -> list[tuple[str, str, str]]:
        """(series' legend name, category, value label) for each bar, for the text alternative."""
        shown = {
            key: label.text
            for sample, label in (self.legend.items if self.legend else [])
            for key, bar in self.bars.items()
            if sample.item is bar
        }
        return [
            (shown.get(name, "") + " " if len(labels) > 1 else "", category, " ".join(text.split()))
            for name, texts in labels.items()
            for category, text in zip(self.categories, texts)
        ]

    def _bar_brush(self, role: str | list[str]) -> dict:
        if isinstance(role, list):
            return {"brushes": [series_colour(self.palette, r) for r in role]}
        return {"brush": series_colour(self.palette, role)}

    def rename(self, names: dict[str, str]) -> None:
        """Relabel series in the legend (e.g. "Mining 400 MW" as the split moves)."""
        if self.legend is None:
            return
        for sample, label in self.legend.items:
            for key, bar in self.bars.items():
                if sample.item is bar and label.text != names.get(key, label.text):
                    label.setText(names[key])

    def _font(self) -> QFont:
        font = QFont()
        font.setPointSize(self.font_size)
        font.setBold(True)
        return font

    def set_theme(
        self, background: str, foreground: str, font_pt_: int, palette: dict | None = None, line_scale: float = 1.0
    ) -> None:
        super().set_theme(background, foreground, font_pt_, palette, line_scale)
        self.text_color, self.font_size = foreground, font_pt_
        for name, bar in self.bars.items():  # the bars take the theme's colours (3:1 on its background)
            bar.setOpts(**self._bar_brush(self.bar_roles[name]))
        for label in self.labels.values():
            label.setColor(foreground)
            label.setFont(self._font())
        self.fit_y()
