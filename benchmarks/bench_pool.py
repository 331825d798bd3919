"""Load benchmark for the class pool: N simulated Stratum clients at a steady share rate plus our
real miner, against one pool (`mine2compute pool`) and one lab node, all on 127.0.0.1.

Prints p50/p99 share-submit latency (goal p99 < 20 ms), p99 notify latency to all clients after
each new block (goal < 100 ms, measured from the node's answer to the pool's submitblock),
shares and blocks lost (goal 0), and the pool's RSS over the run (goal: flat).

    .venv/bin/python benchmarks/bench_pool.py --seconds 600 --clients 50
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.pool.stratum import Notify, prevhash_to_stratum, sha256d, target_for_difficulty  # noqa: E402
from engine.rpc import RPCClient  # noqa: E402

WARMUP_S = 10.0  # the miner's first seconds (kernel load, vardiff settling) are reported apart
SIM_DIFFICULTY = 2.0 ** -24  # ~256 hashlib hashes per share: 50 clients cost the bench little CPU


def _start(cmd: list[str], pattern: str, timeout_s: float = 60) -> tuple[subprocess.Popen, re.Match, list[str]]:
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    found: list[re.Match] = []
    ready = threading.Event()

    def drain() -> None:
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if not found and (m := re.search(pattern, line)):
                found.append(m)
                ready.set()
        ready.set()
    threading.Thread(target=drain, daemon=True).start()
    if not ready.wait(timeout_s) or not found:
        proc.kill()
        raise RuntimeError(f"{cmd[3]} did not start:\n" + "\n".join(lines))
    return proc, found[0], lines


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Sim:
    def __init__(self, index: int, port: int, rate_s: float, stats: dict):
        self.index, self.port, self.rate_s, self.stats = index, port, rate_s, stats
        self.pending: dict[int, float] = {}
        self.notify: Notify | None = None
        self.difficulty = SIM_DIFFICULTY
        self.job_difficulty = SIM_DIFFICULTY
        self.next_id, self.counter = 10, 0

    async def run(self, stop_at: float) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer = writer

        def send(obj) -> None:
            writer.write((json.dumps(obj) + "\n").encode())
        send({"id": 1, "method": "mining.subscribe", "params": ["sim"]})
        send({"id": 2, "method": "mining.suggest_difficulty", "params": [SIM_DIFFICULTY]})
        send({"id": 3, "method": "mining.authorize", "params": [f"sim{self.index:02d}", "CLASS"]})
        reading = asyncio.ensure_future(self._read(reader))
        next_s = time.monotonic() + self.rate_s * (self.index / 50)
        while time.monotonic() < stop_at:
            await asyncio.sleep(max(0.0, next_s - time.monotonic()))
            next_s += self.rate_s
            if self.notify is None:
                continue
            n, target = self.notify, target_for_difficulty(self.job_difficulty)
            self.counter += 1
            en2 = self.counter.to_bytes(4, "big")
            header76 = n.header76(self.extranonce1, en2)
            nonce = next(i for i in range(1 << 20)
                         if int.from_bytes(sha256d(header76 + i.to_bytes(4, "little")), "little") <= target)
            self.next_id += 1
            self.pending[self.next_id] = time.monotonic()
            self.stats["sent"] += 1
            send({"id": self.next_id, "method": "mining.submit",
                  "params": [f"sim{self.index:02d}", n.job_id, en2.hex(), f"{n.ntime:08x}", f"{nonce:08x}"]})
        await asyncio.sleep(2.0)  # the last answers
        self.stats["unanswered"] += len(self.pending)
        reading.cancel()
        writer.close()

    async def _read(self, reader) -> None:
        while True:
            line = await reader.readline()
            if not line:
                self.stats["closed"] += 1
                return
            now = time.monotonic()
            msg = json.loads(line)
            method = msg.get("method")
            if method == "mining.notify":
                self.notify = Notify.from_params(msg["params"])
                self.job_difficulty = self.difficulty
                if self.notify.clean:
                    self.stats["clean"].setdefault(self.notify.prevhash, []).append(now)
            elif method == "mining.set_difficulty":
                self.difficulty = msg["params"][0]
            elif msg.get("id") == 1:
                self.extranonce1 = bytes.fromhex(msg["result"][1])
            elif msg.get("id") in self.pending:
                sent = self.pending.pop(msg["id"])
                self.stats["latency" if sent - self.stats["start"] >= WARMUP_S else "warmup"].append(now - sent)
                self.stats["accepted" if msg.get("result") is True else "refused"] += 1
                if msg.get("result") is not True:
                    self.stats["reasons"][msg["error"][1]] = self.stats["reasons"].get(msg["error"][1], 0) + 1


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=600.0)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--shares-per-s", type=float, default=4.0, help="per simulated client")
    p.add_argument("--lab-hashrate", type=float, default=3e7, help="sizes the lab chain's difficulty")
    p.add_argument("--miner-threads", type=int, default=1)
    args = p.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        node, m, _ = _start([py, "-m", "regtest", "--chain", "lab", "--datadir", tmp, "--rpcport", "0",
                             "--lab-hashrate", str(args.lab_hashrate)], r"RPC listening on [^ ]+:(\d+)")
        url, cookie = f"http://127.0.0.1:{m.group(1)}", f"{tmp}/lab/.cookie"
        pool, m, pool_lines = _start([py, "-m", "gui.cli", "pool", "--rpc-url", url, "--rpc-cookie", cookie,
                                      "--port", "0", "--password", "CLASS", "--min-difficulty", str(SIM_DIFFICULTY),
                                      "--stats-interval", "0"], r"listening on [^ ]+:(\d+)")
        port = int(m.group(1))
        miner = subprocess.Popen([py, "-m", "gui.cli", "mine", "--url", f"stratum+tcp://127.0.0.1:{port}",
                                  "--user", "real", "--password", "CLASS", "--threads", str(args.miner_threads),
                                  "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        stats = {"sent": 0, "accepted": 0, "refused": 0, "unanswered": 0, "closed": 0, "latency": [],
                 "clean": {}, "reasons": {}, "warmup": []}
        rss: list[tuple[float, int]] = []
        start = stats["start"] = time.monotonic()

        def sample() -> None:
            while time.monotonic() - start < args.seconds:
                rss.append((time.monotonic() - start, _rss_kb(pool.pid)))
                time.sleep(10)
        threading.Thread(target=sample, daemon=True).start()
        stop_at = start + args.seconds

        async def everyone() -> None:
            sims = [Sim(i, port, 1 / args.shares_per_s, stats) for i in range(args.clients)]
            await asyncio.gather(*(s.run(stop_at) for s in sims))
        try:
            asyncio.run(everyone())
        finally:
            miner.terminate()
            miner.wait(10)
            pool.terminate()
            pool.wait(10)
        blocks = [re.search(r"block (\d+) ([0-9a-f]{64}) accepted by (\S+) t=([\d.]+)", line)
                  for line in pool_lines]
        blocks = [b for b in blocks if b]
        rpc = RPCClient(url, cookie_file=cookie)
        missing = [b.group(2) for b in blocks if not _has_block(rpc, b.group(2))]
        notify_s = []
        for b in blocks:
            times = stats["clean"].get(prevhash_to_stratum(b.group(2)), [])
            if len(times) == args.clients:
                notify_s.append(max(times) - float(b.group(4)))
        node.terminate()
        node.wait(30)
    lat = stats["latency"]
    print(f"{args.clients} simulated clients x {args.shares_per_s}/s + our miner ({args.miner_threads} thread) "
          f"for {args.seconds:.0f} s")
    print(f"shares: sent {stats['sent']}, accepted {stats['accepted']}, refused {stats['refused']} "
          f"{stats['reasons']}, unanswered {stats['unanswered']} (lost), connections closed {stats['closed']}")
    print(f"share-submit latency: p50 {pct(lat, 0.5) * 1e3:.2f} ms, p99 {pct(lat, 0.99) * 1e3:.2f} ms,"
          f" max {max(lat, default=0) * 1e3:.2f} ms (goal p99 < 20 ms); first {WARMUP_S:.0f} s:"
          f" p99 {pct(stats['warmup'], 0.99) * 1e3:.1f} ms")
    print(f"blocks accepted by the pool: {len(blocks)} ({', '.join(sorted({b.group(3) for b in blocks}))}),"
          f" missing from the node: {len(missing)}")
    print(f"notify latency to all {args.clients} clients after a block: p50 {pct(notify_s, 0.5) * 1e3:.1f} ms,"
          f" p99 {pct(notify_s, 0.99) * 1e3:.1f} ms over {len(notify_s)} blocks (goal p99 < 100 ms)")
    if rss:
        first = [kb for t, kb in rss if t < 60] or [rss[0][1]]
        last = [kb for t, kb in rss if t >= args.seconds - 60] or [rss[-1][1]]
        print(f"pool RSS: first minute max {max(first) / 1024:.1f} MiB, last minute max {max(last) / 1024:.1f} MiB,"
              f" peak {max(kb for _, kb in rss) / 1024:.1f} MiB")
    ok = (stats["unanswered"] == 0 and not missing and pct(lat, 0.99) < 0.020
          and (not notify_s or pct(notify_s, 0.99) < 0.100))
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def _has_block(rpc: RPCClient, block_hash: str) -> bool:
    try:
        rpc.call("getblockheader", block_hash)
        return True
    except Exception:
        return False


if __name__ == "__main__":
    sys.exit(main())
