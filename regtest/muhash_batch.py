"""engine.primitives.muhash's element mapping (MuHash3072::ToNum3072) for many elements at once:
the ChaCha20 block function run across all their keys in numpy uint32 lanes, what makes
gettxoutsetinfo's muhash over a large UTXO set bearable (the primitives stay stdlib-only, so the
vectorized copy lives here; tests/regtest/test_chainstate.py checks it equals the one-by-one)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from engine.primitives.muhash import BYTE_SIZE, CHACHA_CONSTANTS


def _keystreams(keys: Sequence[bytes], blocks: int) -> bytes:
    """`blocks` ChaCha20 keystream blocks (counter 0 up, nonce 0) for each 32-byte key, the
    same block function as chacha20_block run across all keys at once (numpy, uint32 lanes)."""
    n = len(keys)
    key_words = np.frombuffer(b"".join(keys), dtype="<u4").reshape(n, 8).astype(np.uint32)
    state = np.empty((16, n * blocks), dtype=np.uint32)
    state[0:4] = np.array(CHACHA_CONSTANTS, dtype=np.uint32)[:, None]
    state[4:12] = np.repeat(key_words.T, blocks, axis=1)  # lane = key * blocks + block
    state[12] = np.tile(np.arange(blocks, dtype=np.uint32), n)
    state[13:16] = 0
    x: list[np.ndarray] = [row.copy() for row in state]

    def quarter(a: int, b: int, c: int, d: int) -> None:
        x[a] += x[b]
        x[d] ^= x[a]
        x[d] = (x[d] << 16) | (x[d] >> 16)
        x[c] += x[d]
        x[b] ^= x[c]
        x[b] = (x[b] << 12) | (x[b] >> 20)
        x[a] += x[b]
        x[d] ^= x[a]
        x[d] = (x[d] << 8) | (x[d] >> 24)
        x[c] += x[d]
        x[b] ^= x[c]
        x[b] = (x[b] << 7) | (x[b] >> 25)

    for _ in range(10):
        quarter(0, 4, 8, 12)
        quarter(1, 5, 9, 13)
        quarter(2, 6, 10, 14)
        quarter(3, 7, 11, 15)
        quarter(0, 5, 10, 15)
        quarter(1, 6, 11, 12)
        quarter(2, 7, 8, 13)
        quarter(3, 4, 9, 14)
    out = np.stack(x) + state
    return out.T.astype("<u4").tobytes()  # lane after lane, each its 16 words


def to_num3072_many(items: Sequence[bytes]) -> list[int]:
    """to_num3072 of every item, the ChaCha20 part vectorized."""
    if not items:
        return []
    stream = _keystreams([hashlib.sha256(item).digest() for item in items], BYTE_SIZE // 64)
    return [int.from_bytes(stream[i * BYTE_SIZE : (i + 1) * BYTE_SIZE], "little") for i in range(len(items))]
