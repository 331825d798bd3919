"""HTTP JSON-RPC server speaking Bitcoin Core's dialect (httprpc.cpp, rpc/request.cpp).

Basic auth (cookie or -rpcuser/-rpcpassword), POST only, single and batch requests, JSON-RPC 1.x
("legacy": HTTP status carries the error) and 2.0 (always HTTP 200), and Core's error codes.
Malformed input of any kind is answered, never fatal: each connection has its own thread.
"""
from __future__ import annotations

import base64
import hmac
import json
import logging
import socket
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log = logging.getLogger("regtest.rpc")

# rpc/protocol.h RPCErrorCode
RPC_INVALID_REQUEST = -32600
RPC_METHOD_NOT_FOUND = -32601
RPC_INVALID_PARAMS = -32602
RPC_INTERNAL_ERROR = -32603
RPC_PARSE_ERROR = -32700
RPC_MISC_ERROR = -1
RPC_TYPE_ERROR = -3
RPC_INVALID_ADDRESS_OR_KEY = -5
RPC_INVALID_PARAMETER = -8
RPC_CLIENT_NOT_CONNECTED = -9
RPC_DESERIALIZATION_ERROR = -22
RPC_VERIFY_ERROR = -25
RPC_IN_WARMUP = -28

MAX_BODY_BYTES = 0x02000000  # serialize.h MAX_SIZE, the body limit Core gives libevent
AUTH_FAILURE_DELAY_S = 0.25  # httprpc.cpp: deter brute-forcing passwords
KEEPALIVE_TIMEOUT_S = 60


