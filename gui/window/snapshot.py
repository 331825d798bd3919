"""`mine2compute snapshot`: run the lab offscreen (its own node and miner, on a fresh lesson chain
in a temporary folder) for a while and save the window as a PNG, for slides, the README's
screenshots and tests; with `--facts OUT.json`, what the window shows as data beside it
(gui/window/facts.py: every widget's accessible name, role, text and place, the pages that scroll
sideways, the charts' axes as drawn, the lab state's figures)."""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

from gui.window.tabs import TABS


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mine2compute snapshot", description="Run the lab offscreen on a fresh lesson chain and save the window."
    )
    p.add_argument("out", metavar="OUT.png", help="the PNG to write")
    p.add_argument("--lang", choices=("en", "fr"), default="en", help="language of the window (default en)")
    p.add_argument(
        "--tab", choices=[entry.name for entry in TABS], default="chain", help="the tab shown (default chain)"
    )
    p.add_argument("--size", default="1366x768", help="window size WIDTHxHEIGHT (default 1366x768)")
    p.add_argument(
        "--after",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="seconds the lab runs before the picture (default 60)",
    )
    p.add_argument("--presenter", action="store_true", help="presenter mode (large fonts)")
    p.add_argument(
        "--ai-cores",
        type=int,
        default=0,
        metavar="N",
        help="cores moved to AI half-way through, as a teacher would (default 0)",
    )
    p.add_argument(
        "--ai-back-after",
        type=float,
        default=None,
        metavar="SECONDS",
        help="take the AI cores back to mining this many seconds after the start (with --ai-cores; "
        "after the half-way move, before --after)",
    )
    p.add_argument("--theme", choices=("dark", "light"), default="dark", help="colour theme (default dark)")
    p.add_argument(
        "--facts",
        metavar="OUT.json",
        default=None,
        help="also write what the window shows as JSON: widgets, pages, charts, state (docs/window.md)",
    )
    p.add_argument(
        "--lab-hashrate",
        type=float,
        default=None,
        metavar="H/S",
        help="size the chain with this hashrate instead of timing the kernels (faster; tests)",
    )
    return p


def parse_size(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{3,5})x(\d{3,5})", text.strip())
    if not m:
        raise ValueError(f"--size must look like 1366x768, got {text!r}")
    w, h = int(m.group(1)), int(m.group(2))
    if not (640 <= w <= 7680 and 480 <= h <= 4320):
        raise ValueError(f"--size must be between 640x480 and 7680x4320, got {text}")
    return w, h


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        width, height = parse_size(args.size)
        if not 0 <= args.after <= 24 * 3600:
            raise ValueError(f"--after must be between 0 and 86400 seconds, got {args.after:g}")
        if args.ai_cores < 0:
            raise ValueError("--ai-cores must be 0 or more")
        out = Path(args.out)
        if out.suffix.lower() != ".png":
            raise ValueError(f"OUT must end in .png, got {out.name}")
        if not out.resolve().parent.is_dir():
            raise ValueError(f"no such folder: {out.resolve().parent}")
        if args.ai_back_after is not None:
            if not args.ai_cores:
                raise ValueError("--ai-back-after needs --ai-cores (there are no AI cores to take back)")
            if not args.after / 2 < args.ai_back_after <= args.after:
                raise ValueError(
                    f"--ai-back-after must be after the cores move (half of --after, {args.after / 2:g} s) "
                    f"and at most --after ({args.after:g} s), got {args.ai_back_after:g}"
                )
        if args.facts is not None:
            facts = Path(args.facts)
            if facts.suffix.lower() != ".json":
                raise ValueError(f"--facts must end in .json, got {facts.name}")
            if not facts.resolve().parent.is_dir():
                raise ValueError(f"no such folder: {facts.resolve().parent}")
    except ValueError as exc:
        print(f"mine2compute snapshot: {exc}", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="m2c-snapshot-") as tmp:
        return _run(args, out, width, height, Path(tmp))


def _run(args, out: Path, width: int, height: int, tmp: Path) -> int:
    from gui import i18n
    from gui.qt import QApplication, QSettings, QTimer
    from gui.window.controller import LabController
    from gui.window.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    i18n.install(args.lang)
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("lesson/datadir", str(tmp / "lesson"))
    settings.setValue("ui/presenter", args.presenter)
    settings.setValue("ui/theme", args.theme)
    controller = LabController(datadir=tmp / "data", settings=settings, lab_hashrate_hs=args.lab_hashrate)
    window = MainWindow(controller)
    window.tabs.setCurrentIndex([entry.name for entry in TABS].index(args.tab))
    window.show()
    window.setMaximumSize(16_777_215, 16_777_215)  # offscreen's screen is small: the size asked wins
    window.resize(width, height)
    outcome = {"code": 1}

    def move_to_ai() -> None:
        if args.ai_cores:
            window.capacity_slider.setValue(min(args.ai_cores, controller.total_cores - 1))

    def take_back() -> None:
        window.capacity_slider.setValue(0)

    def shoot() -> None:
        from gui.window import facts

        if app.focusWidget() is not None:  # a picture for slides: no keyboard focus ring on a button
            app.focusWidget().clearFocus()
        app.processEvents()
        with facts.frozen(window):  # the picture and the facts speak for one moment of the lab
            saved = window.grab().save(str(out), "PNG")
            facts_error = None
            if saved and args.facts is not None:
                try:
                    facts.write(window, Path(args.facts))
                except OSError as exc:
                    facts_error = exc.strerror
        if saved:
            outcome["code"] = 0
            if facts_error is not None:
                print(f"mine2compute snapshot: could not write {args.facts}: {facts_error}", file=sys.stderr)
                outcome["code"] = 1
            print(
                f"saved {out} ({width}x{height}, {args.lang}, {args.theme}, tab {args.tab}, after {args.after:g} s, "
                f"height {window.info.get('blocks', 0)})" + (f" and {args.facts}" if args.facts else "")
            )
        else:
            print(f"mine2compute snapshot: could not write {out}", file=sys.stderr)
        window.close()

    controller.start()
    QTimer.singleShot(int(args.after * 500), move_to_ai)
    if args.ai_back_after is not None:
        QTimer.singleShot(int(args.ai_back_after * 1000), take_back)
    QTimer.singleShot(int(args.after * 1000), shoot)
    app.exec()
    return outcome["code"]
