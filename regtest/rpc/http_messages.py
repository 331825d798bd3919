"""HTTP/1.x messages for the node's server: request heads parsed strictly (a malformed one is an
HTTPRequestError the server answers with a 400, never a traceback) and replies built in one buffer."""

from __future__ import annotations

from email.utils import formatdate
from http import HTTPStatus


def http_response(
    status: int,
    body: bytes = b"",
    content_type: str = "application/json",
    close: bool = False,
    extra: dict | None = None,
    chunked: bool | None = None,
) -> bytes:
    """Status line, headers and body in one buffer: one write, so no delayed-ACK stall (Nagle).
    With `chunked` set, only the head of a streamed reply (stream.py): chunked transfer coding
    if True, else a body that ends when the connection closes."""
    lines = [
        f"HTTP/1.1 {int(status)} {HTTPStatus(status).phrase}",
        f"Date: {formatdate(usegmt=True)}",
        "Server: mine2compute-node",
    ]
    if chunked is not None:
        lines += [f"Content-Type: {content_type}"] + (["Transfer-Encoding: chunked"] if chunked else [])
    elif status != HTTPStatus.NO_CONTENT:
        lines += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (extra or {}).items()]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class HTTPRequestError(Exception):
    """A request the server answers with `status` and `text` instead of passing it on."""

    def __init__(self, status: int, text: str = ""):
        super().__init__(text)
        self.status, self.text = status, text


def parse_request_line(line: bytes) -> tuple[str, str, str]:
    """`METHOD target HTTP/1.x` -> its three parts; anything else (HTTP/0.9, garbage) is a 400."""
    parts = line.rstrip(b"\r").split(b" ")
    if len(parts) != 3 or not parts[0].isalpha() or not parts[0].isupper() or not parts[1]:
        raise HTTPRequestError(HTTPStatus.BAD_REQUEST, "Bad request line")
    method, target, version = (p.decode("latin-1") for p in parts)
    if version not in ("HTTP/1.0", "HTTP/1.1"):
        raise HTTPRequestError(HTTPStatus.BAD_REQUEST, "Unsupported HTTP version")
    return method, target, version


def parse_head(head: bytes) -> tuple[str, str, str, dict[str, str]]:
    """Request line and headers (names lower-cased); a malformed line or two Content-Lengths is a 400."""
    first, *rest = head.split(b"\n")
    method, target, version = parse_request_line(first)
    headers: dict[str, str] = {}
    for raw in rest:
        line = raw.rstrip(b"\r")
        if not line:
            continue
        name, sep, value = line.partition(b":")
        if not sep or not name or name != name.strip() or b" " in name:
            raise HTTPRequestError(HTTPStatus.BAD_REQUEST, "Bad header line")
        key = name.decode("latin-1").lower()
        value_text = value.strip().decode("latin-1")
        if key == "content-length" and key in headers and headers[key] != value_text:
            raise HTTPRequestError(HTTPStatus.BAD_REQUEST, "Conflicting Content-Length")
        headers[key] = value_text
    return method, target, version, headers
