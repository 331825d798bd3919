"""JSON-RPC 1.x and 2.0 as Bitcoin Core answers it (httprpc.cpp HTTPReq_JSONRPC, rpc/request.cpp):
one request or a batch, -rpcwhitelist checked per call, each call dispatched to the method table;
legacy replies carry Core's HTTP statuses, and bounds on batch length, JSON values and reply size."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus

from engine.primitives.rpc_errors import (
    RPC_INTERNAL_ERROR,
    RPC_INVALID_REQUEST,
    RPC_METHOD_NOT_FOUND,
    RPC_MISC_ERROR,
    RPC_PARSE_ERROR,
)

from .auth import COOKIE_USER, Auth
from .errors import RPCError

log = logging.getLogger("regtest.rpc")

MAX_BATCH = 1000  # requests in one batch
MAX_JSON_VALUES = 100_000  # arrays, objects and elements in one body (parsed Python costs ~100 B each)
MAX_REPLY_BYTES = 16 * 1024 * 1024  # past this a batch's further replies become errors


def _reject_constant(name: str):
    raise ValueError(f"invalid JSON constant {name}")  # UniValue rejects NaN and Infinity


def _error_reply(req_id, code: int, message: str, v2: bool) -> tuple[dict, int]:
    error = {"code": code, "message": message}
    if v2:
        return {"jsonrpc": "2.0", "error": error, "id": req_id}, HTTPStatus.OK
    # httprpc.cpp JSONErrorReply: legacy clients read the error from the HTTP status too.
    status = (
        HTTPStatus.BAD_REQUEST
        if code == RPC_INVALID_REQUEST
        else HTTPStatus.NOT_FOUND
        if code == RPC_METHOD_NOT_FOUND
        else HTTPStatus.INTERNAL_SERVER_ERROR
    )
    return {"result": None, "error": error, "id": req_id}, status


class JSONRPC:
    """Turns an authenticated request body into a reply body; `dispatch(method, params)` does the
    work, `auth` says what each user may call and `warn(key, message, *args)` logs, rate-limited."""

    def __init__(self, auth: Auth, dispatch, warn):
        self.auth = auth
        self.dispatch = dispatch
        self._warn = warn

    def handle_body(self, user: str, body: bytes | list[bytes]) -> tuple[int, bytes, str]:
        """httprpc.cpp HTTPReq_JSONRPC after authentication: (HTTP status, body, content type).
        `body` may come as the last item of a list, which is emptied so the bytes die once parsed."""
        reply: dict | None
        if isinstance(body, list):
            body = body.pop()
        if body.count(b"[") + body.count(b"{") + body.count(b",") > MAX_JSON_VALUES:
            reply, status = _error_reply(
                None, RPC_INVALID_REQUEST, f"Request too large: more than {MAX_JSON_VALUES} JSON values", False
            )
            return status, _dump(reply), "application/json"
        try:
            text = body.decode("utf-8")
            del body
            request = json.loads(text, parse_constant=_reject_constant)
            del text
        except (ValueError, UnicodeDecodeError, RecursionError):
            reply, status = _error_reply(None, RPC_PARSE_ERROR, "Parse error", False)
            return status, _dump(reply), "application/json"
        if user != COOKIE_USER:
            calls = request if isinstance(request, list) else [request]
            for call in calls:
                method = call.get("method") if isinstance(call, dict) else None
                if isinstance(method, str) and not self.auth.allowed(user, method):
                    self._warn("forbidden", "RPC User %s not allowed to call method %s", user, method[:40])
                    return HTTPStatus.FORBIDDEN, b"", "text/plain"
        if isinstance(request, dict):
            reply, status = self.handle_request(request)
            if reply is None:
                return HTTPStatus.NO_CONTENT, b"", "application/json"
            data = _dump(reply)
            if len(data) > MAX_REPLY_BYTES:
                reply, status = _error_reply(
                    request.get("id"), RPC_INTERNAL_ERROR, _too_large(), request.get("jsonrpc") == "2.0"
                )
                data = _dump(reply)
            return status, data, "application/json"
        if isinstance(request, list):
            if not request:
                reply, status = _error_reply(None, RPC_INVALID_REQUEST, "Invalid Request object", False)
                return status, _dump(reply), "application/json"
            if len(request) > MAX_BATCH:
                reply, status = _error_reply(
                    None, RPC_INVALID_REQUEST, f"Batch too large: at most {MAX_BATCH} requests", False
                )
                return status, _dump(reply), "application/json"
            parts, total = [], 2
            for req in request:
                reply, _ = self.handle_request(req)
                if reply is None:
                    continue
                part = _dump(reply, newline=False)
                if total + len(part) > MAX_REPLY_BYTES:
                    req_id = req.get("id") if isinstance(req, dict) else None
                    v2 = isinstance(req, dict) and req.get("jsonrpc") == "2.0"
                    part = _dump(_error_reply(req_id, RPC_INTERNAL_ERROR, _too_large(), v2)[0], newline=False)
                total += len(part) + 1
                parts.append(part)
            return HTTPStatus.OK, b"[" + b",".join(parts) + b"]\n", "application/json"
        reply, status = _error_reply(None, RPC_PARSE_ERROR, "Top-level object parse error", False)
        return status, _dump(reply), "application/json"

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
                    reply = (
                        (
                            {"jsonrpc": "2.0", "result": result, "id": req_id}
                            if v2
                            else {"result": result, "error": None, "id": req_id}
                        ),
                        HTTPStatus.OK,
                    )
                except RPCError as exc:
                    reply = _error_reply(req_id, exc.code, exc.message, v2)
                except Exception as exc:  # a bug in a method must not kill the server
                    log.exception("RPC method %s failed", method[:40])
                    reply = _error_reply(req_id, RPC_MISC_ERROR, str(exc) or type(exc).__name__, v2)
        return (None, HTTPStatus.NO_CONTENT) if notification else reply


def _too_large() -> str:
    return f"Reply too large: over {MAX_REPLY_BYTES // (1024 * 1024)} MiB"


def _dump(obj, newline: bool = True) -> bytes:
    text = json.dumps(obj, separators=(",", ":"))
    return (text + "\n").encode() if newline else text.encode()
