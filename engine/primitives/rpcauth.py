"""Bitcoin Core's salted login line, `user:salt$hmac` (share/rpcauth/rpcauth.py), so a class
password is stored and handed on only as a salted hash: the node checks it (-rpcauth), and so
does the class pool. Also the one environment variable our commands (node, miner, pool) read a
plain RPC password from, so the setting has one name everywhere."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# Secrets come through the environment (readable only by the user, unlike the command line).
RPC_PASSWORD_ENV = "MINE2COMPUTE_RPC_PASSWORD"


def make_rpcauth(user: str, password: str, salt: str | None = None) -> str:
    """Core's share/rpcauth/rpcauth.py: `user:salt$hmac_sha256(key=salt, msg=password)`."""
    salt = salt or secrets.token_hex(16)
    digest = hmac.new(salt.encode(), password.encode(), hashlib.sha256).hexdigest()
    return f"{user}:{salt}${digest}"


def parse_rpcauth(line: str) -> tuple[str, str, str]:
    """(user, salt, hex digest) of an rpcauth line; ValueError names what is wrong."""
    user, sep, rest = line.partition(":")
    salt, dollar, digest = rest.partition("$")
    if not (user and sep and salt and dollar and len(digest) == 64):
        raise ValueError("an rpcauth line is user:salt$hash (as printed by Core's rpcauth.py)")
    try:
        bytes.fromhex(digest)
    except ValueError:
        raise ValueError("the hash of an rpcauth line is 64 hex digits") from None
    return user, salt, digest.lower()


def rpcauth_matches(line: str, password: str) -> bool:
    """Whether `password` is the one `line` was made from (httprpc.cpp: HMAC-SHA256 keyed with
    the salt, compared in constant time)."""
    _user, salt, digest = parse_rpcauth(line)
    mine = hmac.new(salt.encode(), password.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(mine, digest)
