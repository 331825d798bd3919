"""Shared fixtures. Qt runs offscreen in every test (no display on CI).

`node_factory` starts real node processes (`python -m regtest`) the way the GUI launches them;
`regtest_node` is one such node on Bitcoin Core's regtest chain, stopped after the test.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent


class NodeProcess:
    """A node subprocess; `rpc(method, *params)` calls it with python-bitcoinlib's client."""

    def __init__(self, datadir: Path, chain: str = "regtest", rpcport: int = 0,
                 extra_args: tuple[str, ...] = ()):
        self.datadir = Path(datadir)
        self.chain = chain
        self.requested_port = rpcport
        self.extra_args = tuple(extra_args)
        self.proc: subprocess.Popen | None = None
        self.log: list[str] = []
        self.port: int | None = None
        self._proxy = None

    @property
    def cookie_file(self) -> Path:
        return self.datadir / self.chain / ".cookie"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 60) -> "NodeProcess":
        cmd = [sys.executable, "-m", "regtest", "--chain", self.chain, "--datadir",
               str(self.datadir), "--rpcport", str(self.requested_port), *self.extra_args]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        ready = threading.Event()

        def drain():
            for line in self.proc.stdout:
                self.log.append(line.rstrip("\n"))
                m = re.search(r"RPC listening on [^ ]+:(\d+)", line)
                if m:
                    self.port = int(m.group(1))
                    ready.set()
            ready.set()

        self._drain = threading.Thread(target=drain, daemon=True)
        self._drain.start()
        if not ready.wait(timeout_s) or self.port is None:
            self.kill()
            raise RuntimeError("node did not start:\n" + "\n".join(self.log))
        self._proxy = None
        return self

    def proxy(self):
        import bitcoin.rpc
        cookie = self.cookie_file.read_text()
        return bitcoin.rpc.RawProxy(service_url=f"http://{cookie}@127.0.0.1:{self.port}", timeout=120)

    def rpc(self, method: str, *params):
        if self._proxy is None:
            self._proxy = self.proxy()
        return self._proxy._call(method, *params)

    def stop(self, timeout_s: float = 30) -> int:
        if self.proc is None or self.proc.poll() is not None:
            self._close_output()
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        self._close_output()
        return code

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a power cut or a crash."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._close_output()

    def _close_output(self) -> None:
        if self.proc and self.proc.stdout and not self.proc.stdout.closed:
            self._drain.join(10)  # the process is gone, so its output ends
            self.proc.stdout.close()


@pytest.fixture
def node_factory(tmp_path):
    nodes: list[NodeProcess] = []

    def make(chain: str = "regtest", datadir: Path | None = None, **kwargs) -> NodeProcess:
        node = NodeProcess(datadir or tmp_path / f"node{len(nodes)}", chain=chain, **kwargs)
        nodes.append(node)
        return node

    yield make
    for node in nodes:
        try:
            node.stop(10)
        except Exception:
            node.kill()
        node.kill()


@pytest.fixture
def regtest_node(node_factory):
    """A started node on Bitcoin Core's regtest chain."""
    return node_factory("regtest").start()
