"""Load benchmark for the class pool: N simulated Stratum clients at a steady share rate plus our
real miner, against one pool (`mine2compute pool`) and one lab node, all on 127.0.0.1.

Prints p50/p99 share-submit latency (goal p99 < 20 ms; at the client socket by the kernel clock,
and as read by this process), p99 notify latency to all clients after
each new block (goal < 100 ms, measured from the node's answer to the pool's submitblock),
shares and blocks lost (goal 0), and the pool's RSS over the run (goal: flat).

    .venv/bin/python benchmarks/bench_pool.py --seconds 600 --clients 50

With --hostile (benchmarks/bench_pool_hostile.py): an idle baseline, then one hostile laptop
(2,000 sockets, 20,000 names, floods of every kind of bad share) while 50 simulated miners and
pooler's cpuminer mine, then a recovery: p99 share latency against the baseline, disconnections,
new-miner join time, the pool's memory and blocks lost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.mining.stratum import Notify, prevhash_to_stratum  # noqa: E402
from engine.primitives.hashes import sha256d  # noqa: E402
from engine.primitives.pow import target_for_difficulty  # noqa: E402
from engine.rpc import RPCClient  # noqa: E402

WARMUP_S = 10.0  # the miner's first seconds (kernel load, vardiff settling) are reported apart
SIM_DIFFICULTY = 2.0**-24  # ~256 hashlib hashes per share: 50 clients cost the bench little CPU


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


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds the process has used (/proc/PID/stat utime + stime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


SO_TIMESTAMPNS = 35  # Linux asm-generic/socket.h: the kernel's receive time with each recvmsg
RT_TO_MONOTONIC = time.time() - time.monotonic()


def sim_stats() -> dict:
    """What the simulated miners count together (Sim.stats): shares, answers, latencies."""
    return {
        "sent": 0,
        "accepted": 0,
        "refused": 0,
        "unanswered": 0,
        "closed": 0,
        "latency": [],
        "read_latency": [],
        "clean": {},
        "reasons": {},
        "warmup": [],
        "samples": [],
    }


class Sim:
    """One simulated miner on a raw non-blocking socket, so that each answer's arrival time is
    the kernel's (SO_TIMESTAMPNS, the last segment of the read): what a miner on another computer
    would see, without this process's own scheduling on a loaded machine. The time the bench
    reads it is kept too (the older, harsher measure)."""

    def __init__(self, index: int, port: int, rate_s: float, stats: dict, source: str | None = None):
        """`source`: the local address to connect from (each sim its own computer to the pool)."""
        self.index, self.port, self.rate_s, self.stats, self.source = index, port, rate_s, stats, source
        self.name = f"sim{index:02d}"
        self.pending: dict[int, float] = {}
        self.notify: Notify | None = None
        self.difficulty = SIM_DIFFICULTY
        self.job_difficulty = SIM_DIFFICULTY
        self.next_id, self.counter = 10, 0
        self.buffer = b""
        self.accepted = 0
        self.tips: set[str] = set()
        self.closed = asyncio.Event()

    def send(self, obj) -> None:
        data = (json.dumps(obj) + "\n").encode()
        if self.sock.send(data) != len(data):  # ~200 bytes into an empty buffer: never short
            raise RuntimeError("short send")

    async def run(self, stop_at: float) -> None:
        loop = asyncio.get_running_loop()
        self.sock = socket.create_connection(
            ("127.0.0.1", self.port), source_address=(self.source, 0) if self.source else None
        )
        self.sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        loop.add_reader(self.sock.fileno(), self._readable)
        self.send({"id": 1, "method": "mining.subscribe", "params": ["sim"]})
        self.send({"id": 2, "method": "mining.suggest_difficulty", "params": [SIM_DIFFICULTY]})
        self.send({"id": 3, "method": "mining.authorize", "params": [self.name, "CLASS"]})
        next_s = time.monotonic() + self.rate_s * (self.index / 50)
        while time.monotonic() < stop_at and not self.closed.is_set():
            await asyncio.sleep(max(0.0, next_s - time.monotonic()))
            next_s += self.rate_s
            if self.notify is None:
                continue
            n, target = self.notify, target_for_difficulty(self.job_difficulty)
            self.counter += 1
            en2 = self.counter.to_bytes(4, "big")
            header76 = n.header76(self.extranonce1, en2)
            nonce = next(
                i
                for i in range(1 << 20)
                if int.from_bytes(sha256d(header76 + i.to_bytes(4, "little")), "little") <= target
            )
            self.next_id += 1
            self.stats["sent"] += 1
            self.pending[self.next_id] = time.monotonic()
            self.send(
                {
                    "id": self.next_id,
                    "method": "mining.submit",
                    "params": [self.name, n.job_id, en2.hex(), f"{n.ntime:08x}", f"{nonce:08x}"],
                }
            )
        await asyncio.sleep(2.0)  # the last answers
        self.stats["unanswered"] += len(self.pending)
        loop.remove_reader(self.sock.fileno())
        self.sock.close()

    def _readable(self) -> None:
        try:
            data, ancillary, _, _ = self.sock.recvmsg(65536, socket.CMSG_SPACE(16))
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data, ancillary = b"", []
        read_s = time.monotonic()
        arrived_s = read_s
        for level, kind, value in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(value) >= 16:
                sec, nsec = struct.unpack("qq", value[:16])
                arrived_s = min(read_s, sec + nsec * 1e-9 - RT_TO_MONOTONIC)
        if not data:
            self.stats["closed"] += 1
            self.closed.set()
            asyncio.get_running_loop().remove_reader(self.sock.fileno())
            return
        self.buffer += data
        while b"\n" in self.buffer:
            line, _, self.buffer = self.buffer.partition(b"\n")
            self._message(json.loads(line), arrived_s, read_s)

    def _message(self, msg: dict, arrived_s: float, read_s: float) -> None:
        method = msg.get("method")
        if method == "mining.notify":
            self.notify = Notify.from_params(msg["params"])
            self.job_difficulty = self.difficulty
            if self.notify.clean and self.notify.prevhash not in self.tips:  # a new tip (vardiff may resend it)
                self.tips.add(self.notify.prevhash)
                self.stats["clean"].setdefault(self.notify.prevhash, []).append(arrived_s)
        elif method == "mining.set_difficulty":
            self.difficulty = msg["params"][0]
        elif msg.get("id") == 1:
            self.extranonce1 = bytes.fromhex(msg["result"][1])
        elif msg.get("id") in self.pending:
            sent = self.pending.pop(msg["id"])
            warm = sent - self.stats["start"] >= WARMUP_S
            self.stats["latency" if warm else "warmup"].append(arrived_s - sent)
            self.stats["samples"].append((sent, arrived_s - sent))  # by phase (--hostile)
            if warm:
                self.stats["read_latency"].append(read_s - sent)
            if msg.get("result") is True:
                self.stats["accepted"] += 1
                self.accepted += 1
            else:
                self.stats["refused"] += 1
                self.stats["reasons"][msg["error"][1]] = self.stats["reasons"].get(msg["error"][1], 0) + 1


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def main() -> int:
    if "--hostile" in sys.argv:  # the hostile phase (issue 21): benchmarks/bench_pool_hostile.py
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bench_pool_hostile import main as hostile_main

        return hostile_main([a for a in sys.argv[1:] if a != "--hostile"])
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=600.0)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--shares-per-s", type=float, default=4.0, help="per simulated client")
    p.add_argument("--lab-hashrate", type=float, default=3e7, help="sizes the lab chain's difficulty")
    p.add_argument("--miner-threads", type=int, default=1)
    p.add_argument(
        "--stats-interval",
        type=float,
        default=1.0,
        help="the pool's snapshot period (the Class tab takes one a second)",
    )
    args = p.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        node, m, _ = _start(
            [
                py,
                "-m",
                "regtest",
                "--chain",
                "lab",
                "--datadir",
                tmp,
                "--rpcport",
                "0",
                "--lab-hashrate",
                str(args.lab_hashrate),
            ],
            r"RPC listening on [^ ]+:(\d+)",
        )
        url, cookie = f"http://127.0.0.1:{m.group(1)}", f"{tmp}/lab/.cookie"
        pool, m, pool_lines = _start(
            [
                py,
                "-m",
                "gui.cli",
                "pool",
                "--rpc-url",
                url,
                "--rpc-cookie",
                cookie,
                "--port",
                "0",
                "--password",
                "CLASS",
                "--min-difficulty",
                str(SIM_DIFFICULTY),
                "--stats-interval",
                str(args.stats_interval),
            ],
            r"listening on [^ ]+:(\d+)",
        )
        port = int(m.group(1))
        miner = subprocess.Popen(
            [
                py,
                "-m",
                "gui.cli",
                "mine",
                "--url",
                f"stratum+tcp://127.0.0.1:{port}",
                "--user",
                "real",
                "--password",
                "CLASS",
                "--threads",
                str(args.miner_threads),
                "--quiet",
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        stats = sim_stats()
        rss: list[tuple[float, int]] = []
        start = stats["start"] = time.monotonic()

        def sample() -> None:
            while time.monotonic() - start < args.seconds:
                rss.append((time.monotonic() - start, _rss_kb(pool.pid)))
                time.sleep(10)

        threading.Thread(target=sample, daemon=True).start()
        stop_at = start + args.seconds
        sims = [Sim(i, port, 1 / args.shares_per_s, stats) for i in range(args.clients)]

        async def everyone() -> None:
            await asyncio.gather(*(s.run(stop_at) for s in sims))

        cpu: list[float] = []

        async def measured() -> None:
            await asyncio.sleep(WARMUP_S)
            cpu.append(_cpu_s(pool.pid))
            await asyncio.sleep(max(0.0, stop_at - time.monotonic()))
            cpu.append(_cpu_s(pool.pid))

        async def both() -> None:
            await asyncio.gather(everyone(), measured())

        try:
            asyncio.run(both())
        finally:
            miner.terminate()
            miner.wait(10)
            pool.terminate()
            pool.wait(10)
        time.sleep(0.5)  # the drain thread reads the pool's last lines
        blocks = [re.search(r"block (\d+) ([0-9a-f]{64}) accepted by (\S+) t=([\d.]+)", line) for line in pool_lines]
        blocks = [b for b in blocks if b]
        final = {
            m.group(1): int(m.group(2))
            for line in pool_lines
            if (m := re.match(r"final (\S+): .* accepted (\d+) ", line))
        }
        miscounted = [s.name for s in sims if final.get(s.name) != s.accepted]
        rpc = RPCClient(url, cookie_file=cookie)
        missing = [b.group(2) for b in blocks if not _has_block(rpc, b.group(2))]
        notify_s = []
        for b in blocks:
            times = stats["clean"].get(prevhash_to_stratum(b.group(2)), [])
            if len(times) == args.clients:
                notify_s.append(max(times) - float(b.group(4)))
        node.terminate()
        node.wait(30)
    lat, read = stats["latency"], stats["read_latency"]
    print(
        f"{args.clients} simulated clients x {args.shares_per_s}/s + our miner ({args.miner_threads} thread) "
        f"for {args.seconds:.0f} s; pool snapshot every {args.stats_interval:g} s"
    )
    print(
        f"shares: sent {stats['sent']}, accepted {stats['accepted']}, refused {stats['refused']} "
        f"{stats['reasons']}, unanswered {stats['unanswered']} (lost), connections closed {stats['closed']};"
        f" pool's final tally differs for {len(miscounted)} client(s) {miscounted[:5]}"
    )
    print(
        f"share-submit latency at the client's socket: p50 {pct(lat, 0.5) * 1e3:.2f} ms,"
        f" p90 {pct(lat, 0.9) * 1e3:.2f} ms, p99 {pct(lat, 0.99) * 1e3:.2f} ms, max {max(lat, default=0) * 1e3:.1f} ms"
        f" (goal p99 < 20 ms); first {WARMUP_S:.0f} s: p99 {pct(stats['warmup'], 0.99) * 1e3:.1f} ms"
    )
    print(
        f"  as read by this process's loop: p50 {pct(read, 0.5) * 1e3:.2f} ms, p90 {pct(read, 0.9) * 1e3:.2f} ms,"
        f" p99 {pct(read, 0.99) * 1e3:.2f} ms"
    )
    if len(cpu) == 2 and lat:
        print(
            f"pool CPU after the first {WARMUP_S:.0f} s: {cpu[1] - cpu[0]:.1f} s,"
            f" {(cpu[1] - cpu[0]) / len(lat) * 1e6:.0f} us per share answered (its whole process)"
        )
    print(
        f"blocks accepted by the pool: {len(blocks)} ({', '.join(sorted({b.group(3) for b in blocks}))}),"
        f" missing from the node: {len(missing)}"
    )
    print(
        f"notify latency to all {args.clients} clients after a block: p50 {pct(notify_s, 0.5) * 1e3:.1f} ms,"
        f" p99 {pct(notify_s, 0.99) * 1e3:.1f} ms over {len(notify_s)} blocks (goal p99 < 100 ms)"
    )
    if rss:
        third = args.seconds / 3
        parts = [[kb for t, kb in rss if lo <= t < lo + third] or [rss[-1][1]] for lo in (0, third, 2 * third)]
        print(
            "pool RSS: "
            + ", ".join(f"{name} {max(kbs) / 1024:.1f} MiB" for name, kbs in zip(("start", "middle", "end"), parts))
            + f" (peak {max(kb for _, kb in rss) / 1024:.1f} MiB, {len(rss)} samples)"
        )
    ok = (
        stats["unanswered"] == 0
        and not missing
        and not miscounted
        and pct(lat, 0.99) < 0.020
        and (not notify_s or pct(notify_s, 0.99) < 0.100)
    )
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
