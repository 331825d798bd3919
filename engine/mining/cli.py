"""`mine2compute mine` and `mine2compute bench`: the miner and the kernel benchmark from a terminal."""

from __future__ import annotations

import time

LAUNCH_S = time.perf_counter()  # taken before Numba loads: "first hash after launch" counts imports too

import argparse  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402

from engine.mining.events import (  # noqa: E402
    BlockFound,
    BlockResult,
    ConnectionProblem,
    ConnectionRestored,
    KernelProgress,
    MinerStats,
    NewJob,
    PoolMessage,
    ShareResult,
)
from engine.mining.miner import Miner  # noqa: E402
from engine.mining.refusals import MiningRefused  # noqa: E402
from engine.primitives.rpcauth import RPC_PASSWORD_ENV as PASSWORD_ENV  # noqa: E402  (the node reads the same one)

POOL_PASSWORD_ENV = "MINE2COMPUTE_POOL_PASSWORD"


def _mine_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mine2compute mine",
        description="Mine on any Bitcoin Core compatible node (our embedded node, bitcoind -regtest, ...) "
        "over JSON-RPC getblocktemplate/submitblock.",
    )
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--rpc-url", help="node RPC URL, e.g. http://127.0.0.1:18443")
    where.add_argument("--url", metavar="stratum+tcp://HOST:3333", help="mine through a Stratum pool (a class)")
    p.add_argument("--user", help="worker name in the pool (the student's name)")
    p.add_argument("--password", help="the pool's (class) password (prefer $" + POOL_PASSWORD_ENV + ")")
    auth = p.add_mutually_exclusive_group()
    auth.add_argument("--rpc-cookie", metavar="FILE", help="cookie file, e.g. DATADIR/regtest/.cookie")
    auth.add_argument("--rpc-user", metavar="USER", help="rpcuser (with --rpc-password or $" + PASSWORD_ENV + ")")
    p.add_argument("--rpc-password", metavar="PASSWORD", help="rpcpassword (prefer $" + PASSWORD_ENV + ")")
    p.add_argument("--address", help="pay block rewards to this address (default: anyone-can-spend P2WSH(OP_TRUE))")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="mining threads (default: all cores)")
    stop = p.add_mutually_exclusive_group()
    stop.add_argument("--blocks", type=int, help="stop after this many accepted blocks")
    stop.add_argument("--duration", type=float, metavar="S", help="stop after this many seconds")
    p.add_argument(
        "--kernel",
        choices=("scalar", "lanes8", "lanes16", "shani"),
        help="force a kernel (default: the fastest for this CPU)",
    )
    p.add_argument("--quiet", action="store_true", help="print only blocks and the summary")
    return p


