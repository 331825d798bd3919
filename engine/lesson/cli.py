"""`mine2compute lesson --dry-run [--preset NAME] [--blocks N] [--json]`: walk a lesson chain's
heights without mining and print, per step, the block it fires at, and the crossover's block and
figures (or why it never comes) for a scenario preset."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from engine.economy.units import usd_text

DEFAULT_PRESET = "corsicana-split"  # the Economics tab's default (gui/economics/panel.py)


def format_dry_run(name: str, result: dict[str, Any]) -> str:
    pace = result["pace"]
    lines = [
        f"Lesson dry run, preset {name}: {result['blocks']} blocks at {pace['target_spacing_s']} s "
        f"(~{pace['minutes']:.0f} min), a retarget every {pace['retarget_interval']}, a halving every "
        f"{pace['halving_interval']} blocks",
        f"halvings at: {', '.join(map(str, result['halving_heights']))}",
        f"retargets at: {', '.join(map(str, result['retarget_heights']))}",
        f"halvings on a retarget's block: {', '.join(map(str, result['halvings_on_retargets'])) or 'none'}",
        "",
        "step  fires at  waits for",
    ]
    for s in result["steps"]:
        at = "-" if s["height"] is None else str(s["height"])
        lines.append(f"{s['number']:>4}  {at:>8}  {s['waits_for'] or 'the teacher'} ({s['key']})")
    c = result["crossover"]
    lines.append("")
    if c["height"] is None:
        lines.append(f"crossover: none. {c['why_never']}")
    else:
        lines.append(
            f"crossover at block {c['height']} (lab halving {c['lab_halvings']}, the {c['world_year']} world, "
            f"{c['subsidy_btc']:g} BTC a block, hashprice ${c['hashprice_usd_per_ph_day']:,.2f}/PH/s/day): over "
            f"{c['horizon_months']} months converting 1 MW is worth {usd_text(c['convert_npv_usd'])} against "
            f"{usd_text(c['keep_npv_usd'])} for keeping it mining (conversion {usd_text(c['conversion_capex_usd_per_mw'])}/MW, "
            f"{c['lead_months']:g} months before AI revenue, SLA {c['sla_availability'] * 100:.3f}%)"
        )
    lines.append("")
    lines.append("lab halving  world year  subsidy BTC  mining rev/MW-yr   keep NPV  convert NPV  verdict")
    for d in result["decisions"]:
        lines.append(
            f"{d['lab_halvings']:>11}  {d['world_year']:>10}  {d['subsidy_btc']:>11g}  "
            f"{usd_text(d['mining_revenue_usd_per_mw_year']):>16}  {usd_text(d['keep_npv_usd']):>9}  "
            f"{usd_text(d['convert_npv_usd']):>11}  {d['verdict']}"
        )
    lines.append(f"({result['assumptions']})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mine2compute lesson",
        description="Check a lesson before class: walk a lesson chain's heights without mining and print "
        "the block each step fires at and the crossover (the keep-mining-or-convert verdict's flip). "
        "The lesson itself runs in the window's Lesson tab.",
    )
    parser.add_argument("--dry-run", action="store_true", help="walk the heights without mining (required)")
    parser.add_argument("--preset", default=DEFAULT_PRESET, help=f"scenario preset (default {DEFAULT_PRESET})")
    parser.add_argument("--blocks", type=int, default=None, help="heights to walk (default: 30 minutes' worth)")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    args = parser.parse_args(argv)
    if not args.dry_run:
        print("mine2compute lesson: only --dry-run is a command; the lesson runs in the Lesson tab", file=sys.stderr)
        return 2
    from engine.economy.scenarios import load_scenarios
    from engine.lesson.dry_run import dry_run

    scenarios = load_scenarios()
    scenario = scenarios.scenarios.get(args.preset)
    if scenario is None:
        names = ", ".join(scenarios.names())
        print(f"mine2compute lesson: no preset {args.preset!r} (presets: {names})", file=sys.stderr)
        return 2
    try:
        result = dry_run(
            scenario.values(), scenario.ai_mode, args.blocks, why_never_note=scenario.lesson.get("why_never", "")
        )
    except ValueError as exc:
        print(f"mine2compute lesson: {exc}", file=sys.stderr)
        return 2
    result["preset"] = args.preset
    print(json.dumps(result, indent=2) if args.json else format_dry_run(args.preset, result))
    return 0
