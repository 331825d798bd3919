"""The miner's kernel thread: which SHA-256d kernel its workers hash with. The Miner is
engine.mining.miner.

- A kernel asked for (`Miner(kernel=...)` or $MINE2COMPUTE_KERNEL) mines at once, or, while a slow
  one compiles, the quick scalar kernel mines meanwhile.
- Otherwise the workers start at once with `choice.starting_kernel_name()`: the cached choice if it
  is compiled, else the first kernel ready (shani where it can compile, else scalar), the kernel a
  new lab chain is sized with. With no choice for this CPU yet, the other kernels compile in the
  background (slow ones in lower-priority child processes, engine.mining.kernels.parallel) and are
  timed on the workers as they mine (engine.mining.kernels.trial); the fastest then mines and is
  kept. A kept choice is watched: when the workers have the cores and it was timed under load, or
  runs well away from the speed it was timed at, every kernel is timed again (once per run).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

import engine.mining.kernels as kernels_module
from engine.mining.events import KernelProgress
from engine.mining.kernels import QUICK_KERNEL, Kernel, get_kernel, is_loaded, trial
from engine.mining.kernels import choice as kernel_choice

if TYPE_CHECKING:
    from engine.mining.miner import Miner

log = logging.getLogger("engine.mining.miner")

WATCH_S = 5.0  # how often the miner's own rate is compared with the kept choice's
# the background compile starts after this much mining: the first seconds (and the first block)
# keep the cores, and a miner that only runs a moment (a test, a one-block `mine`) compiles nothing
BACKGROUND_AFTER_S = 3.0
_choosing = threading.Lock()  # one background compile-and-time per process; other miners wait for its choice


def kernel_loop(miner: Miner) -> None:
    """The miner's kernel thread (see the module docstring)."""

    def progress(name: str, stage: str, seconds: float) -> None:
        miner.emit(KernelProgress(name, stage, seconds))

    try:
        if miner.kernel_name is not None:  # asked for: no timing
            quick = miner.quick_start and not is_loaded(miner.kernel_name)
            for name in [QUICK_KERNEL, miner.kernel_name] if quick else [miner.kernel_name]:
                if not _activate(miner, get_kernel(name, progress)):
                    return
            return
        choice = kernel_choice.cached_choice()
        start = kernel_choice.starting_kernel_name()
        if not _activate(miner, get_kernel(start, progress)):
            return
        miner.kernel_name = start
        if choice is None or choice.name != start:  # not timed here yet (or not compiled any more)
            choice = choose_while_mining(miner, progress)
        if choice is not None:
            watch_choice(miner, choice, progress)
    except Exception as exc:  # a compile failure leaves the kernel that mines mining
        log.exception("kernel compilation failed")
        miner.emit(KernelProgress(miner.kernel_name or QUICK_KERNEL, f"failed: {exc}", 0.0))


def _activate(miner: Miner, kernel: Kernel, stage: str = "active", hashrate_hs: float = 0.0) -> bool:
    if miner._stop.is_set():
        return False
    _use(miner, kernel)
    miner.emit(KernelProgress(kernel.name, stage, kernel.compile_s, hashrate_hs))
    return True


def _use(miner: Miner, kernel: Kernel) -> None:
    with miner._changed:
        miner._kernel = kernel
        miner._changed.notify_all()


def choose_while_mining(miner: Miner, progress, retiming: bool = False) -> kernel_choice.KernelChoice | None:
    """Compile every kernel this CPU runs (the workers keep mining), time them on the workers,
    keep the fastest and mine with it. None if the miner stopped first. Unless `retiming`, a
    choice another miner in this process made meanwhile is taken as it is."""
    from engine.mining.kernels.parallel import prepare_kernels

    if not retiming and miner._stop.wait(BACKGROUND_AFTER_S):
        return None
    with _choosing:
        if miner._stop.is_set():
            return None
        chosen = kernel_choice.cached_choice()  # another miner here may have chosen meanwhile
        if chosen is not None and not retiming:
            miner.kernel_name = chosen.name
            _activate(miner, get_kernel(chosen.name, progress))
            return chosen
        kernels = prepare_kernels(
            kernels_module.available_kernels(), progress, background=True, cancelled=miner._stop.is_set
        )
        if miner._stop.is_set():
            return None
        return _time_and_keep(miner, kernels, progress)


def _time_and_keep(miner: Miner, kernels: list[Kernel], progress) -> kernel_choice.KernelChoice | None:
    current = miner._kernel
    result = trial.time_on_miner(
        miner._tallies,
        kernels,
        use=lambda kernel: _use(miner, kernel),  # type: ignore[arg-type]  # the kernels given
        stopped=miner._stop.is_set,
        on_turn=lambda name: progress(name, "timing", 0.0),
    )
    if result is None:
        if current is not None and not miner._stop.is_set():
            _use(miner, current)
        return None
    speeds, cpu_share, threads = result
    choice = kernel_choice.record_choice(speeds, threads or miner.max_slots, cpu_share)
    miner.kernel_name = choice.name
    _activate(miner, get_kernel(choice.name), "chosen", speeds[choice.name])
    return choice


def watch_choice(miner: Miner, choice: kernel_choice.KernelChoice, progress) -> None:
    """Every WATCH_S, ask `trial.looks_wrong` about the kept choice; time every kernel again the
    first time it does (once per run: the record keeps the new timing for later launches)."""
    last = trial.snapshot(miner._tallies, choice.name)
    while not miner._stop.wait(WATCH_S):
        now = trial.snapshot(miner._tallies, choice.name)
        why = trial.looks_wrong(choice, trial.sample(last, now), kernel_choice.QUIET_SHARE)
        last = now
        if why:
            log.info("timing the kernels again: %s is %s", choice.name, why)
            progress(choice.name, "retiming", 0.0)
            choose_while_mining(miner, progress, retiming=True)
            return
