"""Which kernel mines: the fastest one *measured* on this CPU, cached per CPU.

CPU flags do not predict speed (on an Intel Xeon with SHA-NI and AVX-512, `shani` runs 12.8 MH/s
per core and `lanes16` 26; on Zen 4 the order can flip), so kernels are timed. A first launch does
not wait for that: it mines with the first kernel ready (`first_kernel_name`) while the others
compile in the background, and the miner times them on its own threads as it mines
(`engine.mining.kernels.trial`), then keeps the fastest here with the share of CPU time its threads
got meanwhile (`cpu_share`: under QUIET_SHARE the timing was taken under load and is taken again
when the machine is quiet). Cached in the kernel cache folder, keyed by CPU model, the CPU features
the kernels are compiled for and KERNEL_VERSION; any change of key re-measures, and so does a
corrupt or unreadable cache file. $MINE2COMPUTE_KERNEL forces a kernel without measuring.
`choose_kernel` (the `bench` command) still times every kernel with nothing else running.

`measure_hashrate_hs` is the one measurement the lab chain's start difficulty comes from: the
kernel the miner starts with (the cached choice if it is compiled, else the first kernel ready) on
the miner's thread count, after a warm-up, best of a few short windows (~1 s in all; a burst of
other work only ever lowers a window).
"""

from __future__ import annotations

import json
import logging
import os
import platform
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

log = logging.getLogger("engine.mining.kernels.choice")

KERNEL_VERSION = 1  # bump whenever any kernel's code changes: cached choices are then re-measured
CHOICE_FILE = "kernel_choice.json"
FILE_FORMAT = 1
WINDOW_S = 0.25  # one timing window; the best of several counts
CHOICE_WINDOWS = 5  # rounds of timing per kernel when choosing (interleaved: a burst of load hits one round)
SIZING_WINDOWS = 4  # windows when sizing a lab chain (~1 s: the first launch waits for it)
QUIET_SHARE = 0.9  # a timing whose threads got less CPU than this share of wall time was taken under load
WARMUP_S = 0.05  # first calls after a compile or a cache load are discarded
CLEARLY_SLOWER = 0.5  # after the first round, kernels under half the leader's speed are dropped

# measure(names, threads) -> {name: hashes per second on `threads` threads}
MeasureFunction = Callable[[list, int], dict]
ProgressCallback = Callable[[str, str, float], None]


@dataclass(frozen=True)
class KernelChoice:
    """The kernel the miner uses and why: `source` is "measured", "cache" or "forced"."""

    name: str
    source: str
    speeds_hs: dict = field(default_factory=dict)  # every kernel timed, on `threads` threads
    threads: int = 0
    measured_at: str = ""
    cpu_share: float = 1.0  # CPU time / wall time of the timing threads (1: they had the cores)

    @property
    def timed_under_load(self) -> bool:
        """Other programs took a noticeable part of the cores while this choice was timed."""
        return self.source != "forced" and self.cpu_share < QUIET_SHARE

    def describe(self) -> str:
        if self.source == "forced":
            return f"{self.name} (forced by $MINE2COMPUTE_KERNEL)"
        ranked = sorted(self.speeds_hs.items(), key=lambda item: -item[1])
        speeds = ", ".join(f"{name} {hs / 1e6:.1f}" for name, hs in ranked)
        when = f" on {self.measured_at}" if self.measured_at else ""
        load = f", under load: {self.cpu_share:.0%} of the CPU" if self.timed_under_load else ""
        return f"{self.name}: fastest measured on {self.threads} thread(s){when}{load} (MH/s: {speeds})"


def cpu_model() -> str:
    """LLVM's name for this CPU plus the vendor's model string where the OS gives one."""
    import llvmlite.binding as llvm

    brand = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith(("model name", "Processor", "cpu model")):
                    brand = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    brand = brand or platform.processor() or platform.machine()
    return f"{llvm.get_host_cpu_name()} / {brand}"


def choice_key() -> dict:
    """What a cached choice is valid for: this CPU, these compile features, this kernel code."""
    from engine.mining.kernels.jit import effective_cpu_features

    return {"cpu_model": cpu_model(), "cpu_features": effective_cpu_features(), "kernel_version": KERNEL_VERSION}


def choice_file() -> Path:
    from engine.mining.kernels.jit import cache_dir

    return cache_dir() / CHOICE_FILE


