"""The Economics tab's panel: scenario picker, cards (cards.py), the site's view, the network's view
and the decisions view (views.py; the parameter form is form.py), fed the live lab's snapshot
(gui.economics.figures maps it onto the world).

The panel only displays `engine` figures; it never calls RPC or kernels and polls nothing. tab.py
feeds it `on_lab_state(state)`; the panel emits `values_changed(dict)` (the controller prices the AI
runner's work with the scenario the class is looking at) and `figures_changed`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.economy.lab_mapping import start_difficulty_of
from engine.economy.scenarios import Scenario, ScenarioSet, load_scenarios
from gui.economics.cards import FigureCards
from gui.economics.export import export_panel, figure_rows
from gui.economics.figures import LabView, compute_figures
from gui.economics.form import ParameterForm
from gui.economics.text import TIPS, live_text
from gui.economics.views import COLORS, DecisionsView, NetworkView, SiteView
from gui.economics.widgets import ParameterSpinBox
from gui.i18n import current_language, tr
from gui.qt import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    Qt,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from gui.widgets.card import WrapLabel
from gui.widgets.charts import PALETTES
from gui.window.tabs import Look, Tab
from gui.window.theme import DARK, Theme, font_pt

DEFAULT_SCENARIO = "corsicana-split"  # a 1 GW site split between mining and AI: maps onto cores


class EconomicsPanel(ParameterForm, Tab, QWidget):
    """Scenario picker, editable parameters, and the figures: hashprice, revenue per kWh, the
    site's P&L split, the hashrate exodus and the cost of a 51% attack.

    `values_changed(dict)`: the scenario's parameter values with the user's edits, plus `site_mw`
    (the MW the laptop's cores stand for); emitted on every change and once after construction.
    `on_lab_state(state)`: the live lab (chain info, capacity split, AI report); see LabView.
    """

    values_changed = Signal(dict)
    figures_changed = Signal(object)  # the figures shown, after each recomputation

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scenario_set: ScenarioSet = ScenarioSet({}, [])
        self.scenario: Scenario | None = None
        self.overrides: dict[str, float] = {}
        self.lab: LabView | None = None
        self.figures: dict[str, Any] | None = None
        self.spins: dict[str, ParameterSpinBox] = {}
        self.param_labels: dict[str, QLabel] = {}
        self.theme: Theme = DARK
        self.presenter = False
        self._last_emitted: dict | None = None
        self._block1_difficulty: float | None = None  # for nodes that do not report their start difficulty
        self._build()
        self.reload_scenarios()
        self.set_theme(DARK, False)
        # After construction, once the controller has connected: the AI runner gets its price.
        QTimer.singleShot(0, self, self._emit_initial)

    # --- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(8)

        top = QHBoxLayout()
        picker_label = QLabel(tr("Scenario"))
        picker_label.setObjectName("econStrong")
        self.picker = QComboBox()
        self.picker.setToolTip(tr(TIPS["picker"]))
        self.picker.setAccessibleName(tr("Scenario"))
        # As wide as the row allows, at least 18 characters (the rest in the list and the tooltip).
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.picker.setMinimumContentsLength(18)
        self.picker.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.reload_button = QPushButton(tr("Reload"))
        self.reload_button.setToolTip(tr(TIPS["reload"]))
        self.reset_button = QPushButton(tr("Reset to preset"))
        self.reset_button.setToolTip(tr(TIPS["reset"]))
        self.follow_box = QCheckBox(tr("Lab chain = the network"))
        self.follow_box.setChecked(True)
        self.follow_box.setToolTip(tr(TIPS["follow"]))
        self.site_box = QCheckBox(tr("Site follows the cores (everyone converting like us)"))
        self.site_box.setChecked(True)
        self.site_box.setToolTip(tr(TIPS["site_follows"]))
        top.addWidget(picker_label)
        top.addWidget(self.picker)
        top.addWidget(self.reload_button)
        top.addWidget(self.reset_button)
        outer.addLayout(top)
        # The two switches on their own row: beside the picker they made the tab wider than a
        # 1280-wide projector in French and in presenter mode.
        switches = QHBoxLayout()
        switches.addWidget(self.follow_box)
        switches.addSpacing(16)
        switches.addWidget(self.site_box)
        switches.addStretch(1)
        outer.addLayout(switches)

        self.error_label = QLabel("", objectName="econError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        outer.addWidget(self.error_label)
        # Refused input is said here, above both columns, so it shows wherever the user scrolled.
        self.refused_label = QLabel("", objectName="econError")
        self.refused_label.setWordWrap(True)
        self.refused_label.hide()
        outer.addWidget(self.refused_label)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._build_left())
        self.splitter.addWidget(self._build_right())
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([400, 1000])
        outer.addWidget(self.splitter, 1)

        self.picker.currentIndexChanged.connect(self._on_pick)
        self.reload_button.clicked.connect(self.reload_scenarios)
        self.reset_button.clicked.connect(self.reset_to_preset)
        self.follow_box.toggled.connect(lambda _: self._refresh())
        self.site_box.toggled.connect(lambda _: self._refresh())

    @staticmethod
    def _scroll(content: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setWidget(content)
        return area

    def _build_left(self) -> QWidget:
        content = QWidget()
        v = QVBoxLayout(content)
        v.setContentsMargins(0, 0, 6, 0)
        v.setSpacing(8)

        story = QFrame(objectName="card")
        story.setAccessibleName(tr("Read aloud"))
        s = QVBoxLayout(story)
        s.setContentsMargins(14, 10, 14, 12)
        heading = QLabel(tr("Read aloud"), objectName="cardTitle")
        heading.setToolTip(tr("The scenario's story in words a class can follow."))
        self.summary_label = QLabel("", objectName="econSummary")
        self.summary_label.setWordWrap(True)
        self.explanation_label = QLabel("", objectName="econExplanation")
        self.explanation_label.setWordWrap(True)
        self.explanation_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for w in (heading, self.summary_label, self.explanation_label):
            s.addWidget(w)
        v.addWidget(story)
        v.addWidget(self._build_parameters())
        v.addStretch(1)
        area = self._scroll(content)
        area.setAccessibleName(tr("Scenario"))
        area.setMinimumWidth(300)
        return area

    def _build_right(self) -> QWidget:
        content = QWidget()
        grid = QGridLayout(content)
        grid.setContentsMargins(6, 0, 0, 0)
        grid.setSpacing(8)

        self.live_label = WrapLabel(tr("Preset figures: the lab has not reported yet."), objectName="econLive")
        self.live_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.live_label.setToolTip(tr(TIPS["live"]))
        grid.addWidget(self.live_label, 0, 0, 1, 2)

        self.cards = FigureCards()
        grid.addLayout(self.cards.layout, 1, 0, 1, 2)

        self.views = QTabWidget()
        self.views.setDocumentMode(True)
        self.site_view, self.network_view, self.decisions_view = SiteView(), NetworkView(), DecisionsView()
        # Each view scrolls up and down by itself when the room is short (presenter mode on a
        # 720-line projector) instead of laying its texts over its charts.
        for view, title in (
            (self.site_view, tr("Your site: mining or AI")),
            (self.network_view, tr("The network: if miners leave")),
            (self.decisions_view, tr("Decisions: price, power, horizon")),
        ):
            area = self._scroll(view)
            area.setAccessibleName(title)
            self.views.addTab(area, title)
        self.views.setTabToolTip(0, tr(TIPS["pnl_chart"]))
        self.views.setTabToolTip(1, tr(TIPS["exodus_chart"]))
        self.views.setTabToolTip(2, tr(TIPS["horizon"]))
        # Room for a chart and its text: the page scrolls when the window is shorter.
        self.views.setMinimumHeight(330)
        grid.addWidget(self.views, 2, 0, 1, 2)
        # The names tests and the export use.
        self.revenue_chart, self.pnl_chart = self.site_view.revenue_chart, self.site_view.pnl_chart
        self.exodus_chart, self.exodus_slider = self.network_view.exodus_chart, self.network_view.exodus_slider
        self.exodus_value, self.network_facts = self.network_view.exodus_value, self.network_view.network_facts
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(2, 1)
        self.charts = {
            "economics_revenue_per_kwh": self.revenue_chart,
            "economics_site_pnl": self.pnl_chart,
            "economics_exodus": self.exodus_chart,
            "economics_btc_sweep": self.decisions_view.btc_chart,
            "economics_power_sweep": self.decisions_view.power_chart,
            "economics_horizon": self.decisions_view.horizon_chart,
        }
        for chart in self.charts.values():
            chart.setMinimumHeight(230)
        self.exodus_slider.valueChanged.connect(self._on_slider)
        # The decisions view's horizon is the scenario's decision_horizon_months: an edit there is
        # that parameter's edit (checked, published to the lesson and the lab state like any other).
        self.decisions_view.months_spin.valueChanged.connect(self.spins["decision_horizon_months"].setValue)
        self.decisions_view.months_spin.refused.connect(self._show_refusal)
        # No scroll area here: with word-wrapped captions it would size the figures to their
        # preferred height and push the charts below the fold; the minimum sizes fit a laptop.
        return content

    # --- scenarios ----------------------------------------------------------------------------
    def reload_scenarios(self) -> None:
        """Load the presets and the user's copies; a broken file is shown, the others still load."""
        keep = self.scenario.name if self.scenario else None
        self.scenario_set = load_scenarios()
        errors = self.scenario_set.errors
        self.error_label.setText("\n".join(tr("⚠  Could not load {error}").format(error=e) for e in errors))
        self.error_label.setToolTip("\n".join(str(e.path) for e in errors))
        self.error_label.setVisible(bool(errors))
        names = self.scenario_set.names()
        self.picker.blockSignals(True)
        self.picker.clear()
        for name, sc in self.scenario_set.scenarios.items():
            lang = current_language()
            self.picker.addItem(sc.text("title", lang) + (tr("  (your copy)") if sc.origin == "user" else ""), name)
            self.picker.setItemData(self.picker.count() - 1, sc.text("summary", lang), Qt.ItemDataRole.ToolTipRole)
        self.picker.blockSignals(False)
        if not names:
            self.scenario = None
            self._show_message(tr("No scenario could be loaded; see the errors above."))
            return
        pick = keep if keep in names else (DEFAULT_SCENARIO if DEFAULT_SCENARIO in names else names[0])
        if self.picker.currentIndex() == names.index(pick):
            self._on_pick(names.index(pick))
        else:
            self.picker.setCurrentIndex(names.index(pick))  # -> _on_pick

    def select_scenario(self, name: str) -> None:
        self.picker.setCurrentIndex(self.scenario_set.names().index(name))

    def _on_pick(self, index: int) -> None:
        name = self.picker.itemData(index)
        if name is None:
            return
        self.scenario = self.scenario_set.scenarios[name]
        self.overrides = {}
        self.summary_label.setText(self.scenario.text("summary", current_language()))
        self.explanation_label.setText(self.scenario.text("explanation", current_language()))
        self._fill_spins()
        self._refresh()
        self._emit_values()

    def reset_to_preset(self) -> None:
        if self.scenario is None:
            return
        self.overrides = {}
        self._fill_spins()
        self._refresh()
        self._emit_values()

    @property
    def ai_mode(self) -> str:
        return self.scenario.ai_mode if self.scenario else "colocation"

    def _show_message(self, message: str) -> None:
        self.live_label.setText(message)

    # --- signals out ------------------------------------------------------------------------------
    def _emit_initial(self) -> None:
        if self.scenario is not None:
            self._last_emitted = None
            self._emit_values()

    def _emit_values(self) -> None:
        values = self.values()
        if values and values != self._last_emitted:
            self._last_emitted = dict(values)
            self.values_changed.emit(values)

    # --- live hook ------------------------------------------------------------------------------
    def on_lab_state(self, state: dict) -> None:
        """The controller's view of the lab (see LabView.from_state); cheap, call it every second."""
        try:
            info = state["chain_info"]
            if (
                start_difficulty_of(info) is None
                and int(info.get("blocks", 0)) >= 1
                and self._block1_difficulty is None
            ):
                # A node without our `consensus.start_difficulty`: the first mined block seen stands in for block 1.
                self._block1_difficulty = float(state.get("block1_difficulty") or info["difficulty"])
            lab = LabView.from_state(state, state.get("block1_difficulty") or self._block1_difficulty)
        except (KeyError, TypeError, ValueError) as exc:
            self.live_label.setText(
                tr("The lab's state could not be read ({error}); showing the preset figures.").format(error=exc)
            )
            return
        previous, self.lab = self.lab, lab
        if previous is not None and previous.same_economics(lab):
            self._show_live()  # only the hashrate moved: the words change, the figures do not
            return
        self._refresh()

    @property
    def following_lab(self) -> bool:
        return self.lab is not None and self.follow_box.isChecked()

    # --- figures ----------------------------------------------------------------------------------
    def _refresh(self) -> bool:
        """Recompute and show every figure; False (and a message) if the model rejects the values."""
        if self.scenario is None:
            return False
        try:
            figures = compute_figures(
                self.current_values(),
                self.ai_mode,
                self.lab if self.following_lab else None,
                follow_slider=self.site_box.isChecked(),
            )
        except ValueError as exc:
            self._show_refusal(tr("The model cannot use these numbers: {error}").format(error=exc))
            return False
        self.figures = figures
        self.figures_changed.emit(figures)
        self._show(figures)
        return True

    def _show(self, fig: dict[str, Any]) -> None:
        self.cards.show(fig)
        for view in (self.site_view, self.network_view, self.decisions_view):
            view.show_figures(fig)
        self._show_live()

    def _show_live(self) -> None:
        text = live_text(self.lab, self.figures, self.follow_box.isChecked(), self.site_box.isChecked())
        if text is not None:
            self.live_label.setText(text)

    # --- appearance -------------------------------------------------------------------------------
    def apply_theme(self, look: Look) -> None:
        self.set_theme(look.theme, look.presenter)

    def set_theme(self, theme: Theme, presenter: bool) -> None:
        """Colours and font sizes; the app's stylesheet (gui.window.theme.stylesheet) does the rest."""
        self.theme, self.presenter = theme, presenter
        base = font_pt(presenter)
        self.setStyleSheet(f"""
            QLabel#econError {{ color: {COLORS["error"]}; font-weight: 600; }}
            QLabel#econGroup {{ color: {theme.accent}; font-weight: 700; padding-top: 8px; }}
            QLabel#econSummary {{ font-weight: 600; }}
            QLabel#econStrong {{ font-weight: 700; }}
            QLabel#econMuted {{ color: {theme.muted}; }}
            QLabel#econFact {{ font-size: {base + 2}pt; font-weight: 700; }}
            QLabel#econBig {{ font-size: {base + 6}pt; font-weight: 700; color: {theme.accent}; }}
            QLabel#econLive {{ background: {theme.panel}; border: 1px solid {theme.border};
                               border-left: 4px solid {COLORS["colocation"]}; border-radius: 8px;
                               padding: 6px 10px; }}
            QLabel[edited="true"] {{ color: {theme.accent}; font-weight: 700; }}
            QScrollArea {{ border: none; }}
        """)
        palette = PALETTES["light" if theme.name == "light" else "dark"]  # 3:1 on the theme's chart background
        for chart in self.charts.values():
            chart.set_theme(theme.chart_bg, theme.text, base, palette)
            chart.setMinimumHeight(300 if presenter else 250)
        for chart in self.charts.values():
            # Room for the category names under the bars at every font size.
            chart.plot_item.getAxis("bottom").setHeight(int(base * 3.2))
            # Legend labels take a new colour and size only when their text is set again.
            for _, label in chart.legend.items if chart.legend is not None else ():
                label.setText(label.text)
        self.cards.set_presenter(presenter)
        self.splitter.setSizes([340, 1000] if presenter else [400, 1000])

    # --- export ------------------------------------------------------------------------------------
    def export(self, folder: Path) -> list[Path]:
        """Each chart as PNG and the figures shown (with the parameters and sources) as CSV."""
        return export_panel(self, Path(folder))

    def figure_rows(self) -> list[tuple[str, str, Any, str, str]]:
        """The figures shown, one row each: (section, metric, value, unit, note)."""
        return figure_rows(self)
