"""The Economics tab on its own (pytest-qt, offscreen, no node): presets, edits, broken files,
the live lab hook, export, and screenshots of the three looks."""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import pytest

from engine.ai.billing import AIReport
from engine.economy.report import scenario_report
from engine.economy.scenarios import preset_dir
from gui.economics.panel import EconomicsPanel
from gui.formats import money
from gui.qt import QImage, Qt
from gui.window.theme import DARK, LIGHT, PRESENTER_DARK, stylesheet
from tests.helpers import ROOT
from tests.helpers.lab_reports import ai_report

SHOTS = ROOT / "screenshots"
PRESETS = {"halving-2024", "record-low-2025", "corsicana-split", "lease-or-gpus", "hashrate-exodus", "halving-2028"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def user_dir(tmp_path, monkeypatch) -> Path:
    """An empty folder for the user's scenario copies, so the real one never leaks in."""
    folder = tmp_path / "user-scenarios"
    folder.mkdir()
    monkeypatch.setenv("MINE2COMPUTE_SCENARIO_DIR", str(folder))
    return folder


@pytest.fixture
def panel(qtbot, user_dir) -> EconomicsPanel:
    widget = EconomicsPanel()
    qtbot.addWidget(widget)
    widget.resize(1400, 620)
    return widget


def dollars(text: str) -> float:
    """'$35.10' -> 35.10 (the figure as shown, to the cent)."""
    match = re.fullmatch(r"\$([\d,]+\.\d+)(?:/kWh)?", text)
    assert match, text
    return float(match.group(1).replace(",", ""))


def bar(panel: EconomicsPanel, chart: str, series: str, category: str) -> float:
    rows = getattr(panel, chart).rows
    return next(value for s, c, value in rows if s == series and c == category)


def chain_info(height: int, difficulty: float, halving_interval: int = 150) -> dict:
    return {
        "chain": "lab",
        "blocks": height,
        "difficulty": difficulty,
        "consensus": {
            "subsidy_halving_interval": halving_interval,
            "pow_target_spacing": 5,
            "difficulty_adjustment_interval": 24,
            "pow_no_retargeting": False,
            "start_difficulty": 1.0,
        },
    }


def lab_state(
    height: int = 10,
    difficulty: float = 1.0,
    mining: int = 2,
    ai: int = 0,
    cores: int = 2,
    report: AIReport | None = None,
) -> dict:
    return {
        "chain_info": chain_info(height, difficulty),
        "mining_slots": mining,
        "ai_slots": ai,
        "total_cores": cores,
        "hashrate_hs": 12.5e6,
        "ai_report": report,
    }


def sla_report(availability: float) -> AIReport:
    return ai_report(
        elapsed_s=60.0,
        slots=1,
        contracted_slots=1,
        contracted_slot_s=60.0,
        downtime_slot_s=60.0 * (1 - availability),
        availability=availability,
        sla_availability=0.99982,
    )


def test_presets_load_and_picking_another_changes_the_figures(panel):
    assert set(panel.scenario_set.names()) == PRESETS
    assert panel.scenario_set.errors == [] and panel.error_label.isHidden()
    assert panel.picker.count() == len(PRESETS)
    assert panel.scenario.name == "corsicana-split"  # the default: a site that maps onto cores
    shown_before = panel.cards.hashprice_value.text()

    panel.select_scenario("record-low-2025")
    scenario = panel.scenario_set.scenarios["record-low-2025"]
    report = scenario_report(scenario)
    assert panel.scenario.name == "record-low-2025"
    assert panel.cards.hashprice_value.text() != shown_before
    assert dollars(panel.cards.hashprice_value.text()) == pytest.approx(
        report["network"]["hashprice_usd_per_ph_day"], abs=0.005
    )
    assert dollars(panel.cards.hashprice_value.text()) == pytest.approx(35.10, abs=0.005)  # the 22 Nov 2025 low
    assert dollars(panel.cards.breakeven_value.text()) == pytest.approx(
        report["mining"]["breakeven_power_price_usd_per_kwh"], abs=0.0005
    )
    assert panel.explanation_label.text() == scenario.explanation
    for category, key in (("Mining", "mining_usd"), ("AI lease", "colocation_usd"), ("GPU cloud", "gpu_cloud_usd")):
        assert bar(panel, "revenue_chart", "revenue", category) == pytest.approx(report["revenue_per_kwh"][key])
    assert panel.cards.profit_value.text() == money(report["site"]["profit_usd_per_day"])
    assert f"{report['network']['network_hashrate_eh_s']:,.0f} EH/s" == panel.cards.network_value.text()

    # Every preset shows its own report's hashprice.
    for name in PRESETS:
        panel.select_scenario(name)
        expected = scenario_report(panel.scenario_set.scenarios[name])["network"]["hashprice_usd_per_ph_day"]
        assert dollars(panel.cards.hashprice_value.text()) == pytest.approx(expected, abs=0.005), name


def test_values_are_emitted_after_construction_and_on_every_edit(qtbot, user_dir):
    panel = EconomicsPanel()
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.values_changed, timeout=2000) as first:
        pass  # emitted once the event loop runs, after the controller has connected
    scenario = panel.scenario_set.scenarios["corsicana-split"]
    assert first.args[0] == {**scenario.values(), "site_mw": 1000.0}

    before = panel.cards.hashprice_value.text()
    with qtbot.waitSignal(panel.values_changed, timeout=2000) as edited:
        panel.spins["btc_price_usd"].setValue(100_000)
    assert edited.args[0]["btc_price_usd"] == 100_000
    assert edited.args[0]["lease_usd_per_mw_it_year"] == scenario.values()["lease_usd_per_mw_it_year"]
    expected = scenario_report(scenario, {"btc_price_usd": 100_000})["network"]["hashprice_usd_per_ph_day"]
    assert panel.cards.hashprice_value.text() != before
    assert dollars(panel.cards.hashprice_value.text()) == pytest.approx(expected, abs=0.005)
    assert panel.param_labels["btc_price_usd"].property("edited") is True
    assert panel.reset_button.isEnabled()

    # Shown in percent, sent as a share; the slider and the spin box agree.
    with qtbot.waitSignal(panel.values_changed, timeout=2000) as moved:
        panel.exodus_slider.setValue(30)
    assert moved.args[0]["share_leaving"] == 0.3
    assert panel.spins["share_leaving"].value() == 30
    exodus = scenario_report(scenario, {"btc_price_usd": 100_000, "share_leaving": 0.3})["exodus"]
    assert panel.network_facts["block_time"][1].text().startswith(f"{exodus['block_time_min_until_retarget']:.1f} min")

    with qtbot.waitSignal(panel.values_changed, timeout=2000) as reset:
        panel.reset_button.click()
    assert reset.args[0]["btc_price_usd"] == scenario.values()["btc_price_usd"]
    assert panel.overrides == {} and not panel.reset_button.isEnabled()


