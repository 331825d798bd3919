"""The embedded node under a curious classroom's attack (issue 12): latency of the window's own
calls idle vs. under 1,000 slow connections and a flood (p50/p99 and their ratio), the node's
peak RSS after the largest requests one client can send (a 5,000-call batch and a 2 MB batch of a
million calls among them), and the failed-login budget (issue 20): how often the right password
gets in during a guess flood from the same address and from another one, and how many guesses a
second the node really checked. Loopback only, bounded in time.

    .venv/bin/python benchmarks/bench_hostile.py
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from engine.primitives.rpcauth import make_rpcauth  # noqa: E402
from tests.helpers.hostile_clients import (  # noqa: E402
    Flood,
    SlowConnections,
    latencies_ms,
    peak_rss_mb,
    percentile,
    raise_fd_limit,
    raw_post,
    rpc,
    rss_mb,
)
from tests.helpers.node import NodeProcess  # noqa: E402

CLASS_PASSWORD = "correct horse battery"
SAMPLES = 200


def main() -> int:
    raise_fd_limit(4096)
    os.environ["MINE2COMPUTE_RPCAUTH"] = make_rpcauth("class", CLASS_PASSWORD)
    with tempfile.TemporaryDirectory() as tmp:
        node = NodeProcess(Path(tmp), chain="regtest").start()
        try:
            os.environ.pop("MINE2COMPUTE_RPCAUTH")
            pid, port = node.proc.pid, node.port
            cookie = node.cookie_file.read_text()
            node.rpc("generatetoaddress", 5, "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080")
            latencies_ms(port, cookie, 20)  # warm up
            idle = latencies_ms(port, cookie, SAMPLES)
            base_rss = rss_mb(pid)
            student = f"class:{CLASS_PASSWORD}"
            batch = json.dumps(
                [{"method": "getblockheader", "params": [node.rpc("getbestblockhash")], "id": i} for i in range(1000)]
            )
            t0 = time.monotonic()
            with (
                SlowConnections(port, 1000, every_s=0.5) as slow,
                Flood(port, batch, student, threads=4, max_s=60) as work,
                Flood(port, '{"method":"getblockcount"}', "class:guess", threads=8, max_s=60) as guesses,
            ):
                time.sleep(1)
                attacked = latencies_ms(port, cookie, SAMPLES)
            attack_s = time.monotonic() - t0
            print(f"latency idle        p50 {percentile(idle, 50):6.2f} ms  p99 {percentile(idle, 99):6.2f} ms")
            print(
                f"latency under attack p50 {percentile(attacked, 50):6.2f} ms  p99 {percentile(attacked, 99):6.2f} ms "
                f"(1,000 slow connections, 4 batch floods of 1,000 calls, 8 password guessers; {attack_s:.0f} s)"
            )
            print(
                f"ratio attack/idle   p50 {percentile(attacked, 50) / percentile(idle, 50):6.2f}x  "
                f"p99 {percentile(attacked, 99) / percentile(idle, 99):6.2f}x"
            )
            print(
                f"slow connections closed by the node: {slow.closed_by_server}; flood answers {work.statuses}; "
                f"guesses answered {guesses.statuses}"
            )
            big = {
                "32 MiB: one call of 16M values": b"[[" + b"0," * (16 * 1024 * 1024 - 3) + b"0]]",
                "30 MB submitblock hex": json.dumps({"method": "submitblock", "params": ["00" * 15_000_000]}).encode(),
                "32 MB string parameter": json.dumps({"method": "getblockhash", "params": ["a" * 32_000_000]}).encode(),
                "1,000-call batch of getblock": json.dumps(
                    [{"method": "getblock", "params": [node.rpc("getbestblockhash"), 2], "id": i} for i in range(1000)]
                ).encode(),
                "5,000-call getblockhash batch": json.dumps(
                    [{"method": "getblockhash", "params": [i % 5], "id": i} for i in range(5000)]
                ).encode(),
                "2 MB batch of a million calls": b"[" + b"0," * 999_999 + b"0]",
            }
            for name, body in big.items():
                t1 = time.perf_counter()
                try:
                    status, data = raw_post(port, body, cookie, timeout_s=300)
                except OSError as exc:  # the node answered early (413) and closed while we sent
                    status, data = 0, repr(exc).encode()
                print(
                    f"{name:30s} -> HTTP {status} {len(data):,} B {data[:50]!r} in "
                    f"{(time.perf_counter() - t1) * 1000:.0f} ms; peak RSS so far {peak_rss_mb(pid):.0f} MB; "
                    f"load {os.getloadavg()[0]:.2f}"
                )
            print(f"node RSS at rest {base_rss:.0f} MB, peak {peak_rss_mb(pid):.0f} MB")
        finally:
            node.stop()
    logins()
    return 0


def logins(guessers: int = 50, flood_s: float = 8.0, tries: int = 40) -> None:
    """The right password tried during a flood of wrong ones from 127.0.0.1: from the same
    address and from 127.0.0.2 (another laptop), against the idle baseline; and the guesses the
    node really checked a second (its own count, logged at shutdown)."""
    os.environ["MINE2COMPUTE_RPCAUTH"] = make_rpcauth("class", CLASS_PASSWORD)
    with tempfile.TemporaryDirectory() as tmp:
        node = NodeProcess(Path(tmp), chain="regtest").start()
        os.environ.pop("MINE2COMPUTE_RPCAUTH")
        student = f"class:{CLASS_PASSWORD}"

        def let_in(source: str) -> int:
            return sum(rpc(node.port, student, "getblockcount", source=source)[0] == 200 for _ in range(tries))

        try:
            idle = let_in("127.0.0.1")
            t0 = time.monotonic()
            with Flood(node.port, '{"method":"getblockcount"}', "class:guess", threads=guessers, max_s=flood_s) as f:
                time.sleep(1)
                same = other = 0
                for _ in range(tries):
                    same += rpc(node.port, student, "getblockcount")[0] == 200
                    other += rpc(node.port, student, "getblockcount", source="127.0.0.2")[0] == 200
                    time.sleep(0.1)
            flood_time = time.monotonic() - t0
        finally:
            node.stop()
        totals = next((line for line in node.log if "RPC failed logins" in line), "")
        match = re.search(r"(\d+) passwords checked and wrong, (\d+) refused unchecked", totals)
        if match:
            checked, refused = int(match.group(1)), int(match.group(2))
        else:  # a node without the shutdown totals (before issue 20): its 10-second reports, a lower bound
            reports = [re.search(r"(\d+) failed and (\d+) refused", line) for line in node.log]
            checked = sum(int(m.group(1)) for m in reports if m)
            refused = sum(int(m.group(2)) for m in reports if m)
        print(
            f"right password let in: idle {idle}/{tries}; during a flood of {guessers} guessers from the same "
            f"address {same}/{tries}, from another address {other}/{tries} (ratio to idle {other / max(idle, 1):.2f}); "
            f"load {os.getloadavg()[0]:.2f}"
        )
        print(
            f"guesses answered {f.statuses}; checked by the node {checked} in {flood_time:.1f} s = "
            f"{checked / flood_time:.1f}/s (budget 4/s per address, burst 8), refused unchecked {refused}"
        )


if __name__ == "__main__":
    sys.exit(main())
