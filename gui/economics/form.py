"""The Economics tab's parameter form: the parameters card (one spin box per parameter, grouped,
with its range, source and preset in the tooltip), the user's edits checked against the model
and undone when refused, and the values they give. A mixin of EconomicsPanel (panel.py), which
owns the scenario and the figures."""

from __future__ import annotations

import math

from engine.economy.scenario_params import PARAMETERS, check_parameter
from gui.economics.figures import site_mw_of
from gui.economics.text import GROUPS, TIPS, parameter_label
from gui.economics.widgets import ParameterSpinBox
from gui.i18n import tr
from gui.qt import QT_TRANSLATE_NOOP, QFrame, QGridLayout, QLabel, QTimer, QVBoxLayout


class ParameterForm:
    """The parameters card and its edits; `values()` is what the panel's `values_changed` carries."""

    def _build_parameters(self) -> QFrame:
        params = QFrame(objectName="card")
        params.setToolTip(tr(TIPS["params"]))
        params.setAccessibleName(tr("Parameters"))
        p = QVBoxLayout(params)
        p.setContentsMargins(14, 10, 14, 12)
        p.setSpacing(6)
        p.addWidget(QLabel(tr("Parameters"), objectName="cardTitle"))
        self._refused_timer = QTimer(self, singleShot=True, interval=10_000, timeout=self.refused_label.hide)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(0, 1)
        row = 0
        placed = {n for _, names in GROUPS for n in names}
        groups = list(GROUPS) + [(QT_TRANSLATE_NOOP("", "More"), tuple(n for n in PARAMETERS if n not in placed))]
        for title, names in groups:
            names = tuple(n for n in names if n in PARAMETERS)
            if not names:
                continue
            group_label = QLabel(tr(title), objectName="econGroup")
            grid.addWidget(group_label, row, 0, 1, 2)
            row += 1
            for name in names:
                label = QLabel(parameter_label(name))
                label.setWordWrap(True)
                spin = ParameterSpinBox(name)
                spin.setMinimumWidth(150)
                spin.valueChanged.connect(lambda shown, n=name: self._on_edit(n, shown))
                spin.refused.connect(self._show_refusal)
                grid.addWidget(label, row, 0)
                grid.addWidget(spin, row, 1)
                self.spins[name] = spin
                self.param_labels[name] = label
                row += 1
        p.addLayout(grid)
        return params

    def _fill_spins(self) -> None:
        values = self.current_values()
        for name, spin in self.spins.items():
            spin.blockSignals(True)
            spin.setValue(spin.display.to_shown(values[name]))
            spin.blockSignals(False)
        self._sync_slider(values["share_leaving"])
        self._mark_edited()

    def _mark_edited(self) -> None:
        if self.scenario is None:
            return
        for name, label in self.param_labels.items():
            edited = name in self.overrides
            label.setProperty("edited", edited)
            label.style().unpolish(label)
            label.style().polish(label)
            spin = self.spins[name]
            source = self.scenario.parameters[name].source
            preset = spin.display.to_shown(self.scenario.parameters[name].value)
            d = spin.display
            tip = tr("{name}: allowed {range}.\nSource: {source}").format(
                name=parameter_label(name), range=spin.range_text(), source=source
            )
            if edited:
                tip += "\n" + tr("You changed it; the preset says {value}.").format(value=d.text(preset))
            label.setToolTip(tip)
            spin.setToolTip(tip)
        self.reset_button.setEnabled(bool(self.overrides))

    def current_values(self) -> dict[str, float]:
        """The scenario's parameter values with the user's edits (empty without a scenario)."""
        return self.scenario.values(self.overrides) if self.scenario else {}

    def values(self) -> dict[str, float]:
        """What `values_changed` carries: the current values plus `site_mw` for the lab mapping."""
        values = self.current_values()
        if values:
            values["site_mw"] = site_mw_of(values)
        return values

    # --- edits ----------------------------------------------------------------------------------
    def _on_edit(self, name: str, shown: float) -> None:
        if self.scenario is None:
            return
        spin = self.spins[name]
        try:
            value = check_parameter(name, spin.display.to_model(shown))
        except ValueError:
            self._show_refusal(spin.why_refused(spin.textFromValue(shown)))
            spin.blockSignals(True)
            spin.setValue(spin.display.to_shown(self.current_values()[name]))
            spin.blockSignals(False)
            return
        previous = dict(self.overrides)
        preset = self.scenario.parameters[name].value
        if math.isclose(value, preset, rel_tol=1e-9, abs_tol=1e-15):
            self.overrides.pop(name, None)
        else:
            self.overrides[name] = value
        if not self._refresh():  # a combination the model rejects: undo it
            self.overrides = previous
            spin.blockSignals(True)
            spin.setValue(spin.display.to_shown(self.current_values()[name]))
            spin.blockSignals(False)
            self._refresh()
            return
        self.refused_label.hide()
        if name == "share_leaving":
            self._sync_slider(value)
        self._mark_edited()
        self._emit_values()

    def set_parameter(self, name: str, value: float) -> None:
        """Set one parameter in model units, as if typed (refused with a message if out of range)."""
        spin = self.spins[name]
        try:
            check_parameter(name, value)
        except ValueError:
            self._show_refusal(spin.why_refused(f"{spin.display.to_shown(value):g}"))
            return
        spin.setValue(spin.display.to_shown(value))

    def _on_slider(self, percent: int) -> None:
        self.exodus_value.setText(f"{percent}%")
        spin = self.spins["share_leaving"]
        if abs(spin.value() - percent) > 1e-9:
            spin.setValue(percent)  # -> _on_edit

    def _sync_slider(self, share: float) -> None:
        self.exodus_slider.blockSignals(True)
        self.exodus_slider.setValue(int(round(share * 100)))
        self.exodus_slider.blockSignals(False)
        self.exodus_value.setText(tr("{n}%").format(n=round(share * 100)))

    def _show_refusal(self, message: str) -> None:
        self.refused_label.setText(f"⚠  {message}")
        self.refused_label.show()
        self._refused_timer.start()
