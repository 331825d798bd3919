"""The plain scalar kernel: rolled SHA-256 loops, one nonce at a time.

It is the reference the fast kernels are checked against and the quick-compiling kernel that
mines during the first seconds while the unrolled vector kernel compiles.
"""

from __future__ import annotations

import numpy as np

from engine.mining.kernels.common import (
    DIGEST_LENGTH_BITS,
    DIGEST_PAD_WORD8,
    HEADER_LENGTH_BITS,
    HEADER_PAD_WORD4,
    IV,
    K,
)
from engine.mining.kernels.jit import kernel_jit

LANES = 1
_K = np.array(K, dtype=np.uint32)
_IV = np.array(IV, dtype=np.uint32)
_U32 = np.uint32


def _compress(state, w, out):
    """SHA-256 compression of message words w[0:16] (expanded in place) onto `state` -> out."""
    for i in range(16, 64):
        x = w[i - 15]
        y = w[i - 2]
        s0 = ((x >> 7) | (x << 25)) ^ ((x >> 18) | (x << 14)) ^ (x >> 3)
        s1 = ((y >> 17) | (y << 15)) ^ ((y >> 19) | (y << 13)) ^ (y >> 10)
        w[i] = _U32(w[i - 16] + _U32(s0) + w[i - 7] + _U32(s1))
    a = state[0]
    b = state[1]
    c = state[2]
    d = state[3]
    e = state[4]
    f = state[5]
    g = state[6]
    h = state[7]
    for i in range(64):
        big_s1 = _U32(((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7)))
        ch = _U32((e & f) ^ (~e & g))
        t1 = _U32(h + big_s1 + ch + _K[i] + w[i])
        big_s0 = _U32(((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10)))
        maj = _U32((a & b) ^ (a & c) ^ (b & c))
        h = g
        g = f
        f = e
        e = _U32(d + t1)
        d = c
        c = b
        b = a
        a = _U32(t1 + big_s0 + maj)
    out[0] = _U32(state[0] + a)
    out[1] = _U32(state[1] + b)
    out[2] = _U32(state[2] + c)
    out[3] = _U32(state[3] + d)
    out[4] = _U32(state[4] + e)
    out[5] = _U32(state[5] + f)
    out[6] = _U32(state[6] + g)
    out[7] = _U32(state[7] + h)


_compress_jit = kernel_jit(_compress)


def _bswap(x):
    return _U32(((x & _U32(0xFF)) << 24) | ((x & _U32(0xFF00)) << 8) | ((x >> 8) & _U32(0xFF00)) | (x >> 24))


_bswap_jit = kernel_jit(_bswap)


@kernel_jit
def scan(params, nonce_start, nonce_end, target_top, lanes_out):
    """First nonce in [nonce_start, nonce_end) whose hash's top word is <= target_top, or -1.

    lanes_out[0] receives the top word of the last hash computed.
    """
    w = np.zeros(64, dtype=np.uint32)
    first = np.zeros(8, dtype=np.uint32)
    second = np.zeros(8, dtype=np.uint32)
    for nonce in range(nonce_start, nonce_end):
        w[0] = params[8]
        w[1] = params[9]
        w[2] = params[10]
        w[3] = _bswap_jit(_U32(nonce))  # the header stores the nonce little-endian
        w[4] = _U32(HEADER_PAD_WORD4)
        for i in range(5, 15):
            w[i] = _U32(0)
        w[15] = _U32(HEADER_LENGTH_BITS)
        _compress_jit(params[:8], w, first)
        for i in range(8):
            w[i] = first[i]
        w[8] = _U32(DIGEST_PAD_WORD8)
        for i in range(9, 15):
            w[i] = _U32(0)
        w[15] = _U32(DIGEST_LENGTH_BITS)
        _compress_jit(_IV, w, second)
        top = _bswap_jit(second[7])
        lanes_out[0] = top
        if top <= target_top:
            return nonce
    return -1
