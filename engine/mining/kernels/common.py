"""SHA-256 constants and the per-header precomputation every kernel shares.

A kernel does not hash the first 64 header bytes: they are the same for every nonce, so we
compress them once per job (the midstate) and hand the kernel the midstate plus the three
header words before the nonce (FIPS 180-4 section 6.2; the midstate trick of every miner).
"""

from __future__ import annotations

import struct

import numpy as np

# FIPS 180-4 section 4.2.2: first 32 bits of the fractional parts of the cube roots of the
# first 64 primes.
K = (
    0x428A2F98,
    0x71374491,
    0xB5C0FBCF,
    0xE9B5DBA5,
    0x3956C25B,
    0x59F111F1,
    0x923F82A4,
    0xAB1C5ED5,
    0xD807AA98,
    0x12835B01,
    0x243185BE,
    0x550C7DC3,
    0x72BE5D74,
    0x80DEB1FE,
    0x9BDC06A7,
    0xC19BF174,
    0xE49B69C1,
    0xEFBE4786,
    0x0FC19DC6,
    0x240CA1CC,
    0x2DE92C6F,
    0x4A7484AA,
    0x5CB0A9DC,
    0x76F988DA,
    0x983E5152,
    0xA831C66D,
    0xB00327C8,
    0xBF597FC7,
    0xC6E00BF3,
    0xD5A79147,
    0x06CA6351,
    0x14292967,
    0x27B70A85,
    0x2E1B2138,
    0x4D2C6DFC,
    0x53380D13,
    0x650A7354,
    0x766A0ABB,
    0x81C2C92E,
    0x92722C85,
    0xA2BFE8A1,
    0xA81A664B,
    0xC24B8B70,
    0xC76C51A3,
    0xD192E819,
    0xD6990624,
    0xF40E3585,
    0x106AA070,
    0x19A4C116,
    0x1E376C08,
    0x2748774C,
    0x34B0BCB5,
    0x391C0CB3,
    0x4ED8AA4A,
    0x5B9CCA4F,
    0x682E6FF3,
    0x748F82EE,
    0x78A5636F,
    0x84C87814,
    0x8CC70208,
    0x90BEFFFA,
    0xA4506CEB,
    0xBEF9A3F7,
    0xC67178F2,
)
# FIPS 180-4 section 5.3.3: the initial hash value.
IV = (0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19)

# The second 64-byte block of an 80-byte header: 16 bytes of header, then the padding (0x80,
# zeros, bit length 640). The second hash hashes 32 bytes: padding 0x80 then length 256.
HEADER_PAD_WORD4 = 0x80000000
HEADER_LENGTH_BITS = 640
DIGEST_PAD_WORD8 = 0x80000000
DIGEST_LENGTH_BITS = 256

PARAMS_WORDS = 11  # midstate (8 words) + header words 16..18 (merkle tail, time, bits)
MASK32 = 0xFFFFFFFF


def _rotr(x: int, n: int) -> int:
    return ((x >> n) | (x << (32 - n))) & MASK32


def compress(state: tuple[int, ...], block64: bytes) -> tuple[int, ...]:
    """One SHA-256 compression (pure Python; used once per job for the midstate)."""
    w = list(struct.unpack(">16I", block64))
    for i in range(16, 64):
        s0 = _rotr(w[i - 15], 7) ^ _rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
        s1 = _rotr(w[i - 2], 17) ^ _rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
        w.append((w[i - 16] + s0 + w[i - 7] + s1) & MASK32)
    a, b, c, d, e, f, g, h = state
    for i in range(64):
        t1 = (h + (_rotr(e, 6) ^ _rotr(e, 11) ^ _rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) & MASK32
        t2 = ((_rotr(a, 2) ^ _rotr(a, 13) ^ _rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) & MASK32
        a, b, c, d, e, f, g, h = (t1 + t2) & MASK32, a, b, c, (d + t1) & MASK32, e, f, g
    return tuple((s + v) & MASK32 for s, v in zip(state, (a, b, c, d, e, f, g, h)))


def job_params(header80: bytes) -> np.ndarray:
    """The 11 words a kernel needs for one header: midstate, then header words 16, 17, 18."""
    if len(header80) != 80:
        raise ValueError(f"a block header is 80 bytes, got {len(header80)}")
    midstate = compress(IV, header80[:64])
    tail = struct.unpack(">3I", header80[64:76])  # SHA-256 reads big-endian words
    return np.array(midstate + tail, dtype=np.uint32)


def top_word(target: int) -> int:
    """The target's most significant 32 bits: what a kernel compares its early-exit word to."""
    return min(target, (1 << 256) - 1) >> 224 if target >= 0 else -1


def digest_top_word(h7: int) -> int:
    """The hash's most significant 32 bits from the second hash's last state word.

    The hash is compared as a little-endian number (Bitcoin Core arith_uint256, UintToArith256),
    so its top 32 bits are the digest's last 4 bytes, i.e. H7 byte-swapped.
    """
    return int.from_bytes(h7.to_bytes(4, "big"), "little")
