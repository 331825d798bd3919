"""The Stratum pool (engine/pool) against a real node process: wire formats, share checks with
their reasons, blocks through submitblock, hostile clients, reconnects and a node that goes away."""

from __future__ import annotations

import threading
import time

import pytest

from engine.mining.jobs import BlockTemplate, make_job
from engine.mining.stratum import (
    BLOCK_MESSAGE,
    TALLY_MESSAGE,
    Notify,
    prevhash_from_stratum,
    prevhash_to_stratum,
    split_coinbase,
)
from engine.pool.jobs import PoolJob, block_hex
from engine.pool.server import Pool
from engine.primitives.hashes import sha256d
from engine.primitives.merkle import merkle_branch, root_from_branch
from engine.rpc import RPCClient
from tests.helpers.stratum_sim import SimMiner

TINY = 2.0**-30  # share target ~2**254: a share every few hashes, found with hashlib


def _template(node) -> BlockTemplate:
    return BlockTemplate.from_rpc(node.rpc("getblocktemplate", {"rules": ["segwit"]}))


def _pool(node, **kwargs) -> Pool:
    kwargs.setdefault("password", "CLASS")
    kwargs.setdefault("start_difficulty", TINY)
    kwargs.setdefault("min_difficulty", TINY)
    kwargs.setdefault("shares_per_s", 1e6)  # vardiff out of the way unless a test wants it
    return Pool(RPCClient(node.url, cookie_file=node.cookie_file), port=0, **kwargs).start()


def test_notify_fields_rebuild_the_solo_miners_block(regtest_node):
    """prevhash word order, coinb1/coinb2 and the merkle branch give exactly make_job's header."""
    template = _template(regtest_node)
    payout = bytes.fromhex("0014" + "11" * 20)
    job = PoolJob.from_template(template, payout)
    notify = Notify.from_params(job.notify_params(True))
    extranonce1, extranonce2 = bytes.fromhex("01020304"), bytes.fromhex("0a0b0c0d")
    solo = make_job(template, payout, extranonce1 + extranonce2, ntime=job.ntime)
    assert notify.header76(extranonce1, extranonce2) == solo.header76
    assert (
        prevhash_from_stratum(prevhash_to_stratum(template.previous_block_hash))
        == bytes.fromhex(template.previous_block_hash)[::-1]
    )
    # cpuminer's reading: each 4-byte word of the notify prevhash is byte-swapped
    words = bytes.fromhex(prevhash_to_stratum(template.previous_block_hash))
    assert (
        b"".join(words[i : i + 4][::-1] for i in range(0, 32, 4)) == bytes.fromhex(template.previous_block_hash)[::-1]
    )
    coinb1, coinb2 = split_coinbase(template, payout)
    assert sha256d(coinb1 + extranonce1 + extranonce2 + coinb2) == solo.coinbase.GetTxid()
    header = solo.header(7)
    assert block_hex(job, extranonce1, extranonce2, header) == solo.block_hex(7)


@pytest.mark.parametrize("count", range(0, 9))
def test_merkle_branch_gives_the_merkle_root(count):
    from engine.primitives.merkle import merkle_root

    txids = [sha256d(bytes([i])) for i in range(count)]
    coinbase = sha256d(b"coinbase")
    assert root_from_branch(coinbase, merkle_branch(txids)) == merkle_root([coinbase] + txids)[0]


