"""pooler's cpuminer and our miner on one lab chain through one pool (issue 13's "done when"):
the pool's per-worker hashrate from shares (what the Class tab shows) within 15% of what each
miner counts for itself over the same minutes, and the blocks both find accepted by the node.

Needs a `minerd` (https://github.com/pooler/cpuminer) on PATH or in $MINE2COMPUTE_MINERD; skipped
without one. Slow (about three minutes): `pytest -m slow tests/test_pool_cpuminer.py`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time

import pytest

from engine.pool.server import Pool, PoolBlock
from engine.rpc import RPCClient

pytestmark = pytest.mark.slow

WARMUP_S = 20.0  # vardiff settles, cpuminer sizes its scans
WINDOW_S = 60.0  # the Class tab's 1 min column
WINDOWS = 2
CPUMINER_LINE = re.compile(r"thread (\d+): (\d+) hashes, ([\d.]+) khash/s")


def minerd_path() -> str | None:
    path = os.environ.get("MINE2COMPUTE_MINERD") or shutil.which("minerd")
    return path if path and os.access(path, os.X_OK) else None


class Cpuminer:
    """minerd as a subprocess; each 'thread N: H hashes' line is stamped with the time it arrived
    (it prints one at the end of every scan, so the stamp is when those hashes were done)."""

    def __init__(self, path: str, port: int, user: str, password: str):
        self.proc = subprocess.Popen(
            [
                path,
                "-a",
                "sha256d",
                "-o",
                f"stratum+tcp://127.0.0.1:{port}",
                "-u",
                user,
                "-p",
                password,
                "-t",
                "1",
                "--no-longpoll",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.scans: list[tuple[float, int, float]] = []  # (arrived, hashes, khash/s)
        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()

    def _drain(self) -> None:
        for line in self.proc.stdout:
            now_s = time.monotonic()
            self.lines.append(line.rstrip())
            if m := CPUMINER_LINE.search(line):
                self.scans.append((now_s, int(m.group(2)), float(m.group(3))))

    def hashes_between(self, start_s: float, end_s: float) -> int:
        return sum(h for t, h, _ in list(self.scans) if start_s < t <= end_s)

    def reported_hs(self, start_s: float, end_s: float) -> float:
        """Its own khash/s figures over the window, weighted by each scan's hashes."""
        scans = [(h, khs) for t, h, khs in list(self.scans) if start_s < t <= end_s and khs > 0]
        return sum(h for h, _ in scans) / sum(h / (khs * 1e3) for h, khs in scans) if scans else 0.0

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.thread.join(5)
        self.proc.stdout.close()


@pytest.mark.skipif(minerd_path() is None, reason="no minerd on PATH and $MINE2COMPUTE_MINERD not set")
def test_cpuminer_and_our_miner_hashrates_and_blocks_through_one_pool(node_factory):
    from engine.mining.miner import Miner
    from engine.mining.stratum_client import StratumSource

    # a lab chain sized for 15 MH/s (a block every 5 s at that rate): with two single-thread CPU
    # miners (cpuminer at SCHED_IDLE gets little on a busy machine) a block every 5-30 s
    node = node_factory("lab", extra_args=("--lab-hashrate", "1.5e7")).start()
    events: list[object] = []
    pool = Pool(
        RPCClient(node.url, cookie_file=node.cookie_file), port=0, password="CLASS", on_event=events.append
    ).start()
    cpuminer = Cpuminer(minerd_path(), pool.port, "alice", "CLASS")
    ours = Miner(None, max_slots=1, source=StratumSource(f"stratum+tcp://127.0.0.1:{pool.port}", "bob", "CLASS"))
    try:
        ours.start()
        time.sleep(WARMUP_S)
        marks = [(time.monotonic(), ours.stats().hashes)]
        estimates: list[dict] = []
        for _ in range(WINDOWS):
            time.sleep(max(0.0, marks[-1][0] + WINDOW_S - time.monotonic()))
            snapshot = pool.stats.snapshot()
            marks.append((time.monotonic(), ours.stats().hashes))
            estimates.append({row.name: row.hashrate_hs[WINDOW_S] for row in snapshot.workers})
        report = []
        for name, own in (
            ("alice", [cpuminer.hashes_between(a, b) / (b - a) for (a, _), (b, _) in zip(marks, marks[1:])]),
            ("bob", [(hb - ha) / (b - a) for (a, ha), (b, hb) in zip(marks, marks[1:])]),
        ):
            pool_hs = sum(e.get(name, 0.0) for e in estimates) / WINDOWS
            own_hs = sum(own) / WINDOWS
            report.append(
                f"{name}: pool {pool_hs / 1e6:.3f} MH/s, own {own_hs / 1e6:.3f} MH/s"
                f" ({pool_hs / own_hs - 1:+.1%}); per minute pool"
                f" {[round(e.get(name, 0.0) / 1e6, 3) for e in estimates]} own {[round(o / 1e6, 3) for o in own]}"
            )
        report.append(
            f"cpuminer's own khash/s over the windows: {cpuminer.reported_hs(marks[0][0], marks[-1][0]) / 1e3:.0f}"
        )
        print("\n".join(report))
        for name in ("alice", "bob"):
            pool_hs = sum(e.get(name, 0.0) for e in estimates) / WINDOWS
            own_hs = (
                cpuminer.hashes_between(marks[0][0], marks[-1][0]) if name == "alice" else marks[-1][1] - marks[0][1]
            ) / (marks[-1][0] - marks[0][0])
            assert own_hs > 0 and pool_hs == pytest.approx(own_hs, rel=0.15), "\n".join(report)
        rows = {row.name: row for row in pool.stats.snapshot().workers}
        assert rows["alice"].accepted > 100 and rows["bob"].accepted > 100
        # every block either miner found went to the node through the pool and the node took it
        deadline_s = time.monotonic() + 180  # a slow cpuminer on a busy machine may need longer
        while {e.worker for e in events if isinstance(e, PoolBlock) and e.status == "accepted"} != {
            "alice",
            "bob",
        } and time.monotonic() < deadline_s:
            time.sleep(1.0)
        blocks = [e for e in events if isinstance(e, PoolBlock)]
        accepted = [b for b in blocks if b.status == "accepted"]
        assert not [b for b in blocks if b.status == "rejected"], blocks
        assert {b.worker for b in accepted} == {"alice", "bob"}, f"blocks by {[b.worker for b in blocks]}"
        for block in accepted:
            assert node.rpc("getblockheader", block.block_hash)["height"] == block.height
    finally:
        ours.stop()
        cpuminer.stop()
        pool.stop()
