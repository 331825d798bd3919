"""The pool's per-worker hashrate (what the Class tab shows) against miners whose rate is known:
the window sums stay exact, and two throttled hashlib miners through a real pool, with vardiff
moving both difficulties mid-window, are each estimated within 15% of the hashes they did."""

from __future__ import annotations

import json
import random
import socket
import threading
import time

import pytest

from engine.mining.stratum import Notify
from engine.pool import server
from engine.pool.stats import HASHES_PER_DIFF1, WINDOWS_S, PoolStats
from engine.primitives.hashes import sha256d
from engine.primitives.pow import target_for_difficulty
from engine.rpc import RPCClient
from tests.helpers.pool_stubs import VardiffSession, pool_with_current_job
from tests.helpers.stratum_sim import SimMiner


def test_window_sums_match_a_plain_recount():
    """Running sums per window (a snapshot costs O(workers)) give what summing the shares gives,
    with difficulties 2**-30..2**30 mixed and shares leaving each window."""
    clock = [0.0]
    stats = PoolStats(clock=lambda: clock[0])
    rng = random.Random(13)
    shares = []
    for _ in range(3000):
        clock[0] += rng.expovariate(40.0)
        difficulty = 2.0 ** rng.randint(-30, 30) * rng.uniform(0.5, 1.5)
        shares.append((clock[0], difficulty))
        stats.share("w", difficulty, "accepted")
        if rng.random() < 0.05:
            clock[0] += rng.uniform(0, 30)  # quiet spells: whole windows empty out
        if rng.random() < 0.02:
            row = stats.snapshot().workers[0]
            for window in WINDOWS_S:
                work = sum(d for t, d in shares if t >= clock[0] - window)
                expected = work * HASHES_PER_DIFF1 / min(window, clock[0] - shares[0][0])
                assert row.hashrate_hs[window] == pytest.approx(expected, rel=1e-9, abs=1e-9)
    clock[0] += 61
    assert all(rate == 0 for rate in stats.snapshot().workers[0].hashrate_hs.values())


class ThrottledMiner:
    """A Stratum miner hashing with hashlib at a fixed rate (counted exactly), submitting every
    share it finds; a new difficulty applies from the next job, as in cpuminer."""

    def __init__(self, port: int, name: str, rate_hs: float):
        self.name, self.rate_hs = name, rate_hs
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.lock = threading.Lock()
        self.notify: Notify | None = None
        self.difficulty = self.job_difficulty = None
        self.extranonce1 = b""
        self.hashes = 0
        self.accepted = self.refused = 0
        self.started_s: float | None = None
        self.stop = threading.Event()
        self.difficulties: set[float] = set()

    def send(self, obj) -> None:
        self.sock.sendall((json.dumps(obj) + "\n").encode())

    def read_loop(self) -> None:
        buffer = b""
        while not self.stop.is_set():
            try:
                chunk = self.sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while b"\n" in buffer:
                line, _, buffer = buffer.partition(b"\n")
                msg = json.loads(line)
                with self.lock:
                    if msg.get("method") == "mining.set_difficulty":
                        self.difficulty = msg["params"][0]
                    elif msg.get("method") == "mining.notify":
                        self.notify, self.job_difficulty = Notify.from_params(msg["params"]), self.difficulty
                        self.difficulties.add(self.difficulty)
                        if self.started_s is None:
                            self.started_s = time.monotonic()
                    elif msg.get("id") == 1:
                        self.extranonce1 = bytes.fromhex(msg["result"][1])
                    elif isinstance(msg.get("id"), int) and msg["id"] >= 10:
                        if msg.get("result") is True:
                            self.accepted += 1
                        else:
                            self.refused += 1

    def hash_loop(self) -> None:
        counter, next_id, nonce, header76, job = 0, 10, 0, b"", None
        while not self.stop.is_set():
            with self.lock:
                notify, difficulty, started_s = self.notify, self.job_difficulty, self.started_s
            if notify is None:
                time.sleep(0.005)
                continue
            if notify is not job or nonce >= 1 << 16:
                job, counter, nonce = notify, counter + 1, 0
                extranonce2 = counter.to_bytes(4, "big")
                header76 = notify.header76(self.extranonce1, extranonce2)
                target = target_for_difficulty(difficulty)
            owed = int(self.rate_hs * (time.monotonic() - started_s)) - self.hashes
            if owed <= 0:
                time.sleep(0.005)
                continue
            for _ in range(min(owed, 200)):
                if int.from_bytes(sha256d(header76 + nonce.to_bytes(4, "little")), "little") <= target:
                    next_id += 1
                    self.send(
                        {
                            "id": next_id,
                            "method": "mining.submit",
                            "params": [self.name, job.job_id, extranonce2.hex(), f"{job.ntime:08x}", f"{nonce:08x}"],
                        }
                    )
                nonce += 1
                self.hashes += 1

    def start(self) -> None:
        self.send({"id": 1, "method": "mining.subscribe", "params": ["throttled"]})
        self.send({"id": 2, "method": "mining.authorize", "params": [self.name, "CLASS"]})
        self.sock.settimeout(0.2)
        self.threads = [
            threading.Thread(target=self.read_loop, daemon=True),
            threading.Thread(target=self.hash_loop, daemon=True),
        ]
        for thread in self.threads:
            thread.start()

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(5)
        self.sock.close()


