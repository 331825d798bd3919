"""Who may call the node, and what: the cookie, -rpcuser/-rpcpassword, Core's salted -rpcauth
(share/rpcauth/rpcauth.py format), -rpcwhitelist (password logins default to MINING_WHITELIST),
and one global limit on failed logins."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from engine.primitives.rpcauth import make_rpcauth as make_rpcauth  # re-exported: tests/test_hostile.py imports it here
from engine.primitives.rpcauth import parse_rpcauth

log = logging.getLogger("regtest.rpc")

COOKIE_USER = "__cookie__"  # httprpc.cpp: the cookie's user name
# What a class login may call by default: the miner (engine/mining/miner.py: getblocktemplate,
# submitblock, getbestblockhash) and the window's poller (gui/chain/service.py ChainPoller:
# getblockchaininfo, getnetworkhashps, uptime, getblockhash, getblockheader), plus cheap reads.
# stop, generatetoaddress and getblock (large replies) stay with the cookie.
MINING_WHITELIST = frozenset(
    {
        "getblocktemplate",
        "submitblock",
        "getbestblockhash",
        "getblockchaininfo",
        "getblockcount",
        "getblockhash",
        "getblockheader",
        "getnetworkhashps",
        "getmininginfo",
        "getdifficulty",
        "uptime",
        "help",
        # what a wallet on a class login needs (all bounded: one transaction or scan per call)
        "sendrawtransaction",
        "testmempoolaccept",
        "getrawmempool",
        "getmempoolinfo",
        "getmempoolentry",
        "getrawtransaction",
        "decoderawtransaction",
        "gettxout",
        "scantxoutset",
    }
)
FAILED_LOGINS_PER_S = 4.0  # across all connections: Core's 4 workers x 250 ms delay allow ~16/s
FAILED_LOGIN_BURST = 8
FAILURE_LOG_INTERVAL_S = 10.0


class AuthConfigError(ValueError):
    """A bad -rpcauth or -rpcwhitelist value; the message says which."""


@dataclass
class _Login:
    user: str
    password: bytes | None = None  # -rpcuser/-rpcpassword or the cookie
    salt: bytes | None = None  # -rpcauth
    digest: str | None = None

    def matches(self, password: bytes) -> bool:
        if self.password is not None:
            return hmac.compare_digest(password, self.password)
        # httprpc.cpp CheckUserAuthorized: HMAC-SHA256 keyed with the salt, compared in constant time.
        assert self.salt is not None and self.digest is not None  # an -rpcauth login has both
        return hmac.compare_digest(hmac.new(self.salt, password, hashlib.sha256).hexdigest(), self.digest)


@dataclass
class Auth:
    """Checks a Basic header and answers which user it is; decides what each user may call."""

    cookie: str
    logins: list[_Login] = field(default_factory=list)
    whitelists: dict[str, frozenset[str]] = field(default_factory=dict)
    failures_per_s: float = FAILED_LOGINS_PER_S
    burst: int = FAILED_LOGIN_BURST
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self):
        self._cookie_login = _Login(COOKIE_USER, password=self.cookie.encode())
        self._lock = threading.Lock()
        self._tokens = float(self.burst)
        self._refilled = self.clock()
        self._failed_since_log = 0
        self._limited_since_log = 0
        self._last_log = 0.0
        self.failed_total = 0
        self.limited_total = 0

    # --- configuration ---------------------------------------------------------------------
    def add_password(self, user: str, password: str) -> None:
        self.logins.append(_Login(user, password=password.encode()))

    def add_rpcauth(self, spec: str) -> None:
        """-rpcauth=user:salt$hash (init.cpp / httprpc.cpp InitRPCAuthentication)."""
        try:
            user, salt, digest = parse_rpcauth(spec)
        except ValueError:
            raise AuthConfigError(
                "Invalid -rpcauth argument: use user:salt$hash as printed by Bitcoin Core's share/rpcauth/rpcauth.py"
            ) from None
        self.logins.append(_Login(user, salt=salt.encode(), digest=digest))

    def add_whitelist(self, spec: str) -> None:
        """-rpcwhitelist=user:method,method; a user named twice gets the intersection, as in Core."""
        user, sep, methods = spec.partition(":")
        if not user or not sep:
            raise AuthConfigError(f"Invalid -rpcwhitelist argument {spec!r}: use user:method1,method2")
        allowed = frozenset(m.strip() for m in methods.split(",") if m.strip())
        self.whitelists[user] = self.whitelists[user] & allowed if user in self.whitelists else allowed

    def allowed(self, user: str, method: str) -> bool:
        """httprpc.cpp: a user with a whitelist may call only what it names (else HTTP 403).
        Password logins without an explicit -rpcwhitelist get MINING_WHITELIST."""
        if user == COOKIE_USER:
            return True
        return method in self.whitelists.get(user, MINING_WHITELIST)

    # --- checking a request ----------------------------------------------------------------
    def check(self, header: str | None, peer: str = "") -> tuple[str, str | None]:
        """("ok", user), ("fail", None) for a wrong or missing login, or ("limited", None) when
        the global failed-login budget is spent: then only the cookie is checked, so guesses
        cannot go faster than `failures_per_s` however many connections make them."""
        if not header or not header.startswith("Basic "):
            return "fail", None
        try:
            given = base64.b64decode(header[6:].strip(), validate=True)
        except ValueError:
            given = b""
        user_bytes, _, password = given.partition(b":")
        user = user_bytes.decode("utf-8", "replace")
        if user == COOKIE_USER and self._cookie_login.matches(password):
            return "ok", COOKIE_USER
        with self._lock:
            now = self.clock()
            self._tokens = min(float(self.burst), self._tokens + (now - self._refilled) * self.failures_per_s)
            self._refilled = now
            if self._tokens < 1:
                self._limited_since_log += 1
                self.limited_total += 1
                self._maybe_log(now, peer)
                return "limited", None
        ok = False
        for login in self.logins:
            if login.user == user:
                ok |= login.matches(password)
        if ok:
            return "ok", user
        with self._lock:
            self._tokens -= 1
            self._failed_since_log += 1
            self.failed_total += 1
            self._maybe_log(self.clock(), peer)
        return "fail", None

    def _maybe_log(self, now: float, peer: str) -> None:
        if now - self._last_log < FAILURE_LOG_INTERVAL_S:
            return
        log.warning(
            "ThreadRPCServer incorrect password attempt from %s: %d failed and %d refused "
            "unchecked since the last report (password checks limited to %.0f/s)",
            peer or "?",
            self._failed_since_log,
            self._limited_since_log,
            self.failures_per_s,
        )
        self._last_log = now
        self._failed_since_log = self._limited_since_log = 0
