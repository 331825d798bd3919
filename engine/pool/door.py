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

Accepting: the open-file limit raised as Core does (engine.primitives.fdlimit), connections taken
`ACCEPT_BATCH` per wake-up of the loop while the kernel queues `LISTEN_QUEUE` (a burst waits in
the kernel instead of stalling everyone's shares), accept() failures counted and logged once a
minute (asyncio logged a traceback per try: 557-661 KB/s at 1,013 lurkers).
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
ACCEPT_BATCH = 16
LISTEN_QUEUE = 4096  # the kernel caps it at net.core.somaxconn (4096 on current Linux)
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


class Gate(asyncio.Protocol):
    """Admission at the door: a connection over its address's share, or the pool's, is told why
    and closed as it is accepted, before any stream, task or session is made for it (a hostile
    laptop reconnecting ~2,000 times a second cost the pool a task and two streams per try); an
    admitted one is handed to a stream protocol whose callback (engine.pool.session.serve) reads it."""

    __slots__ = ("_pool", "_callback", "_loop")

    def __init__(self, pool: Pool, callback, loop: asyncio.AbstractEventLoop):
        self._pool, self._callback, self._loop = pool, callback, loop

    def connection_made(self, transport) -> None:
        pool = self._pool
        if pool._stop.is_set():
            transport.abort()
            return
        peer = transport.get_extra_info("peername")
        host = str(peer[0]) if isinstance(peer, tuple) and peer else "?"
        now_s = time.monotonic()
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
            address.connections += 1  # given back when serve() ends
            pool._admitted += 1
            reader = asyncio.StreamReader(limit=MAX_LINE_BYTES, loop=self._loop)
            stream = asyncio.StreamReaderProtocol(reader, self._callback, loop=self._loop)
            transport.set_protocol(stream)  # before any data: it all goes to the stream
            stream.connection_made(transport)
            return
        refusals.log(text, now_s)
        transport.write(json_line({"id": None, "method": "client.show_message", "params": [text]}))
        transport.close()


async def listen(loop: asyncio.AbstractEventLoop, protocol, host: str, port: int) -> asyncio.base_events.Server:
    """A listening server on (host, port) whose connections asyncio accepts ACCEPT_BATCH per wake-up
    while the kernel queues LISTEN_QUEUE (OSError if the port is taken)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[
        0
    ]
    sock = socket.socket(family, kind, proto)
    try:
        if os.name == "posix":  # as asyncio does (on Windows it would let two pools share a port)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.setblocking(False)
        server = await loop.create_server(protocol, sock=sock, backlog=ACCEPT_BATCH)
    except BaseException:
        sock.close()
        raise
    sock.listen(LISTEN_QUEUE)  # the same socket: a longer kernel queue than asyncio's batch
    return server


class AcceptErrors:
    """The loop's exception handler: asyncio reports a failed accept() (EMFILE, ENFILE, ENOBUFS)
    with a traceback on each try and pauses accepting 1 s; here counted, logged once a minute."""

    def __init__(self):
        self.count, self.logged_s = 0, float("-inf")

    def handler(self, loop: asyncio.AbstractEventLoop, context: dict) -> None:
        exception = context.get("exception")
        if isinstance(exception, OSError) and "accept" in str(context.get("message", "")):
            self.count += 1
            now_s = time.monotonic()
            if now_s - self.logged_s >= ACCEPT_LOG_EVERY_S:
                log.warning(
                    "cannot accept connections (%s); %d failure(s) since the last report",
                    exception.strerror or exception,
                    self.count,
                )
                self.count, self.logged_s = 0, now_s
            return
        loop.default_exception_handler(context)
