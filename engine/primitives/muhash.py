"""MuHash3072, Bitcoin Core's multiset hash of the UTXO set (crypto/muhash.cpp): each element is
SHA-256 hashed, stretched by ChaCha20 into a 3072-bit number, and the set's hash is the product
of its elements modulo 2**3072 - 1103717 (removals divide), so the order does not matter.
gettxoutsetinfo's `muhash`. ChaCha20 is RFC 8439's block function (crypto/chacha20.cpp)."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable

MODULUS = (1 << 3072) - 1103717  # crypto/muhash.h: the largest 3072-bit safe prime
BYTE_SIZE = 384
_MASK = 0xFFFFFFFF
CHACHA_CONSTANTS = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574)  # "expand 32-byte k"


def _rotl(v: int, c: int) -> int:
    return ((v << c) & _MASK) | (v >> (32 - c))


def _quarter(x: list[int], a: int, b: int, c: int, d: int) -> None:
    x[a] = (x[a] + x[b]) & _MASK
    x[d] = _rotl(x[d] ^ x[a], 16)
    x[c] = (x[c] + x[d]) & _MASK
    x[b] = _rotl(x[b] ^ x[c], 12)
    x[a] = (x[a] + x[b]) & _MASK
    x[d] = _rotl(x[d] ^ x[a], 8)
    x[c] = (x[c] + x[d]) & _MASK
    x[b] = _rotl(x[b] ^ x[c], 7)


def chacha20_block(key: bytes, counter: int, nonce: bytes = bytes(12)) -> bytes:
    """One 64-byte ChaCha20 keystream block (RFC 8439 section 2.3)."""
    state = [*CHACHA_CONSTANTS, *struct.unpack("<8I", key), counter & _MASK, *struct.unpack("<3I", nonce)]
    x = list(state)
    for _ in range(10):
        _quarter(x, 0, 4, 8, 12)
        _quarter(x, 1, 5, 9, 13)
        _quarter(x, 2, 6, 10, 14)
        _quarter(x, 3, 7, 11, 15)
        _quarter(x, 0, 5, 10, 15)
        _quarter(x, 1, 6, 11, 12)
        _quarter(x, 2, 7, 8, 13)
        _quarter(x, 3, 4, 9, 14)
    return struct.pack("<16I", *((a + b) & _MASK for a, b in zip(x, state)))


def to_num3072(data: bytes) -> int:
    """MuHash3072::ToNum3072: SHA256(data) as a ChaCha20 key (nonce and counter 0), 384
    keystream bytes read as a little-endian number."""
    key = hashlib.sha256(data).digest()
    stream = b"".join(chacha20_block(key, i) for i in range(BYTE_SIZE // 64))
    return int.from_bytes(stream, "little")


class MuHash3072:
    """crypto/muhash.h MuHash3072: insert, remove, finalize (to the 32-byte hash)."""

    def __init__(self, data: bytes | None = None):
        self.numerator = to_num3072(data) % MODULUS if data is not None else 1
        self.denominator = 1

    def insert(self, data: bytes) -> None:
        self.numerator = self.numerator * to_num3072(data) % MODULUS

    def insert_numbers(self, values: Iterable[int]) -> None:
        """Insert elements already mapped by to_num3072 (regtest/muhash_batch.py maps many at once)."""
        numerator = self.numerator
        for value in values:
            numerator = numerator * value % MODULUS
        self.numerator = numerator

    def remove(self, data: bytes) -> None:
        self.denominator = self.denominator * to_num3072(data) % MODULUS

    def __imul__(self, other: MuHash3072) -> MuHash3072:
        self.numerator = self.numerator * other.numerator % MODULUS
        self.denominator = self.denominator * other.denominator % MODULUS
        return self

    def __itruediv__(self, other: MuHash3072) -> MuHash3072:
        self.numerator = self.numerator * other.denominator % MODULUS
        self.denominator = self.denominator * other.numerator % MODULUS
        return self

    def finalize(self) -> bytes:
        """SHA256 of numerator / denominator mod p, 384 little-endian bytes (internal order)."""
        value = self.numerator * pow(self.denominator, -1, MODULUS) % MODULUS
        return hashlib.sha256(value.to_bytes(BYTE_SIZE, "little")).digest()
