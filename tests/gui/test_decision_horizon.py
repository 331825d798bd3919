"""One horizon for the keep-mining-or-convert decision: the Economics tab's Horizon box edits the
scenario's `decision_horizon_months`, and the cash chart, its words, the lesson's verdict
(engine.economy.conversion) and the lab state's facts (`snapshot --facts`) all read that one value."""

from __future__ import annotations

import pytest

from engine.economy.conversion import conversion_decision
from engine.economy.scenario_params import PARAMETERS
from gui.economics.panel import EconomicsPanel
from gui.window import facts
from gui.window.tabs import LabState
from tests.helpers.windows import window_with_settings


@pytest.fixture
def panel(qtbot, tmp_path, monkeypatch) -> EconomicsPanel:
    folder = tmp_path / "user-scenarios"
    folder.mkdir()
    monkeypatch.setenv("MINE2COMPUTE_SCENARIO_DIR", str(folder))
    widget = EconomicsPanel()
    qtbot.addWidget(widget)
    return widget


def chart_months(panel: EconomicsPanel) -> tuple[float, float]:
    x, _ = panel.decisions_view.horizon_mining.getData()
    x_ai, _ = panel.decisions_view.horizon_ai.getData()
    assert list(x) == list(x_ai)
    return float(x[0]), float(x[-1])


def test_the_horizon_box_is_the_scenarios_decision_horizon(panel, qtbot):
    spec = PARAMETERS["decision_horizon_months"]
    box = panel.decisions_view.months_spin
    assert (box.minimum(), box.maximum()) == (spec.low, spec.high)  # the ParameterSpec's range
    preset = panel.scenario.values()["decision_horizon_months"]
    assert box.value() == preset and chart_months(panel) == (1, preset)  # the chart opens on the scenario's

    with qtbot.waitSignal(panel.values_changed) as sent:
        box.setValue(48)
    assert sent.args[0]["decision_horizon_months"] == 48  # published: the lesson and the lab state price with it
    assert panel.current_values()["decision_horizon_months"] == 48
    assert panel.spins["decision_horizon_months"].value() == 48  # the parameter card says the same
    assert chart_months(panel) == (1, 48)
    assert "over 48 months" in panel.decisions_view.horizon_text.text()
    assert conversion_decision(panel.values(), 0, 1.0, panel.ai_mode).horizon_months == 48  # the verdict's

    # and the other way: the parameter card's box moves the Horizon box and the chart
    panel.set_parameter("decision_horizon_months", 180)
    assert box.value() == 180 and chart_months(panel) == (1, 180)
    assert "over 180 months" in panel.decisions_view.horizon_text.text()

    panel.reset_to_preset()
    assert box.value() == preset and chart_months(panel) == (1, preset)


def test_the_lab_states_facts_carry_the_horizon(panel):
    lab = LabState(snapshot=lambda: {"chain_info": {}})
    assert lab.facts()["decision_horizon_months"] is None  # no scenario yet: not a made-up horizon
    panel.values_changed.connect(lab.publish_scenario)
    panel.decisions_view.months_spin.setValue(66)
    assert lab.facts()["decision_horizon_months"] == 66


def test_snapshot_facts_show_the_horizon_the_window_shows(qapp, tmp_path):
    controller, window = window_with_settings(tmp_path)
    try:
        box = window.tab("economics").decisions_view.months_spin
        box.setValue(72)
        state = facts.state_facts(window)  # what `snapshot --facts` writes under "state"
        assert state["decision_horizon_months"] == 72 == box.value()
        assert window.lab.scenario["decision_horizon_months"] == 72  # what the lesson decides with
    finally:
        window.close()
