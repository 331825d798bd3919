"""The Economics tab's export: each chart as PNG, and the figures it shows (with the parameters and
their sources) as CSV, for slides and for checking by hand."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from engine.economy.scenario_params import PARAMETERS


def export_panel(panel, folder: Path) -> list[Path]:
    """Each chart as PNG and the figures shown (with the parameters and sources) as CSV."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, chart in panel.charts.items():
        path = folder / f"{name}.png"
        chart.export_png(str(path))
        written.append(path)
    path = folder / "economics_figures.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["section", "metric", "value", "unit", "note"])
        for section, metric, value, unit, note in figure_rows(panel):
            out.writerow([section, metric, value, unit, note])
    written.append(path)
    if panel.figures is not None:
        path = folder / "economics_exodus.csv"
        sweep = panel.figures["exodus_sweep"]
        with open(path, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(["share_leaving", "block_time_s_until_retarget", "hashprice_usd_per_ph_day_after"])
            for row in zip(
                sweep["share_leaving"], sweep["block_time_s_until_retarget"], sweep["hashprice_usd_per_ph_day_after"]
            ):
                out.writerow([f"{v:.6g}" for v in row])
        written.append(path)
    return written


def figure_rows(panel) -> list[tuple[str, str, Any, str, str]]:
    """The figures shown, one row each: (section, metric, value, unit, note)."""
    rows: list[tuple[str, str, Any, str, str]] = []
    if panel.scenario is None or panel.figures is None:
        return rows
    fig = panel.figures
    rows.append(("scenario", "name", panel.scenario.name, "", panel.scenario.title))
    rows.append(("scenario", "ai_mode", panel.ai_mode, "", ""))
    rows.append(("scenario", "following_lab", panel.following_lab, "", ""))
    if panel.following_lab:
        lab = panel.lab
        rows += [
            ("lab", "height", lab.chain.height, "blocks", ""),
            ("lab", "start_difficulty", lab.chain.start_difficulty, "", "the chain's own start"),
            ("lab", "halvings_since_start", fig["lab_halvings"], "", ""),
            ("lab", "difficulty_ratio", fig["lab_difficulty_ratio"], "", ""),
            ("lab", "mining_slots", lab.mining_slots, "cores", ""),
            ("lab", "ai_slots", lab.ai_slots, "cores", ""),
            ("lab", "total_cores", lab.total_cores, "cores", ""),
            ("lab", "hashrate_hs", lab.hashrate_hs, "H/s", ""),
        ]
    values = panel.current_values()
    for name, spec in PARAMETERS.items():
        source = "set for this run" if name in panel.overrides else panel.scenario.parameters[name].source
        rows.append(("parameter", name, values[name], spec.unit, source))
    units = {
        "usd_per_ph_day": "USD/PH/s/day",
        "usd_per_kwh": "USD/kWh",
        "_btc": "BTC",
        "eh_s": "EH/s",
        "usd_per_day": "USD/day",
        "usd_per_year": "USD/year",
        "usd_per_hour": "USD/hour",
        "_usd": "USD",
        "_mw": "MW",
        "ph_s": "PH/s",
        "_s": "s",
    }

    def unit_of(metric: str) -> str:
        return next((u for suffix, u in units.items() if metric.endswith(suffix)), "")

    for section in (
        "network",
        "mining",
        "revenue_per_kwh",
        "site",
        "site_world_today",
        "exodus",
        "attack",
        "attack_after",
        "per_mw_year",
        "per_mw_year_world_today",
    ):
        for metric, value in fig[section].items():
            rows.append((section, metric, value, unit_of(metric), ""))
    for metric in ("mining_mw", "ai_mw", "subsidy_btc", "difficulty"):
        rows.append(("shown", metric, fig["world"][metric], unit_of(metric), "after the lab's moves"))
    return rows
