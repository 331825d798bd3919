"""Issue 18's "Done when", checked from outside: `mine2compute snapshot --facts` over a matrix of
runs (English and French, 1280x720 and 1366x768, Presenter on and off, dark and light paired with
them: 8 runs), each with an AI core moved half-way and taken back (`--ai-cores 1
--ai-back-after S`), and in each run's facts (gui/window/facts.py, docs/window.md "Snapshots"):

- sla: every widget whose text speaks of the SLA penalty shows the lab state's
  `sla_penalty_usd` (to the cent) and its uptimes (delivered, promised: to 0.001%);
- axis: the difficulty chart's labels are the values (`y_unit_scale` 1) and its ticks are of the
  state's difficulty's size (the largest within 10x of it);
- blocks: `blocks_found` never more than `height`;
- sideways: no page scrolls sideways;
- names: every widget that needs a name (control, card, table, list, chart) has one, and every
  chart too;
- french: in French, no English word beyond the glossary (tests/helpers/visible_text.py) in any
  widget's text, name or description, nor in the charts' titles and axes.

Prints one row per run and the load average, and exits 1 when a check fails. Runs two snapshots
at a time at most; run it niced on a shared machine:

    nice -n 10 python benchmarks/check_window_facts.py [--after 70] [--jobs 2] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers.visible_text import english_words  # noqa: E402

# (lang, size, presenter, theme): every language x size x presenter, both themes in each pair.
RUNS = [
    ("en", "1280x720", False, "dark"),
    ("en", "1280x720", True, "light"),
    ("en", "1366x768", False, "light"),
    ("en", "1366x768", True, "dark"),
    ("fr", "1280x720", False, "light"),
    ("fr", "1280x720", True, "dark"),
    ("fr", "1366x768", False, "dark"),
    ("fr", "1366x768", True, "light"),
]
CHECKS = ("sla", "axis", "blocks", "sideways", "names", "french")
PENALTY_WORD = {"en": "penalt", "fr": "pénalit"}
DIFFICULTY_WORD = {"en": "difficulty", "fr": "difficulté"}
# A sum to the cent as the window writes it: $1,234.56 (English), 1 234,56 $ (French).
MONEY = {
    "en": re.compile(r"\$\s?(\d[\d,]*\.\d\d)\b"),
    "fr": re.compile(r"(\d[\d\u00a0\u202f ]*,\d\d)\s?\$"),
}

PERCENT = {"en": re.compile(r"(\d+\.\d{3})%"), "fr": re.compile(r"(\d+,\d{3})\u202f?%")}


def number(text: str, lang: str) -> float | None:
    """A tick label or a sum as a float (the language's separators), None when it is not one."""
    t = text.strip().replace("\u2212", "-")
    t = re.sub(r"[\u00a0\u202f ]", "", t)
    t = t.replace(",", ".") if lang == "fr" else t.replace(",", "")
    try:
        return float(t)
    except ValueError:
        return None


def check_sla(facts: dict, lang: str) -> list[str]:
    state = facts["state"]
    penalty = state.get("sla_penalty_usd") or 0.0
    uptimes = [100 * v for v in (state.get("sla_delivered"), state.get("sla_promised")) if v is not None]
    problems = []
    for w in facts["widgets"]:
        text = re.sub(r"<[^>]+>", "", w["text"])
        if PENALTY_WORD[lang] not in text.lower():
            continue
        sums = [number(m, lang) for m in MONEY[lang].findall(text)]
        if sums and not any(s is not None and abs(s - penalty) < 0.006 for s in sums):
            problems.append(f"{w['object'] or w['kind']} says {sums} against state {penalty:.2f}")
        # the uptimes beside it: delivered or promised, as the state has them (3 decimals)
        for shown in (number(m, lang) for m in PERCENT[lang].findall(text)):
            if shown is not None and all(abs(shown - u) > 0.0006 for u in uptimes):
                problems.append(f"{w['object'] or w['kind']} says uptime {shown}% against state {uptimes}")
    return problems


def check_axis(facts: dict, lang: str) -> list[str]:
    difficulty = facts["state"].get("difficulty")
    charts = [c for c in facts["charts"] if DIFFICULTY_WORD[lang] in (c["title"] or "").lower()]
    if not charts:
        return ["no difficulty chart"]
    problems = []
    for c in charts:
        if c["y_unit_scale"] != 1:
            problems.append(f"{c['title']!r}: labels stand for x{c['y_unit_scale']:g}")
        ticks = [v for v in (number(t, lang) for t in c["y_ticks"]) if v is not None]
        if ticks and difficulty:
            top = max(abs(v) for v in ticks)
            if not difficulty / 10 <= top <= difficulty * 10:
                problems.append(f"{c['title']!r}: ticks {c['y_ticks']} against difficulty {difficulty:.4g}")
    return problems


def check_blocks(facts: dict, lang: str) -> list[str]:
    s = facts["state"]
    found, height = s.get("blocks_found"), s.get("height")
    if found is not None and height is not None and found > height:
        return [f"blocks_found {found} > height {height}"]
    return []


def check_sideways(facts: dict, lang: str) -> list[str]:
    return [f"{p['tab']} scrolls sideways" for p in facts["pages"] if p["scrolls_sideways"]]


def check_names(facts: dict, lang: str) -> list[str]:
    problems = [
        f"{w['tab'] or 'header'}: {w['kind']} {w['object']!r} {w['text'][:30]!r} has no name"
        for w in facts["widgets"]
        if w["needs_name"] and not w["name"].strip()
    ]
    return problems + [f"chart {c['title']!r} has no name" for c in facts["charts"] if not (c["name"] or "").strip()]


def check_french(facts: dict, lang: str) -> list[str]:
    if lang != "fr":
        return []
    problems = []
    for w in facts["widgets"]:
        for key in ("text", "name", "description"):
            words = english_words(w[key] or "")
            if words:
                problems.append(f"{w['tab'] or 'header'} {w['kind']} {key} {sorted(words)}: {w[key][:60]!r}")
    for c in facts["charts"]:
        for key in ("title", "x_label", "y_label"):
            words = english_words(c[key] or "")
            if words:
                problems.append(f"chart {key} {sorted(words)}: {c[key][:60]!r}")
    return problems


def check(facts: dict, lang: str) -> dict[str, list[str]]:
    return {name: globals()[f"check_{name}"](facts, lang) for name in CHECKS}


def run(index: int, spec: tuple, args, out: Path) -> dict:
    lang, size, presenter, theme = spec
    stem = out / f"run{index}-{lang}-{size}-{'presenter' if presenter else 'plain'}-{theme}"
    cmd = [
        sys.executable,
        "-m",
        "gui.cli",
        "snapshot",
        f"{stem}.png",
        "--facts",
        f"{stem}.json",
        "--lang",
        lang,
        "--size",
        size,
        "--theme",
        theme,
        "--after",
        f"{args.after:g}",
        "--ai-cores",
        "1",
        "--ai-back-after",
        f"{args.after * 0.8:g}",
        "--tab",
        "lesson",
    ]
    if presenter:
        cmd.append("--presenter")
    if args.lab_hashrate:
        cmd += ["--lab-hashrate", f"{args.lab_hashrate:g}"]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    start = time.monotonic()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    row = {
        "n": index,
        "spec": spec,
        "seconds": time.monotonic() - start,
        "load": os.getloadavg()[0],
        "json": f"{stem}.json",
    }
    if done.returncode != 0 or not Path(f"{stem}.json").exists():
        row["error"] = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        return row
    facts = json.loads(Path(f"{stem}.json").read_text(encoding="utf-8"))
    row["state"] = facts["state"]
    row["problems"] = check(facts, spec[0])
    return row


def table(rows: list[dict]) -> str:
    head = ["#", "lang", "size", "presenter", "theme", "height", "found", "penalty $", *CHECKS, "s", "load"]
    lines = [" | ".join(head), " | ".join("---" for _ in head)]
    for r in rows:
        i = r["n"]
        lang, size, presenter, theme = r["spec"]
        s = r.get("state", {})
        cells = [str(i), lang, size, "on" if presenter else "off", theme]
        if "error" in r:
            cells += ["–", "–", "–", *["error"] * len(CHECKS)]
        else:
            cells += [str(s.get("height")), str(s.get("blocks_found")), f"{s.get('sla_penalty_usd') or 0:.2f}"]
            cells += ["ok" if not r["problems"][c] else f"FAIL {len(r['problems'][c])}" for c in CHECKS]
        cells += [f"{r['seconds']:.0f}", f"{r['load']:.2f}"]
        lines.append(" | ".join(cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--after", type=float, default=70.0, help="seconds each lab runs (default 70)")
    p.add_argument("--jobs", type=int, default=2, choices=(1, 2), help="snapshots at a time (default 2)")
    p.add_argument("--out", type=Path, default=None, help="keep the PNGs and facts here (default: a temporary folder)")
    p.add_argument("--runs", default=None, help="comma-separated run numbers (1-8) to do, default all")
    p.add_argument("--lab-hashrate", type=float, default=None, help="passed to snapshot (skips the kernel timing)")
    args = p.parse_args(argv)
    picked = list(range(1, len(RUNS) + 1))
    if args.runs:
        try:
            picked = [int(n) for n in args.runs.split(",")]
        except ValueError:
            p.error("--runs takes numbers like 1,3,5")
        if not all(1 <= n <= len(RUNS) for n in picked):
            p.error(f"--runs are between 1 and {len(RUNS)}")
    with tempfile.TemporaryDirectory(prefix="m2c-check-facts-") as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        print(f"load average before: {os.getloadavg()}", flush=True)
        with ThreadPoolExecutor(args.jobs) as pool:
            rows = list(pool.map(lambda n: run(n, RUNS[n - 1], args, out), picked))
    print(table(rows))
    print(f"load average after: {os.getloadavg()}")
    failed = False
    for i, r in zip(picked, rows):
        if "error" in r:
            failed = True
            print(f"run {i}: snapshot failed: {r['error']}")
            continue
        for name, problems in r["problems"].items():
            failed |= bool(problems)
            for problem in problems[:8]:
                print(f"run {i} {name}: {problem}")
            if len(problems) > 8:
                print(f"run {i} {name}: ... {len(problems) - 8} more")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
