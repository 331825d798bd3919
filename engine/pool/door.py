"""The pool's door: what one computer (one source address) may take, so that one hostile laptop
cannot crowd the class out, and how connections are accepted.

- `CONNECTIONS_PER_ADDRESS` connections (`MAX_CLIENTS` in all); one more is told why
  (client.show_message) and closed as it is accepted, before any stream, task or session is made
  for it (a laptop reconnecting ~2,000 times a second cost the pool a task and two streams a try);
  refusals are logged once, then at most once a minute with a count;
- `AUTHORIZE_TIMEOUT_S` from a connection's opening to its mining.authorize, whatever it sends
  meanwhile (the pool's housekeeping closes it, with the reason);
- `ADDRESS_LINES_PER_S` lines a second over all its connections (a line costs one more per started
  KB): beyond, its lines wait (TCP slows the sender), nobody else's do;
- `NAMES_PER_ADDRESS` worker names (engine.pool.stats).

Accepting (`Door`): the open-file limit raised as Core does (engine.primitives.fdlimit); the
listening socket accepted by hand, `ACCEPT_BATCH` per wake-up of the loop while the kernel queues
`LISTEN_QUEUE` (a burst waits in the kernel instead of stalling everyone's shares); a refused
connection costs one accept(), send() and close() (no asyncio transport: at ~3,000 refusals a
second those were half the pool's CPU); accept() failures counted and logged once a minute
(asyncio logged a traceback per try: 557-661 KB/s at 1,013 lurkers). On Windows' proactor loop,
which cannot watch a socket, asyncio accepts and `Gate` decides the same way.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from typing import TYPE_CHECKING

from engine.pool.session import MAX_LINE_BYTES, json_line

if TYPE_CHECKING:
    from engine.pool.server import Pool

log = logging.getLogger("engine.pool.server")

MAX_CLIENTS = 2000
CONNECTIONS_PER_ADDRESS = 32
AUTHORIZE_TIMEOUT_S = 30.0  # from the connection's opening, whatever it sends meanwhile
ADDRESS_LINES_PER_S = 250.0  # one address's lines, all its connections together (a miner sends ~4 a second)
ADDRESS_LINE_BURST = 500.0
REFUSALS_LOG_EVERY_S = 60.0
ACCEPT_BATCH = 4  # under 3,400 refusals a second, 16 a wake-up held honest shares: p99 x2.97 the idle one, 4: x1.6
LISTEN_QUEUE = 4096  # the kernel caps it at net.core.somaxconn (4096 on current Linux)
ACCEPT_RETRY_S = 0.25  # after a failed accept() (asyncio pauses 1 s)
ACCEPT_LOG_EVERY_S = 60.0  # accept() failures (EMFILE...) are logged once a minute, with a count


class Refusals:
    """Connections refused for one reason: logged once, then at most once a minute with a count
    (a client reconnecting in a loop must not flood the log)."""

    __slots__ = ("count", "logged_s")

    def __init__(self):
        self.count, self.logged_s = 0, float("-inf")

    def log(self, text: str, now_s: float) -> None:
        self.count += 1
        if now_s - self.logged_s >= REFUSALS_LOG_EVERY_S:
            log.warning("%s (%d refused since the last report)", text, self.count)
            self.count, self.logged_s = 0, now_s


class Address:
    """One source address: its open connections and the lines bucket they share."""

    __slots__ = ("connections", "tokens", "tokens_s", "refusals")

    def __init__(self, now_s: float):
        self.connections = 0
        self.tokens, self.tokens_s = ADDRESS_LINE_BURST, now_s
        self.refusals = Refusals()

    def wait_s(self, now_s: float, cost: float) -> float:
        """Take `cost` lines; how long to wait before reading more (0: at once)."""
        self.tokens = min(ADDRESS_LINE_BURST, self.tokens + (now_s - self.tokens_s) * ADDRESS_LINES_PER_S)
        self.tokens_s = now_s
        self.tokens -= cost
        return -self.tokens / ADDRESS_LINES_PER_S if self.tokens < 0 else 0.0

    def idle(self, now_s: float) -> bool:
        return not self.connections and now_s - self.tokens_s > ADDRESS_LINE_BURST / ADDRESS_LINES_PER_S


def admit(pool: Pool, host: str, now_s: float) -> str | None:
    """Let one connection from `host` in (None: its address's and the pool's counts taken, given
    back when engine.pool.session.serve ends), or say why not (the refusal logged as Refusals do)."""
    address = pool._addresses.get(host)
    if address is None:
        address = pool._addresses[host] = Address(now_s)
    if pool._admitted >= pool.max_clients:
        text, refusals = (
            f"The class pool is full ({pool.max_clients} connections); try again later.",
            pool._full_refusals,
        )
    elif address.connections >= CONNECTIONS_PER_ADDRESS:
        text = f"Too many connections from {host} ({CONNECTIONS_PER_ADDRESS}); close some and try again."
        refusals = address.refusals
    else:
        address.connections += 1
        pool._admitted += 1
        return None
    refusals.log(text, now_s)
    return text


def _refusal(text: str) -> bytes:
    return json_line({"id": None, "method": "client.show_message", "params": [text]})


def _host(peer) -> str:
    return str(peer[0]) if isinstance(peer, tuple) and peer else "?"


class Door:
    """The listening socket, accepted by hand on a selector loop: a refused connection is told why
    with one send() and closed, no transport, stream or task made for it (at ~3,000 refused
    connections a second, asyncio's transport per try was half the pool's CPU and the tail of every
    honest miner's share latency); an admitted one becomes a stream whose callback
    (engine.pool.session.serve) reads it. At most ACCEPT_BATCH a wake-up of the loop: a burst
    waits in the kernel's queue, not in front of everyone's shares."""

    def __init__(self, pool: Pool, callback, loop: asyncio.AbstractEventLoop, sock: socket.socket):
        self._pool, self._callback, self._loop, self._sock = pool, callback, loop, sock
        self.sockets = [sock]
        self._tasks: set[asyncio.Task] = set()
        self._closed = False
        loop.add_reader(sock.fileno(), self._accept)  # NotImplementedError on a proactor loop

    def _accept(self) -> None:
        pool = self._pool
        for _ in range(ACCEPT_BATCH):
            try:
                conn, peer = self._sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:  # EMFILE, ENFILE, ENOBUFS...: counted, and a pause as asyncio makes
                pool._accept_errors.failed(error)
                self._loop.remove_reader(self._sock.fileno())
                self._loop.call_later(ACCEPT_RETRY_S, self._resume)
                return
            if pool._stop.is_set():
                conn.close()
                continue
            text = admit(pool, _host(peer), time.monotonic())
            if text is not None:
                try:
                    conn.setblocking(False)
                    conn.send(_refusal(text))  # ~150 bytes into an empty send buffer
                except OSError:
                    pass
                conn.close()
                continue
            task = self._loop.create_task(self._open(conn, _host(peer)))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _open(self, conn: socket.socket, host: str) -> None:
        reader = asyncio.StreamReader(limit=MAX_LINE_BYTES, loop=self._loop)
        try:
            await self._loop.connect_accepted_socket(
                lambda: asyncio.StreamReaderProtocol(reader, self._callback, loop=self._loop), sock=conn
            )
        except OSError:  # gone before its transport was made: its place is given back
            conn.close()
            self._pool._addresses[host].connections -= 1
            self._pool._admitted -= 1

    def _resume(self) -> None:
        if not self._closed:
            self._loop.add_reader(self._sock.fileno(), self._accept)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._loop.remove_reader(self._sock.fileno())
            self._sock.close()


class Gate(asyncio.Protocol):
    """The door on a loop without add_reader (Windows' proactor): asyncio accepts and makes the
    transport; a connection over its address's share, or the pool's, is told why and closed before
    any stream, task or session is made for it; an admitted one is handed to a stream protocol."""

    __slots__ = ("_pool", "_callback", "_loop")

    def __init__(self, pool: Pool, callback, loop: asyncio.AbstractEventLoop):
        self._pool, self._callback, self._loop = pool, callback, loop

    def connection_made(self, transport) -> None:
        pool = self._pool
        if pool._stop.is_set():
            transport.abort()
            return
        text = admit(pool, _host(transport.get_extra_info("peername")), time.monotonic())
        if text is None:
            reader = asyncio.StreamReader(limit=MAX_LINE_BYTES, loop=self._loop)
            stream = asyncio.StreamReaderProtocol(reader, self._callback, loop=self._loop)
            transport.set_protocol(stream)  # before any data: it all goes to the stream
            stream.connection_made(transport)
            return
        transport.write(_refusal(text))
        transport.close()


async def listen(pool: Pool, callback, host: str, port: int):
    """The pool's door on (host, port), the kernel queueing LISTEN_QUEUE: a Door on a selector loop,
    else an asyncio server with a Gate. Either has .sockets and .close(). OSError if the port is taken."""
    loop = asyncio.get_running_loop()
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[
        0
    ]
    sock = socket.socket(family, kind, proto)
    try:
        if os.name == "posix":  # as asyncio does (on Windows it would let two pools share a port)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.setblocking(False)
        sock.listen(LISTEN_QUEUE)
        try:
            return Door(pool, callback, loop, sock)
        except NotImplementedError:
            pass
        server = await loop.create_server(lambda: Gate(pool, callback, loop), sock=sock, backlog=ACCEPT_BATCH)
    except BaseException:
        sock.close()
        raise
    sock.listen(LISTEN_QUEUE)  # the same socket: a longer kernel queue than asyncio's batch
    return server


class AcceptErrors:
    """Failed accept() calls (EMFILE, ENFILE, ENOBUFS): counted, logged once a minute with the
    count. Also the loop's exception handler, for the Gate's loop: asyncio logs a traceback for each
    (557-661 KB/s at 1,013 lurkers) and pauses accepting 1 s."""

    def __init__(self):
        self.count, self.logged_s = 0, float("-inf")

    def failed(self, error: OSError) -> None:
        self.count += 1
        now_s = time.monotonic()
        if now_s - self.logged_s >= ACCEPT_LOG_EVERY_S:
            log.warning(
                "cannot accept connections (%s); %d failure(s) since the last report",
                error.strerror or error,
                self.count,
            )
            self.count, self.logged_s = 0, now_s

    def handler(self, loop: asyncio.AbstractEventLoop, context: dict) -> None:
        exception = context.get("exception")
        if isinstance(exception, OSError) and "accept" in str(context.get("message", "")):
            self.failed(exception)
            return
        loop.default_exception_handler(context)
