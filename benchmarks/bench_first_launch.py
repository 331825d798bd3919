"""A fresh first launch, as the window does it: does the new lab chain's first 24 blocks average 5 s?

    .venv/bin/python benchmarks/bench_first_launch.py [--blocks 30] [--warm] [--threads N] [--in-process]

1. Chooses the kernel and sizes the chain exactly as `LabController._calibrate_then_launch`:
   `engine.mining.kernels.choice.measure_hashrate_hs(threads)` with an empty kernel-choice cache.
   By default the whole kernel cache is a fresh temporary folder, so every kernel is compiled
   cold as on a new machine (~15 s in parallel on two idle cores); `--warm` keeps the compiled kernels and only forgets
   the choice. The slow kernels compile in parallel child processes (`--in-process`: one after
   the other in this process, as before, for a baseline); the compile phase (start to the last
   kernel ready) is printed. The flag-based figure the app used before (its kernel, one 0.5 s
   window right after compiling) is printed beside it.
2. Starts the embedded node (`python -m regtest --chain lab --lab-hashrate H`), as the window does.
3. Mines with the real `engine.mining.miner.Miner` on all cores until `--blocks` blocks are accepted, and
   prints the time from the start to the first accepted block, the mean interval of blocks 1-24 (wall clock, from the first job) against the 5 s target
   with the luck band (the mean of 24 exponential intervals: +-20% at 1 sigma), and the miner's
   real hashrate against the one the chain was sized with (the part luck does not blur).

Other processes on the machine slow the miner and lengthen blocks; the load average is printed.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_SPACING_S = 5.0
MEAN_OF = 24  # the first retarget window


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--blocks",
        type=int,
        default=30,
        help="blocks to mine (default 30; under 24 only the time to the first blocks is printed)",
    )
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="miner threads (default: all cores)")
    p.add_argument("--warm", action="store_true", help="keep the compiled kernels; forget only the choice")
    p.add_argument(
        "--in-process",
        action="store_true",
        help="compile every kernel in this process, one after the other (the baseline)",
    )
    args = p.parse_args()
    if args.blocks < 1 or args.threads < 1:
        p.error("--blocks and --threads must be at least 1")
    return args


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds used so far by this process and by its finished child processes (the compiles:
    on a loaded machine wall time says little, and the kernel compiles are single-threaded)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def start_node(datadir: Path, hashrate_hs: float, env: dict) -> tuple[subprocess.Popen, int, list]:
    cmd = [
        sys.executable,
        "-m",
        "regtest",
        "--chain",
        "lab",
        "--datadir",
        str(datadir),
        "--rpcport",
        "0",
        "--lab-hashrate",
        f"{hashrate_hs:.0f}",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log: list[str] = []
    port: list[int] = []
    ready = threading.Event()

    def drain() -> None:
        for line in proc.stdout:
            log.append(line.rstrip())
            m = re.search(r"RPC listening on [^ ]+:(\d+)", line)
            if m:
                port.append(int(m.group(1)))
                ready.set()
        ready.set()

    threading.Thread(target=drain, daemon=True).start()
    if not ready.wait(60) or not port:
        proc.kill()
        raise SystemExit("node did not start:\n" + "\n".join(log))
    return proc, port[0], log


def main() -> int:
    args = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="m2c-first-launch-"))
    if not args.warm:  # before Numba loads: every kernel compiles cold, as on a new machine
        os.environ["NUMBA_CACHE_DIR"] = str(tmp / "numba")
        os.environ["MINE2COMPUTE_CACHE_DIR"] = str(tmp / "kernels")
    os.environ.pop("MINE2COMPUTE_KERNEL", None)
    if args.in_process:
        os.environ["MINE2COMPUTE_COMPILE_PROCESSES"] = "0"
    from engine.mining.kernels import available_kernels, get_kernel, has_sha_extensions
    from engine.mining.kernels import choice as kernel_choice
    from engine.mining.kernels.jit import has_feature

    if args.warm:
        kernel_choice.choice_file = lambda: tmp / kernel_choice.CHOICE_FILE
    print(
        f"{os.cpu_count()} CPUs, kernels {', '.join(available_kernels())}; {args.threads} miner threads; "
        f"load average before: {os.getloadavg()[0]:.2f}; kernel cache {'warm' if args.warm else 'cold'}"
    )

    # 1. the window's calibration
    t0 = time.perf_counter()
    compiled_s: list[float] = []  # when each kernel was ready, before any timing
    compile_cpu_s = [cpu_seconds()]

    def progress(kernel: str, stage: str, seconds: float) -> None:
        now_s = time.perf_counter() - t0
        if stage == "ready":
            compiled_s.append(now_s)
            compile_cpu_s[1:] = [cpu_seconds()]
            print(f"  {now_s:5.1f} s  {kernel} ready: compiled/loaded here in {seconds:.1f} s", flush=True)
        elif stage == "loading":
            print(f"  {now_s:5.1f} s  {kernel} compiled in a child process in {seconds:.1f} s", flush=True)
        elif stage.startswith("fallback"):
            print(f"  {now_s:5.1f} s  {kernel} {stage}", flush=True)

    kernel, sized_hs = kernel_choice.measure_hashrate_hs(args.threads, on_progress=progress)
    calibration_s = time.perf_counter() - t0
    choice = kernel_choice.cached_choice()
    from_cache = [name for name in available_kernels() if get_kernel(name).from_cache]
    print(f"kernels this process loaded from the cache (compiled by a child): {', '.join(from_cache) or 'none'}")
    how = "in this process, one after the other" if args.in_process else "slow ones in parallel child processes"
    (self_0, children_0), (self_1, children_1) = compile_cpu_s[0], compile_cpu_s[-1]
    print(
        f"compile phase {max(compiled_s, default=0.0):.1f} s ({how}; CPU: this process "
        f"{self_1 - self_0:.1f} s, child processes {children_1 - children_0:.1f} s); "
        f"calibration {calibration_s:.1f} s: {choice.describe()}"
    )
    fastest_name = max(choice.speeds_hs, key=choice.speeds_hs.get)
    print(
        f"kernel chosen {kernel} ({choice.speeds_hs[kernel] / 1e6:.1f} MH/s) vs fastest measured "
        f"{fastest_name} ({choice.speeds_hs[fastest_name] / 1e6:.1f} MH/s)"
    )
    flag_kernel = "shani" if has_sha_extensions() else ("lanes16" if has_feature("avx512f") else "lanes8")
    old_hs = get_kernel(flag_kernel).measure_hs(0.5, args.threads)
    print(
        f"lab chain sized with {sized_hs / 1e6:.2f} MH/s ({kernel}, {args.threads} threads); before this "
        f"change: {flag_kernel} by CPU flags, one 0.5 s window: {old_hs / 1e6:.2f} MH/s"
    )

    # 2. the embedded node, as the window starts it
    from engine.mining.events import BlockResult, NewJob
    from engine.mining.miner import Miner
    from engine.rpc import RPCClient

    node, port, node_log = start_node(tmp / "data", sized_hs, dict(os.environ))
    rpc = RPCClient(f"http://127.0.0.1:{port}", cookie_file=str(tmp / "data" / "lab" / ".cookie"))
    accepted: dict[int, float] = {}
    first_job_s: list[float] = []
    done = threading.Event()

    def on_event(event) -> None:
        now_s = time.perf_counter()
        if isinstance(event, NewJob) and event.height == 1 and not first_job_s:
            first_job_s.append(now_s)
        elif isinstance(event, BlockResult) and event.status == "accepted":
            accepted.setdefault(event.height, now_s)
            if len(accepted) >= args.blocks:
                done.set()

    # 3. the real miner on all cores
    miner = Miner(rpc, max_slots=args.threads, on_event=on_event)
    try:
        miner.start()
        done.wait(TARGET_SPACING_S * args.blocks * 6)
        stats = miner.stats()
        miner.stop()
        headers = [rpc.call("getblockheader", rpc.call("getblockhash", h)) for h in range(1, len(accepted) + 1)]
        rpc.call("stop")
        node.wait(30)
    finally:
        if node.poll() is None:
            node.kill()
    if len(accepted) < min(MEAN_OF, args.blocks) or not first_job_s:
        print(f"only {len(accepted)} blocks accepted; node log tail:\n" + "\n".join(node_log[-10:]))
        return 1
    times = [first_job_s[0]] + [accepted[h] for h in range(1, len(accepted) + 1)]
    print(
        f"\nstart to first block {accepted[1] - t0:.1f} s (compile phase {max(compiled_s, default=0.0):.1f} s, "
        f"calibration {calibration_s:.1f} s, node start to first job {first_job_s[0] - t0 - calibration_s:.1f} s, "
        f"first interval {accepted[1] - first_job_s[0]:.1f} s)"
    )
    intervals = [b - a for a, b in zip(times, times[1:])]
    if len(intervals) < MEAN_OF:
        return 0
    mean_s = statistics.fmean(intervals[:MEAN_OF])
    sigma_s = TARGET_SPACING_S / math.sqrt(MEAN_OF)
    real_hs = stats.hashes / max(stats.elapsed_s, 1e-9)
    print(
        f"blocks 1-{MEAN_OF}: mean interval {mean_s:.2f} s against {TARGET_SPACING_S:.0f} s "
        f"({mean_s / TARGET_SPACING_S - 1:+.0%}; luck band +-{sigma_s:.2f} s at 1 sigma, "
        f"z = {(mean_s - TARGET_SPACING_S) / sigma_s:+.1f})"
    )
    if len(intervals) > MEAN_OF:
        print(
            f"blocks {MEAN_OF + 1}-{len(intervals)}: mean {statistics.fmean(intervals[MEAN_OF:]):.2f} s "
            f"(difficulty {headers[0]['difficulty']:.4g} at block 1, {headers[-1]['difficulty']:.4g} at block {len(headers)};"
            f" the lab chain's first retarget is at block 48)"
        )
    print(
        f"miner: {real_hs / 1e6:.2f} MH/s average over {stats.elapsed_s:.0f} s with {stats.kernel} "
        f"= {real_hs / sized_hs:.0%} of the sizing figure (expected interval from it "
        f"{TARGET_SPACING_S * sized_hs / real_hs:.2f} s); intervals "
        + " ".join(f"{i:.1f}" for i in intervals[:MEAN_OF])
    )
    print(f"load average after: {os.getloadavg()[0]:.2f} (other processes slow the miner and lengthen blocks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
