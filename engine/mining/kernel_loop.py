"""The miner's kernel thread: which SHA-256d kernel its workers hash with (the quick kernel while
the chosen one compiles; on a CPU's first run, the fastest measured). The Miner is engine.mining.miner.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from engine.mining.events import KernelProgress
from engine.mining.kernels import QUICK_KERNEL, get_kernel, is_loaded

if TYPE_CHECKING:
    from engine.mining.miner import Miner

log = logging.getLogger("engine.mining.miner")


def kernel_loop(miner: Miner) -> None:
    """The miner's kernel thread: activate its kernel (compiled on first use), mining with the quick
    kernel meanwhile; on the first run on this CPU, measure the fastest first."""

    def progress(name: str, stage: str, seconds: float) -> None:
        miner.emit(KernelProgress(name, stage, seconds))

    def activate(name: str) -> bool:
        kernel = get_kernel(name, progress)
        if miner._stop.is_set():
            return False
        with miner._changed:
            miner._kernel = kernel
            miner._changed.notify_all()
        miner.emit(KernelProgress(name, "active", kernel.compile_s))
        return True

    try:
        if miner.kernel_name is None:  # first run on this CPU: mine with the quick kernel meanwhile
            if miner.quick_start and not activate(QUICK_KERNEL):
                return
            miner.kernel_name = measure_fastest_kernel(miner, progress)
            if miner._stop.is_set() or (miner._kernel is not None and miner._kernel.name == miner.kernel_name):
                return
        quick = miner.quick_start and not is_loaded(miner.kernel_name)  # e.g. measure_hashrate ran
        names = [QUICK_KERNEL, miner.kernel_name] if quick else [miner.kernel_name]
        for name in names:
            if not activate(name):
                return
    except Exception as exc:  # a compile failure leaves the quick kernel mining if we have it
        log.exception("kernel compilation failed")
        miner.emit(KernelProgress(miner.kernel_name or QUICK_KERNEL, f"failed: {exc}", 0.0))


def measure_fastest_kernel(miner: Miner, progress) -> str:
    """Compile every kernel (workers keep mining), then time them with the workers idle."""
    from engine.mining.kernels.choice import choose_kernel, measure_kernels_hs
    from engine.mining.kernels.parallel import prepare_kernels

    def measure(names: list, threads: int) -> dict:
        prepare_kernels(names, progress)  # slow kernels in child processes, in parallel
        hold_until = time.monotonic() + 3600.0
        with miner._changed:  # workers finish their ~50 ms chunk, then wait: timing needs the cores
            previous, miner._resume_at_s = miner._resume_at_s, max(miner._resume_at_s, hold_until)
        deadline_s = time.monotonic() + 1.0
        while any(miner._worker_active) and time.monotonic() < deadline_s:
            time.sleep(0.01)
        try:
            return measure_kernels_hs(names, threads, progress)
        finally:
            with miner._changed:
                if miner._resume_at_s == max(previous, hold_until):
                    miner._resume_at_s = previous
                miner._changed.notify_all()

    return choose_kernel(miner.max_slots, measure=measure, on_progress=progress).name
