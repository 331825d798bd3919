"""Issue 3's performance goals, measured in one run.

    .venv/bin/python benchmarks/bench_miner.py [--seconds 3] [--threads 2]

Prints MH/s of the hashlib baseline and of every kernel (1 and N threads), which kernel the app
mines with (measured fastest at first launch) and whether it is still the fastest, the ratios the
goals are stated in, the miner loop's loss against the bare kernel, the cold compile and cache load
times, and the first hash with a cold cache. Other busy processes on the machine lower every
number; the load average is printed so a noisy run shows, and each figure is the best of
`--repeat` short runs taken in turn (noise only ever lowers a hashrate).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Runs in a fresh interpreter so compile and cache-load times are not hidden by this process's state.
COLD_SCRIPT = r"""
import json, sys, time
launch_s = time.perf_counter()
from engine.mining.kernels import get_kernel
from engine.rpc import RPCClient
from engine.mining.miner import Miner

class StaticTemplate(RPCClient):
    '''A node that always offers the same template with an unreachable target.'''
    def __init__(self):
        super().__init__("http://static.invalid:1")
    def call(self, method, *params, timeout_s=None):
        if method == "getblocktemplate":
            if "longpollid" in params[0]:
                time.sleep(0.5)
            return {"version": 536870912, "previousblockhash": "00" * 32, "transactions": [],
                    "coinbasevalue": 5000000000, "longpollid": "00" * 32 + "0", "target": "00" * 32,
                    "mintime": 0, "curtime": int(time.time()), "bits": "1d00ffff", "height": 1}
        if method == "getbestblockhash":
            return "00" * 32
        raise AssertionError(method)

mode = sys.argv[1]
if mode == "compile":
    result = {name: get_kernel(name).compile_s for name in sys.argv[2].split(",")}
elif mode == "first-hash":
    miner = Miner(StaticTemplate(), max_slots=1).start()
    while miner.stats().first_hash_s is None:
        time.sleep(0.005)
    stats = miner.stats()
    result = {"first_hash_s": stats.first_hash_s, "start_offset_s": miner._start_s - launch_s}
    miner.stop()
print(json.dumps(result))
"""


def run_cold(mode: str, arg: str, cache: Path) -> dict:
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache / "numba"), MINE2COMPUTE_CACHE_DIR=str(cache / "kernels"))
    out = subprocess.run(
        [sys.executable, "-c", COLD_SCRIPT, mode, arg], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if out.returncode:
        raise RuntimeError(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def miner_loop_hs(seconds: float, threads: int) -> float:
    """Hashes per second the whole miner achieves (jobs, counting, events) on the static template."""
    namespace: dict = {}
    exec(COLD_SCRIPT.split("mode = sys.argv[1]")[0], namespace)
    from engine.mining.kernels import best_kernel_name
    from engine.mining.miner import Miner

    miner = Miner(namespace["StaticTemplate"](), max_slots=threads, kernel=best_kernel_name(), quick_start=False)
    miner.start()
    while miner.stats().kernel is None or miner.stats().active_workers < threads:
        time.sleep(0.01)
    time.sleep(0.2)  # let chunk sizes settle
    h0, t0 = miner.stats().hashes, time.perf_counter()
    time.sleep(seconds)
    h1, t1 = miner.stats().hashes, time.perf_counter()
    miner.stop()
    return (h1 - h0) / (t1 - t0)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=9.0, help="seconds per figure, split over --repeat runs")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--skip-cold", action="store_true", help="skip the cold compile measurements (~30 s)")
    args = p.parse_args()

    from engine.mining.kernels import available_kernels, get_kernel, vector_isa
    from engine.mining.kernels.choice import choose_kernel

    KERNEL_NAMES = available_kernels()
    from engine.mining.cli import _verdict, hashlib_hs

    choice = choose_kernel()
    best = choice.name
    sha = "SHA-NI and " if "shani" in KERNEL_NAMES else ""
    print(f"CPU: {os.cpu_count()} cores; kernels compiled for {sha}{vector_isa()}")
    print(f"the app mines with {choice.describe()}")
    print(f"load average before: {os.getloadavg()[0]:.2f}\n")

    if not args.skip_cold:
        with tempfile.TemporaryDirectory() as tmp:
            cold = run_cold("compile", ",".join(KERNEL_NAMES), Path(tmp))
            warm = run_cold("compile", ",".join(KERNEL_NAMES), Path(tmp))
        with tempfile.TemporaryDirectory() as tmp:
            first = run_cold("first-hash", "", Path(tmp))
        for name in KERNEL_NAMES:
            print(f"{name:<10} cold compile {cold[name]:6.2f} s   load from cache {warm[name]:5.2f} s")
        print(
            f"first hash with a cold cache: {first['first_hash_s']:.2f} s after Miner.start(), "
            f"{first['first_hash_s'] + first['start_offset_s']:.2f} s after interpreter start "
            f"(goal < 3 s)\n"
        )

    seconds = args.seconds / args.repeat
    best_of: dict[str, float] = {}

    def keep(key: str, value: float) -> None:
        best_of[key] = max(best_of.get(key, 0.0), value)

    kernels = {name: get_kernel(name) for name in KERNEL_NAMES}
    for _ in range(args.repeat):  # interleaved, so a burst of outside load hits every figure alike
        keep("hashlib", hashlib_hs(seconds))
        for name, kernel in kernels.items():
            keep(f"{name}/1", kernel.measure_hs(seconds, 1))
            keep(f"{name}/n", kernel.measure_hs(seconds, args.threads))
        keep("miner/1", miner_loop_hs(seconds, 1))
        keep("miner/n", miner_loop_hs(seconds, args.threads))

    base_hs = best_of["hashlib"]
    print(f"{'hashlib loop':<10} {base_hs / 1e6:7.2f} MH/s (1 thread, the baseline)")
    for name in KERNEL_NAMES:
        one_hs, many_hs = best_of[f"{name}/1"], best_of[f"{name}/n"]
        print(
            f"{name:<10} {one_hs / 1e6:7.2f} MH/s 1 thread = {one_hs / base_hs:5.1f}x hashlib;  "
            f"{many_hs / 1e6:7.2f} MH/s {args.threads} threads = {many_hs / one_hs:4.2f}x"
        )
    print(_verdict(best, {name: best_of[f"{name}/n"] for name in KERNEL_NAMES}, args.threads))
    one_hs, many_hs = best_of[f"{best}/1"], best_of[f"{best}/n"]
    loop_one_hs, loop_many_hs = best_of["miner/1"], best_of["miner/n"]
    print(
        f"\nminer loop ({best}): {loop_one_hs / 1e6:.2f} MH/s 1 thread (loss {1 - loop_one_hs / one_hs:+.1%}), "
        f"{loop_many_hs / 1e6:.2f} MH/s {args.threads} threads (loss {1 - loop_many_hs / many_hs:+.1%}); goal < 3%"
    )
    print(
        f"\ngoals: {one_hs / 1e6:.1f} MH/s per core (>= 25), {one_hs / base_hs:.1f}x hashlib (>= 25), "
        f"{many_hs / one_hs:.2f}x on {args.threads} threads (>= 1.9)"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
