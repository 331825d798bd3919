"""`mine2compute` (the window's entry point) before and around Qt: the xcb library check and
the signal wake-up (issue 9)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

import gui.app as app_module
from tests.helpers import ROOT

MISSING = {"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"}


@pytest.fixture
def x11_session(monkeypatch):
    """A Linux X11 desktop as Qt would see it: DISPLAY set, no Wayland, no platform forced."""
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)


def test_missing_xcb_libraries_name_the_packages(x11_session, monkeypatch):
    monkeypatch.setattr(app_module, "_library_loads", lambda soname: soname not in MISSING)
    message = app_module._xcb_problem()
    assert message is not None
    for soname in MISSING:
        assert soname in message
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1\n" in message
    assert "sudo dnf install xcb-util-cursor xcb-util-wm xcb-util-keysyms\n" in message
    assert "libxcb-image0" not in message  # only what is missing


def test_nothing_to_say_when_every_library_is_present(x11_session, monkeypatch):
    asked = []
    monkeypatch.setattr(app_module, "_library_loads", lambda soname: asked.append(soname) or True)
    assert app_module._xcb_problem() is None
    assert set(asked) >= MISSING


@pytest.mark.parametrize(
    "env", [{"QT_QPA_PLATFORM": "offscreen"}, {"WAYLAND_DISPLAY": "wayland-0"}, {"QT_QPA_PLATFORM": "wayland;xcb"}]
)
def test_no_xcb_check_where_qt_will_not_use_xcb(x11_session, monkeypatch, env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(app_module, "_library_loads", lambda soname: False)
    assert app_module._xcb_problem() is None


def test_forced_xcb_is_checked_even_in_a_wayland_session(x11_session, monkeypatch):
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setattr(app_module, "_library_loads", lambda soname: soname not in MISSING)
    assert "libxcb-cursor0" in app_module._xcb_problem()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF shared libraries")
def test_library_lookup_uses_the_dynamic_loader():
    assert app_module._library_loads("libc.so.6")
    assert not app_module._library_loads("libmine2compute-not-a-library.so.9")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 applies to Linux")
def test_the_window_command_exits_2_with_the_packages_before_qt_starts(tmp_path):
    """End to end: with the lookup failing, `mine2compute` prints the packages and exits 2
    instead of Qt aborting with "Could not load the Qt platform plugin xcb"."""
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(DISPLAY=":99", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path))
    script = (
        "import sys, gui.app as a; "
        f"a._library_loads = lambda soname: soname not in {sorted(MISSING)!r}; "
        "sys.exit(a.main(['--datadir', sys.argv[1]]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "data")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" in result.stderr
    assert "Traceback" not in result.stderr and "qt.qpa" not in result.stderr  # Qt never ran
    assert not (tmp_path / "data").exists()  # stopped before starting anything


@pytest.mark.parametrize("signame", [n for n in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, n)])
def test_a_signal_wakes_the_qt_event_loop(qtbot, signame):
    """While the GUI thread sits in Qt's loop a signal still reaches the app promptly, and the
    previous handler is back afterwards."""
    before = signal.getsignal(getattr(signal, signame))
    received = []
    restore = app_module.quit_on_signals(received.append)
    try:
        os.kill(os.getpid(), getattr(signal, signame))
        qtbot.waitUntil(lambda: received == [signame], timeout=2000)
    finally:
        restore()
    assert signal.getsignal(getattr(signal, signame)) is before