def test_invalid_input_is_refused_with_a_clear_message(panel, qtbot):
    spin = panel.spins["power_price_usd_per_kwh"]
    before = spin.value()
    with qtbot.assertNotEmitted(panel.values_changed, wait=50):
        spin.selectAll()
        qtbot.keyClicks(spin.lineEdit(), "5")  # $5/kWh: above the $1 the model allows
    assert spin.value() == before
    assert not panel.refused_label.isHidden()
    assert "Power price must be between $0.000 and $1.000 /kWh" in panel.refused_label.text()

    panel.set_parameter("difficulty", -5)
    assert "Network difficulty must be between" in panel.refused_label.text()
    assert panel.current_values()["difficulty"] == panel.scenario.values()["difficulty"]

    # A sensible value typed and confirmed with Enter is taken.
    with qtbot.waitSignal(panel.values_changed, timeout=2000) as typed:
        spin.selectAll()
        qtbot.keyClicks(spin.lineEdit(), "0.06")
        qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
    assert typed.args[0]["power_price_usd_per_kwh"] == 0.06
    assert panel.refused_label.isHidden()


def test_a_broken_user_scenario_shows_its_error_and_the_presets_still_load(qtbot, user_dir):
    (user_dir / "my-lesson.toml").write_text(
        'title = "My lesson"\nsummary = "s"\nexplanation = "e"\n[parameters]\ndifficulty = -5\n', encoding="utf-8"
    )
    (user_dir / "not-toml.toml").write_text("title = [unclosed\n", encoding="utf-8")
    copy = (preset_dir() / "halving-2028.toml").read_text(encoding="utf-8")
    (user_dir / "halving-2028.toml").write_text(
        copy.replace("The 2028 halving", "My 2028 halving", 1), encoding="utf-8"
    )
    panel = EconomicsPanel()
    qtbot.addWidget(panel)
    assert set(panel.scenario_set.names()) == PRESETS
    assert not panel.error_label.isHidden()
    text = panel.error_label.text()
    assert "my-lesson.toml: field 'parameters.difficulty': difficulty must be in [1, 1e+16]" in text
    assert "not-toml.toml" in text and "not valid TOML" in text
    titles = [panel.picker.itemText(i) for i in range(panel.picker.count())]
    assert any(t.startswith("My 2028 halving") and t.endswith("(your copy)") for t in titles)
    assert dollars(panel.cards.hashprice_value.text()) > 0  # the default preset still shows its figures

    (user_dir / "my-lesson.toml").unlink()
    (user_dir / "not-toml.toml").unlink()
    panel.reload_button.click()
    assert panel.error_label.isHidden()


