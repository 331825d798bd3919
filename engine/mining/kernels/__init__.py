"""SHA-256d nonce-scan kernels behind one small API.

Kernels (all compiled by the one JIT policy in `engine.mining.kernels.jit`):
- "scalar": rolled loops, one nonce at a time; the reference, and quick to compile (~1 s).
- "lanes8" / "lanes16": generated, fully unrolled, 8 or 16 nonces in lockstep vector lanes
  (AVX2 / AVX-512); ~10 s to compile the first time, then loaded from Numba's cache.
- "shani": the CPU's SHA extensions, 4 nonces interleaved; compiles in well under a second.
  Only on CPUs with SHA-NI (AMD Zen, Intel Ice Lake and later, Goldmont Atoms).

A kernel reports *candidates*: nonces whose hash has a top 32-bit word <= the target's. A
candidate is a block only if the whole 256-bit hash is <= the target (Bitcoin Core pow.cpp
CheckProofOfWork), which `Kernel.search` checks with hashlib before returning it.

Which kernel mines is decided by timing them on this CPU, never by its flags
(`engine.mining.kernels.choice`: cached per CPU model, features and kernel version). A first launch
mines at once with the first kernel ready (`first_kernel_name`: "shani" where it can compile, else
"scalar"); the others compile in the background and are timed on the miner's own threads while it
mines (`engine.mining.kernels.trial`).
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np

from engine.mining.kernels.common import job_params, top_word
from engine.mining.kernels.jit import compile_kernel, effective_cpu_features, vector_isa
from engine.primitives.hashes import sha256d
from engine.primitives.pow import NONCE_SPACE

MAX_LANES = 16
KERNEL_NAMES = ("scalar", "lanes8", "lanes16", "shani")
QUICK_KERNEL = "scalar"
QUICK_COMPILING = frozenset({"scalar", "shani"})  # no need to mine with another while they compile
KERNEL_ENV = "MINE2COMPUTE_KERNEL"

ProgressCallback = Callable[[str, str, float], None]


def available_kernels() -> tuple[str, ...]:
    """Kernels this CPU can run ("shani" needs the SHA extensions)."""
    return tuple(n for n in KERNEL_NAMES if n != "shani" or has_sha_extensions())


def has_sha_extensions() -> bool:
    return "+sha" in effective_cpu_features().split(",")


def first_kernel_name() -> str:
    """The kernel ready first on this CPU: "shani" (~0.2 s to compile) where the CPU can run it,
    else "scalar" (~1 s). Flags only say what *can* compile; which kernel is fastest is measured."""
    return "shani" if has_sha_extensions() else QUICK_KERNEL


def best_kernel_name() -> str:
    """$MINE2COMPUTE_KERNEL if set, else the kernel measured fastest on this CPU, else (not timed
    yet) the first kernel ready. Never compiles or times anything but that one kernel."""
    return chosen_kernel_name() or first_kernel_name()


def chosen_kernel_name() -> str | None:
    """The forced or cached measured kernel, or None when it has not been measured yet."""
    from engine.mining.kernels.choice import cached_choice

    choice = cached_choice()
    return choice.name if choice else None


@dataclass
class Kernel:
    """A compiled nonce-scan kernel."""

    name: str
    lanes: int
    scan: Callable = field(repr=False)
    compile_s: float = 0.0
    from_cache: bool = False  # loaded from Numba's on-disk cache rather than compiled

    def new_lanes_buffer(self) -> np.ndarray:
        """Per-thread scratch the kernel writes each lane's top hash word into."""
        return np.zeros(MAX_LANES, dtype=np.uint32)

    def search(
        self,
        params: np.ndarray,
        header76: bytes,
        target: int,
        nonce_start: int,
        nonce_end: int,
        lanes_out: np.ndarray | None = None,
    ) -> tuple[int | None, int]:
        """First nonce in [nonce_start, nonce_end) meeting `target`, and the hashes it took.

        `params` is `job_params(header)`, `header76` the header without its nonce. Returns
        (None, nonce_end - nonce_start) when no nonce in the range meets the target.
        """
        nonce_end = min(nonce_end, NONCE_SPACE)
        if target < 0 or nonce_start >= nonce_end:
            return None, max(0, nonce_end - nonce_start)
        if lanes_out is None:
            lanes_out = self.new_lanes_buffer()
        target_top = np.uint32(top_word(target))
        start = nonce_start
        while start < nonce_end:
            candidate = self.scan(params, start, nonce_end, target_top, lanes_out)
            if candidate < 0:
                break
            digest = sha256d(header76 + struct.pack("<I", candidate))
            if int.from_bytes(digest, "little") <= target:
                return int(candidate), int(candidate) - nonce_start + 1
            start = int(candidate) + 1  # same top word as the target, but above it: go on
        return None, nonce_end - nonce_start

    def measure_hs(self, seconds: float = 0.5, threads: int = 1) -> float:
        """Hashes per second over ~`seconds` on `threads` threads, each scanning its own header.

        Each thread's hashes count over its own time, from the common start to the end of its
        last call (a thread whose last chunk ended early is not idle time), and chunks last
        ~10 ms, so a short window is not dominated by one long call past the deadline.
        """
        import time

        counts = [0] * threads
        ends_s = [0.0] * threads
        ready = threading.Barrier(threads + 1)
        start_s = [0.0]

        def run(index: int) -> None:
            header80 = bytes([index]) * 80
            params, lanes_out = job_params(header80), self.new_lanes_buffer()
            chunk, start = 1 << 12, 0
            ready.wait()
            deadline_s = start_s[0] + seconds
            now_s = time.perf_counter()
            while now_s < deadline_s:
                # target 0: no hash meets it, so every call scans its whole chunk
                hashes = self.search(params, header80[:76], 0, start, start + chunk, lanes_out)[1]
                then_s, now_s = now_s, time.perf_counter()
                counts[index] += hashes
                start = (start + chunk) % NONCE_SPACE
                if now_s > then_s:
                    chunk = int(min(max(hashes / (now_s - then_s) * 0.01, 1 << 10), 1 << 24))
            ends_s[index] = now_s

        workers = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(threads)]
        for w in workers:
            w.start()
        start_s[0] = time.perf_counter()
        ready.wait()
        for w in workers:
            w.join()
        return sum(c / (e - start_s[0]) for c, e in zip(counts, ends_s) if e > start_s[0])

    def find(self, header80: bytes, target: int, nonce_start: int = 0, nonce_count: int = NONCE_SPACE) -> int | None:
        """Convenience: `search` on a full 80-byte header (its nonce field is ignored)."""
        nonce, _ = self.search(
            job_params(header80), bytes(header80[:76]), target, nonce_start, nonce_start + nonce_count
        )
        return nonce


