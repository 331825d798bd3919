"""The window as a real process: SIGTERM, SIGINT and SIGHUP close it as cleanly as the close
button, and its node never outlives it, even when the app is killed with SIGKILL (issue 9)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.helpers.waiting import wait_until

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the node's process in /proc")


def _state(pid: int) -> str | None:
    """The process's state letter from /proc, or None once it is gone (reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def alive(pid: int) -> bool:
    return _state(pid) not in (None, "Z", "X")


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def child_node_pid(app_pid: int, datadir: Path) -> int | None:
    """The node the app started: its child whose command line names our data directory."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if str(datadir).encode() in cmdline and _parent(int(entry.name)) == app_pid:
            return int(entry.name)
    return None


@contextlib.contextmanager
def running_app(tmp_path: Path):
    """`mine2compute --chain regtest` offscreen with its own data dir and settings; yields
    (app process, node pid, cookie file, log file) once the node answers RPC."""
    datadir = tmp_path / "data"
    config = tmp_path / "config"
    (config / "mine2compute").mkdir(parents=True)
    # One mining core, so the test leaves the other to the rest of the machine.
    (config / "mine2compute" / "Mine-to-Compute Lab.conf").write_text("[ui]\nthrottle=1\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(config), HOME=str(tmp_path / "home"))
    log_file = tmp_path / "app.log"
    cookie = datadir / "regtest" / ".cookie"
    node_pid = None
    with open(log_file, "w") as log:
        app = subprocess.Popen(
            [sys.executable, "-m", "gui.cli", "--chain", "regtest", "--datadir", str(datadir)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        assert wait_until(lambda: cookie.exists() or app.poll() is not None, 60), log_file.read_text()
        node_pid = child_node_pid(app.pid, datadir)
        assert app.poll() is None and node_pid is not None, log_file.read_text()
        yield app, node_pid, cookie, log_file
    finally:
        if app.poll() is None:
            app.kill()
        app.wait(10)
        if node_pid is not None and alive(node_pid):  # never leave an orphan behind
            os.kill(node_pid, signal.SIGKILL)


@pytest.mark.node
@pytest.mark.parametrize("signame", ["SIGTERM", "SIGINT", "SIGHUP"])
def test_signal_closes_the_app_and_its_node_cleanly(tmp_path, signame):
    with running_app(tmp_path) as (app, node_pid, cookie, log_file):
        t0 = time.monotonic()
        app.send_signal(getattr(signal, signame))
        try:
            code = app.wait(15)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the app ignored {signame}:\n{log_file.read_text()}")
        elapsed_s = time.monotonic() - t0
        output = log_file.read_text()
        assert code == 0, output
        assert f"{signame} received" in output
        assert wait_until(lambda: not alive(node_pid), 5), f"node {node_pid} outlived the app"
        assert not cookie.exists(), "the node did not shut down cleanly (cookie left behind)"
        assert "Traceback" not in output, output
    print(f"{signame}: app and node gone in {elapsed_s:.1f} s")


@pytest.mark.node
def test_node_exits_by_itself_when_the_app_is_killed(tmp_path):
    with running_app(tmp_path) as (app, node_pid, cookie, log_file):
        app.kill()  # SIGKILL: no code of the app runs
        app.wait(10)
        t0 = time.monotonic()
        assert wait_until(lambda: not alive(node_pid), 10), (
            f"node {node_pid} orphaned after the app was killed:\n{log_file.read_text()}"
        )
        print(f"orphaned node exited {time.monotonic() - t0:.1f} s after the app was killed")
        assert not cookie.exists(), "the node did not shut down cleanly (cookie left behind)"


def test_signal_ends_a_self_test_cleanly(tmp_path, node_factory):
    """`--self-test` too: a signal before the first block ends it with the reason and no node left.
    The lab chain is made too hard to mine (and needs no calibration) so the signal comes first."""
    datadir = tmp_path / "data"
    node_factory("lab", datadir=datadir, extra_args=("--lab-hashrate", "1e18")).start().stop()
    env = dict(
        os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"), HOME=str(tmp_path / "home")
    )
    cookie = datadir / "lab" / ".cookie"
    app = subprocess.Popen(
        [sys.executable, "-m", "gui.cli", "--self-test", "--datadir", str(datadir), "--timeout", "120"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    node_pid = None
    try:
        assert wait_until(lambda: cookie.exists() or app.poll() is not None, 60)
        node_pid = child_node_pid(app.pid, datadir)
        assert app.poll() is None and node_pid is not None
        app.send_signal(signal.SIGTERM)
        output, _ = app.communicate(timeout=15)
        assert app.returncode == 1, output
        assert "self-test: FAILED: stopped by SIGTERM before a block was mined" in output
        assert wait_until(lambda: not alive(node_pid), 5) and not cookie.exists()
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate(timeout=10)
        if node_pid is not None and alive(node_pid):
            os.kill(node_pid, signal.SIGKILL)