def fastest(speeds_hs: dict) -> str:
    """The kernel with the highest measured speed (ties: the earlier name in KERNEL_NAMES)."""
    from engine.mining.kernels import KERNEL_NAMES

    if not speeds_hs:
        raise ValueError("no kernel was measured")
    order = {name: i for i, name in enumerate(KERNEL_NAMES)}
    return max(speeds_hs, key=lambda name: (speeds_hs[name], -order.get(name, len(order))))


# ----------------------------------------------------------------------------- measuring
def measure_kernel_hs(kernel, threads: int, windows: int = SIZING_WINDOWS, window_s: float = WINDOW_S) -> float:
    """Best of `windows` timing windows of `kernel` on `threads` threads, after a warm-up."""
    kernel.measure_hs(WARMUP_S, threads)  # first calls, thread start-up, clocks ramping up
    return max(kernel.measure_hs(window_s, threads) for _ in range(max(1, windows)))


def measure_kernels_hs(names: Iterable[str], threads: int, on_progress: ProgressCallback | None = None) -> dict:
    """Compile every kernel in `names`, then time them in interleaved rounds on `threads` threads.

    Compiling first keeps compiles out of the timing (the slow kernels compile in parallel child
    processes, `engine.mining.kernels.parallel`); interleaving spreads any outside load over every
    kernel; a kernel clearly slower than the leader after round one is not re-timed.
    """
    from engine.mining.kernels.parallel import prepare_kernels

    kernels = prepare_kernels(names, on_progress)
    for kernel in kernels:
        kernel.measure_hs(WARMUP_S, threads)
    speeds = {k.name: 0.0 for k in kernels}
    timing = list(kernels)
    for round_index in range(CHOICE_WINDOWS):
        for kernel in timing:
            if on_progress is not None:
                on_progress(kernel.name, "timing", 0.0)
            speeds[kernel.name] = max(speeds[kernel.name], kernel.measure_hs(WINDOW_S, threads))
        if round_index == 0:
            leader = max(speeds.values())
            timing = [k for k in timing if speeds[k.name] >= CLEARLY_SLOWER * leader]
    return speeds


