"""One client connection of the RPC server (httpserver.cpp's evhttp connection): its state, the
bytes read and still to send, and cutting the request's head and body out of what arrived."""

from __future__ import annotations

import socket
from http import HTTPStatus

from .http_messages import HTTPRequestError, parse_request_line
from .stream import ReplyStream

MAX_HEADERS_SIZE = 8192  # httpserver.cpp MAX_HEADERS_SIZE (request line + headers)

READ_HEAD, READ_BODY, BUSY, WRITE = range(4)  # BUSY: a worker has the request


class Connection:
    __slots__ = (
        "sock",
        "peer",
        "state",
        "inbuf",
        "out",
        "started",
        "last_io",
        "keep_alive",
        "user",
        "length",
        "reserved",
        "close_after",
        "events",
        "trusted",
        "closed",
        "http11",
        "stream",
    )

    def __init__(self, sock: socket.socket, peer: str, now: float):
        self.sock, self.peer = sock, peer
        self.state = READ_HEAD
        self.inbuf = bytearray()
        self.out: memoryview | None = None
        self.started: float | None = None  # when the current request's first byte came
        self.last_io = now
        self.keep_alive = True
        self.user: str | None = None
        self.length = 0
        self.reserved = 0  # bytes counted against the server's MAX_BYTES_IN_FLIGHT
        self.close_after = False
        self.events = 0
        self.trusted = False  # a loopback cookie login: never evicted
        self.closed = False
        self.http11 = True
        self.stream: ReplyStream | None = None  # a reply sent in parts (stream.py)

    def take_head(self) -> bytes | None:
        """The request line and headers once they have all arrived (cut from the buffer), else None.
        Raises HTTPRequestError as soon as the head is too large or its first line is not HTTP."""
        buf = self.inbuf
        ends = [i for i in (buf.find(b"\r\n\r\n"), buf.find(b"\n\n")) if i >= 0]
        if not ends:
            if len(buf) > MAX_HEADERS_SIZE:
                raise HTTPRequestError(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request headers too large")
            newline = buf.find(b"\n")
            if newline >= 0:
                parse_request_line(bytes(buf[:newline]))  # HTTP/0.9 and garbage: 400 now
            return None
        end = min(ends)
        head_len = end + (4 if buf[end : end + 4] == b"\r\n\r\n" else 2)
        if head_len > MAX_HEADERS_SIZE:
            raise HTTPRequestError(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request headers too large")
        head = bytes(buf[:end])
        del buf[:head_len]
        return head

    def take_body(self) -> bytes | None:
        """The body of `length` bytes once it has all arrived (cut from the buffer), else None."""
        if len(self.inbuf) < self.length:
            return None
        body = bytes(memoryview(self.inbuf)[: self.length])  # one copy, not two
        if len(self.inbuf) == self.length:
            self.inbuf = bytearray()
        else:
            del self.inbuf[: self.length]
        return body

    def next_request(self) -> None:
        """The reply is sent and the connection kept: read the next request."""
        self.state, self.started, self.user, self.length = READ_HEAD, None, None, 0
