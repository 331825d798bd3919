"""The one JIT policy for every SHA-256d kernel, and where generated kernels are cached.

Every kernel is compiled with the same options (`nogil=True` so worker threads hash in
parallel, `cache=True` so later launches load machine code instead of compiling, numpy's
error model so no exception checks sit in the hot loop) and for one fixed signature, and
compilation only ever happens through `compile_kernel`, which reports its progress.

Importing this module sets the CPU features Numba compiles for: on CPUs with AVX-512 LLVM's
x86 tuning prefers 256-bit vectors, so we pass the host features plus `-prefer-256-bit`
(before the first compile in the process) to let the 16-lane kernels use 512-bit registers.
Set MINE2COMPUTE_PREFER_256_BIT=1 to keep LLVM's default.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import numba
from numba.core import config as numba_config

# scan(params, nonce_start, nonce_end, target_top, lanes_out) -> first candidate nonce or -1
SCAN_SIGNATURE = "int64(uint32[::1], int64, int64, uint32, uint32[::1])"

CACHE_ENV = "MINE2COMPUTE_CACHE_DIR"
PREFER_256_ENV = "MINE2COMPUTE_PREFER_256_BIT"


def host_cpu_features() -> str:
    """LLVM's feature string for this CPU ("+avx2,+avx512f,..."), as llvmlite reports it."""
    import llvmlite.binding as llvm

    return llvm.get_host_cpu_features().flatten()


def has_feature(name: str) -> bool:
    return f"+{name}" in host_cpu_features().split(",")


def _configure_cpu_features() -> None:
    """Let LLVM use 512-bit vectors where the CPU has AVX-512 (must run before any compile)."""
    if os.environ.get("NUMBA_CPU_FEATURES") or os.environ.get(PREFER_256_ENV) == "1":
        return
    if numba_config.CPU_FEATURES is None and has_feature("avx512f"):  # type: ignore[attr-defined]  # numba.core.config sets its options at run time
        numba_config.CPU_FEATURES = host_cpu_features() + ",-prefer-256-bit"  # type: ignore[attr-defined]  # numba.core.config sets its options at run time


_configure_cpu_features()


def effective_cpu_features() -> str:
    """The feature string kernels are compiled with (what the cache is keyed on)."""
    return numba_config.CPU_FEATURES or host_cpu_features()  # type: ignore[attr-defined]  # numba.core.config sets its options at run time


def vector_isa() -> str:
    """Short name of the widest vector instruction set the kernels are compiled for."""
    features = effective_cpu_features().split(",")
    if "+avx512f" in features:
        width = "256-bit" if "-prefer-256-bit" not in features else "512-bit"
        return f"AVX-512 ({width} vectors)"
    if "+avx2" in features:
        return "AVX2"
    if "+avx" in features:
        return "AVX"
    return "SSE"


def cache_dir() -> Path:
    """Folder for generated kernel source (Numba caches machine code beside it)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        path = Path(override)
    else:
        import platformdirs

        path = Path(platformdirs.user_cache_dir("mine2compute", appauthor=False)) / "kernels"
    path.mkdir(parents=True, exist_ok=True)
    return path


def kernel_jit(func: Callable) -> numba.core.dispatcher.Dispatcher:
    """Wrap a scan function with the project's JIT options; compiles lazily, never at import."""
    return numba.njit(nogil=True, cache=True, error_model="numpy", boundscheck=False)(func)


def compile_kernel(dispatcher, name: str, on_progress: Callable[[str, str, float], None] | None = None) -> float:
    """Compile (or load from cache) `dispatcher` for SCAN_SIGNATURE; returns seconds taken.

    `on_progress(name, stage, seconds)` is called with stage "compiling" before and "ready"
    after. Further compiles are then disabled so a call with wrong types fails loudly
    instead of silently compiling on a worker thread.
    """
    if on_progress is not None:
        on_progress(name, "compiling", 0.0)
    start_s = time.perf_counter()
    if not dispatcher.signatures:
        dispatcher.compile(SCAN_SIGNATURE)
    dispatcher.disable_compile()
    elapsed_s = time.perf_counter() - start_s
    if on_progress is not None:
        on_progress(name, "ready", elapsed_s)
    return elapsed_s
