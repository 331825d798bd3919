"""The banner's one-sentence status line about the SHA-256d kernels: the first launch's sizing of a
new lab chain (a second or so with the first kernel ready) and the running miner's kernel events
(the others compiling in the background, timed while it mines, the switch to the fastest).

Only sizing shows a busy bar: once the miner mines, every line is a notice (percent 100) that
fades, because nothing waits for it."""

from __future__ import annotations

from collections.abc import Callable

from engine.mining.events import KernelProgress
from gui.i18n import tr


def size_new_chain(total_cores: int, emit: Callable[[str, int], None]) -> tuple[str, float]:
    """Time the kernel the miner starts with on `total_cores` threads (engine.mining.kernels.choice),
    emitting (line, percent). Returns the kernel and its hashrate, which the new chain is sized to."""
    from engine.mining.kernels.choice import measure_hashrate_hs

    emit(tr("Sizing the new lab chain to this computer…"), -1)
    kernel, hashrate = measure_hashrate_hs(total_cores)
    emit(
        tr("Chain sized to {mhs:.1f} MH/s with the {kernel} kernel; starting the node…").format(
            mhs=hashrate / 1e6, kernel=kernel
        ),
        100,
    )
    return kernel, hashrate


class MinerKernelLine:
    """The running miner's kernel events as one short sentence each, as (line, percent)."""

    def __init__(self) -> None:
        self.mining = ""  # the kernel the workers hash with
        self.compiling: list[str] = []  # kernels compiling in the background

    def __call__(self, event: KernelProgress) -> tuple[str, int]:
        kernel, stage = event.kernel, event.stage
        if stage == "active":
            self.mining = kernel
            return tr("Mining with the {kernel} kernel").format(kernel=kernel), 100
        if stage == "chosen":
            self.mining = kernel
            return tr("Mining with the {kernel} kernel, the fastest here ({mhs:.1f} MH/s)").format(
                kernel=kernel, mhs=event.hashrate_hs / 1e6
            ), 100
        if stage == "compiling":
            if kernel != self.mining and kernel not in self.compiling:
                self.compiling.append(kernel)
        elif stage in ("ready", "loading") or stage.startswith("fallback: "):
            if stage == "ready" and kernel in self.compiling:
                self.compiling.remove(kernel)
            if stage.startswith("fallback: "):
                return tr("Compiling the {kernel} kernel in this process instead ({why})…").format(
                    kernel=kernel, why=stage.removeprefix("fallback: ")
                ), 100
        elif stage == "timing":
            return tr("Timing the {kernel} kernel while mining…").format(kernel=kernel), 100
        elif stage == "retiming":
            return tr("Timing the kernels again while mining: {kernel} looks off here…").format(kernel=kernel), 100
        elif stage.startswith("failed: "):
            return tr("Kernel {kernel} failed ({why}); mining on with {mining}").format(
                kernel=kernel, why=stage.removeprefix("failed: "), mining=self.mining or kernel
            ), 100
        if self.compiling:
            return tr("Mining with {mining}; compiling {names} in the background…").format(
                mining=self.mining or "…", names=", ".join(self.compiling)
            ), 100
        return tr("Mining with {mining}; all kernels ready to be timed").format(mining=self.mining or kernel), 100
