"""The node's HTTP server, as Bitcoin Core's httpserver.cpp and httprpc.cpp: the transport under
the JSON-RPC rules of jsonrpc.py.

One event-loop thread (`selectors`) accepts connections and reads requests, so an idle or
trickling socket costs a file descriptor and no thread. Complete requests go to a bounded work
queue served by a fixed pool of workers, as Core's -rpcthreads/-rpcworkqueue (a full queue is
answered 503 "Work queue depth exceeded"). The cookie has a lane of its own (workers and queue,
lanes.py), so the window's and the local miner's calls are answered while password logins flood
theirs. Each client is a Connection (connection.py).
Every request is bounded: header size and body size as Core, a deadline to arrive
(-rpcservertimeout), the connections open at once, and the bytes all connections may hold at
once. Malformed HTTP gets a 400, never a traceback.
"""

from __future__ import annotations

import collections
import heapq
import itertools
import logging
import selectors
import socket
import threading
import time
from http import HTTPStatus

from .auth import COOKIE_USER, Auth
from .connection import BUSY, READ_BODY, READ_HEAD, WRITE, Connection
from .http_messages import HTTPRequestError, http_response, parse_head
from .jsonrpc import JSONRPC
from .lanes import Lane
from .stream import reply_in_parts

log = logging.getLogger("regtest.rpc")

DEFAULT_RPC_THREADS = 4  # httpserver.h DEFAULT_HTTP_THREADS
DEFAULT_RPC_WORKQUEUE = 16  # httpserver.h DEFAULT_HTTP_WORKQUEUE
DEFAULT_SERVER_TIMEOUT_S = 30  # httpserver.h DEFAULT_HTTP_SERVER_TIMEOUT
DEFAULT_MAX_CONNECTIONS = 512  # not in Core (libevent has no cap); oldest unfinished request evicted
MAX_BODY_BYTES = 0x02000000  # serialize.h MAX_SIZE, the body limit Core gives libevent
MAX_BYTES_IN_FLIGHT = 96 * 1024 * 1024  # bodies being read or worked on, and replies being sent
AUTH_FAILURE_DELAY_S = 0.25  # httprpc.cpp: deter brute-forcing passwords
WARNING_INTERVAL_S = 10.0
POLL_S = 0.25
READ_CHUNK = 256 * 1024