# ----------------------------------------------------------------------------- the cache
def _read_choices(path: Path) -> list:
    """The cached records, or [] when there is no file or it cannot be used (then re-measured)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
            raise ValueError("unknown format")
        records = data["choices"]
        if not isinstance(records, list):
            raise ValueError("choices is not a list")
        return [r for r in records if isinstance(r, dict)]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, KeyError, TypeError) as exc:  # JSONDecodeError is a ValueError
        log.warning("ignoring the kernel choice cache %s (%s): measuring again", path, exc)
        return []


def _valid_record(record: dict, key: dict) -> KernelChoice | None:
    from engine.mining.kernels import available_kernels

    if record.get("key") != key:
        return None
    name, speeds = record.get("name"), record.get("speeds_hs")
    if name not in available_kernels() or not isinstance(speeds, dict):
        return None
    try:
        speeds = {str(k): float(v) for k, v in speeds.items()}
        threads = int(record.get("threads", 0))
        cpu_share = float(record.get("cpu_share", 1.0))
    except (TypeError, ValueError):
        return None
    return KernelChoice(name, "cache", speeds, threads, str(record.get("measured_at", "")), cpu_share)


def _write_choice(path: Path, key: dict, choice: KernelChoice) -> None:
    """Replace this key's record, keep other CPUs' (a home folder shared between machines)."""
    records = [r for r in _read_choices(path) if r.get("key") != key]
    record = {"key": key, **{k: v for k, v in asdict(choice).items() if k != "source"}}
    records.append(record)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps({"format": FILE_FORMAT, "choices": records}, indent=1), encoding="utf-8")
        tmp.replace(path)  # atomic: a reader sees the old file or the new one, never half
    except OSError as exc:
        log.warning("could not save the kernel choice to %s (%s); it will be measured again", path, exc)


_memo: dict = {}  # (file, key) -> KernelChoice, so a process reads and measures at most once
_memo_lock = threading.Lock()


def _memo_key(path: Path, key: dict) -> tuple:
    return str(path), json.dumps(key, sort_keys=True)


def forced_kernel_name() -> str | None:
    """$MINE2COMPUTE_KERNEL, checked against the kernels this CPU runs."""
    from engine.mining.kernels import KERNEL_ENV, available_kernels

    forced = os.environ.get(KERNEL_ENV)
    if not forced:
        return None
    if forced not in available_kernels():
        raise ValueError(f"${KERNEL_ENV}={forced!r}: not one of {', '.join(available_kernels())}")
    return forced


def cached_choice() -> KernelChoice | None:
    """The forced kernel or the cached measurement for this CPU; None if it must be measured.

    Never compiles or times anything, so it is safe on a GUI thread.
    """
    forced = forced_kernel_name()
    if forced:
        return KernelChoice(forced, "forced")
    path, key = choice_file(), choice_key()
    memo = _memo_key(path, key)
    if memo in _memo:
        return _memo[memo]
    for record in _read_choices(path):
        choice = _valid_record(record, key)
        if choice is not None:
            _memo[memo] = choice
            return choice
    return None


def choose_kernel(
    threads: int | None = None,
    measure: MeasureFunction | None = None,
    on_progress: ProgressCallback | None = None,
    refresh: bool = False,
) -> KernelChoice:
    """The kernel to mine with: forced, cached for this CPU, or measured now (then cached).

    Measuring compiles every kernel this CPU runs (~15 s the very first time on two idle cores:
    the two lanes kernels compile in parallel child processes) and times them for ~2-3 s on `threads` threads (default: all cores, as the
    miner runs; callers pass the miner's thread count). `measure` replaces the timing (tests
    inject a fake CPU); `refresh` ignores the cache.
    """
    from engine.mining.kernels import available_kernels

    with _memo_lock:  # two threads asking at once measure once
        if not refresh:
            choice = cached_choice()
            if choice is not None:
                return choice
        elif forced := forced_kernel_name():
            return KernelChoice(forced, "forced")
        threads = max(1, threads or os.cpu_count() or 1)
        names = list(available_kernels())
        started_s = time.perf_counter()
        speeds = (measure or (lambda n, t: measure_kernels_hs(n, t, on_progress)))(names, threads)
        speeds = {name: float(hs) for name, hs in speeds.items() if name in names}
        choice = KernelChoice(fastest(speeds), "measured", speeds, threads, time.strftime("%Y-%m-%d %H:%M"))
        log.info("kernel choice in %.1f s: %s", time.perf_counter() - started_s, choice.describe())
        path, key = choice_file(), choice_key()
        _write_choice(path, key, choice)
        _memo[_memo_key(path, key)] = choice
        return choice


def record_choice(speeds_hs: dict, threads: int, cpu_share: float = 1.0) -> KernelChoice:
    """Keep the fastest of `speeds_hs` (timed on `threads` threads whose CPU share was
    `cpu_share`) as this CPU's choice, in the cache file and in this process."""
    speeds = {str(name): float(hs) for name, hs in speeds_hs.items()}
    choice = KernelChoice(
        fastest(speeds), "measured", speeds, threads, time.strftime("%Y-%m-%d %H:%M"), round(cpu_share, 3)
    )
    with _memo_lock:
        path, key = choice_file(), choice_key()
        _write_choice(path, key, choice)
        _memo[_memo_key(path, key)] = choice
    log.info("kernel choice: %s", choice.describe())
    return choice


def forget_memo() -> None:
    """Drop what this process remembers (tests, and `bench --remeasure`)."""
    _memo.clear()


def starting_kernel_name() -> str:
    """The kernel a miner starts with: the forced or cached choice if it is compiled (loaded or in
    Numba's cache, so it is ready in well under a second), else the first kernel ready."""
    from engine.mining.kernels import first_kernel_name, is_loaded
    from engine.mining.kernels.parallel import is_cached

    choice = cached_choice()
    if choice is not None and (choice.source == "forced" or is_loaded(choice.name) or is_cached(choice.name)):
        return choice.name
    return first_kernel_name()


def measure_hashrate_hs(
    threads: int | None = None, on_progress: ProgressCallback | None = None, windows: int = SIZING_WINDOWS
) -> tuple[str, float]:
    """(kernel, hashes per second) of what the miner starts with (`starting_kernel_name`) on
    `threads` threads: compiled or loaded, warmed up, then the best of `windows` windows. Never
    compiles the slow kernels nor times the others (the miner does that while it mines)."""
    from engine.mining.kernels import get_kernel

    threads = max(1, threads or os.cpu_count() or 1)
    name = starting_kernel_name()
    kernel = get_kernel(name, on_progress)
    if on_progress is not None:
        on_progress(name, "timing", 0.0)
    return name, measure_kernel_hs(kernel, threads, windows)