def test_moving_2_of_4_cores_is_the_industry_converting_not_one_site(panel):
    """Corsicana, 2 of 4 cores to AI and the lab retargeted to half: the world today barely moves
    (the site is ~4.5% of it) and mining loses money per MW; only "if the network shrank like the
    lab" does difficulty halve. The old panel showed 75 T as the site's own doing, mining $0.79M > AI."""
    panel.on_lab_state(lab_state(height=60, difficulty=0.5, mining=2, ai=2, cores=4))
    fig = panel.figures
    assert fig["today"]["difficulty"] == pytest.approx(150e12 * 1.0045, rel=1e-3)
    assert fig["world"]["difficulty"] == pytest.approx(75e12)
    assert fig["per_mw_year_world_today"]["mining"] < 0 < fig["per_mw_year_world_today"]["ai"]
    assert fig["per_mw_year"]["mining"] < fig["per_mw_year"]["ai"]  # machines now costed: still below AI
    caption = panel.cards.hashprice_caption.text()
    assert "world today: $35.7" in caption and "like the lab: $71.8" in caption
    live = panel.live_label.text()
    assert "a lab block = 5 s for 10 min, a lab retarget = 24 blocks for 2,016" in live
    assert "everyone converting like us" in live and "±20%" in live and "(2028)" in live
    panel.site_box.setChecked(False)  # the site keeps the scenario's 400/600 split
    assert panel.figures["world"]["mining_mw"] == 400 and "your site keeps its own split" in panel.live_label.text()


def test_a_lab_halving_is_a_real_halving_with_its_year(panel):
    panel.on_lab_state(lab_state(height=10))
    start = dollars(panel.cards.hashprice_value.text())
    panel.on_lab_state(lab_state(height=160))
    values = panel.scenario.values()
    subsidy, fees = values["subsidy_btc"], values["fees_btc_per_block"]
    assert dollars(panel.cards.hashprice_value.text()) / start == pytest.approx(
        (subsidy / 2 + fees) / (subsidy + fees), rel=1e-3
    )
    assert "1 halving so far (the 2028 halving; subsidy 1.5625 BTC)" in panel.live_label.text()
    panel.follow_box.setChecked(False)
    assert "switched off" in panel.live_label.text()


def test_the_baseline_is_the_chains_start_difficulty_not_the_first_block_seen(panel):
    """The same chain gives the same economics whenever the app is opened."""
    panel.on_lab_state(lab_state(height=400, difficulty=0.5))
    assert panel.figures["lab_difficulty_ratio"] == 0.5
    other = EconomicsPanel()
    other.on_lab_state(lab_state(height=30, difficulty=0.5))
    assert other.figures["lab_difficulty_ratio"] == 0.5
    other.deleteLater()