class RPCServer:
    """Owns the listening socket, the event loop and the workers; `dispatch(method, params)`
    does the work and `auth` says who is calling and what they may call."""

    def __init__(
        self,
        bind: str,
        port: int,
        auth: Auth,
        dispatch,
        threads: int = DEFAULT_RPC_THREADS,
        workqueue: int = DEFAULT_RPC_WORKQUEUE,
        timeout_s: float = DEFAULT_SERVER_TIMEOUT_S,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ):
        self.auth = auth
        self.timeout_s = timeout_s
        self.max_connections = max(max_connections, 2)
        family = socket.AF_INET6 if ":" in bind else socket.AF_INET
        self.sock = socket.create_server((bind, port), family=family, backlog=1024)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.sel = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._done: collections.deque = collections.deque()
        self._timers: list = []
        self._seq = itertools.count()
        self.conns: dict[int, Connection] = {}  # in accept order: the oldest first
        self.bytes_in_flight = 0
        self.counters: collections.Counter[str] = collections.Counter()
        self._last_warning: dict[str, float] = {}
        self._running = False
        self.jsonrpc = JSONRPC(auth, dispatch, self._warn)
        self.lanes = {
            "cookie": Lane("cookie", threads, workqueue, self._work),
            "password": Lane("password", threads, workqueue, self._work),
        }
        self.thread = threading.Thread(target=self._loop, name="rpc-http", daemon=True)

    def start(self) -> None:
        self._running = True
        self.sel.register(self.sock, selectors.EVENT_READ, "listen")
        self.sel.register(self._wake_r, selectors.EVENT_READ, "wake")
        for lane in self.lanes.values():
            lane.start()
        self.thread.start()

    def stop(self) -> None:
        self._running = False
        self.auth.log_totals()
        self._wake()
        if self.thread.is_alive():
            self.thread.join(5)
        for lane in self.lanes.values():
            lane.ask_to_stop()
        deadline = time.monotonic() + 2
        for lane in self.lanes.values():
            lane.join(deadline)
        self.sel.close()
        self.sock.close()
        self._wake_r.close()
        self._wake_w.close()

    def _wake(self) -> None:
        try:
            self._wake_w.send(b"x")
        except OSError:  # the pipe is full, so the loop is awake anyway
            pass

    def _warn(self, key: str, message: str, *args) -> None:
        """Log a warning at most once per WARNING_INTERVAL_S per kind, so a flood cannot flood the log."""
        self.counters[key] += 1
        now = time.monotonic()
        if now - self._last_warning.get(key, -WARNING_INTERVAL_S) >= WARNING_INTERVAL_S:
            self._last_warning[key] = now
            log.warning(message + " (%d so far)", *args, self.counters[key])

    # --- event loop ------------------------------------------------------------------------
    def _loop(self) -> None:
        next_sweep = time.monotonic() + 0.5
        while self._running:
            wait = POLL_S if not self._timers else max(0.0, min(POLL_S, self._timers[0][0] - time.monotonic()))
            for key, mask in self.sel.select(wait):
                if key.data == "listen":
                    self._accept()
                elif key.data == "wake":
                    try:
                        while self._wake_r.recv(4096):
                            pass
                    except BlockingIOError:
                        pass
                else:
                    conn = key.data
                    if mask & selectors.EVENT_READ and not conn.closed:
                        self._on_readable(conn)
                    if mask & selectors.EVENT_WRITE and not conn.closed:
                        self._flush(conn)
            while self._done:
                conn, data, close, reserved = self._done.popleft()
                self._finish_work(conn, data, close, reserved)
            now = time.monotonic()
            while self._timers and self._timers[0][0] <= now:
                _, _, conn, data = heapq.heappop(self._timers)
                if not conn.closed:
                    self._send(conn, data, close=True)
            if now >= next_sweep:
                self._sweep(now)
                next_sweep = now + 0.5
        for conn in list(self.conns.values()):
            self._close(conn)

    def _watch(self, conn: Connection, events: int) -> None:
        if events == conn.events:
            return
        if conn.events == 0:
            self.sel.register(conn.sock, events, conn)
        elif events == 0:
            self.sel.unregister(conn.sock)
        else:
            self.sel.modify(conn.sock, events, conn)
        conn.events = events

    def _accept(self) -> None:
        for _ in range(64):
            try:
                sock, addr = self.sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # EMFILE and friends: shed the oldest unfinished request
                self._warn("accept", "RPC accept failed (%s)", exc.strerror)
                if not self._evict():
                    return
                continue
            if len(self.conns) >= self.max_connections and not self._evict():
                self._warn("full", "RPC connection refused: %d connections open", len(self.conns))
                sock.close()
                continue
            sock.setblocking(False)
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
            conn = Connection(sock, addr[0], time.monotonic())
            self.conns[id(conn)] = conn
            self._watch(conn, selectors.EVENT_READ)

    def _evict(self) -> bool:
        """Close the oldest connection that is only reading (no worker, not a cookie login)."""
        for conn in self.conns.values():
            if conn.state in (READ_HEAD, READ_BODY) and not conn.trusted:
                self.counters["evicted"] += 1
                self._close(conn)
                return True
        return False

    def _close(self, conn: Connection) -> None:
        if conn.closed:
            return
        conn.closed = True
        if conn.stream is not None:
            conn.stream.abort()  # the worker stops running the batch
        self._watch(conn, 0)
        conn.sock.close()
        self.conns.pop(id(conn), None)
        self.bytes_in_flight -= conn.reserved
        conn.reserved = 0
        conn.inbuf = bytearray()
        conn.out = None

    def _sweep(self, now: float) -> None:
        """-rpcservertimeout: a request must arrive, and a reply be taken, within the timeout;
        an idle keep-alive connection is closed after it too."""
        for conn in list(self.conns.values()):
            if conn.state == BUSY:
                continue
            since = conn.started if conn.state in (READ_HEAD, READ_BODY) and conn.started else conn.last_io
            if now - since > self.timeout_s:
                self.counters["timeouts"] += 1
                self._close(conn)

    # --- reading a request -----------------------------------------------------------------
    def _on_readable(self, conn: Connection) -> None:
        try:
            data = conn.sock.recv(READ_CHUNK)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._close(conn)
            return
        if not data:
            self._close(conn)
            return
        now = time.monotonic()
        conn.last_io = now
        if conn.started is None:
            conn.started = now
        conn.inbuf += data
        try:
            self._advance(conn)
        except HTTPRequestError as exc:
            self.counters["bad_http"] += 1
            log.debug("%s bad HTTP request: %s", conn.peer, exc.text)
            self._send(conn, http_response(exc.status, exc.text.encode(), "text/plain", close=True), close=True)

    def _advance(self, conn: Connection) -> None:
        if conn.state == READ_HEAD:
            head = conn.take_head()
            if head is None or not self._start_request(conn, *parse_head(head)):
                return
        if conn.state == READ_BODY:
            body = conn.take_body()
            if body is not None:
                self._enqueue(conn, body)

    def _start_request(self, conn: Connection, method: str, target: str, version: str, headers: dict[str, str]) -> bool:
        """Checks that need no body (httpserver.cpp http_request_cb, httprpc.cpp HTTPReq_JSONRPC).
        False when the request was answered already."""
        connection = headers.get("connection", "").lower()
        conn.keep_alive = (connection != "close") if version == "HTTP/1.1" else (connection == "keep-alive")
        conn.http11 = version == "HTTP/1.1"
        path = target.split("?")[0]
        if path not in ("/", "") and not path.startswith("/wallet/"):
            raise HTTPRequestError(HTTPStatus.NOT_FOUND, "Not found")
        if method != "POST":
            raise HTTPRequestError(HTTPStatus.METHOD_NOT_ALLOWED, "JSONRPC server handles only POST requests")
        header = headers.get("authorization")
        outcome, user = self.auth.check(header, conn.peer)
        if outcome != "ok":
            self.counters["unauthorized"] += 1
            reply = http_response(
                HTTPStatus.UNAUTHORIZED,
                b"",
                "text/plain",
                close=True,
                extra={"WWW-Authenticate": 'Basic realm="jsonrpc"'},
            )
            conn.state = BUSY
            self._watch(conn, 0)
            if header:  # the delay holds no thread: the reply waits on the loop's timer heap
                heapq.heappush(self._timers, (time.monotonic() + AUTH_FAILURE_DELAY_S, next(self._seq), conn, reply))
            else:
                self._send(conn, reply, close=True)
            return False
        conn.user = user
        conn.trusted = user == COOKIE_USER and conn.peer in ("127.0.0.1", "::1")
        if "transfer-encoding" in headers or "content-length" not in headers:
            raise HTTPRequestError(HTTPStatus.LENGTH_REQUIRED, "Content-Length required")
        text = headers["content-length"]
        if not text.isdigit():
            raise HTTPRequestError(HTTPStatus.BAD_REQUEST, "Invalid Content-Length")
        length = int(text)
        if length > MAX_BODY_BYTES:
            raise HTTPRequestError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request body too large")
        if self.bytes_in_flight + length > MAX_BYTES_IN_FLIGHT and not conn.trusted:
            self._warn("memory", "RPC request rejected: %d bytes already in flight", self.bytes_in_flight)
            raise HTTPRequestError(HTTPStatus.SERVICE_UNAVAILABLE, "Work queue depth exceeded")
        self.bytes_in_flight += length
        conn.reserved += length
        conn.length = length
        conn.state = READ_BODY
        if headers.get("expect", "").lower() == "100-continue":
            try:
                conn.sock.send(b"HTTP/1.1 100 Continue\r\n\r\n")
            except OSError:
                pass
        return True

    def _enqueue(self, conn: Connection, body: bytes) -> None:
        lane = self.lanes["cookie" if conn.user == COOKIE_USER else "password"]
        conn.state = BUSY
        self._watch(conn, 0)
        if not lane.submit([conn, body]):
            self._warn(
                "queue",
                "WARNING: request rejected because http work queue depth exceeded, "
                "it can be increased with the -rpcworkqueue= setting",
            )
            self._release(conn)
            self._send(
                conn,
                http_response(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    b"Work queue depth exceeded",
                    "text/plain",
                    close=not conn.keep_alive,
                ),
                close=not conn.keep_alive,
            )

    def _release(self, conn: Connection) -> None:
        self.bytes_in_flight -= conn.reserved
        conn.reserved = 0

    # --- writing a reply -------------------------------------------------------------------
    def _finish_work(self, conn: Connection, data: bytes | None, close: bool, reserved: int) -> None:
        if conn.closed:
            return
        if data is None:  # a streamed reply has a part ready, or was aborted
            stream = conn.stream
            if stream is not None and stream.aborted:
                self._close(conn)
            elif stream is not None and conn.out is None:
                conn.state, conn.close_after = WRITE, stream.close or not conn.keep_alive
                self._flush(conn)
            return
        self._release(conn)
        if self.bytes_in_flight + len(data) > MAX_BYTES_IN_FLIGHT and not conn.trusted:
            self._warn("memory", "RPC reply dropped: %d bytes already in flight", self.bytes_in_flight)
            self._close(conn)
            return
        self._send(conn, data, close)

    def _send(self, conn: Connection, data: bytes, close: bool) -> None:
        conn.state = WRITE
        conn.out = memoryview(data)
        conn.close_after = close or not conn.keep_alive
        conn.last_io = time.monotonic()
        self.bytes_in_flight += len(data)
        conn.reserved += len(data)
        self._flush(conn)

    def _flush(self, conn: Connection) -> None:
        while True:
            try:
                while conn.out is not None and len(conn.out):
                    sent = conn.sock.send(conn.out)
                    conn.out = conn.out[sent:]
                    conn.last_io = time.monotonic()
            except (BlockingIOError, InterruptedError):
                self._watch(conn, selectors.EVENT_WRITE)
                return
            except OSError:
                self._close(conn)
                return
            self._release(conn)
            conn.out = None
            if conn.stream is None:
                break
            more = conn.stream.take()  # the next part of a streamed reply, if made yet
            if more:
                conn.state, conn.out = WRITE, memoryview(more)
                self.bytes_in_flight += len(more)
                conn.reserved += len(more)
                continue
            if not conn.stream.finished:
                conn.state = BUSY  # the worker signals the next part; no timeout while it works
                self._watch(conn, 0)
                return
            conn.stream = None
        if conn.close_after:
            self._close(conn)
            return
        conn.next_request()
        self._watch(conn, selectors.EVENT_READ)
        if conn.inbuf:  # a pipelined request already arrived
            conn.started = time.monotonic()
            try:
                self._advance(conn)
            except HTTPRequestError as exc:
                self._send(conn, http_response(exc.status, exc.text.encode(), "text/plain", close=True), close=True)

    # --- workers ---------------------------------------------------------------------------
    def _work(self, item: list) -> None:
        """On a lane's worker: the reply to one request ([conn, body]), handed back to the loop."""
        conn = item[0]
        data: bytes | None
        try:
            status, payload, ctype = self.jsonrpc.handle_body(conn.user, item)  # frees the body once parsed
            if isinstance(payload, bytes):
                data = http_response(status, payload, ctype, close=not conn.keep_alive)
            else:
                data = reply_in_parts(conn, status, payload, ctype, self.timeout_s, self._signal_stream)
        except Exception:  # a bug must not kill a worker
            log.exception("RPC request failed")
            data = http_response(HTTPStatus.INTERNAL_SERVER_ERROR, b"", "text/plain", close=True)
        if data is not None:
            self._done.append((conn, data, not conn.keep_alive, 0))
            self._wake()

    def _signal_stream(self, conn: Connection) -> None:
        self._done.append((conn, None, False, 0))
        self._wake()