def test_pool_estimate_within_15pc_of_known_rates_with_vardiff_moving(node_factory):
    # difficulty ~1 (a billion H/s sized chain): no share is a block, so no share goes stale
    node = node_factory("lab", extra_args=("--lab-hashrate", "1e9")).start()
    pool = server.Pool(
        RPCClient(node.url, cookie_file=node.cookie_file),
        port=0,
        password="CLASS",
        start_difficulty=2.0**-26,
        min_difficulty=2.0**-30,
        shares_per_s=60.0,
    ).start()
    # 2,000 H/s at 64 hashes a share is ~31 shares/s: vardiff halves it; 8,000 H/s doubles it
    miners = [ThrottledMiner(pool.port, "slow", 2000.0), ThrottledMiner(pool.port, "fast", 8000.0)]
    try:
        for miner in miners:
            miner.start()
        time.sleep(16.0)
        now_s = time.monotonic()
        rows = {row.name: row for row in pool.stats.snapshot().workers}
        for miner in miners:
            with miner.lock:
                own_hs = miner.hashes / (now_s - miner.started_s)
            row = rows[miner.name]
            assert len(miner.difficulties) >= 2, f"vardiff never moved {miner.name}: {miner.difficulties}"
            assert miner.refused == 0 and row.rejected == 0 and row.stale == 0
            assert row.hashrate_hs[60.0] == pytest.approx(own_hs, rel=0.15), (
                miner.name,
                row.hashrate_hs[60.0],
                own_hs,
                row.accepted,
                sorted(miner.difficulties),
            )
    finally:
        for miner in miners:
            miner.close()
        pool.stop()


def test_a_connection_that_never_authorizes_is_closed_whatever_it_sends(lab_node, monkeypatch):
    """Subscribed, chatting, never authorised: closed AUTHORIZE_TIMEOUT_S after it opened, with the
    reason (before, any line renewed it for 600 s and 2,000 such lurkers filled the pool)."""
    monkeypatch.setattr(server, "AUTHORIZE_TIMEOUT_S", 1.0)
    pool = server.Pool(RPCClient(lab_node.url, cookie_file=lab_node.cookie_file), port=0).start()
    try:
        lurker = SimMiner(pool.port)
        lurker.call("mining.subscribe", ["lurker/1"])
        started_s = time.monotonic()
        closed_s = None
        while time.monotonic() - started_s < 6 and closed_s is None:
            try:
                lurker.send({"method": "mining.extranonce.subscribe", "params": []})
                while lurker.read(0.2) is not None:
                    pass
                closed_s = time.monotonic()
            except TimeoutError:
                continue
            except OSError:
                closed_s = time.monotonic()
        assert closed_s is not None and closed_s - started_s < 4
        told = [m for m in lurker.messages if m.get("method") == "client.show_message"]
        assert told and "mining.authorize" in told[-1]["params"][0]
        lurker.close()
    finally:
        pool.stop()