_kernels: dict[str, Kernel] = {}
_locks = {name: threading.Lock() for name in KERNEL_NAMES}


def is_loaded(name: str) -> bool:
    return name in _kernels


def get_kernel(name: str, on_progress: ProgressCallback | None = None) -> Kernel:
    """The compiled kernel `name`, compiling or loading it from cache on first use (blocking).

    `on_progress(name, stage, seconds)` hears "compiling" and "ready" if work is needed.
    """
    if name not in KERNEL_NAMES:
        raise ValueError(f"unknown kernel {name!r}; known: {', '.join(KERNEL_NAMES)}")
    kernel = _kernels.get(name)
    if kernel is not None:
        return kernel
    with _locks[name]:  # one compile per kernel; Numba itself serialises compiles too
        kernel = _kernels.get(name)
        if kernel is None:
            module: ModuleType
            if name == "scalar":
                from engine.mining.kernels import scalar as module
            elif name == "shani":
                if not has_sha_extensions():
                    raise RuntimeError("this CPU has no SHA extensions (SHA-NI); use another kernel")
                from engine.mining.kernels import shani as module
            else:
                from engine.mining.kernels.unrolled import load_module

                module = load_module(int(name.removeprefix("lanes")))
            compile_s = compile_kernel(module.scan, name, on_progress)
            kernel = Kernel(name, module.LANES, module.scan, compile_s, bool(module.scan.stats.cache_hits))
            _kernels[name] = kernel
    return kernel


__all__ = [
    "KERNEL_NAMES",
    "QUICK_COMPILING",
    "QUICK_KERNEL",
    "Kernel",
    "available_kernels",
    "best_kernel_name",
    "chosen_kernel_name",
    "first_kernel_name",
    "get_kernel",
    "has_sha_extensions",
    "is_loaded",
    "job_params",
    "top_word",
    "vector_isa",
]
