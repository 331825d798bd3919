"""`mine2compute scenario [NAME] [--json] [--set NAME=VALUE ...] [--copy] [--params] [--check]`:
list the economics presets, or print one scenario's report (text or JSON)."""

from __future__ import annotations

import argparse
import json
import sys

from engine.economy.report import format_report, scenario_report
from engine.economy.scenario_params import PARAMETERS
from engine.economy.scenarios import copy_to_user, load_scenarios, preset_dir, user_dir


def _parse_set(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        return name.strip(), float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{name.strip()}: not a number: {value!r}") from None


def main(argv: list[str] | None = None) -> int:
    """`mine2compute scenario [NAME] [--json] [--set NAME=VALUE ...] [--copy]`."""
    parser = argparse.ArgumentParser(
        prog="mine2compute scenario",
        description="List the economics presets, or print one scenario's report.",
        epilog=f"Presets: {preset_dir()}. Your edited copies: {user_dir()} "
        "(or $MINE2COMPUTE_SCENARIO_DIR); a copy replaces the preset of the same name.",
    )
    parser.add_argument("name", nargs="?", help="scenario to report on (omit to list them)")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        type=_parse_set,
        default=[],
        metavar="NAME=VALUE",
        help="change one parameter for this report (repeatable)",
    )
    parser.add_argument("--copy", action="store_true", help="copy the preset into your folder to edit it")
    parser.add_argument("--params", action="store_true", help="list the parameters, their ranges and sources")
    parser.add_argument(
        "--check", action="store_true", help="recompute the shipped public hashprice observations and print each error"
    )
    args = parser.parse_args(argv)

    if args.check:
        from engine.economy.observations import check_observations, format_checks

        try:
            checks = check_observations()
        except ValueError as exc:
            print(f"mine2compute scenario --check: {exc}", file=sys.stderr)
            return 2
        if args.json:
            print(
                json.dumps(
                    [
                        {
                            "date": c.date,
                            "metric": c.metric,
                            "published": c.published,
                            "model": c.model,
                            "error": c.error,
                            "ok": c.ok,
                            "source": c.source,
                            "url": c.url,
                        }
                        for c in checks
                    ],
                    indent=2,
                )
            )
        else:
            print(format_checks(checks))
        return 0 if checks and all(c.ok for c in checks) else 1

    if args.params:
        rows = {
            name: {
                "default": s.default,
                "low": s.low,
                "high": s.high,
                "unit": s.unit,
                "label": s.label,
                "source": s.source,
            }
            for name, s in PARAMETERS.items()
        }
        if args.json:
            print(json.dumps(rows, indent=2))
        else:
            for name, row in rows.items():
                print(
                    f"{name:<32} {row['default']:>12g} in [{row['low']:g}, {row['high']:g}] {row['unit']}  {row['label']}"
                )
        return 0

    loaded = load_scenarios()
    for error in loaded.errors:
        if args.name is None or error.path.stem == args.name:
            print(f"mine2compute scenario: {error}", file=sys.stderr)

    if args.name is None:
        if args.json:
            print(
                json.dumps(
                    [
                        {
                            "name": s.name,
                            "title": s.title,
                            "summary": s.summary,
                            "origin": s.origin,
                            "path": str(s.path),
                        }
                        for s in loaded.scenarios.values()
                    ],
                    indent=2,
                )
            )
        else:
            for s in loaded.scenarios.values():
                mark = " (your copy)" if s.origin == "user" else ""
                print(f"{s.name:<20} {s.title}{mark}")
        return 0

    scenario = loaded.scenarios.get(args.name)
    if scenario is None:
        if not any(e.path.stem == args.name for e in loaded.errors):
            print(
                f"mine2compute scenario: no scenario named {args.name!r}; choose from: {', '.join(loaded.names())}",
                file=sys.stderr,
            )
        return 1
    if args.copy:
        try:
            target = copy_to_user(args.name, loaded)
        except FileExistsError as exc:
            print(f"mine2compute scenario: {exc.args[0]} already exists; edit it there", file=sys.stderr)
            return 1
        print(target)
        return 0
    try:
        report = scenario_report(scenario, dict(args.overrides))
    except ValueError as exc:
        print(f"mine2compute scenario: --set {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
