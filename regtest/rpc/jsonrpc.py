"""JSON-RPC 1.x and 2.0 as Bitcoin Core answers it (httprpc.cpp HTTPReq_JSONRPC, rpc/request.cpp):
one request or a batch of any length, -rpcwhitelist checked per call, each call dispatched to the
method table; legacy replies carry Core's HTTP statuses.

Memory stays bounded whatever the body (at most 32 MiB): a body of up to MAX_JSON_VALUES values
is parsed at once; a longer batch is read one call at a time (no call over MAX_JSON_VALUES), first
to check it all (a malformed or forbidden batch runs nothing, as Core) and then to run it, and its
reply is handed out in parts as the calls are answered (`handle_body` returns an iterator), so a
2 MB batch of a million calls never holds more than one call and one part of its reply."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from http import HTTPStatus

from engine.primitives.rpc_errors import (
    RPC_INTERNAL_ERROR,
    RPC_INVALID_REQUEST,
    RPC_METHOD_NOT_FOUND,
    RPC_MISC_ERROR,
    RPC_PARSE_ERROR,
)

from .auth import Auth
from .errors import RPCError

log = logging.getLogger("regtest.rpc")

MAX_JSON_VALUES = 100_000  # arrays, objects and elements parsed at once (parsed Python costs ~100 B each)
MAX_REPLY_BYTES = 16 * 1024 * 1024  # one call's reply; past it the call is answered -32603
REPLY_PART_BYTES = 256 * 1024  # a batch's reply is handed out in parts of about this size
FIRST_SLICE = 256  # characters tried first when cutting one call out of a long batch
_WS = re.compile(r"[ \t\n\r]*")


def _skip_ws(text: str, i: int) -> int:
    m = _WS.match(text, i)
    return m.end() if m else i


def _reject_constant(name: str):
    raise ValueError(f"invalid JSON constant {name}")  # UniValue rejects NaN and Infinity


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


class _BadBatch(Exception):
    """The batch is not valid JSON (Parse error) or one call is too large to parse."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code, self.message = code, message


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


def _count_values(text, start: int = 0, end: int | None = None) -> int:
    end = len(text) if end is None else end
    if isinstance(text, bytes):
        return text.count(b"[", start, end) + text.count(b"{", start, end) + text.count(b",", start, end)
    return text.count("[", start, end) + text.count("{", start, end) + text.count(",", start, end)


def _decode_one(text: str, i: int):
    """The JSON value starting at text[i] and where it ends, cut out through slices growing
    fourfold, each checked for at most MAX_JSON_VALUES values before it is parsed."""
    n, size = len(text), FIRST_SLICE
    while True:
        end = min(n, i + size)
        if size > MAX_JSON_VALUES and _count_values(text, i, end) > MAX_JSON_VALUES:
            raise _BadBatch(
                RPC_INVALID_REQUEST, f"Request too large: more than {MAX_JSON_VALUES} JSON values in one call"
            )
        try:
            if end == n:
                return _DECODER.raw_decode(text, i)
            value, stop = _DECODER.raw_decode(text[i:end])
        except (ValueError, RecursionError):
            if end == n:
                raise _BadBatch(RPC_PARSE_ERROR, "Parse error") from None
        else:
            if stop < end - i:  # something follows inside the slice: the value is whole
                return value, i + stop
        size *= 4


def _iter_batch(text: str) -> Iterator:
    """The elements of the top-level array `text` one at a time; _BadBatch if it is not one."""
    n = len(text)
    i = _skip_ws(text, 0)
    if i >= n or text[i] != "[":
        raise _BadBatch(RPC_PARSE_ERROR, "Parse error")
    i = _skip_ws(text, i + 1)
    if i < n and text[i] == "]":
        if _skip_ws(text, i + 1) != n:
            raise _BadBatch(RPC_PARSE_ERROR, "Parse error")
        return
    while True:
        value, i = _decode_one(text, i)
        yield value
        i = _skip_ws(text, i)
        if i < n and text[i] == ",":
            i = _skip_ws(text, i + 1)
            continue
        if i < n and text[i] == "]" and _skip_ws(text, i + 1) == n:
            return
        raise _BadBatch(RPC_PARSE_ERROR, "Parse error")


def _is_notification(req) -> bool:
    return isinstance(req, dict) and req.get("jsonrpc") == "2.0" and "id" not in req


