"""JSON-RPC to any Bitcoin Core compatible node through python-bitcoinlib's client.

One `bitcoin.rpc.Proxy` per thread (a shared proxy breaks with "Request-sent" / "Broken pipe"),
credentials from a `.cookie` file (re-read on every reconnect: a restarted node writes a new
one) or user/password, errors mapped to `RPCError` subclasses carrying Bitcoin Core's codes,
and `call_retrying` for loops that must survive a node going away.
"""

from __future__ import annotations

import base64
import http.client
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import bitcoin.rpc

from engine.primitives.rpc_errors import RPC_CLIENT_IN_INITIAL_DOWNLOAD, RPC_CLIENT_NOT_CONNECTED, RPC_IN_WARMUP

# Errors that go away by themselves: the node is starting, or has no peers / is syncing.
TRANSIENT_CODES = frozenset({RPC_IN_WARMUP, RPC_CLIENT_NOT_CONNECTED, RPC_CLIENT_IN_INITIAL_DOWNLOAD})

DEFAULT_TIMEOUT_S = 30.0


class RPCError(Exception):
    """An error the node returned, with Bitcoin Core's numeric `code` and its `message`."""

    def __init__(self, code: int | None, message: str):
        super().__init__(f"{message} (code {code})" if code is not None else message)
        self.code = code
        self.message = message

    @property
    def transient(self) -> bool:
        return self.code in TRANSIENT_CODES


class RPCConnectionError(RPCError):
    """The node could not be reached or answered garbage (refused, timeout, reset, bad HTTP)."""

    transient = True

    def __init__(self, message: str):
        super().__init__(None, message)


class RPCAuthError(RPCConnectionError):
    """HTTP 401: wrong user/password or a stale cookie. Retried (a restarting node rewrites it)."""


# What a request on a connection the server already closed fails with.
_STALE_CONNECTION_ERRORS = (
    http.client.RemoteDisconnected,
    http.client.CannotSendRequest,
    http.client.BadStatusLine,
    BrokenPipeError,
    ConnectionResetError,
)


class RPCStopped(Exception):
    """`call_retrying` gave up because its stop event was set."""


def _auth_from(url: str, cookie_file: Path | None, user: str | None, password: str | None) -> tuple[str, str | None]:
    """Split credentials out of `url`; returns (url without credentials, "user:password")."""
    parts = urlsplit(url if "://" in url else "http://" + url)
    if parts.scheme != "http":
        raise ValueError(f"only http:// RPC URLs are supported, got {url!r}")
    host = parts.hostname or "127.0.0.1"
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    bare = urlunsplit(("http", netloc, parts.path or "/", "", ""))
    if cookie_file is not None:
        return bare, None  # read at connect time
    if user is None and parts.username is not None:
        user, password = unquote(parts.username), unquote(parts.password or "")
    if user is None:
        return bare, None
    return bare, f"{user}:{password or ''}"


class RPCClient:
    """Calls one node's JSON-RPC; safe to share between threads (each gets its own proxy)."""

    def __init__(
        self,
        url: str,
        cookie_file: str | Path | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ):
        self.cookie_file = Path(cookie_file) if cookie_file is not None else None
        self.url, self._authpair = _auth_from(url, self.cookie_file, user, password)
        self.timeout_s = timeout_s
        self._local = threading.local()

    def __repr__(self) -> str:
        auth = "cookie" if self.cookie_file else ("user/password" if self._authpair else "no auth")
        return f"RPCClient({self.url!r}, {auth})"

    def _authpair_now(self) -> str | None:
        if self.cookie_file is None:
            return self._authpair
        try:
            return self.cookie_file.read_text().strip()  # Core writes "__cookie__:<hex>"
        except OSError as exc:
            raise RPCConnectionError(f"cannot read cookie file {self.cookie_file}: {exc.strerror}") from exc

    def _proxy(self, timeout_s: float) -> bitcoin.rpc.Proxy:
        proxies = self._local.__dict__.setdefault("proxies", {})
        proxy = proxies.get(timeout_s)
        if proxy is None:
            authpair = self._authpair_now()
            proxy = bitcoin.rpc.Proxy(service_url=self.url, timeout=timeout_s)
            # Set the Basic auth header ourselves: bitcoinlib takes credentials only from the
            # URL and does not unquote them, which breaks passwords containing "/", "@" or "#".
            proxy._BaseProxy__auth_header = b"Basic " + base64.b64encode(authpair.encode()) if authpair else None
            proxies[timeout_s] = proxy
        return proxy

    def _drop_proxy(self, timeout_s: float) -> None:
        proxy = self._local.__dict__.get("proxies", {}).pop(timeout_s, None)
        if proxy is not None:
            try:
                proxy.close()
            except Exception:  # closing a broken connection may fail again; it is gone either way
                pass

    def call(self, method: str, *params: Any, timeout_s: float | None = None) -> Any:
        """One JSON-RPC call; raises RPCError (node's answer) or RPCConnectionError.

        A kept-alive connection the node has closed meanwhile (Core drops idle ones after
        -rpcservertimeout, 30 s) is reopened once without reporting an error.
        """
        timeout_s = self.timeout_s if timeout_s is None else timeout_s
        reused = timeout_s in self._local.__dict__.get("proxies", {})
        try:
            return self._call_once(method, params, timeout_s)
        except RPCConnectionError as exc:
            if not (reused and isinstance(exc.__cause__, _STALE_CONNECTION_ERRORS)):
                raise
        return self._call_once(method, params, timeout_s)

    def _call_once(self, method: str, params: tuple, timeout_s: float) -> Any:
        proxy = self._proxy(timeout_s)
        try:
            return proxy.call(method, *params)
        except bitcoin.rpc.JSONRPCError as exc:
            code, message = exc.error.get("code"), exc.error.get("message", "")
            if code in (-342, -343, -344):  # bitcoinlib's own codes for a broken HTTP exchange
                self._drop_proxy(timeout_s)
                if "401" in message:
                    raise RPCAuthError(f"{self.url}: authorization failed (HTTP 401)") from exc
                raise RPCConnectionError(f"{self.url}: {message}") from exc
            raise RPCError(code, message) from exc
        except (OSError, http.client.HTTPException) as exc:
            # refused, reset, timeout (TimeoutError is an OSError), RemoteDisconnected, ...
            self._drop_proxy(timeout_s)
            raise RPCConnectionError(f"{self.url}: {type(exc).__name__}: {exc}") from exc

    def call_retrying(
        self,
        method: str,
        *params: Any,
        stop: threading.Event | None = None,
        on_retry: Callable[[RPCError, float], None] | None = None,
        timeout_s: float | None = None,
        first_delay_s: float = 0.25,
        max_delay_s: float = 8.0,
    ) -> Any:
        """`call` until it succeeds, backing off on connection loss and transient node errors.

        Non-transient RPC errors (bad parameters, unknown method) are raised at once.
        `on_retry(error, delay_s)` hears each failure before the wait. Raises RPCStopped if
        `stop` is set while waiting.
        """
        delay_s = first_delay_s
        while True:
            if stop is not None and stop.is_set():
                raise RPCStopped(method)
            try:
                return self.call(method, *params, timeout_s=timeout_s)
            except RPCError as exc:
                if not exc.transient:
                    raise
                if on_retry is not None:
                    on_retry(exc, delay_s)
                wait_s = delay_s * random.uniform(0.8, 1.2)  # jitter: a class of miners must not retry in lockstep
                if stop is not None:
                    if stop.wait(wait_s):
                        raise RPCStopped(method) from exc
                else:
                    time.sleep(wait_s)
                delay_s = min(delay_s * 2, max_delay_s)
