"""Launching the node the way one launches bitcoind: a QProcess with a data dir, a cookie and
RPC on 127.0.0.1. The embedded node (`mine2compute node`) or `bitcoind -regtest` from PATH."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from gui.i18n import tr
from gui.qt import QObject, QProcess, QTimer, Signal

READY_LINE = re.compile(r"RPC listening on [^ ]+:(\d+)")
MAX_LOG_LINES = 500


def node_command() -> list[str]:
    """How to start our node: the frozen app runs itself, a source tree runs `python -m regtest`."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "node"]
    return [sys.executable, "-m", "regtest"]


class NodeProcess(QObject):
    """Owns one node process. Signals run on the GUI thread (QProcess lives there)."""

    ready = Signal(str, str)  # RPC URL, cookie file
    failed = Signal(str)  # start-up error or crash, in words a user can act on
    log_line = Signal(str)
    stops_on_stdin_eof = True  # started with --exit-with-parent

    def __init__(
        self, datadir: Path, chain: str = "lab", rpcport: int = 0, extra_args: tuple[str, ...] = (), parent=None
    ):
        super().__init__(parent)
        self.datadir = Path(datadir)
        self.chain = chain
        self.rpcport = rpcport
        self.extra_args = tuple(extra_args)
        self.log: list[str] = []
        self.url: str | None = None
        self._stopping = False
        self._buffer = b""
        self.proc = QProcess(self)
        self.proc.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        self.proc.readyReadStandardOutput.connect(self._read)
        self.proc.finished.connect(self._finished)
        self.proc.errorOccurred.connect(self._error)

    @property
    def cookie_file(self) -> Path:
        return self.datadir / self.chain / ".cookie"

    def start(self) -> None:
        self._stopping = False
        self.url = None
        # --exit-with-parent: the node stops by itself when this app dies, however it dies,
        # because the stdin pipe QProcess keeps open (ReadWrite) then closes.
        cmd = node_command() + [
            "--chain",
            self.chain,
            "--datadir",
            str(self.datadir),
            "--rpcport",
            str(self.rpcport),
            "--exit-with-parent",
            *self.extra_args,
        ]
        self.proc.start(cmd[0], cmd[1:])

    def running(self) -> bool:
        return self.proc.state() != QProcess.ProcessState.NotRunning

    def stop(self, timeout_ms: int = 15000) -> None:
        """Wait for a node told to `stop`; else close its stdin (our node then flushes its
        database and removes its cookie, on every OS), then SIGTERM, and kill it as a last resort."""
        self._stopping = True
        if self.running() and not self.proc.waitForFinished(2000):
            if self.stops_on_stdin_eof:
                self.proc.closeWriteChannel()
                if self.proc.waitForFinished(5000):
                    return
            self.proc.terminate()
            if not self.proc.waitForFinished(timeout_ms):
                self.proc.kill()
                self.proc.waitForFinished(3000)

    def _read(self) -> None:
        self._buffer += bytes(self.proc.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        for raw in lines:
            line = raw.decode("utf-8", "replace").rstrip()
            self.log.append(line)
            del self.log[:-MAX_LOG_LINES]
            self.log_line.emit(line)
            m = READY_LINE.search(line)
            if m and self.url is None:
                self.url = f"http://127.0.0.1:{m.group(1)}"
                self.ready.emit(self.url, str(self.cookie_file))

    def _finished(self, code: int, status) -> None:
        if self._stopping:
            return
        errors = [line for line in self.log if line.startswith("Error:")]
        if errors:
            self.failed.emit(errors[-1][len("Error:") :].strip())
        else:
            self.failed.emit(unexpected_stop_text(code, status == QProcess.ExitStatus.CrashExit))

    def _error(self, error) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self.failed.emit(tr("Could not start the node ({error}).").format(error=self.proc.errorString()))


def unexpected_stop_text(code: int, crashed: bool) -> str:
    """What the banner says when the node stops without being asked: a sentence, not a code."""
    if crashed:
        return tr(
            "The node stopped unexpectedly: something outside this window ended it (the system or another "
            "program). Its chain is safe on disk; restart it to carry on."
        )
    return tr(
        "The node stopped unexpectedly and reported error {code}. Its chain is safe on disk; restart it to carry on."
    ).format(code=code)


class BitcoindProcess(NodeProcess):
    """Bitcoin Core's `bitcoind -regtest` from PATH, with its own data dir and cookie."""

    stops_on_stdin_eof = False

    def __init__(self, datadir: Path, rpcport: int = 0, parent=None):
        super().__init__(datadir, "regtest", rpcport, parent=parent)
        self._cookie_timer = QTimer(self, interval=200, timeout=self._check_cookie)

    def start(self) -> None:
        self._stopping = False
        exe = shutil.which("bitcoind")
        if exe is None:
            self.failed.emit(tr("bitcoind is not on PATH. Install Bitcoin Core, or use the embedded node."))
            return
        self.datadir.mkdir(parents=True, exist_ok=True)
        port = self.rpcport or 18443
        self.url = f"http://127.0.0.1:{port}"
        try:
            self.cookie_file.unlink()  # a stale cookie from a crash must not look like "ready"
        except FileNotFoundError:
            pass
        # -listen=0: a classroom lab chain needs no peers from the network.
        self.proc.start(
            exe,
            ["-regtest", f"-datadir={self.datadir}", f"-rpcport={port}", "-printtoconsole", "-server=1", "-listen=0"],
        )
        self._cookie_timer.start()

    def _check_cookie(self) -> None:
        """bitcoind writes its cookie once RPC is up: that is when it is ready."""
        if self.cookie_file.exists():
            self._cookie_timer.stop()
            self.ready.emit(self.url, str(self.cookie_file))
        elif not self.running():
            self._cookie_timer.stop()

    @property
    def cookie_file(self) -> Path:
        return self.datadir / "regtest" / ".cookie"