def test_share_checks_and_reasons(lab_node):
    pool = _pool(lab_node)
    try:
        sim = SimMiner(pool.port)
        subscribe = sim.call("mining.subscribe", ["sim/1"])["result"]
        assert subscribe[0][1][0] == "mining.notify" and len(bytes.fromhex(subscribe[1])) == 4 and subscribe[2] == 4
        sim.extranonce1, sim.extranonce2_size = bytes.fromhex(subscribe[1]), subscribe[2]
        refused = sim.call("mining.authorize", ["alice", "wrong"])
        assert refused["result"] is False and refused["error"][0] == 24
        assert sim.call("mining.submit", ["alice", "1", "00000000", "00000000", "00000000"])["error"][0] == 24
        assert sim.call("mining.authorize", ["alice", "CLASS"])["result"] is True
        notify = sim.wait_notify()
        assert sim.difficulty == pytest.approx(TINY) and notify.clean
        en2, nonce, _ = sim.solve()
        assert sim.submit("alice", notify, en2, nonce) == {"id": sim.next_id - 1, "result": True, "error": None}
        assert sim.submit("alice", notify, en2, nonce)["error"][:2] == [22, "duplicate"]
        bad_en2, bad_nonce, _ = sim.solve(easier_than=(1 << 256) - (1 << 250))  # a hash above the share target
        assert sim.submit("alice", notify, bad_en2, bad_nonce)["error"][:2] == [23, "low-difficulty"]
        assert sim.call("mining.submit", ["alice", "nope", en2.hex(), f"{notify.ntime:08x}", "00000000"])["error"][
            :2
        ] == [21, "unknown-job"]
        en2, nonce, _ = sim.solve()
        assert sim.submit("alice", notify, en2, nonce, notify.ntime + 3 * 3600)["error"][1] == "time-too-new"
        assert sim.submit("alice", notify, en2, nonce, 1000)["error"][1] == "time-too-old"
        assert sim.call("mining.submit", ["alice", notify.job_id, "zz", "00", "00"])["error"][1] == "bad-extranonce2"
        # BIP310: the pool grants bits inside its mask; a share rolling others is refused
        configured = sim.call("mining.configure", [["version-rolling"], {"version-rolling.mask": "ffffffff"}])
        assert configured["result"] == {"version-rolling": True, "version-rolling.mask": "1fffe000"}
        en2, nonce, _ = sim.solve()
        assert sim.submit("alice", notify, en2, nonce, None, "00000001")["error"][1] == "bad-version-bits"
        rolled = (notify.version & ~0x1FFFE000) | 0x00002000
        header76 = notify.header76(sim.extranonce1, en2, version=rolled)
        good = next(
            n
            for n in range(10**6)
            if int.from_bytes(sha256d(header76 + n.to_bytes(4, "little")), "little") <= (1 << 254)
        )
        assert sim.submit("alice", notify, en2, good, None, "00002000")["result"] is True
        assert sim.call("mining.extranonce.subscribe", [])["result"] is True
        assert sim.call("mining.get_transactions", [notify.job_id])["result"] == []  # an empty mempool
        assert sim.call("mining.get_transactions", ["nope"])["error"][:2] == [21, "unknown-job"]
        # the tally the Class tab shows
        row = next(r for r in pool.stats.snapshot().workers if r.name == "alice")
        assert (row.accepted, row.rejected, row.stale) == (2, 6, 1)
        assert row.reasons["duplicate"] == 1 and row.reasons["low-difficulty"] == 1 and row.reasons["unknown-job"] == 1
        assert row.hashrate_hs[60.0] > 0
        sim.close()
    finally:
        pool.stop()


