"""`mine2compute pool`: the class's Stratum v1 pool in front of any Core-compatible node."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time

from engine.mining.cli import PASSWORD_ENV, POOL_PASSWORD_ENV  # one name each for both commands


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mine2compute pool",
        description="Run a Stratum v1 pool (cpuminer, NerdMiner, Bitaxe, our miner) that takes its work from "
        "a Bitcoin Core compatible node over JSON-RPC and submits the blocks its miners find.",
    )
    p.add_argument("--rpc-url", required=True, help="node RPC URL, e.g. http://127.0.0.1:18449")
    auth = p.add_mutually_exclusive_group()
    auth.add_argument("--rpc-cookie", metavar="FILE", help="cookie file, e.g. DATADIR/lab/.cookie")
    auth.add_argument("--rpc-user", metavar="USER", help="rpcuser (with --rpc-password or $" + PASSWORD_ENV + ")")
    p.add_argument("--rpc-password", metavar="PASSWORD", help="rpcpassword (prefer $" + PASSWORD_ENV + ")")
    p.add_argument(
        "--bind", default="127.0.0.1", help="address to listen on (default loopback; 0.0.0.0 for the class's network)"
    )
    p.add_argument("--port", type=int, default=3333, help="Stratum port (default 3333; 0 picks a free one)")
    p.add_argument(
        "--password", metavar="CLASS", help="the class password miners give (prefer $" + POOL_PASSWORD_ENV + ")"
    )
    p.add_argument("--address", help="pay block rewards to this address (default: anyone-can-spend P2WSH(OP_TRUE))")
    p.add_argument("--start-difficulty", type=float, default=None, help="share difficulty before vardiff")
    p.add_argument("--min-difficulty", type=float, default=None, help="lowest share difficulty vardiff may set")
    p.add_argument("--duration", type=float, metavar="S", help="stop after this many seconds")
    p.add_argument(
        "--stats-interval",
        type=float,
        default=10.0,
        metavar="S",
        help="print each worker's hashrate this often (0: never)",
    )
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    from engine.mining.jobs import DEFAULT_PAYOUT_SCRIPT
    from engine.pool import server
    from engine.primitives.script import script_for_address
    from engine.rpc import RPCClient

    def fail(message: str) -> int:
        print(f"mine2compute pool: {message}", file=sys.stderr)
        return 2

    try:
        payout = script_for_address(args.address) if args.address else DEFAULT_PAYOUT_SCRIPT
    except ValueError as exc:
        return fail(str(exc))
    if not 0 <= args.port <= 65535:
        return fail(f"--port must be in 0..65535, got {args.port}")
    for name in ("start_difficulty", "min_difficulty"):
        value = getattr(args, name)
        if value is not None and not value > 0:
            return fail(f"--{name.replace('_', '-')} must be positive, got {value}")
    class_password = args.password if args.password is not None else os.environ.get(POOL_PASSWORD_ENV, "")
    if args.bind not in ("127.0.0.1", "localhost", "::1") and not class_password:
        return fail("a pool on the network needs a class password (--password or $" + POOL_PASSWORD_ENV + ")")
    rpc_password = args.rpc_password if args.rpc_password is not None else os.environ.get(PASSWORD_ENV)
    try:
        rpc = RPCClient(args.rpc_url, cookie_file=args.rpc_cookie, user=args.rpc_user, password=rpc_password)
    except ValueError as exc:
        return fail(str(exc))
    out_lock = threading.Lock()

    def say(text: str) -> None:
        with out_lock:
            print(text, flush=True)

    def on_event(event) -> None:
        if isinstance(event, server.PoolBlock):
            reason = f" ({event.reason})" if event.reason else ""
            say(
                f"block {event.height} {event.block_hash} {event.status}{reason} by {event.worker}"
                f" t={event.answered_s:.6f}"
            )
        elif isinstance(event, server.PoolNode):
            say("node reachable again" if event.ok else f"node unreachable: {event.message}; workers told")
        elif isinstance(event, server.PoolWork) and event.clean:
            say(f"new work: height {event.height} sent to {event.clients} client(s) t={event.sent_s:.6f}")

    def report(prefix: str) -> None:
        for row in pool.stats.snapshot().workers:
            say(
                f"{prefix} {row.name}: {row.hashrate_hs[60.0] / 1e6:.3f} MH/s (1 min)"
                f" {row.hashrate_hs[10.0] / 1e6:.3f} MH/s (10 s) accepted {row.accepted}"
                f" rejected {row.rejected} stale {row.stale} blocks {row.blocks} diff {row.difficulty:.3g}"
                f" {row.status}"
            )

    options = {}
    if args.start_difficulty is not None:
        options["start_difficulty"] = args.start_difficulty
    if args.min_difficulty is not None:
        options["min_difficulty"] = args.min_difficulty
    pool = server.Pool(
        rpc, payout, host=args.bind, port=args.port, password=class_password, on_event=on_event, **options
    )
    try:
        pool.start()
    except OSError as exc:
        return fail(f"cannot listen on {args.bind}:{args.port}: {exc.strerror or exc}")
    say(f"Stratum pool listening on {args.bind}:{pool.port} (node {rpc.url})")
    done = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_: done.set())
    deadline_s = time.monotonic() + args.duration if args.duration else None
    try:
        while not done.is_set():
            wait_s = args.stats_interval if args.stats_interval > 0 else 3600.0
            if deadline_s is not None:
                wait_s = min(wait_s, max(0.0, deadline_s - time.monotonic()))
            if done.wait(wait_s) or (deadline_s is not None and time.monotonic() >= deadline_s):
                break
            if args.stats_interval > 0:
                report("worker")
    finally:
        pool.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    report("final")  # the tallies as they stand, so a script can check that no share went missing
    say("pool stopped")
    return 0
