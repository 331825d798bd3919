"""The proof-of-work search for everyone: `find_nonce` (hashlib for the first 256 nonces, then the
kernel measured fastest), `find_nonce_hashlib` (reference and benchmark baseline) and
`measure_hashrate(seconds, threads)`; the hash itself is engine.primitives.hashes.sha256d.

A nonce wins when the header's hash, read as a little-endian 256-bit integer, is at most the target
(Bitcoin Core pow.cpp CheckProofOfWork). The Numba kernels (engine.mining.kernels) plug in behind
`find_nonce`; callers never see them.
"""

from __future__ import annotations

import hashlib
import struct

from engine.primitives.pow import NONCE_SPACE

HASHLIB_FIRST_NONCES = 256  # easy targets (regtest: 1 in 2) are met long before


def find_nonce_hashlib(
    header80: bytes, target: int, nonce_start: int = 0, nonce_count: int = NONCE_SPACE
) -> int | None:
    """`find_nonce` with hashlib only: the reference and the benchmarks' baseline."""
    if len(header80) != 80:
        raise ValueError(f"a block header is 80 bytes, got {len(header80)}")
    end = min(nonce_start + nonce_count, NONCE_SPACE)
    prefix = hashlib.sha256(header80[:64])  # midstate: the first 64 bytes never change
    tail = header80[64:76]
    pack = struct.Struct("<I").pack
    for nonce in range(nonce_start, end):
        h = prefix.copy()
        h.update(tail + pack(nonce))
        if int.from_bytes(hashlib.sha256(h.digest()).digest(), "little") <= target:
            return nonce
    return None


def find_nonce(header80: bytes, target: int, nonce_start: int = 0, nonce_count: int = NONCE_SPACE) -> int | None:
    """First nonce in [nonce_start, nonce_start + nonce_count) whose header hash is <= target.

    `header80` is a full 80-byte header; its nonce field (bytes 76..80) is ignored.
    Returns None when no nonce in the range meets the target. The first few nonces are tried
    with hashlib (easy regtest targets need no compiled kernel); the rest go to the Numba
    kernel measured fastest on this CPU, compiled or loaded from cache on first use.
    """
    if len(header80) != 80:
        raise ValueError(f"a block header is 80 bytes, got {len(header80)}")
    end = min(nonce_start + nonce_count, NONCE_SPACE)
    quick_end = min(end, nonce_start + HASHLIB_FIRST_NONCES)
    nonce = find_nonce_hashlib(header80, target, nonce_start, max(0, quick_end - nonce_start))
    if nonce is not None or quick_end >= end:
        return nonce
    from engine.mining.kernels import best_kernel_name, get_kernel

    return get_kernel(best_kernel_name()).find(header80, target, quick_end, end - quick_end)


def measure_hashrate(seconds: float = 1.5, threads: int = 1, on_progress=None) -> float:
    """Hashes per second of the kernel the miner will use, on `threads` threads.

    The kernel is the one measured fastest on this CPU (chosen, compiled and timed first if
    needed); it is warmed up, then timed in ~0.25 s windows over `seconds` and the best window
    counts. The regtest node and the window's first launch size a new "lab" chain with it.
    `on_progress(kernel, stage, seconds)` hears "compiling", "ready" and "timing".
    """
    from engine.mining.kernels.choice import WINDOW_S, measure_hashrate_hs

    windows = max(1, round(seconds / WINDOW_S))
    return measure_hashrate_hs(threads, on_progress=on_progress, windows=windows)[1]