def test_blocks_found_through_the_pool_reach_the_chain(regtest_node):
    """On regtest every share meets the block target: the pool builds the block and submitblock takes it."""
    events = []
    pool = _pool(regtest_node, on_event=events.append)
    try:
        sim = SimMiner(pool.port)
        sim.join("bob")
        notify = sim.notifies[-1]
        en2, nonce, _ = sim.solve()
        assert sim.submit("bob", notify, en2, nonce)["result"] is True
        expected = sha256d(notify.header76(sim.extranonce1, en2) + nonce.to_bytes(4, "little"))[::-1].hex()
        clean = sim.wait_notify()  # the new tip reaches the miner as clean work
        assert clean.clean and clean.prevhash == prevhash_to_stratum(expected)
        assert regtest_node.rpc("getbestblockhash") == expected
        assert any(getattr(e, "block_hash", None) == expected and e.status == "accepted" for e in events)
        told = [m["params"][0] for m in sim.messages if m.get("method") == "client.show_message"]
        assert TALLY_MESSAGE.match(told[0]).groups() == ("bob", "0")  # the name's tally, at login
        told = [t for t in told if BLOCK_MESSAGE.match(t)]
        while not told:  # the node's answer may come after the new tip's work
            message = sim.read()
            if message.get("method") == "client.show_message":
                told.append(message["params"][0])
        said = BLOCK_MESSAGE.match(told[0])  # what our miner counts a block on
        assert said and said.group(2) == expected and said.group(3) == "accepted" and "bob" in told[0]
        # a share on the old tip is now stale
        en2, nonce, _ = sim.solve(notify)
        assert sim.submit("bob", notify, en2, nonce)["error"][:2] == [21, "stale-prevblk"]
        snap = pool.stats.snapshot()
        assert snap.blocks[-1].finder == "bob" and snap.blocks[-1].proportional == {"bob": snap.blocks[-1].reward_sat}
        sim.close()
    finally:
        pool.stop()


def test_hostile_clients_get_errors_or_closed_and_others_carry_on(lab_node):
    pool = _pool(lab_node)
    try:
        good = SimMiner(pool.port)
        good.join("carol")
        garbage = SimMiner(pool.port)
        garbage.send_raw(b"{not json\n")
        assert garbage.read()["error"][1].startswith("parse error")
        garbage.send_raw(b"[1, 2]\n")
        assert "not a JSON object" in garbage.read()["error"][1]
        assert "unknown method" in garbage.call("mining.steal", [])["error"][1]
        huge = SimMiner(pool.port)
        try:
            huge.send_raw(b'{"id": 1, "method": "mining.subscribe", "params": ["' + b"x" * (1 << 20) + b'"]}\n')
        except OSError:
            pass  # the pool may close before all of it is sent
        assert huge.closed()
        flood = SimMiner(pool.port)
        try:
            flood.send_raw(b'{"id": 1, "method": "mining.extranonce.subscribe", "params": []}\n' * 5000)
        except OSError:
            pass
        deadline = time.monotonic() + 5
        replies = 0
        while time.monotonic() < deadline:
            if flood.read() is None:
                break
            replies += 1
        assert replies < 5000  # cut off before answering every one
        en2, nonce, _ = good.solve()
        assert good.submit("carol", good.notifies[-1], en2, nonce)["result"] is True
        for sim in (good, garbage, huge, flood):
            sim.close()
        assert pool._threads[0].is_alive()
    finally:
        pool.stop()


def test_a_reconnecting_worker_keeps_its_stats(lab_node):
    pool = _pool(lab_node)
    try:
        for _ in range(2):
            sim = SimMiner(pool.port)
            sim.join("dave")
            en2, nonce, _ = sim.solve()
            assert sim.submit("dave", sim.notifies[-1], en2, nonce)["result"] is True
            sim.close()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            rows = [r for r in pool.stats.snapshot().workers if r.name == "dave"]
            if rows and rows[0].connected == 0:
                break
            time.sleep(0.05)
        assert len(rows) == 1 and rows[0].accepted == 2 and rows[0].status == "left"
    finally:
        pool.stop()


def test_node_gone_workers_told_then_resume(node_factory, tmp_path):
    node = node_factory("lab", datadir=tmp_path / "n", extra_args=("--lab-hashrate", "1e9")).start()
    port = node.port
    pool = _pool(node)
    try:
        sim = SimMiner(pool.port)
        sim.join("erin")
        node.kill()
        messages = []
        while (message := sim.read(15)) is not None:
            messages.append(message)
        assert any(m.get("method") == "client.show_message" and "unreachable" in m["params"][0] for m in messages)
        refused = SimMiner(pool.port)
        assert refused.call("mining.subscribe", [])["error"][1].startswith("the class's node is unreachable")
        node2 = node_factory("lab", datadir=tmp_path / "n", rpcport=port).start()
        deadline = time.monotonic() + 20
        while not pool.stats.snapshot().node_ok and time.monotonic() < deadline:
            time.sleep(0.1)
        back = SimMiner(pool.port)
        back.join("erin")
        en2, nonce, _ = back.solve()
        assert back.submit("erin", back.notifies[-1], en2, nonce)["result"] is True
        assert node2.rpc("getblockcount") == 0
        for s in (sim, refused, back):
            s.close()
    finally:
        pool.stop()


