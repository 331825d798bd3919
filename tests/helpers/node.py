"""A node as a child process (`python -m regtest`), started the way the GUI launches it."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

from tests.helpers import ROOT

# Whether the running test carries the `node` marker (tests/conftest.py sets it before each test's
# set-up); outside pytest, starting nodes is always allowed.
node_processes_allowed = True


def require_node_marker(what: str) -> None:
    """Fail the running test if it starts a node process without the `node` marker, which keeps
    the quick tier (-m "not node and not gui and not slow") free of node processes."""
    if not node_processes_allowed:
        raise RuntimeError(
            f"this test starts a node process ({what}) but is not marked "
            "@pytest.mark.node (or use the node_factory fixture, which marks it)"
        )


def starts_node_process(fixture_function):
    """Under @pytest.fixture: the fixture starts a node process, so tests/conftest.py marks every
    test using it `node`."""
    fixture_function.starts_node_process = True
    return fixture_function


def launches_a_node(argv: list[str]) -> bool:
    """Whether a command line starts a node: `python -m regtest ...`, or the app's `node`
    subcommand or self-test (`python -m gui.cli node ...`, `... --self-test`)."""
    for i in range(len(argv) - 1):
        if argv[i] == "-m" and argv[i + 1] == "regtest":
            return True
        if argv[i] == "-m" and argv[i + 1] == "gui.cli" and ({"node", "--self-test"} & set(argv[i + 2 :])):
            return True
    return False


class NodeProcess:
    """A node subprocess; `rpc(method, *params)` calls it with python-bitcoinlib's client."""

    def __init__(self, datadir: Path, chain: str = "regtest", rpcport: int = 0, extra_args: tuple[str, ...] = ()):
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

    def start(self, timeout_s: float = 60) -> NodeProcess:
        cmd = [
            sys.executable,
            "-m",
            "regtest",
            "--chain",
            self.chain,
            "--datadir",
            str(self.datadir),
            "--rpcport",
            str(self.requested_port),
            *self.extra_args,
        ]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
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
