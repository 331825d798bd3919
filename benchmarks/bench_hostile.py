"""The embedded node under a curious classroom's attack (issue 12): latency of the window's own
calls idle vs. under 1,000 slow connections and a flood (p50/p99 and their ratio), and the node's
peak RSS after the largest requests one client can send. Loopback only, bounded in time.

    .venv/bin/python benchmarks/bench_hostile.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import NodeProcess  # noqa: E402
from hostile_clients import (  # noqa: E402
    Flood,
    SlowConnections,
    latencies_ms,
    peak_rss_mb,
    percentile,
    raise_fd_limit,
    raw_post,
    rss_mb,
)

from engine.primitives.rpcauth import make_rpcauth  # noqa: E402

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
                "32 MiB batch of zeros": b"[" + b"0," * (16 * 1024 * 1024 - 2) + b"0]",
                "30 MB submitblock hex": json.dumps({"method": "submitblock", "params": ["00" * 15_000_000]}).encode(),
                "32 MB string parameter": json.dumps({"method": "getblockhash", "params": ["a" * 32_000_000]}).encode(),
                "1,000-call batch of getblock": json.dumps(
                    [{"method": "getblock", "params": [node.rpc("getbestblockhash"), 2], "id": i} for i in range(1000)]
                ).encode(),
            }
            for name, body in big.items():
                t1 = time.perf_counter()
                try:
                    status, data = raw_post(port, body, cookie, timeout_s=60)
                except OSError as exc:  # the node answered early (413) and closed while we sent
                    status, data = 0, repr(exc).encode()
                print(
                    f"{name:30s} -> HTTP {status} {data[:70]!r} in {(time.perf_counter() - t1) * 1000:.0f} ms; "
                    f"peak RSS so far {peak_rss_mb(pid):.0f} MB"
                )
            print(f"node RSS at rest {base_rss:.0f} MB, peak {peak_rss_mb(pid):.0f} MB")
        finally:
            node.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
