"""Scenario presets: the six of ECONOMICS.md load, cite sources, reproduce their published figures;
broken files are reported by file and field without hiding the others; the subcommand works."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from engine.economy import cli, scenarios
from engine.economy.report import scenario_report
from engine.economy.scenario_params import PARAMETERS
from engine.economy.scenarios import ScenarioError, load_scenario, load_scenarios

SIX = ["halving-2024", "record-low-2025", "corsicana-split", "lease-or-gpus", "hashrate-exodus", "halving-2028"]


@pytest.fixture(autouse=True)
def user_folder(tmp_path, monkeypatch):
    """Every test gets an empty user folder, so a real user's copies never leak in."""
    folder = tmp_path / "user-scenarios"
    monkeypatch.setenv("MINE2COMPUTE_SCENARIO_DIR", str(folder))
    return folder


@pytest.fixture(scope="module")
def presets():
    loaded = load_scenarios([(scenarios.preset_dir(), "preset")])
    assert not loaded.errors, [str(e) for e in loaded.errors]
    return loaded.scenarios


def test_the_six_scenarios_load_in_order(presets):
    assert list(presets) == SIX


@pytest.mark.parametrize("name", SIX)
def test_every_figure_has_a_source_and_an_explanation(presets, name):
    scenario = presets[name]
    data_keys = set((scenario.path.read_text()).split("[parameters]")[1].split("\n[")[0].split())
    assert scenario.parameters, name
    for pname, figure in scenario.parameters.items():
        assert figure.source.strip(), f"{name}: {pname} has no source"
        # Figures set in the file cite ECONOMICS.md, Bitcoin Core, or say how they were chosen.
        if pname in data_keys:
            assert any(w in figure.source for w in ("ECONOMICS.md", "Bitcoin Core", "Chosen")), (name, pname)
    assert len(scenario.explanation.split()) >= 80, "a paragraph a teacher can read aloud"
    assert scenario.published, f"{name} checks no published figure"


@pytest.mark.parametrize("name", SIX)
def test_presets_reproduce_their_published_figures(presets, name):
    report = scenario_report(presets[name])
    for item in report["published"]:
        assert abs(item["model"] / item["published"] - 1) <= item["tolerance"], item


def test_headline_numbers_from_economics_md(presets):
    """The same checks, by hand, so a changed preset file cannot weaken them."""
    assert scenario_report(presets["record-low-2025"])["network"]["hashprice_usd_per_ph_day"] == pytest.approx(
        35.10, rel=0.01
    )
    halving = scenario_report(presets["halving-2024"])["variants"]
    assert halving["before"]["hashprice_usd_per_ph_day"] == pytest.approx(96, rel=0.01)
    assert halving["after"]["hashprice_usd_per_ph_day"] == pytest.approx(50, rel=0.01)
    exodus = scenario_report(presets["hashrate-exodus"])["exodus"]
    assert exodus["block_time_min_until_retarget"] == pytest.approx(14.3, rel=0.01)
    assert exodus["difficulty_change"] == pytest.approx(-0.30, rel=0.01)
    assert scenario_report(presets["halving-2028"])["network"]["hashprice_usd_per_ph_day"] == pytest.approx(
        18, rel=0.01
    )
    machines = scenario_report(presets["record-low-2025"])["machines"]
    assert (
        machines["Antminer S19j Pro"]["margin_usd_per_ph_day"]
        < 0
        < machines["Antminer S21 XP"]["margin_usd_per_ph_day"]
    )


def test_overrides_change_the_report_and_are_range_checked(presets):
    base = scenario_report(presets["record-low-2025"])
    dearer = scenario_report(presets["record-low-2025"], {"btc_price_usd": 2 * 84_500})
    assert dearer["network"]["hashprice_usd_per_ph_day"] == pytest.approx(
        2 * base["network"]["hashprice_usd_per_ph_day"]
    )
    assert dearer["parameters"]["btc_price_usd"]["source"] == "set for this run"
    with pytest.raises(ValueError, match="pue"):
        scenario_report(presets["record-low-2025"], {"pue": 0.5})
    with pytest.raises(ValueError, match="unknown parameter"):
        scenario_report(presets["record-low-2025"], {"hashpower": 1})


def _copy_presets(tmp_path: Path) -> Path:
    folder = tmp_path / "presets"
    shutil.copytree(scenarios.preset_dir(), folder)
    return folder


@pytest.mark.parametrize(
    "edit, field",
    [
        (lambda t: t.replace("value = 152.3e12", "value = -5"), "parameters.difficulty"),
        (lambda t: t.replace("value = 0.05,", 'value = "cheap",'), "parameters.power_price_usd_per_kwh"),
        (
            lambda t: t.replace("[parameters]", '[parameters]\nhashpower = { value = 1, source = "x" }'),
            "parameters.hashpower",
        ),
        (lambda t: t.replace("title = ", "tittle = "), "tittle"),
        (
            lambda t: t.replace('metric = "mining.revenue_usd_per_kwh"', 'metric = "mining.revenue_per_kwh"'),
            "published[4].metric",
        ),
        (lambda t: t.replace("value = 30, source", "value = 30, sauce"), "machines[0].efficiency_j_per_th.sauce"),
        (lambda t: t + '\n[variants.x]\nsubsidy_btc = { value = 99, source = "y" }\n', "variants.x.subsidy_btc"),
    ],
)
def test_a_broken_file_names_file_and_field_and_the_rest_still_load(tmp_path, edit, field):
    folder = _copy_presets(tmp_path)
    target = folder / "record-low-2025.toml"
    target.write_text(edit(target.read_text()))
    loaded = load_scenarios([(folder, "preset")])
    assert [e.path.name for e in loaded.errors] == ["record-low-2025.toml"]
    error = loaded.errors[0]
    assert error.field == field
    assert "record-low-2025.toml" in str(error) and field in str(error)
    assert set(loaded.scenarios) == set(SIX) - {"record-low-2025"}