def mine_main(argv: list[str]) -> int:
    args = _mine_parser().parse_args(argv)
    from engine.mining.jobs import DEFAULT_PAYOUT_SCRIPT
    from engine.primitives.script import script_for_address
    from engine.rpc import RPCClient

    if args.threads < 1:
        print("mine2compute mine: --threads must be at least 1", file=sys.stderr)
        return 2
    try:
        payout = script_for_address(args.address) if args.address else DEFAULT_PAYOUT_SCRIPT
    except ValueError as exc:
        print(f"mine2compute mine: {exc}", file=sys.stderr)
        return 2
    source = rpc = None
    if args.url:
        from engine.mining.stratum_client import StratumSource

        try:
            source = StratumSource(
                args.url,
                args.user or "",
                args.password if args.password is not None else os.environ.get(POOL_PASSWORD_ENV, ""),
            )
            where = source.url
        except ValueError as exc:
            print(f"mine2compute mine: {exc}", file=sys.stderr)
            return 2
    else:
        password = args.rpc_password if args.rpc_password is not None else os.environ.get(PASSWORD_ENV)
        try:
            rpc = RPCClient(args.rpc_url, cookie_file=args.rpc_cookie, user=args.rpc_user, password=password)
            where = rpc.url
        except ValueError as exc:
            print(f"mine2compute mine: {exc}", file=sys.stderr)
            return 2

    done = threading.Event()
    accepted = [0]
    out_lock = threading.Lock()

    def say(text: str) -> None:
        with out_lock:
            print(text, flush=True)

    def on_event(event) -> None:
        if isinstance(event, BlockResult):
            if event.status == "accepted":
                accepted[0] += 1
            reason = f" ({event.reason})" if event.reason else ""
            say(f"block {event.height} {event.block_hash} {event.status}{reason}")
            if args.blocks is not None and accepted[0] >= args.blocks:
                done.set()
        elif isinstance(event, ShareResult) and event.block_hash is not None:  # a block only once the node says
            say(f"share {event.block_hash} meets the block target; the pool submits it to its node")
        elif isinstance(event, MiningRefused):  # the miner has stopped: say why, exit non-zero
            with out_lock:
                print(f"mine2compute mine: {event.message}", file=sys.stderr, flush=True)
            done.set()
        elif args.quiet:
            return
        elif isinstance(event, MinerStats):
            rates = " ".join(f"{r / 1e6:.2f}" for r in event.worker_hashrates_hs)
            say(
                f"{event.elapsed_s:7.1f}s  {event.hashrate_hs / 1e6:7.2f} MH/s  [{rates}]  kernel {event.kernel}"
                f"  height {event.height}  accepted {event.blocks_accepted}  stale {event.blocks_stale}"
                f"  rejected {event.blocks_rejected}"
            )
        elif isinstance(event, KernelProgress):
            say(
                f"kernel {event.kernel}: {event.stage}"
                + (f" ({event.seconds:.1f} s)" if event.stage != "compiling" else "")
            )
        elif isinstance(event, BlockFound):
            say(f"found block {event.height} nonce {event.nonce} (worker {event.worker})")
        elif isinstance(event, NewJob):
            if event.reason in ("start", "new tip", "new transactions") and not (
                args.blocks and event.reason == "new tip"
            ):
                say(
                    f"new job: height {event.height} on {event.previous_block_hash[:16]}… ({event.reason},"
                    f" {event.transactions} txs)"
                )
        elif isinstance(event, ConnectionProblem):
            say(f"node unreachable: {event.message}; retrying in {event.retry_in_s:.1f} s")
        elif isinstance(event, ConnectionRestored):
            say("node reachable again" if source is None else "pool reachable again")
        elif isinstance(event, ShareResult) and not event.accepted:
            say(f"share refused: {event.reason}")
        elif isinstance(event, PoolMessage):
            say(f"pool says: {event.text}")

    miner = Miner(rpc, payout, max_slots=args.threads, kernel=args.kernel, on_event=on_event, source=source)
    previous = (
        signal.signal(signal.SIGINT, lambda *_: done.set())
        if threading.current_thread() is threading.main_thread()
        else None
    )
    say(f"mining on {where} with {args.threads} thread(s)" + (f" as worker {source.user!r}" if source else ""))
    start_s = time.perf_counter()
    miner.start()
    try:
        done.wait(args.duration)
    finally:
        miner.stop()
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    s = miner.stats()
    first = "never"
    if s.first_hash_s is not None:
        first = f"{s.first_hash_s:.2f} s ({s.first_hash_s + start_s - LAUNCH_S:.2f} s after launch)"
    say(
        f"done: {s.hashes} hashes in {s.elapsed_s:.1f} s ({s.hashes / max(s.elapsed_s, 1e-9) / 1e6:.2f} MH/s average),"
        f" blocks found {s.blocks_found}, accepted {s.blocks_accepted}, stale {s.blocks_stale},"
        f" rejected {s.blocks_rejected}; first hash after {first}; kernel {s.kernel}"
    )
    if source is not None:
        say(
            f"shares: accepted {source.accepted}, refused {source.rejected}"
            + (f" ({', '.join(f'{r} {n}' for r, n in source.reasons.items())})" if source.reasons else "")
            + f"; {source.block_candidates} met the block target (blocks: what the pool's node accepted, above)"
        )
    return 1 if miner.refused is not None else 0


# ----------------------------------------------------------------------------- bench
def hashlib_hs(seconds: float) -> float:
    """The baseline: hashlib double SHA-256 with a midstate copy per nonce, one thread."""
    from engine.mining.sha256d import find_nonce_hashlib

    header80 = bytes(80)
    count = 0
    chunk = 20_000
    start_s = time.perf_counter()
    while time.perf_counter() - start_s < seconds:
        find_nonce_hashlib(header80, -1, count, chunk)
        count += chunk
    return count / (time.perf_counter() - start_s)