class JSONRPC:
    """Turns an authenticated request body into a reply body; `dispatch(method, params)` does the
    work, `auth` says what each user may call and `warn(key, message, *args)` logs, rate-limited."""

    def __init__(self, auth: Auth, dispatch, warn):
        self.auth = auth
        self.dispatch = dispatch
        self._warn = warn

    def handle_body(self, user: str, body: bytes | list[bytes]) -> tuple[int, bytes | Iterator[bytes], str]:
        """httprpc.cpp HTTPReq_JSONRPC after authentication: (HTTP status, body, content type); a
        batch's body is an iterator of parts, made as its calls run. `body` may come as the last
        item of a list, which is emptied so the bytes die once decoded."""
        if isinstance(body, list):
            body = body.pop()
        batch = body.lstrip(b" \t\r\n")[:1] == b"["
        if not batch and _count_values(body) > MAX_JSON_VALUES:
            return self._error(RPC_INVALID_REQUEST, f"Request too large: more than {MAX_JSON_VALUES} JSON values")
        try:
            text = body.decode("utf-8")
            del body
            if batch and _count_values(text) > MAX_JSON_VALUES:
                return self._long_batch(user, text)
            request = json.loads(text, parse_constant=_reject_constant)
            del text
        except (ValueError, UnicodeDecodeError, RecursionError):
            return self._error(RPC_PARSE_ERROR, "Parse error")
        if not self.auth.may_call_any(user):  # httprpc.cpp: after the body parsed
            return self._refuse_all(user)
        if isinstance(request, dict):
            method = request.get("method")
            if isinstance(method, str) and not self.auth.allowed(user, method):
                return self._forbidden(user, method)
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
            refused = self._check_batch(user, request)
            if refused is not None:
                return refused
            if request and all(_is_notification(r) for r in request):
                return HTTPStatus.NO_CONTENT, b"", "application/json"  # httprpc.cpp: all notifications
            return HTTPStatus.OK, self._batch_reply(iter(request)), "application/json"
        return self._error(RPC_PARSE_ERROR, "Top-level object parse error")

    def _long_batch(self, user: str, text: str) -> tuple[int, bytes | Iterator[bytes], str]:
        """A batch too long to parse at once: read through once to check it, then run it."""
        try:
            for _ in _iter_batch(text):  # Core parses the whole body before anything else
                pass
            if not self.auth.may_call_any(user):
                return self._refuse_all(user)
            refused = self._check_batch(user, _iter_batch(text))
            if refused is not None:
                return refused
            answered = any(not _is_notification(r) for r in _iter_batch(text))
        except _BadBatch as exc:
            return self._error(exc.code, exc.message)
        if not answered:
            return HTTPStatus.NO_CONTENT, b"", "application/json"
        return HTTPStatus.OK, self._batch_reply(_iter_batch(text)), "application/json"

    def _check_batch(self, user: str, calls) -> tuple[int, bytes, str] | None:
        """httprpc.cpp: a user with a whitelist has every call of a batch checked first; one it
        may not make refuses the whole batch (403), a non-object is -32600."""
        if user not in self.auth.whitelists:
            return None
        for call in calls:
            if not isinstance(call, dict):
                return self._error(RPC_INVALID_REQUEST, "Invalid Request object")
            method = call.get("method")
            if not isinstance(method, str):
                return self._error(RPC_PARSE_ERROR, "JSON value is not a string as expected")
            if not self.auth.allowed(user, method):
                return self._forbidden(user, method)
        return None

    def _batch_reply(self, calls: Iterator) -> Iterator[bytes]:
        """The batch's reply in parts of about REPLY_PART_BYTES, made as the calls run."""
        part, first = [b"["], True
        size = 1
        for req in calls:
            reply, _ = self.handle_request(req)
            if reply is None:
                continue
            data = _dump(reply, newline=False)
            if len(data) > MAX_REPLY_BYTES:
                req_id = req.get("id") if isinstance(req, dict) else None
                v2 = isinstance(req, dict) and req.get("jsonrpc") == "2.0"
                data = _dump(_error_reply(req_id, RPC_INTERNAL_ERROR, _too_large(), v2)[0], newline=False)
            if not first:
                part.append(b",")
            first = False
            part.append(data)
            size += len(data) + 1
            if size >= REPLY_PART_BYTES:
                yield b"".join(part)
                part, size = [], 0
        part.append(b"]\n")
        yield b"".join(part)

    def _refuse_all(self, user: str) -> tuple[int, bytes, str]:
        self._warn("forbidden", "RPC User %s not allowed to call any methods", user[:40])
        return HTTPStatus.FORBIDDEN, b"", "text/plain"

    def _forbidden(self, user: str, method: str) -> tuple[int, bytes, str]:
        self._warn("forbidden", "RPC User %s not allowed to call method %s", user[:40], method[:40])
        return HTTPStatus.FORBIDDEN, b"", "text/plain"

    @staticmethod
    def _error(code: int, message: str) -> tuple[int, bytes, str]:
        reply, status = _error_reply(None, code, message, False)
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