def test_a_node_without_start_difficulty_uses_block_ones(panel):
    no_start = {"chain": "regtest", "blocks": 0, "difficulty": 4.656542373906925e-10, "consensus": {}}
    panel.on_lab_state({**lab_state(), "chain_info": no_start})
    assert "could not be read" in panel.live_label.text()
    panel.on_lab_state({**lab_state(), "chain_info": {**no_start, "blocks": 1, "difficulty": 0.0023}})
    panel.on_lab_state({**lab_state(), "chain_info": {**no_start, "blocks": 30, "difficulty": 0.0046}})
    assert panel.figures["lab_difficulty_ratio"] == pytest.approx(2.0)


def test_unusable_lab_state_is_reported_not_raised(panel):
    shown = panel.cards.hashprice_value.text()
    panel.on_lab_state({"chain_info": {"blocks": 5}})
    assert "could not be read" in panel.live_label.text()
    assert panel.cards.hashprice_value.text() == shown


def test_live_updates_are_cheap(panel):
    """on_lab_state runs on the GUI thread every second: it must take milliseconds, not frames."""
    panel.show()
    t0 = time.perf_counter()
    for i in range(20):
        panel.on_lab_state(lab_state(height=10 + i, difficulty=1.0 + i / 100, mining=2 - i % 2, ai=i % 2))
    per_update_ms = (time.perf_counter() - t0) / 20 * 1000
    assert per_update_ms < 150, per_update_ms  # ~10-40 ms measured; slack for a loaded CI


def test_export_writes_png_and_csv(panel, tmp_path):
    panel.on_lab_state(lab_state(height=160, mining=1, ai=1))
    written = panel.export(tmp_path / "export")
    pngs = [p for p in written if p.suffix == ".png"]
    assert {p.name for p in pngs} == {
        "economics_revenue_per_kwh.png",
        "economics_site_pnl.png",
        "economics_exodus.png",
        "economics_btc_sweep.png",
        "economics_power_sweep.png",
        "economics_horizon.png",
    }
    for path in pngs:
        assert path.read_bytes()[:8] == PNG_SIGNATURE
        image = QImage(str(path))
        assert not image.isNull() and image.width() >= 800
    with open(tmp_path / "export" / "economics_figures.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_metric = {(r["section"], r["metric"]): r for r in rows}
    assert by_metric[("scenario", "name")]["value"] == "corsicana-split"
    shown = float(by_metric[("network", "hashprice_usd_per_ph_day")]["value"])
    assert dollars(panel.cards.hashprice_value.text()) == pytest.approx(shown, abs=0.005)
    assert by_metric[("network", "hashprice_usd_per_ph_day")]["unit"] == "USD/PH/s/day"
    assert float(by_metric[("shown", "ai_mw")]["value"]) == 500
    assert "TeraWulf" in by_metric[("parameter", "lease_usd_per_mw_it_year")]["note"]
    with open(tmp_path / "export" / "economics_exodus.csv", newline="", encoding="utf-8") as f:
        sweep = list(csv.DictReader(f))
    assert len(sweep) == 96 and float(sweep[30]["share_leaving"]) == pytest.approx(0.30)


@pytest.mark.parametrize("look", ["dark", "light", "presenter"])
def test_screenshots(qapp, qtbot, user_dir, look):
    """Saved for a person to look at (screenshots/ is gitignored): both views of each look."""
    theme, presenter, size = {
        "dark": (DARK, False, (1400, 620)),
        "light": (LIGHT, False, (1400, 620)),
        "presenter": (PRESENTER_DARK, True, (1880, 860)),
    }[look]
    qapp.setStyleSheet(stylesheet(theme, presenter))
    try:
        panel = EconomicsPanel()
        qtbot.addWidget(panel)
        panel.set_theme(theme, presenter)
        panel.resize(*size)
        panel.show()
        panel.set_parameter("share_leaving", 0.3)
        panel.on_lab_state(lab_state(height=160, difficulty=1.3, mining=1, ai=1, report=sla_report(0.9999)))
        SHOTS.mkdir(exist_ok=True)
        for index, view in enumerate(("", "_network", "_decisions")):
            panel.views.setCurrentIndex(index)
            qtbot.wait(20)
            assert panel.grab().save(str(SHOTS / f"economics_panel_{look}{view}.png"))
    finally:
        qapp.setStyleSheet("")
