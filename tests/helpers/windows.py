"""Main windows for the GUI tests that need more than one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from gui.qt import QSettings
from gui.window.controller import LabController
from gui.window.main_window import MainWindow
from tests.helpers import ROOT


def attached_window(folder: Path, node) -> tuple[LabController, MainWindow]:
    """A shown main window whose node settings attach it to `node` (a NodeProcess), in `folder`."""
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    for key, value in {
        "node/mode": "attach",
        "node/url": node.url,
        "node/cookie": str(node.cookie_file),
        "ui/throttle": 1,
    }.items():
        settings.setValue(key, value)
    controller = LabController(datadir=folder / "data", settings=settings)
    window = MainWindow(controller)
    window.show()
    return controller, window


def window_with_settings(tmp_path: Path, **settings_values) -> tuple[LabController, MainWindow]:
    """A shown main window (not started) with these settings and a 2 MH/s lab chain, in `tmp_path`."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    for key, value in settings_values.items():
        settings.setValue(key, value)
    controller = LabController(datadir=tmp_path / "data", settings=settings, lab_hashrate_hs=2e6)
    window = MainWindow(controller)
    window.show()
    return controller, window


def snapshot_cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    """`mine2compute snapshot ARGS` as a user runs it: a child process, its output captured."""
    return subprocess.run(
        [sys.executable, "-c", "import sys; from gui.cli import main; sys.exit(main(sys.argv[1:]))", "snapshot", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