def bench_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="mine2compute bench",
        description="Measure the hashlib baseline and every SHA-256d kernel, single- and multi-threaded, in one run.",
    )
    p.add_argument("--seconds", type=float, default=2.0, help="seconds per figure (default 2)")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="threads for the multi-threaded runs")
    p.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="take the best of this many interleaved runs per figure (outside load only lowers them)",
    )
    p.add_argument("--kernels", help="comma-separated kernels to measure (default: all this CPU runs)")
    p.add_argument(
        "--remeasure",
        action="store_true",
        help="time every kernel again and save the app's choice (as a first launch does)",
    )
    args = p.parse_args(argv)
    from engine.mining.kernels import available_kernels, vector_isa
    from engine.mining.kernels.choice import choose_kernel
    from engine.mining.kernels.parallel import prepare_kernels

    names = [n for n in (args.kernels or ",".join(available_kernels())).split(",") if n]
    unknown = [n for n in names if n not in available_kernels()]
    if unknown:
        print(f"mine2compute bench: unknown kernel(s) {', '.join(unknown)}", file=sys.stderr)
        return 2
    if args.threads < 1 or args.repeat < 1:
        print("mine2compute bench: --threads and --repeat must be at least 1", file=sys.stderr)
        return 2
    sha = "SHA-NI, " if "shani" in available_kernels() else ""
    print(f"instruction set: {sha}{vector_isa()}; {os.cpu_count()} CPUs; load average before: {os.getloadavg()[0]:.2f}")
    try:
        choice = choose_kernel(os.cpu_count() or 1, refresh=args.remeasure)
    except ValueError as exc:  # a bad $MINE2COMPUTE_KERNEL
        print(f"mine2compute bench: {exc}", file=sys.stderr)
        return 2
    print(f"the app mines with {choice.describe()}")
    kernels = prepare_kernels(names)  # all compiled by choose_kernel unless the choice was cached
    seconds = args.seconds / args.repeat
    base_hs = 0.0
    one_hs = {k.name: 0.0 for k in kernels}
    many_hs = dict(one_hs)
    for _ in range(args.repeat):  # interleaved, so a burst of outside load hits every figure alike
        base_hs = max(base_hs, hashlib_hs(seconds))
        for kernel in kernels:
            one_hs[kernel.name] = max(one_hs[kernel.name], kernel.measure_hs(seconds, 1))
            if args.threads > 1:
                many_hs[kernel.name] = max(many_hs[kernel.name], kernel.measure_hs(seconds, args.threads))
    print(f"{'hashlib (baseline)':<22}{base_hs / 1e6:8.2f} MH/s  1 thread")
    for kernel in kernels:
        one, many = one_hs[kernel.name], many_hs[kernel.name] if args.threads > 1 else one_hs[kernel.name]
        print(
            f"{kernel.name:<22}{one / 1e6:8.2f} MH/s  1 thread  ({one / base_hs:5.1f}x hashlib)   "
            f"{many / 1e6:8.2f} MH/s  {args.threads} threads ({many / one:4.2f}x)   "
            f"compile/load {kernel.compile_s:.1f} s{' (cache load)' if kernel.from_cache else ''}"
        )
    print(_verdict(choice.name, many_hs if args.threads > 1 else one_hs, args.threads))
    print(f"load average after: {os.getloadavg()[0]:.2f} (other processes on the machine lower the numbers)")
    return 0


NOISE = 0.05  # best-of figures on a quiet machine differ by a few percent from run to run


def _verdict(chosen: str, speeds_hs: dict[str, float], threads: int) -> str:
    """Whether the app's kernel is the fastest measured now, within noise."""
    if chosen not in speeds_hs:
        return f"the app's kernel ({chosen}) was not measured in this run"
    best = max(speeds_hs, key=speeds_hs.__getitem__)
    ratio = speeds_hs[chosen] / speeds_hs[best]
    if best == chosen or ratio >= 1 - NOISE:
        return f"the app's kernel {chosen} is the fastest measured on {threads} thread(s)" + (
            "" if best == chosen else f" within noise ({ratio:.0%} of {best})"
        )
    return (
        f"the app's kernel {chosen} runs at {ratio:.0%} of {best} here: if this holds on a quiet "
        f"machine, run `mine2compute bench --remeasure` to choose again"
    )