def test_vardiff_aims_at_a_few_shares_per_second(lab_node):
    pool = _pool(lab_node, shares_per_s=4.0)
    try:
        sim = SimMiner(pool.port)
        sim.join("fay")
        start_difficulty = sim.difficulty
        for _ in range(60):  # far too many shares at once: the difficulty must rise
            en2, nonce, _ = sim.solve()
            sim.submit("fay", sim.notifies[-1], en2, nonce)
        assert sim.difficulty > 4 * start_difficulty
        # the raised difficulty comes with work under a new job id: shares on it count at it
        assert sim.notifies[-1].job_id != sim.notifies[0].job_id
        sim.close()
    finally:
        pool.stop()


def test_our_miner_mines_through_the_pool(lab_node):
    from engine.mining.events import ShareResult
    from engine.mining.miner import Miner
    from engine.mining.stratum_client import StratumSource

    pool = _pool(lab_node, start_difficulty=1e-4, shares_per_s=4.0)
    results = []
    got = threading.Event()

    def on_event(event):
        if isinstance(event, ShareResult):
            results.append(event)
            if sum(r.accepted for r in results) >= 5:
                got.set()

    miner = Miner(
        None,
        max_slots=1,
        on_event=on_event,
        source=StratumSource(f"stratum+tcp://127.0.0.1:{pool.port}", "gus", "CLASS"),
    )
    try:
        miner.start()
        assert got.wait(60), results
        row = next(r for r in pool.stats.snapshot().workers if r.name == "gus")
        assert row.accepted >= 5 and row.hashrate_hs[60.0] > 0
    finally:
        miner.stop()
        pool.stop()


class _Counting:
    """What StratumSource needs of the Miner to count blocks and report events."""

    def __init__(self):
        self._counts_lock = threading.Lock()
        self._found = self._accepted = self._stale = self._rejected = 0
        self.events: list = []

    def emit(self, event) -> None:
        self.events.append(event)

    from engine.mining.miner import Miner

    count_block = Miner.count_block  # the miner's own counting, on this stand-in's counters


def test_our_miner_counts_a_block_only_when_the_pools_node_accepted_it():
    """A share meeting the block target is a candidate; "found block" came for shares the pool
    never submitted and the run ended with "blocks found 0". Now: a block once the pool says."""
    from types import SimpleNamespace

    from engine.mining.events import BlockResult, PoolMessage, ShareResult
    from engine.mining.stratum import block_message
    from engine.mining.stratum_client import StratumSource

    source, miner = StratumSource("stratum+tcp://127.0.0.1:1", "gus"), _Counting()
    job = SimpleNamespace(template=SimpleNamespace(height=7))
    block = "ab" * 32
    source._pending[11] = (time.monotonic(), "j1", 1e-4, job, block)
    source._pending[12] = (time.monotonic(), "j1", 1e-4, job, None)
    source._pending[13] = (time.monotonic(), "j1", 1e-4, job, "cd" * 32)
    source._handle(miner, {"id": 11, "result": True, "error": None})
    source._handle(miner, {"id": 12, "result": True, "error": None})
    source._handle(miner, {"id": 13, "result": False, "error": [21, "stale-prevblk", None]})
    shares = [e for e in miner.events if isinstance(e, ShareResult)]
    assert [s.block_hash for s in shares] == [block, None, None]
    assert (source.accepted, source.block_candidates, miner._found) == (2, 1, 0)
    assert not any(isinstance(e, BlockResult) for e in miner.events)
    message = {"id": None, "method": "client.show_message"}
    source._handle(miner, dict(message, params=[block_message(7, "cd" * 32, "accepted", None, "gus")]))
    assert miner._found == 0 and isinstance(miner.events[-1], PoolMessage)  # not a share of ours
    source._handle(miner, dict(message, params=[block_message(7, block, "accepted", None, "gus")]))
    assert (miner._found, miner._accepted) == (1, 1)
    assert miner.events[-1] == BlockResult(7, block, "accepted", None)


