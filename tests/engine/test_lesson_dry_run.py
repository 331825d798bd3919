"""The lesson's crossover as the conversion decision (engine.economy.conversion) and the dry run
of a lesson chain's heights (`mine2compute lesson --dry-run`)."""

from __future__ import annotations

import json

import pytest

from engine.economy.conversion import CONVERT, KEEP, conversion_decision, first_convert, why_never
from engine.economy.scenarios import load_scenarios
from engine.lesson import cli
from engine.lesson.dry_run import dry_run
from engine.primitives.params import LESSON_HALVING_INTERVAL

PRESETS = load_scenarios().scenarios


def test_the_decision_weighs_capex_lead_time_sla_and_the_halved_revenue():
    values = PRESETS["corsicana-split"].values()
    start, after = conversion_decision(values, 0), conversion_decision(values, 1)
    assert after.subsidy_btc == start.subsidy_btc / 2 and after.world_year == start.world_year + 4
    assert after.mining_revenue_usd_per_mw_year < start.mining_revenue_usd_per_mw_year
    assert after.convert_npv_usd == start.convert_npv_usd  # a lease does not halve
    # the capex per facility MW is the shell per MW of IT load at the PUE
    assert start.conversion_capex_usd_per_mw == pytest.approx(values["ai_shell_capex_usd_per_mw_it"] / values["pue"])
    slower = conversion_decision({**values, "conversion_months": 30}, 0)
    assert slower.convert_npv_usd < start.convert_npv_usd  # a longer wait for AI revenue costs
    missed = conversion_decision({**values, "ai_availability": 0.999}, 0)  # under the 99.982% promised
    assert (
        missed.convert_npv_usd < start.convert_npv_usd and missed.ai_net_usd_per_mw_year < start.ai_net_usd_per_mw_year
    )
    short = conversion_decision({**values, "decision_horizon_months": 60}, 1)
    assert short.verdict == KEEP  # the shell is not paid back within five years
    assert (start.verdict, after.verdict) == (KEEP, CONVERT)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_flips_inside_the_lesson_or_says_why_not(name):
    scenario = PRESETS[name]
    result = dry_run(scenario.values(), scenario.ai_mode, why_never_note=scenario.lesson.get("why_never", ""))
    crossover, halvings = result["crossover"], result["halving_heights"]
    assert len(halvings) >= 4 and not result["halvings_on_retargets"]
    if "why_never" in scenario.lesson:
        assert crossover["height"] is None and scenario.lesson["why_never"] in crossover["why_never"]
        k, rows = first_convert(scenario.values())
        assert k is None and rows[0].verdict == CONVERT  # the note is true: converting wins from the start
    else:
        assert halvings[0] <= crossover["height"] <= halvings[3], crossover
        assert crossover["verdict"] == CONVERT and crossover["convert_npv_usd"] > crossover["keep_npv_usd"]
        steps = {s["key"]: s["height"] for s in result["steps"]}
        assert steps["crossover"] >= crossover["height"] and steps["wrap_up"] is not None


def test_dry_run_steps_fire_in_order_at_their_events():
    values = PRESETS["corsicana-split"].values()
    result = dry_run(values)
    steps = {s["key"]: s["height"] for s in result["steps"]}
    assert steps["start"] == 1 and steps["retarget"] == 48  # the first window (at 24) does not retarget
    assert steps["exodus"] in result["retarget_heights"] and steps["exodus"] > steps["move_to_ai"]
    assert steps["halving"] in result["halving_heights"] and steps["halving"] > steps["exodus"]
    heights = [s["height"] for s in result["steps"]]
    assert heights == sorted(heights)
    assert result["crossover"]["height"] == LESSON_HALVING_INTERVAL


def test_cli_json_and_errors(capsys):
    assert cli.main(["--dry-run", "--preset", "halving-2024", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"halving_heights", "retarget_heights", "steps", "crossover"} <= set(out)
    assert all("height" in s for s in out["steps"]) and out["crossover"]["height"] == 50
    assert cli.main(["--dry-run", "--preset", "halving-2028"]) == 0
    assert "crossover: none" in capsys.readouterr().out
    assert cli.main(["--dry-run", "--preset", "nope"]) == 2
    assert "no preset 'nope'" in capsys.readouterr().err
    assert cli.main([]) == 2
    assert cli.main(["--dry-run", "--blocks", "30", "--json"]) == 0  # shorter than the first halving
    assert (
        "before the flip at lab halving 1 (block 50)" in json.loads(capsys.readouterr().out)["crossover"]["why_never"]
    )


def test_why_never_writes_a_negative_npv_with_its_sign_in_front():
    values = PRESETS["corsicana-split"].values()
    rows = [conversion_decision({**values, "decision_horizon_months": 24}, k) for k in range(3)]
    assert all(r.verdict == KEEP and r.convert_npv_usd < 0 for r in rows)  # the hall not paid back in 2 years
    text = why_never(rows)
    assert "-$" in text and "$-" not in text, text


def test_cli_text_writes_negative_npvs_with_their_sign_in_front(capsys):
    assert cli.main(["--dry-run"]) == 0  # corsicana-split: both NPVs negative over the horizon
    text = capsys.readouterr().out
    crossover = next(line for line in text.splitlines() if line.startswith("crossover at block"))
    assert "worth -$" in crossover and "$-" not in text, text
