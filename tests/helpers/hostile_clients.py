"""Hostile RPC clients for tests/test_hostile.py and benchmarks/bench_hostile.py: slow trickling
connections, request floods, password guessers, and the measurements (latency, peak RSS).
Loopback only; every loop is bounded in count and time."""

from __future__ import annotations

import base64
import http.client
import json
import resource
import socket
import threading
import time


def basic(auth: str) -> str:
    return "Basic " + base64.b64encode(auth.encode()).decode()


def raw_post(
    port: int, body: bytes | str, auth: str | None, timeout_s: float = 30, source: str | None = None
) -> tuple[int, bytes]:
    """One POST on a fresh connection; `source` picks the loopback address it comes from
    (127.0.0.2 is another laptop as far as the node's per-address budget is concerned)."""
    conn = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=timeout_s, source_address=(source, 0) if source else None
    )
    headers = {"Content-Type": "application/json"}
    if auth is not None:
        headers["Authorization"] = basic(auth)
    try:
        conn.request("POST", "/", body=body.encode() if isinstance(body, str) else body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def rpc(
    port: int, auth: str, method: str, params=None, timeout_s: float = 30, source: str | None = None
) -> tuple[int, dict | None]:
    body = json.dumps({"method": method, "params": params or [], "id": 1})
    status, data = raw_post(port, body, auth, timeout_s, source)
    try:
        return status, json.loads(data)
    except ValueError:
        return status, None


def raise_fd_limit(want: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the process's peak resident set size so far."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


class SlowConnections:
    """`count` connections that send a request's first bytes, then one byte every `every_s`
    (a slowloris); the server may close them, which is counted."""

    def __init__(self, port: int, count: int, every_s: float = 1.0):
        self.port, self.count, self.every_s = port, count, every_s
        self.socks: list[socket.socket] = []
        self.closed_by_server = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)

    def __enter__(self) -> SlowConnections:
        for _ in range(self.count):
            try:
                s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            except OSError:
                continue
            s.setblocking(False)
            try:
                s.send(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            except OSError:
                pass
            self.socks.append(s)
        self._thread.start()
        return self

    def _trickle(self) -> None:
        while not self._stop.wait(self.every_s):
            for s in list(self.socks):
                try:
                    s.send(b"a")
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:
                    self.closed_by_server += 1
                    self.socks.remove(s)
                    s.close()

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(10)
        for s in self.socks:
            s.close()


class Flood:
    """`threads` clients sending `body` as fast as the node answers (each on a fresh connection),
    until stopped or `max_s` passes; statuses are counted."""

    def __init__(
        self,
        port: int,
        body: bytes | str,
        auth: str | None,
        threads: int = 4,
        max_s: float = 30,
        source: str | None = None,
    ):
        self.port, self.body, self.auth, self.max_s, self.source = port, body, auth, max_s, source
        self.statuses: dict[int, int] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def _run(self) -> None:
        deadline = time.monotonic() + self.max_s
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                status, _ = raw_post(self.port, self.body, self.auth, timeout_s=10, source=self.source)
            except OSError:
                status = 0
            with self._lock:
                self.statuses[status] = self.statuses.get(status, 0) + 1

    def __enter__(self) -> Flood:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(15)


def latencies_ms(port: int, auth: str, n: int, method: str = "getblockcount", pause_s: float = 0.01) -> list[float]:
    """`n` calls on one keep-alive connection, as the window's poller makes them."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = json.dumps({"method": method, "params": [], "id": 1}).encode()
    headers = {"Authorization": basic(auth), "Content-Type": "application/json"}
    out = []
    try:
        for _ in range(n):
            t0 = time.perf_counter()
            conn.request("POST", "/", body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                raise AssertionError(f"legitimate call answered {resp.status}")
            out.append((time.perf_counter() - t0) * 1000)
            time.sleep(pause_s)
    finally:
        conn.close()
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]
