"""A reply too long to hold at once (a long batch's), handed from a worker to the event loop in
parts: the worker blocks while more than STREAM_WINDOW bytes wait to be sent, so a batch of a
million calls costs a window of memory, not its whole reply. Sent with HTTP/1.1's chunked
transfer coding, or closed at the end for an HTTP/1.0 client (Core's libevent sends one body)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from .http_messages import http_response

if TYPE_CHECKING:
    from .connection import Connection

STREAM_AFTER_BYTES = 1024 * 1024  # a reply shorter than this is sent whole, with Content-Length
STREAM_WINDOW = 1024 * 1024  # bytes a reply may have waiting for the socket


class StreamAborted(Exception):
    """The client went away, or took no bytes within the server's timeout."""


class ReplyStream:
    """Parts written by a worker (`write`, `finish`) and taken by the event loop (`take`)."""

    def __init__(self, chunked: bool, close: bool, timeout_s: float, signal: Callable[[], None]):
        self.chunked, self.close, self.timeout_s = chunked, close, timeout_s
        self._signal = signal  # tells the event loop that there is something to take
        self._cond = threading.Condition()
        self._parts: list[bytes] = []
        self._pending = 0
        self.finished = False
        self.aborted = False

    # --- worker side ------------------------------------------------------------------------
    def write(self, data: bytes, chunk: bool = True) -> None:
        if chunk and self.chunked and data:
            data = b"%x\r\n" % len(data) + data + b"\r\n"
        with self._cond:
            if self.aborted:
                raise StreamAborted
            self._parts.append(data)
            self._pending += len(data)
        self._signal()
        with self._cond:
            deadline = time.monotonic() + self.timeout_s
            while self._pending > STREAM_WINDOW and not self.aborted:
                left = deadline - time.monotonic()
                if left <= 0:
                    self.aborted = True
                    break
                self._cond.wait(left)
            if self.aborted:
                raise StreamAborted

    def finish(self) -> None:
        if self.chunked:
            self.write(b"0\r\n\r\n", chunk=False)
        with self._cond:
            self.finished = True
        self._signal()

    def run(self, head: bytes, first: bytes, rest: Iterator[bytes]) -> None:
        """Send the head, what was made already and the rest as it comes; stop if aborted."""
        try:
            self.write(head, chunk=False)
            self.write(first)
            for part in rest:
                self.write(part)
            self.finish()
        except StreamAborted:
            self._signal()
        finally:
            close = getattr(rest, "close", None)
            if close is not None:
                close()  # a generator stops running its calls

    # --- event loop side --------------------------------------------------------------------
    def take(self) -> bytes:
        with self._cond:
            data = b"".join(self._parts)
            self._parts.clear()
            self._pending = 0
            self._cond.notify_all()
        return data

    def abort(self) -> None:
        with self._cond:
            self.aborted = True
            self._cond.notify_all()


def reply_in_parts(
    conn: Connection, status: int, parts: Iterator[bytes], ctype: str, timeout_s: float, signal: Callable
) -> bytes | None:
    """On a worker: a reply made in parts (a batch's), whole if it stays under
    STREAM_AFTER_BYTES, else streamed from here as it is made (None: the loop has it already;
    `signal(conn)` tells the loop a part is ready)."""
    made: list[bytes] = []
    size = 0
    for part in parts:
        made.append(part)
        size += len(part)
        if size >= STREAM_AFTER_BYTES:
            break
    else:
        return http_response(status, b"".join(made), ctype, close=not conn.keep_alive)
    chunked = conn.http11
    close = not conn.keep_alive or not chunked
    stream = ReplyStream(chunked, close, timeout_s, lambda: signal(conn))
    conn.stream = stream
    stream.run(http_response(status, b"", ctype, close=close, chunked=chunked), b"".join(made), parts)
    return None
