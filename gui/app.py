"""`mine2compute` with no subcommand: the lab window (or `--self-test`, headless)."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

QT_LIBS_HINT = ("Qt could not load its system libraries ({error}).\n"
                "On Debian/Ubuntu: sudo apt-get install libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mine2compute", description="Mine-to-Compute Lab: the window.")
    p.add_argument("--datadir", type=Path, default=None, help="where the node keeps its chains")
    p.add_argument("--chain", choices=["lab", "regtest"], default=None,
                   help="embedded node's chain for this run (default: from the settings, lab)")
    p.add_argument("--self-test", action="store_true",
                   help="headless check: start the node and the miner offscreen, mine a block, exit 0")
    p.add_argument("--timeout", type=float, default=300, help="self-test time limit in seconds")
    p.add_argument("--screenshot", type=Path, default=None,
                   help="save a PNG of the window after --screenshot-after seconds, then quit")
    p.add_argument("--screenshot-after", type=float, default=20)
    return p


def _display_problem() -> str | None:
    if sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM") \
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        return ("No display found. Run the lab on a desktop session, or headless with "
                "QT_QPA_PLATFORM=offscreen (e.g. for `mine2compute --self-test`).")
    return None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    problem = _display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        from gui.qt import QApplication, QSettings
    except ImportError as exc:
        # A missing system library (libEGL, libxkbcommon, ...) surfaces here; anything else is a bug.
        if ".so" not in str(exc) and "DLL" not in str(exc) and "PySide6" not in str(exc):
            raise
        print(QT_LIBS_HINT.format(error=exc), file=sys.stderr)
        return 2
    from gui.controller import LabController
    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Mine-to-Compute Lab")
    app.setOrganizationName("mine2compute")
    if args.self_test:
        return self_test(args)
    settings = QSettings("mine2compute", "Mine-to-Compute Lab")
    if args.chain:
        settings.setValue("node/chain", args.chain)
    controller = LabController(datadir=args.datadir, settings=settings)
    window = MainWindow(controller)
    window.show()
    controller.start()
    if args.screenshot:
        from gui.qt import QTimer

        def shoot():
            window.grab().save(str(args.screenshot))
            window.close()
        QTimer.singleShot(int(args.screenshot_after * 1000), shoot)
    code = app.exec()
    return code


def self_test(args) -> int:
    """Start the node and the miner offscreen, wait for a block this miner found, exit 0."""
    from gui.controller import LabController
    from gui.main_window import MainWindow
    from gui.qt import QApplication, QSettings, QTimer

    app = QApplication.instance()
    tmp = tempfile.TemporaryDirectory(prefix="mine2compute-selftest-")
    settings = QSettings(str(Path(tmp.name) / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("node/chain", args.chain or "lab")
    controller = LabController(datadir=args.datadir or Path(tmp.name) / "data", settings=settings)
    window = MainWindow(controller)
    window.show()
    outcome = {"code": 1, "message": f"no block within {args.timeout:.0f} s"}
    t0 = time.monotonic()

    def on_result(result):
        if result.status == "accepted":
            outcome.update(code=0, message=f"block {result.height} mined and accepted in "
                                           f"{time.monotonic() - t0:.1f} s")
            app.quit()

    def on_failed(message):
        outcome.update(code=1, message=f"node failed: {message}")
        app.quit()

    controller.block_result.connect(on_result)
    controller.node_failed.connect(on_failed)
    controller.compile_progress.connect(lambda m, p: print(f"self-test: {m}", flush=True))
    QTimer.singleShot(int(args.timeout * 1000), app.quit)
    controller.start()
    app.exec()
    window.close()
    tmp.cleanup()
    print(f"self-test: {'ok' if outcome['code'] == 0 else 'FAILED'}: {outcome['message']}", flush=True)
    return outcome["code"]


if __name__ == "__main__":
    sys.exit(main())