def test_our_miner_shows_the_jobs_real_transactions():
    """mining.notify has only the merkle branch: the source asks mining.get_transactions for a new
    branch and publishes the work with them ("(0 txs)" was shown for jobs carrying payments)."""
    from engine.mining.stratum_client import StratumSource

    class Publishing(_Counting):
        def __init__(self):
            super().__init__()
            self.published: list = []

        def publish(self, work, reason, force=False):
            self.published.append((work, reason))

    source, miner = StratumSource("stratum+tcp://127.0.0.1:1", "gus"), Publishing()
    sent: list = []
    source._send = sent.append

    def notify(job_id: str, branch: list[str]) -> dict:
        params = [job_id, "00" * 32, "01000000", "02", branch, "20000000", "207fffff", "5f5e1000", True]
        return {"id": None, "method": "mining.notify", "params": params}

    source._handle(miner, notify("a", []))  # no branch: no transactions, published at once
    assert [len(w.transactions) for w, _ in miner.published] == [0] and not sent
    source._handle(miner, notify("b", ["11" * 32, "22" * 32]))
    assert len(miner.published) == 1 and sent[-1]["method"] == "mining.get_transactions"
    assert sent[-1]["params"] == ["b"]
    source._handle(miner, {"id": sent[-1]["id"], "result": ["aa", "bb", "cc"], "error": None})
    assert len(miner.published[-1][0].transactions) == 3 and miner.published[-1][1] == "new tip"
    source._handle(miner, notify("c", ["11" * 32, "22" * 32]))  # the same transactions (a vardiff clone)
    assert len(sent) == 1 and len(miner.published[-1][0].transactions) == 3
    source._handle(miner, notify("d", ["33" * 32]))
    source._handle(miner, {"id": sent[-1]["id"], "result": None, "error": [20, "unknown method", None]})
    assert miner.published[-1][0].notify.job_id == "d" and miner.published[-1][0].transactions == ()
    source._handle(miner, notify("e", ["44" * 32]))  # a pool without the method is not asked again
    assert len(sent) == 2 and miner.published[-1][0].notify.job_id == "e"


def test_answers_read_while_workers_submit_never_crash_the_workers():
    """The reader pops answered shares while worker threads add and trim the same dict (past
    10,000 outstanding answers the oldest is dropped): unlocked, a worker died with 'dictionary
    changed size during iteration' (found in the class-pool race, 4 threads of small shares)."""
    import sys
    import threading
    from types import SimpleNamespace

    from engine.mining.stratum_client import StratumSource

    source, miner = StratumSource("stratum+tcp://127.0.0.1:1", "gus"), _Counting()
    source._send = lambda obj: None
    notify = SimpleNamespace(job_id="j", ntime=0)
    template = SimpleNamespace(notify=notify, difficulty=1e-4, block_target=0, height=1)
    job = SimpleNamespace(template=template, extranonce2=b"\0" * 4, header=lambda nonce: bytes(80))
    errors: list[BaseException] = []
    stop = threading.Event()

    def worker():
        try:
            while not stop.is_set():
                source.submit(job, 1, 0)
        except BaseException as exc:  # the failure this test is about
            errors.append(exc)
            stop.set()

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: the race shows within a second
    try:
        threads = [threading.Thread(target=worker) for _ in range(3)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and not stop.is_set():
            newest = source._next_id
            for msg_id in range(max(0, newest - 10_050), newest, 7):  # answers for the oldest shares
                source._handle(miner, {"id": msg_id, "result": True, "error": None})
        stop.set()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert not errors, errors
    assert source.accepted > 0
