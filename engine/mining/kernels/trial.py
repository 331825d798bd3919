"""Timing kernels on the miner's own threads while it mines: no idle cores, no guess from flags.

Each worker keeps a `KernelTally`: per kernel, the nonces it hashed, the wall time it spent in the
kernel and the CPU time its thread got meanwhile (`time.thread_time`). `time_on_miner` switches the
workers between kernels in short interleaved windows (a burst of outside load hits one window, and
the best window of each kernel counts) and returns each kernel's hashes per second summed over the
workers, with the CPU share the workers got (CPU time / wall time): under
`choice.QUIET_SHARE` other programs took the cores and the timing is marked as taken under load.

`looks_wrong` is the miner's own check of a kept choice: when its threads have the cores yet the
chosen kernel runs well away from the speed it was chosen on (or it was chosen under load), the
choice is timed again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WINDOW_S = 0.4  # one kernel's turn on the workers
ROUNDS = 3  # interleaved turns per kernel
MIN_BUSY_S = 0.05  # a turn in which the workers hashed less than this (paused, no work) is taken again
LOOKS_WRONG = 0.25  # a chosen kernel this far (either way) from its timed speed per thread is re-timed


class KernelTally:
    """One worker's totals per kernel: (hashes, wall seconds in the kernel, CPU seconds)."""

    def __init__(self) -> None:
        self.by_kernel: dict[str, tuple[int, float, float]] = {}

    def add(self, name: str, hashes: int, wall_s: float, cpu_s: float) -> None:
        h, w, c = self.by_kernel.get(name, (0, 0.0, 0.0))
        self.by_kernel[name] = (h + hashes, w + wall_s, c + cpu_s)  # one assignment: readers see old or new

    def get(self, name: str) -> tuple[int, float, float]:
        return self.by_kernel.get(name, (0, 0.0, 0.0))


@dataclass(frozen=True)
class Sample:
    """What the workers did with one kernel between two moments."""

    hashes_hs: float  # hashes per second summed over the workers (each over its own time in the kernel)
    per_thread_hs: float  # the mean over the workers that hashed
    busy_s: float  # wall seconds in the kernel, summed over the workers
    cpu_s: float  # CPU seconds the workers' threads got meanwhile

    @property
    def cpu_share(self) -> float:
        return min(1.0, self.cpu_s / self.busy_s) if self.busy_s > 0 else 0.0


def snapshot(tallies: Sequence[KernelTally], name: str) -> list[tuple[int, float, float]]:
    return [t.get(name) for t in tallies]


def sample(before: list, after: list) -> Sample:
    """The workers' work with one kernel between two `snapshot`s."""
    rates, busy, cpu = [], 0.0, 0.0
    for (h0, w0, c0), (h1, w1, c1) in zip(before, after):
        if w1 - w0 > 0:
            rates.append((h1 - h0) / (w1 - w0))
            busy += w1 - w0
            cpu += c1 - c0
    return Sample(sum(rates), sum(rates) / len(rates) if rates else 0.0, busy, cpu)


def time_on_miner(
    tallies: Sequence[KernelTally],
    kernels: Sequence,
    use: Callable[[object], None],
    stopped: Callable[[], bool],
    on_turn: Callable[[str], None] | None = None,
    rounds: int | None = None,
    window_s: float | None = None,
    give_up_s: float = 120.0,
) -> tuple[dict[str, float], float, int] | None:
    """Time `kernels` on the workers: `use(kernel)` makes them hash with it; each kernel gets
    `rounds` turns of `window_s`, interleaved. Returns ({name: best turn's hashes/s}, CPU share
    over all turns, most workers hashing in a turn), or None when stopped or when the workers did
    not hash for `give_up_s` (paused, no work)."""
    rounds = ROUNDS if rounds is None else rounds
    window_s = WINDOW_S if window_s is None else window_s
    best = {k.name: 0.0 for k in kernels}
    busy = cpu = 0.0
    threads = 0
    deadline_s = time.monotonic() + give_up_s
    for _round in range(rounds):
        for kernel in kernels:
            if on_turn is not None and _round == 0:
                on_turn(kernel.name)
            while True:
                if stopped() or time.monotonic() > deadline_s:
                    return None
                use(kernel)
                before = snapshot(tallies, kernel.name)
                time.sleep(window_s)
                after = snapshot(tallies, kernel.name)
                turn = sample(before, after)
                if turn.busy_s >= MIN_BUSY_S:
                    threads = max(threads, sum(1 for b, a in zip(before, after) if a[1] > b[1]))
                    break
            best[kernel.name] = max(best[kernel.name], turn.hashes_hs)
            busy += turn.busy_s
            cpu += turn.cpu_s
    return best, (min(1.0, cpu / busy) if busy > 0 else 0.0), threads


def looks_wrong(choice, live: Sample, quiet_share: float) -> str | None:
    """Why the miner's own rate says `choice` should be timed again, or None. Only asked while the
    workers have the cores (`live.cpu_share` at least `quiet_share`): a loaded machine says nothing
    about which kernel is fastest."""
    if choice.source == "forced" or live.busy_s <= 0 or live.cpu_share < quiet_share:
        return None
    if choice.cpu_share < quiet_share:
        return f"chosen under load ({choice.cpu_share:.0%} of the CPU); the machine is quiet now"
    timed_hs = choice.speeds_hs.get(choice.name, 0.0) / max(1, choice.threads)
    if timed_hs <= 0:
        return "no timing kept for it"
    ratio = live.per_thread_hs / timed_hs
    if abs(ratio - 1.0) > LOOKS_WRONG:
        return f"runs at {ratio:.0%} of the speed it was chosen on"
    return None
