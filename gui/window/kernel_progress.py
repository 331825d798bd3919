"""The banner's lines while the SHA-256d kernels compile: the first launch's calibration, which
sizes a new lab chain to this computer, and the miner's own kernel progress events."""

from __future__ import annotations

import time
from collections.abc import Callable

from engine.mining.events import KernelProgress
from gui.i18n import tr


class KernelProgressText:
    """The first launch's progress line from kernel progress stages (engine.mining.kernels.parallel):
    kernels compiling at once are named together, and a kernel compiled here after its child
    process failed keeps the reason in the line until it is ready."""

    def __init__(self) -> None:
        self.compiling: dict[str, str] = {}  # kernel -> why it compiles in this process ("" if not)

    def __call__(self, kernel: str, stage: str, seconds: float) -> str:
        if stage == "compiling":
            self.compiling[kernel] = ""
            if len(self.compiling) > 1:
                return tr("Compiling the {names} kernels at once (once; ~15 s)…").format(
                    names=", ".join(self.compiling)
                )
            return tr("Compiling the {kernel} kernel (once; up to ~15 s)…").format(kernel=kernel)
        if stage.startswith("fallback: "):
            why = self.compiling[kernel] = stage.removeprefix("fallback: ")
            text = tr("Compiling the {kernel} kernel in this process instead ({why})…")
        else:
            self.compiling.pop(kernel, None)
            why = ""
            text = {
                "loading": tr("Kernel {kernel} compiled in {s:.0f} s; loading it"),
                "ready": tr("Kernel {kernel} ready"),
                "timing": tr("Timing the {kernel} kernel…"),
            }.get(stage)
        text = text.format(kernel=kernel, s=seconds, why=why) if text else f"{kernel}: {stage}"
        others = [
            tr("{kernel} (in this process: {why})").format(kernel=name, why=reason) if reason else name
            for name, reason in self.compiling.items()
            if name != kernel
        ]
        return tr("{text}; still compiling {names}…").format(text=text, names=", ".join(others)) if others else text


def calibrate_kernels(total_cores: int, emit: Callable[[str, int], None]) -> tuple[str, float]:
    """Compile every kernel and keep the fastest measured on `total_cores` threads (after compiling
    and a warm-up); each stage is emitted as (line, percent). Returns the kernel and its hashrate."""
    from engine.mining.kernels import available_kernels
    from engine.mining.kernels.choice import measure_hashrate_hs

    emit(
        tr(
            "Preparing the SHA-256d kernels and sizing the new lab chain to "
            "this computer (the very first launch compiles them)…"
        ),
        -1,
    )
    t0 = time.perf_counter()
    progress_text = KernelProgressText()
    steps = 3 * len(available_kernels())  # compile, ready and timing for each kernel
    done: set[tuple[str, str]] = set()

    def progress(kernel: str, stage: str, seconds: float) -> None:
        if stage in ("compiling", "ready", "timing"):
            done.add((kernel, stage))
        emit(progress_text(kernel, stage, seconds), min(99, 100 * len(done) // steps))

    kernel, hashrate = measure_hashrate_hs(total_cores, on_progress=progress)
    emit(
        tr("Kernels ready in {s:.0f} s: {kernel}, the fastest here, {mhs:.1f} MH/s on {cores} cores").format(
            s=time.perf_counter() - t0, kernel=kernel, mhs=hashrate / 1e6, cores=total_cores
        ),
        100,
    )
    return kernel, hashrate


def miner_kernel_line(event: KernelProgress) -> tuple[str, int]:
    """The running miner's switch to a faster kernel as (line, percent; -1 while busy)."""
    pct = {"compiling": -1, "ready": 100, "active": 100}.get(event.stage, -1)
    words = {
        "compiling": tr("Compiling the fast {kernel} kernel (mining meanwhile)…"),
        "loading": tr("Kernel {kernel} compiled in {s:.0f} s; loading it"),
        "ready": tr("Kernel {kernel} ready"),
        "timing": tr("Timing the {kernel} kernel to mine with the fastest…"),
        "active": tr("Mining with the {kernel} kernel"),
    }
    text = words.get(event.stage, event.stage)
    if event.stage.startswith("fallback: "):  # its child process failed
        text = tr("Compiling the {kernel} kernel in this process instead ({why})…")
    return text.format(kernel=event.kernel, s=event.seconds or 0, why=event.stage.removeprefix("fallback: ")), pct