def test_invalid_toml_and_missing_source_are_reported(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("title = 'unterminated\n")
    with pytest.raises(ScenarioError, match="bad.toml.*not valid TOML"):
        load_scenario(bad)
    nosource = tmp_path / "nosource.toml"
    nosource.write_text('title = "t"\nsummary = "s"\nexplanation = "e"\n[parameters]\ndifficulty = 1e12\n')
    with pytest.raises(ScenarioError) as info:
        load_scenario(nosource, origin="preset")
    assert info.value.field == "parameters.difficulty.source"
    # A user's own copy may use plain numbers.
    assert load_scenario(nosource, origin="user").parameters["difficulty"].value == 1e12


def test_user_copy_replaces_the_preset(user_folder):
    path = scenarios.copy_to_user("halving-2028")
    assert path.parent == user_folder
    path.write_text(path.read_text().replace("value = 85000", "value = 170000"))
    loaded = load_scenarios()
    assert loaded.scenarios["halving-2028"].origin == "user"
    assert loaded.scenarios["halving-2028"].values()["btc_price_usd"] == 170_000
    assert loaded.scenarios["halving-2024"].origin == "preset"
    with pytest.raises(FileExistsError):
        scenarios.copy_to_user("halving-2028")


def test_parameter_specs_are_sane():
    for name, spec in PARAMETERS.items():
        assert spec.low <= spec.default <= spec.high, name
        assert spec.source and spec.label, name


# --- the subcommand -----------------------------------------------------------------------------


def test_cli_lists_presets(capsys):
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()] == SIX


def test_cli_prints_a_text_report(capsys):
    assert cli.main(["record-low-2025"]) == 0
    out = capsys.readouterr().out
    assert "hashprice $35.10 per PH/s per day" in out
    assert "Antminer S19j Pro (30 J/TH): power $36.00/PH/day, LOSES" in out


def test_cli_prints_json_for_scripts(capsys):
    assert cli.main(["hashrate-exodus", "--json", "--set", "share_leaving=0.5"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["exodus"]["block_time_s_until_retarget"] == pytest.approx(1200)
    assert cli.main(["--json"]) == 0
    assert [s["name"] for s in json.loads(capsys.readouterr().out)] == SIX


def test_cli_errors(capsys, user_folder):
    assert cli.main(["no-such-scenario"]) == 1
    assert "no scenario named 'no-such-scenario'" in capsys.readouterr().err
    assert cli.main(["halving-2028", "--set", "pue=0.1"]) == 2
    assert "pue" in capsys.readouterr().err
    user_folder.mkdir(parents=True)
    (user_folder / "mine.toml").write_text('title = "t"\n')
    assert cli.main(["mine"]) == 1
    assert "mine.toml: field 'summary'" in capsys.readouterr().err
    assert cli.main([]) == 0  # the presets still list, the broken copy is reported
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 6 and "mine.toml" in captured.err


def test_dispatcher_routes_the_subcommand(capsys):
    from gui.cli import main as cli_main

    assert cli_main(["scenario", "halving-2024"]) == 0
    assert "hashprice $49.55" in capsys.readouterr().out


def test_preset_texts_say_what_the_report_computes():
    """The read-aloud numbers of issue 19's corrections, checked against the report."""
    from engine.economy.report import scenario_report

    presets = load_scenarios().scenarios
    lease = presets["lease-or-gpus"]
    site = scenario_report(lease)["site"]
    after_running = 1 - site["ai_opex_usd_per_day"] / site["ai_revenue_usd_per_day"]
    after_building = site["ai_profit_usd_per_day"] / site["ai_revenue_usd_per_day"]
    assert after_running == pytest.approx(0.85) and 0.45 < after_building < 0.55
    assert "85% of it is left" in lease.explanation and "about half once" in lease.explanation
    assert "5-year, $9.7 billion contract" in lease.explanation  # IREN/Microsoft, not hourly rental
    corsicana = presets["corsicana-split"]
    site = scenario_report(corsicana)["site"]
    machines_per_mw = site["mining_machines_capex_usd"] / corsicana.values()["mining_mw"]
    assert machines_per_mw == pytest.approx(1.25e6, rel=0.01) and "$1.25 million per" in corsicana.explanation
    assert "Nothing else changed" not in presets["halving-2024"].explanation
    assert "37.7 bitcoin in fees" in presets["halving-2024"].explanation


def test_published_figures_say_whether_they_come_from_outside():
    for scenario in load_scenarios().scenarios.values():
        for item in scenario.published:
            assert item.kind in ("outside", "worked example")
            if item.kind == "outside":  # named beyond the brief's own arithmetic
                assert not item.source.startswith("ECONOMICS.md, Formulas"), item
    outside = [
        (name, item.value)
        for name, s in load_scenarios().scenarios.items()
        for item in s.published
        if item.kind == "outside"
    ]
    assert ("record-low-2025", 35.06) in outside and len(outside) == 3
