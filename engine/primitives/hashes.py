"""The hashes Bitcoin uses: double SHA-256 (headers, txids, merkle nodes) and HASH160 (keys)."""

from __future__ import annotations

import hashlib


def sha256d(data: bytes) -> bytes:
    """SHA256(SHA256(data)), Core's hash.h Hash / CHash256."""
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def hash160(data: bytes) -> bytes:
    """RIPEMD160(SHA256(data)), Core's hash.h Hash160: the key hash of P2PKH and P2WPKH."""
    return hashlib.new("ripemd160", hashlib.sha256(data).digest()).digest()
