"""`mine2compute` with no subcommand: the lab window (or `--self-test`, headless)."""

from __future__ import annotations

import argparse
import ctypes
import importlib.util
import os
import signal
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

QT_LIBS_HINT = (
    "Qt could not load its system libraries ({error}).\n"
    "On Debian/Ubuntu: sudo apt-get install libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3"
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mine2compute", description="Mine-to-Compute Lab: the window.")
    p.add_argument("--datadir", type=Path, default=None, help="where the node keeps its chains")
    p.add_argument(
        "--chain",
        choices=["lab", "regtest"],
        default=None,
        help="embedded node's chain for this run (default: from the settings, lab)",
    )
    p.add_argument(
        "--lang",
        choices=["en", "fr"],
        default=None,
        help="language of the window (remembered; default: the last one chosen, else the system's)",
    )
    p.add_argument(
        "--self-test",
        action="store_true",
        help="headless check: start the node and the miner offscreen, mine a block, exit 0",
    )
    p.add_argument("--timeout", type=float, default=300, help="self-test time limit in seconds")
    p.add_argument(
        "--screenshot",
        type=Path,
        default=None,
        help="save a PNG of the window after --screenshot-after seconds, then quit",
    )
    p.add_argument("--screenshot-after", type=float, default=20)
    return p


def _display_problem() -> str | None:
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        return (
            "No display found. Run the lab on a desktop session, or headless with "
            "QT_QPA_PLATFORM=offscreen (e.g. for `mine2compute --self-test`)."
        )
    return None


# What Qt's xcb platform plugin (libqxcb.so, libQt6XcbQpa.so) links beyond Qt itself, and the
# packages that ship it: (soname, Debian/Ubuntu package, Fedora package).
XCB_LIBRARIES = (
    ("libxcb.so.1", "libxcb1", "libxcb"),
    ("libX11.so.6", "libx11-6", "libX11"),
    ("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb"),
    ("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11"),
    ("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),  # needed since Qt 6.5
    ("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
    ("libxcb-image.so.0", "libxcb-image0", "xcb-util-image"),
    ("libxcb-render-util.so.0", "libxcb-render-util0", "xcb-util-renderutil"),
    ("libxcb-util.so.1", "libxcb-util1", "xcb-util"),
    ("libxcb-randr.so.0", "libxcb-randr0", "libxcb"),
    ("libxcb-render.so.0", "libxcb-render0", "libxcb"),
    ("libxcb-shape.so.0", "libxcb-shape0", "libxcb"),
    ("libxcb-shm.so.0", "libxcb-shm0", "libxcb"),
    ("libxcb-sync.so.1", "libxcb-sync1", "libxcb"),
    ("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb"),
    ("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb"),
)


def _platform_would_be_xcb() -> bool:
    """Whether Qt would pick its X11 (xcb) platform plugin in this environment."""
    if not sys.platform.startswith("linux"):
        return False
    requested = os.environ.get("QT_QPA_PLATFORM", "")
    if requested:  # e.g. "xcb", "wayland;xcb", "offscreen"
        return requested.split(";")[0].split(":")[0].strip() == "xcb"
    return bool(os.environ.get("DISPLAY")) and not os.environ.get("WAYLAND_DISPLAY")


def _bundled_library_dirs() -> list[Path]:
    """Folders that ship libraries with the app: PySide6's Qt/lib, the frozen app's folder."""
    dirs = []
    spec = importlib.util.find_spec("PySide6")
    for location in (spec.submodule_search_locations or []) if spec else []:
        dirs.append(Path(location) / "Qt" / "lib")
    if getattr(sys, "_MEIPASS", None):
        dirs += [Path(sys._MEIPASS), Path(sys._MEIPASS) / "PySide6" / "Qt" / "lib"]
    return dirs


def _library_loads(soname: str) -> bool:
    """Whether the dynamic loader finds `soname` as Qt's plugin would (system paths,
    LD_LIBRARY_PATH), or the app ships it itself."""
    try:
        ctypes.CDLL(soname)
        return True
    except OSError:
        return any((d / soname).exists() for d in _bundled_library_dirs())


def _xcb_problem() -> str | None:
    """Qt's xcb plugin aborts the process ("Could not load the Qt platform plugin xcb") when a
    library it links is missing: find that out first and say which packages to install."""
    if not _platform_would_be_xcb():
        return None
    missing = [entry for entry in XCB_LIBRARIES if not _library_loads(entry[0])]
    if not missing:
        return None
    debian = " ".join(dict.fromkeys(deb for _, deb, _ in missing))
    fedora = " ".join(dict.fromkeys(rpm for _, _, rpm in missing))
    return (
        "The lab window needs X11 libraries that are not installed: " + ", ".join(so for so, _, _ in missing) + ".\n"
        'Without them Qt stops with "Could not load the Qt platform plugin xcb". Install them:\n'
        f"  Debian/Ubuntu: sudo apt-get install {debian}\n"
        f"  Fedora:        sudo dnf install {fedora}\n"
        "(`mine2compute --self-test` and the `node`, `mine`, `bench` commands need no display.)"
    )


QUIT_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name))


def quit_on_signals(on_signal):
    """Call `on_signal(name)` on the GUI thread when SIGTERM, SIGINT or SIGHUP arrives; returns
    a function that puts the previous handlers back.

    Python runs its signal handlers only when the interpreter gets control, and the GUI thread
    sits in Qt's C++ event loop; so the C-level handler writes the signal number to a socket
    (signal.set_wakeup_fd) whose QSocketNotifier wakes the loop. Works on Windows too (a socket).
    """
    from gui.qt import QSocketNotifier

    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # signal handlers can only be set from the main thread
    receiver, sender = socket.socketpair()
    receiver.setblocking(False)
    sender.setblocking(False)
    previous_fd = signal.set_wakeup_fd(sender.fileno(), warn_on_full_buffer=False)
    # The Python-level handler has nothing to do: the byte on the socket carries the signal.
    previous = {sig: signal.signal(sig, lambda *_: None) for sig in QUIT_SIGNALS}
    notifier = QSocketNotifier(receiver.fileno(), QSocketNotifier.Type.Read)

    def readable() -> None:
        try:
            data = receiver.recv(64)
        except OSError:
            return
        for number in data:
            if number in QUIT_SIGNALS:
                on_signal(signal.Signals(number).name)
                return

    notifier.activated.connect(readable)

    def restore() -> None:
        notifier.setEnabled(False)
        signal.set_wakeup_fd(previous_fd)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        receiver.close()
        sender.close()

    return restore


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    problem = _display_problem() or _xcb_problem()
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
    from gui.window.controller import LabController
    from gui.window.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Mine-to-Compute Lab")
    app.setOrganizationName("mine2compute")
    from gui.qt import QIcon

    # the app icon (packaging/make_icon.py): title bars and task bars; installers use the .ico/.icns
    app.setWindowIcon(QIcon(str(Path(__file__).resolve().parent.parent / "assets" / "icons" / "mine2compute.png")))
    if args.self_test:
        return self_test(args)
    settings = QSettings("mine2compute", "Mine-to-Compute Lab")
    if args.chain:
        settings.setValue("node/chain", args.chain)
    if args.lang:
        settings.setValue("ui/language", args.lang)
    from gui import i18n

    i18n.install(i18n.chosen_language(settings))
    controller = LabController(datadir=args.datadir, settings=settings)
    window = MainWindow(controller)

    def on_signal(name: str) -> None:
        """As if the user closed the window: miner and AI stopped, node stopped and flushed.
        exit() also ends a modal dialog's loop that may be open."""
        try:
            print(f"mine2compute: {name} received, shutting down", file=sys.stderr, flush=True)
        except (OSError, ValueError):  # SIGHUP: the terminal may be gone already
            pass
        window.close()
        app.exit(0)

    restore_signals = quit_on_signals(on_signal)
    window.show()
    controller.start()
    if args.screenshot:
        from gui.qt import QTimer

        def shoot():
            window.grab().save(str(args.screenshot))
            window.close()

        QTimer.singleShot(int(args.screenshot_after * 1000), shoot)
    try:
        code = app.exec()
    finally:
        restore_signals()
    if window.restart_requested:  # a new language: the lab opens again in it
        from gui.qt import QProcess

        frozen = getattr(sys, "frozen", False)
        QProcess.startDetached(sys.executable, sys.argv[1:] if frozen else sys.argv)
    return code


def self_test(args) -> int:
    """Start the node and the miner offscreen, wait for a block this miner found, exit 0."""
    from gui.qt import QApplication, QSettings, QTimer
    from gui.window.controller import LabController
    from gui.window.main_window import MainWindow

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
            outcome.update(code=0, message=f"block {result.height} mined and accepted in {time.monotonic() - t0:.1f} s")
            app.quit()

    def on_failed(message):
        outcome.update(code=1, message=f"node failed: {message}")
        app.quit()

    def on_signal(name: str) -> None:
        if outcome["code"] != 0:
            outcome.update(code=1, message=f"stopped by {name} before a block was mined")
        app.quit()

    controller.block_result.connect(on_result)
    controller.node_failed.connect(on_failed)
    restore_signals = quit_on_signals(on_signal)
    controller.compile_progress.connect(lambda m, p: print(f"self-test: {m}", flush=True))

    def on_stats(stats) -> None:  # once: when the first hashes came (benchmarks/bench_first_launch.py)
        if stats.first_hash_s is not None and not outcome.get("hashing"):
            outcome["hashing"] = True
            print(f"self-test: first hashes {stats.elapsed_s - stats.first_hash_s:.2f} s ago", flush=True)

    controller.miner_stats.connect(on_stats)
    QTimer.singleShot(int(args.timeout * 1000), app.quit)
    controller.start()
    app.exec()
    window.close()
    restore_signals()
    tmp.cleanup()
    print(f"self-test: {'ok' if outcome['code'] == 0 else 'FAILED'}: {outcome['message']}", flush=True)
    return outcome["code"]


if __name__ == "__main__":
    sys.exit(main())
