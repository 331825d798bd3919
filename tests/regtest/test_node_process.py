"""The node as a process: crash safety under SIGKILL, clean shutdown, and clear start-up errors."""

from __future__ import annotations

import contextlib
import io
import os
import random
import socket
import subprocess
import sys
import threading
import time

import pytest
from bitcoin.core import b2lx

from tests.helpers import ROOT
from tests.helpers.blockmaker import block_from_template

ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"


def run_node_cli(*args, timeout=60):
    return subprocess.run(
        [sys.executable, "-m", "gui.cli", "node", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def test_acknowledged_blocks_survive_sigkill(node_factory, tmp_path):
    """Kill -9 the node at random moments while blocks are submitted; every block that
    submitblock acknowledged is on the best chain after each restart."""
    rng = random.Random(1234)
    acked: list[tuple[int, str]] = []
    datadir = tmp_path / "crash"
    for _ in range(5):
        node = node_factory("regtest", datadir=datadir).start()
        proxy = node.proxy()
        height = proxy.getblockcount()
        if acked:
            last_height, _ = acked[-1]
            # Every acknowledged block is there; at most one more (stored, reply lost).
            assert last_height <= height <= last_height + 1
            for h, block_hash in acked:
                assert proxy.getblockhash(h) == block_hash
        killer = threading.Timer(rng.uniform(0.2, 0.8), node.kill)
        killer.start()
        try:
            while True:
                block = block_from_template(proxy.getblocktemplate({"rules": ["segwit"]}))
                if proxy.submitblock(block.serialize().hex()) is None:
                    acked.append((proxy.getblockcount(), b2lx(block.GetHash())))
        except Exception:  # the node died mid-call: connection reset, broken pipe, ...
            pass
        killer.join()
        assert node.proc.returncode == -9
    assert len(acked) >= 5
    final = node_factory("regtest", datadir=datadir).start()
    assert final.rpc("getblockcount") >= acked[-1][0]


def test_sigterm_shuts_down_cleanly_and_removes_the_cookie(node_factory):
    node = node_factory("regtest").start()
    node.rpc("generatetoaddress", 2, ADDRESS)
    deadline_s = time.monotonic() + 10  # the node's output reaches us through a reader thread
    while not any("UpdateTip: new best=" in line and "height=2" in line for line in node.log):
        assert time.monotonic() < deadline_s, node.log
        time.sleep(0.05)
    assert node.cookie_file.exists()
    assert node.stop() == 0
    assert not node.cookie_file.exists()
    assert any("shutdown: done" in line for line in node.log)


def test_stop_rpc_ends_the_process(node_factory):
    node = node_factory("regtest").start()
    assert "stopping" in node.rpc("stop")
    node.proc.wait(20)
    assert node.proc.returncode == 0


def test_restart_reopens_the_same_chain(node_factory, tmp_path):
    node = node_factory("regtest", datadir=tmp_path / "d").start()
    hashes = node.rpc("generatetoaddress", 4, ADDRESS)
    node.stop()
    again = node_factory("regtest", datadir=tmp_path / "d").start()
    assert again.rpc("getbestblockhash") == hashes[-1]


@pytest.mark.node
def test_rpc_port_in_use_is_a_clear_error(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = run_node_cli("--chain", "regtest", "--datadir", str(tmp_path), "--rpcport", str(port))
    assert result.returncode == 1
    assert "Unable to bind RPC" in result.stderr and "--rpcport" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_second_node_on_the_same_datadir_is_refused(node_factory, tmp_path):
    node_factory("regtest", datadir=tmp_path / "shared").start()
    result = run_node_cli("-regtest", "-datadir=" + str(tmp_path / "shared"), "--rpcport", "0")
    assert result.returncode == 1 and "Cannot obtain a lock" in result.stderr


@pytest.mark.node
def test_unwritable_datadir_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = run_node_cli("--chain", "regtest", "--datadir", str(blocker / "sub"), "--rpcport", "0")
    assert result.returncode == 1 and "not writable" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.node
def test_binding_beyond_loopback_requires_credentials(tmp_path):
    result = run_node_cli("--chain", "regtest", "--datadir", str(tmp_path), "--rpcbind", "0.0.0.0")
    assert result.returncode == 1 and "-rpcuser" in result.stderr


@pytest.mark.node
def test_lab_options_do_not_apply_to_regtest(tmp_path):
    result = run_node_cli("--chain", "regtest", "--datadir", str(tmp_path), "--halving-interval", "10")
    assert result.returncode == 1 and "lab" in result.stderr


def test_lab_chain_prints_its_parameters(node_factory):
    node = node_factory(
        "lab",
        extra_args=(
            "--lab-hashrate",
            "1000",
            "--halving-interval",
            "20",
            "--target-spacing",
            "3",
            "--retarget-interval",
            "10",
        ),
    ).start()
    info = node.rpc("getblockchaininfo")
    assert info["chain"] == "lab"
    c = info["consensus"]
    assert c["subsidy_halving_interval"] == 20 and c["pow_target_spacing"] == 3
    assert c["difficulty_adjustment_interval"] == 10 and c["pow_no_retargeting"] is False
    # 1000 H/s for 3 s: about 3000 hashes a block from block 1 on.
    tpl = node.rpc("getblocktemplate", {"rules": ["segwit"]})
    target = int(tpl["target"], 16)
    assert 2**256 / (target + 1) == pytest.approx(3000, rel=1e-3)


@pytest.mark.node
def test_help_lists_the_subcommand_options():
    result = run_node_cli("--help")
    assert result.returncode == 0
    for flag in ("--chain", "--datadir", "--rpcport", "--rpcbind", "--rpcuser", "--rpcpassword"):
        assert flag in result.stdout


@contextlib.contextmanager
def node_with_stdin_pipe(datadir, *extra):
    """A node whose stdin is a pipe this test holds, as the window's QProcess does."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "regtest", "--chain", "regtest", "--datadir", str(datadir), "--rpcport", "0", *extra],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    log: list[str] = []
    ready = threading.Event()

    def drain():
        for line in proc.stdout:
            log.append(line.rstrip("\n"))
            if "RPC listening on" in line:
                ready.set()
        ready.set()

    drainer = threading.Thread(target=drain, daemon=True)
    drainer.start()
    try:
        assert ready.wait(60) and proc.poll() is None, "\n".join(log)
        yield proc, log
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
        drainer.join(10)
        for stream in (proc.stdin, proc.stdout):
            stream.close()


@pytest.mark.node
def test_exit_with_parent_stops_cleanly_when_stdin_closes(tmp_path):
    cookie = tmp_path / "regtest" / ".cookie"
    with node_with_stdin_pipe(tmp_path, "--exit-with-parent") as (proc, log):
        assert cookie.exists()
        proc.stdin.close()  # what the OS does when the parent dies, even by kill -9
        assert proc.wait(10) == 0
    assert not cookie.exists()
    assert any("standard input closed" in line for line in log)
    assert any("shutdown: done" in line for line in log)


@pytest.mark.node
def test_without_the_flag_closing_stdin_does_not_stop_the_node(tmp_path):
    """A node started from a terminal (stdin closed by `< /dev/null`, nohup, ...) keeps running."""
    with node_with_stdin_pipe(tmp_path) as (proc, log):
        proc.stdin.close()
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(1.5)
        proc.terminate()
        assert proc.wait(20) == 0
    assert any("shutdown: done" in line for line in log)


def test_stdin_watcher_fires_on_eof_and_not_before(monkeypatch):
    from regtest.cli import watch_stdin_for_eof

    read_end, write_end = os.pipe()
    stdin = os.fdopen(read_end, "rb")
    monkeypatch.setattr(sys, "stdin", stdin)
    closed = threading.Event()
    thread = watch_stdin_for_eof(closed.set)
    try:
        os.write(write_end, b"data is not the end\n")
        assert not closed.wait(0.3)
    finally:
        os.close(write_end)
    assert closed.wait(5)
    thread.join(5)
    stdin.close()


def test_stdin_watcher_without_a_stdin_watches_nothing(monkeypatch):
    """A process with no standard input at all (a detached service) must not stop at once."""
    from regtest.cli import watch_stdin_for_eof

    monkeypatch.setattr(sys, "stdin", io.StringIO())  # no file descriptor behind it
    assert watch_stdin_for_eof(lambda: pytest.fail("no stdin is not an end of input")) is None


def test_sigterm_right_after_rpc_listening_is_still_a_clean_stop(node_factory):
    """The signal handlers are in place before the node announces itself."""
    for _ in range(3):
        node = node_factory("regtest").start()
        assert node.stop() == 0, node.log
        assert not node.cookie_file.exists()
