"""Who may call the node, and what: the cookie, -rpcuser/-rpcpassword, Core's salted -rpcauth
(share/rpcauth/rpcauth.py format), -rpcwhitelist and -rpcwhitelistdefault as Core's httprpc.cpp
(a login without a whitelist may call everything unless -rpcwhitelistdefault says otherwise), and
a budget of failed logins per source address and across all of them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from engine.primitives.rpcauth import make_rpcauth as make_rpcauth  # re-exported: tests/test_hostile.py imports it here
from engine.primitives.rpcauth import parse_rpcauth

log = logging.getLogger("regtest.rpc")

COOKIE_USER = "__cookie__"  # httprpc.cpp: the cookie's user name
# Password checks that may fail, per source address (an IPv6 /64 counts as one address: one
# laptop holds a whole /64) and across all addresses; a guess beyond either budget is refused
# unchecked. Core has no such budget (only its 250 ms delay on 4 workers, ~16 guesses/s).
FAILED_LOGINS_PER_S = 4.0  # per address
FAILED_LOGIN_BURST = 8
GLOBAL_FAILED_LOGINS_PER_S = 16.0  # all addresses together: 4 flooding laptops to lock a class out
GLOBAL_FAILED_LOGIN_BURST = 32
MAX_TRACKED_ADDRESSES = 4096  # budgets kept; a full (rested) one is forgotten first
FAILURE_LOG_INTERVAL_S = 10.0


def address_key(peer: str) -> str:
    """The budget a peer spends: its IPv4 address, or its IPv6 /64."""
    try:
        ip = ipaddress.ip_address(peer)
    except ValueError:
        return peer
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class _Bucket:
    """A token bucket: `rate` tokens a second up to `burst`."""

    __slots__ = ("tokens", "at", "rate", "burst")

    def __init__(self, rate: float, burst: int, now: float):
        self.tokens, self.at, self.rate, self.burst = float(burst), now, rate, burst

    def refill(self, now: float) -> float:
        self.tokens = min(float(self.burst), self.tokens + (now - self.at) * self.rate)
        self.at = now
        return self.tokens


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
    whitelist_default: bool | None = None  # -rpcwhitelistdefault; None: as Core, on when a whitelist is set
    failures_per_s: float = FAILED_LOGINS_PER_S
    burst: int = FAILED_LOGIN_BURST
    global_failures_per_s: float = GLOBAL_FAILED_LOGINS_PER_S
    global_burst: int = GLOBAL_FAILED_LOGIN_BURST
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self):
        self._cookie_login = _Login(COOKIE_USER, password=self.cookie.encode())
        self._lock = threading.Lock()
        self._global = _Bucket(self.global_failures_per_s, self.global_burst, self.clock())
        self._per_address: dict[str, _Bucket] = {}
        self._failed_since_log = 0
        self._limited_since_log = 0
        self._last_log = 0.0
        self.failed_total = 0  # password checks that failed: the guesses the node really checked
        self.limited_total = 0  # logins refused unchecked, a budget being spent

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
        """-rpcwhitelist=user:method,method as httprpc.cpp InitRPCAuthentication: methods split on
        commas and spaces, `user` alone is an empty whitelist, a user named twice gets the intersection."""
        user, sep, methods = spec.partition(":")
        if not user:
            raise AuthConfigError(f"Invalid -rpcwhitelist argument {spec!r}: use user:method1,method2")
        if not sep:  # the user gets a whitelist, empty unless named before
            self.whitelists.setdefault(user, frozenset())
            return
        allowed = frozenset(m for m in methods.replace(" ", ",").split(",") if m)
        self.whitelists[user] = self.whitelists[user] & allowed if user in self.whitelists else allowed

    def may_call_any(self, user: str) -> bool:
        """httprpc.cpp: with -rpcwhitelistdefault (on by default once any -rpcwhitelist is set) a
        user without a whitelist may call nothing ("not allowed to call any methods", HTTP 403)."""
        default = bool(self.whitelists) if self.whitelist_default is None else self.whitelist_default
        return user in self.whitelists or not default

    def allowed(self, user: str, method: str) -> bool:
        """httprpc.cpp: a user with a whitelist may call only what it names (else HTTP 403); a
        user without one may call everything unless -rpcwhitelistdefault is on. The cookie too."""
        if user in self.whitelists:
            return method in self.whitelists[user]
        return self.may_call_any(user)

    # --- checking a request ----------------------------------------------------------------
    def check(self, header: str | None, peer: str = "") -> tuple[str, str | None]:
        """("ok", user), ("fail", None) for a wrong or missing login, or ("limited", None) when
        the failed-login budget of the peer's address, or of all addresses, is spent: then only
        the cookie is checked. A check takes its token first (given back if the password is
        right), so at most `burst + failures_per_s * t` guesses per address, and
        `global_burst + global_failures_per_s * t` in all, are ever checked in `t` seconds."""
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
            mine = self._address_bucket(address_key(peer), now)
            if mine.refill(now) < 1 or self._global.refill(now) < 1:
                self._limited_since_log += 1
                self.limited_total += 1
                self._maybe_log(now, peer)
                return "limited", None
            mine.tokens -= 1
            self._global.tokens -= 1
        ok = False
        for login in self.logins:
            if login.user == user:
                ok |= login.matches(password)
        with self._lock:
            if ok:  # a right password spends nothing
                mine.tokens = min(float(mine.burst), mine.tokens + 1)
                self._global.tokens = min(float(self._global.burst), self._global.tokens + 1)
                return "ok", user
            self._failed_since_log += 1
            self.failed_total += 1
            self._maybe_log(self.clock(), peer)
        return "fail", None

    def _address_bucket(self, key: str, now: float) -> _Bucket:
        bucket = self._per_address.get(key)
        if bucket is None:
            if len(self._per_address) >= MAX_TRACKED_ADDRESSES:
                self._forget_rested(now)
            bucket = self._per_address[key] = _Bucket(self.failures_per_s, self.burst, now)
        return bucket

    def _forget_rested(self, now: float) -> None:
        """Drop the budgets that are full again (forgetting them changes nothing); if none is,
        the oldest half (those addresses get a fresh burst: bounded memory wins)."""
        rested = [k for k, b in self._per_address.items() if b.refill(now) >= b.burst]
        for k in rested or list(self._per_address)[: MAX_TRACKED_ADDRESSES // 2]:
            del self._per_address[k]

    def log_totals(self) -> None:
        """At shutdown: every password check that failed and every login refused unchecked."""
        log.info(
            "RPC failed logins: %d passwords checked and wrong, %d refused unchecked",
            self.failed_total,
            self.limited_total,
        )

    def _maybe_log(self, now: float, peer: str) -> None:
        if now - self._last_log < FAILURE_LOG_INTERVAL_S:
            return
        log.warning(
            "ThreadRPCServer incorrect password attempt from %s: %d failed and %d refused "
            "unchecked since the last report (password checks limited to %.0f/s per address, %.0f/s in all)",
            peer or "?",
            self._failed_since_log,
            self._limited_since_log,
            self.failures_per_s,
            self.global_failures_per_s,
        )
        self._last_log = now
        self._failed_since_log = self._limited_since_log = 0