class RPCError(Exception):
    """A JSON-RPC error with one of Core's codes."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _reject_constant(name: str):
    raise ValueError(f"invalid JSON constant {name}")  # UniValue rejects NaN and Infinity


class RPCServer:
    """Owns the listening socket and the handler threads; `dispatch(method, params)` does the work."""

    def __init__(self, bind: str, port: int, credentials: list[tuple[str, str]], dispatch):
        self.credentials = [f"{u}:{p}".encode() for u, p in credentials]
        self.dispatch = dispatch
        server = self

        class Handler(_Handler):
            rpc = server

        self.httpd = ThreadingHTTPServer((bind, port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="rpc-server",
                                       kwargs={"poll_interval": 0.2}, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def authorized(self, header: str | None) -> bool:
        if not header or not header.startswith("Basic "):
            return False
        try:
            given = base64.b64decode(header[6:].strip(), validate=True)
        except ValueError:
            return False
        ok = False
        for cred in self.credentials:
            ok |= hmac.compare_digest(given, cred)
        return ok

    # --- JSON-RPC envelope (rpc/request.cpp JSONRPCRequest::parse, JSONRPCReplyObj) ----------
    def handle_request(self, req) -> tuple[dict | None, int]:
        """One request object -> (reply object or None for a 2.0 notification, legacy status)."""
        if not isinstance(req, dict):
            return _error_reply(None, RPC_INVALID_REQUEST, "Invalid Request object", False)
        v2 = req.get("jsonrpc") == "2.0"
        req_id = req.get("id")
        if "jsonrpc" in req and not v2 and req.get("jsonrpc") not in ("1.0", "1.1"):
            return _error_reply(req_id, RPC_INVALID_REQUEST, "JSON-RPC version not supported", v2)
        notification = v2 and "id" not in req
        method = req.get("method")
        if method is None:
            reply = _error_reply(req_id, RPC_INVALID_REQUEST, "Missing method", v2)
        elif not isinstance(method, str):
            reply = _error_reply(req_id, RPC_INVALID_REQUEST, "Method must be a string", v2)
        else:
            params = req.get("params", [])
            if params is None:
                params = []
            if not isinstance(params, (list, dict)):
                reply = _error_reply(req_id, RPC_INVALID_REQUEST, "Params must be an array or object", v2)
            else:
                try:
                    result = self.dispatch(method, params)
                    reply = ({"jsonrpc": "2.0", "result": result, "id": req_id} if v2
                             else {"result": result, "error": None, "id": req_id}), HTTPStatus.OK
                except RPCError as exc:
                    reply = _error_reply(req_id, exc.code, exc.message, v2)
                except Exception as exc:  # a bug in a method must not kill the server
                    log.exception("RPC method %s failed", method)
                    reply = _error_reply(req_id, RPC_MISC_ERROR, str(exc) or type(exc).__name__, v2)
        return (None, HTTPStatus.NO_CONTENT) if notification else reply


def _error_reply(req_id, code: int, message: str, v2: bool) -> tuple[dict, int]:
    error = {"code": code, "message": message}
    if v2:
        return {"jsonrpc": "2.0", "error": error, "id": req_id}, HTTPStatus.OK
    # httprpc.cpp JSONErrorReply: legacy clients read the error from the HTTP status too.
    status = (HTTPStatus.BAD_REQUEST if code == RPC_INVALID_REQUEST
              else HTTPStatus.NOT_FOUND if code == RPC_METHOD_NOT_FOUND
              else HTTPStatus.INTERNAL_SERVER_ERROR)
    return {"result": None, "error": error, "id": req_id}, status


class _Handler(BaseHTTPRequestHandler):
    rpc: RPCServer
    protocol_version = "HTTP/1.1"
    server_version = "mine2compute-node"
    sys_version = ""
    timeout = KEEPALIVE_TIMEOUT_S

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):  # noqa: A002 - BaseHTTPRequestHandler's signature
        log.debug("%s %s", self.address_string(), format % args)

    def _send(self, status: int, body: bytes = b"", content_type: str = "application/json",
              extra: dict | None = None) -> None:
        self.send_response(status)
        if body or status != HTTPStatus.NO_CONTENT:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        # Headers and body in one write: two small writes meet the client's delayed ACK (Nagle)
        # and cost ~40 ms a call.
        self._headers_buffer.append(b"\r\n" + body)
        self.flush_headers()

    def _refuse(self, status: int, text: str) -> None:
        self.close_connection = True
        self._send(status, text.encode(), "text/plain")

    def do_GET(self):
        self._refuse(HTTPStatus.METHOD_NOT_ALLOWED, "JSONRPC server handles only POST requests")

    do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_GET

    def do_POST(self):
        if not self.rpc.authorized(self.headers.get("Authorization")):
            if self.headers.get("Authorization"):
                time.sleep(AUTH_FAILURE_DELAY_S)
            self.close_connection = True
            self._send(HTTPStatus.UNAUTHORIZED, b"", "text/plain",
                       {"WWW-Authenticate": 'Basic realm="jsonrpc"'})
            return
        if self.path.split("?")[0] not in ("/", ""):
            self._refuse(HTTPStatus.NOT_FOUND, "Not found")
            return
        length_header = self.headers.get("Content-Length")
        if length_header is None:
            self._refuse(HTTPStatus.LENGTH_REQUIRED, "Content-Length required")
            return
        try:
            length = int(length_header)
            if length < 0:
                raise ValueError
        except ValueError:
            self._refuse(HTTPStatus.BAD_REQUEST, "Invalid Content-Length")
            return
        if length > MAX_BODY_BYTES:
            self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request body too large")
            return
        body = self.rfile.read(length)
        try:
            request = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError, RecursionError):
            reply, status = _error_reply(None, RPC_PARSE_ERROR, "Parse error", False)
            self._reply(reply, status)
            return
        if isinstance(request, dict):
            reply, status = self.rpc.handle_request(request)
            if reply is None:
                self._send(HTTPStatus.NO_CONTENT)
            else:
                self._reply(reply, status)
        elif isinstance(request, list):
            if not request:
                reply, status = _error_reply(None, RPC_INVALID_REQUEST, "Invalid Request object", False)
                self._reply(reply, status)
                return
            replies = [r for r, _ in map(self.rpc.handle_request, request) if r is not None]
            self._reply(replies, HTTPStatus.OK)
        else:
            reply, status = _error_reply(None, RPC_PARSE_ERROR, "Top-level object parse error", False)
            self._reply(reply, status)

    def _reply(self, obj, status: int) -> None:
        body = (json.dumps(obj, separators=(",", ":")) + "\n").encode()
        self._send(status, body)