def test_vardiff_counts_work_not_shares_from_older_easier_jobs():
    """48 shares in a second, but found on an old job 64x easier: that is 0.75 of the current
    difficulty's work a second, not 48 shares' worth; counting shares raised it 12x (and cpuminer
    then sat on a far too hard target)."""
    pool = pool_with_current_job()
    try:
        session = VardiffSession(1.0, now_s=100.0)
        for i in range(49):  # the first opens the span, 48 more in the second after it
            session.count_share(1 / 64, 100.0 + i / 48)
        pool._vardiff(session, 101.0)
        assert session.difficulty == pytest.approx(0.75 / 4.0)  # the work rate over the aim
        assert session.sent[-1] == {"id": None, "method": "mining.set_difficulty", "params": [session.difficulty]}
    finally:
        pool.stop()


def test_an_easier_difficulty_comes_with_clean_work_a_harder_one_without():
    pool = pool_with_current_job()
    try:
        session = VardiffSession(1.0, now_s=100.0)
        for t in (100.0, 101.0, 102.0, 103.0):  # 1 share/s at difficulty 1 for an aim of 4/s
            session.count_share(1.0, t)
        pool._vardiff(session, 103.0)
        assert session.difficulty == pytest.approx(0.25) and session.jobs[-1][1] is True
        for i in range(61):  # 20 shares/s
            session.count_share(0.25, 103.0 + i / 20)
        pool._vardiff(session, 106.0)
        assert session.difficulty == pytest.approx(1.25) and session.jobs[-1][1] is False
        assert session.jobs[0][0] != session.jobs[1][0]  # each difficulty under its own job id
    finally:
        pool.stop()


def test_the_pplns_window_is_kept_by_work_and_pays_the_same():
    """Memory stays flat: once the block difficulty is known, only the last shares worth
    PPLNS_KEEP x the PPLNS window are kept, and the PPLNS split is what keeping all would give."""
    from engine.pool import stats as stats_module

    clock = [0.0]
    kept, everything = PoolStats(clock=lambda: clock[0]), PoolStats(clock=lambda: clock[0])
    kept.block_difficulty = 1.0  # PPLNS pays the last 2.0 of difficulty; 4.0 is kept
    rng = random.Random(7)
    for i in range(50_000):
        clock[0] += 0.005
        name, difficulty = f"w{i % 7}", 2.0**-12 * rng.uniform(0.5, 2)
        for s in (kept, everything):
            s.share(name, difficulty, "accepted")
    work = sum(d for _, d in kept._recent)
    assert len(kept._recent) < 20_000 < len(everything._recent)
    assert (
        stats_module.PPLNS_KEEP * stats_module.PPLNS_FACTOR
        <= work
        < stats_module.PPLNS_KEEP * stats_module.PPLNS_FACTOR + 2.0**-11
    )
    assert kept._recent_units == sum(int(d * stats_module.WORK_UNITS) for _, d in kept._recent)
    for s in (kept, everything):
        s.block("w0", 9, "ab" * 32, "accepted", None, 5_000_000_000, block_difficulty=1.0)
    assert kept.snapshot().blocks[-1].pplns == everything.snapshot().blocks[-1].pplns


def test_a_share_sent_again_under_a_vardiff_clone_is_a_duplicate(regtest_node):
    """A clone is the same work under another id (another difficulty): one header must count once."""
    from engine.mining.jobs import BlockTemplate
    from engine.pool.jobs import PoolJob, ShareRefused

    template = BlockTemplate.from_rpc(regtest_node.rpc("getblocktemplate", {"rules": ["segwit"]}))
    job = PoolJob.from_template(template, bytes.fromhex("0014" + "11" * 20))
    clone = job.clone()
    share = (bytes.fromhex("01020304"), "00000001", f"{job.ntime:08x}", "00000007", None, 0, (1 << 256) - 1)
    job.check(*share)
    with pytest.raises(ShareRefused, match="duplicate"):
        clone.check(*share)
    clone.retire()  # the tip moved: stale before any duplicate check, and nothing kept for one
    with pytest.raises(ShareRefused, match="stale-prevblk"):
        clone.check(*share)
    assert not clone.submitted
