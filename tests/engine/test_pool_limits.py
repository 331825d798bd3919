"""The pool against one hostile laptop (issue 21): what one address may take (connections, names,
seconds before authorising, lines), strict Stratum parsing with an answer for every refusal, worker
statistics that forget idle names, and vardiff / flood limits that leave a paused miner alone.
The full hostile run (2,000 sockets, 20,000 names, floods) is benchmarks/bench_pool.py --hostile."""

from __future__ import annotations

import errno
import json
import logging
import time

import pytest

from engine.mining.stratum import Notify, hex_bytes
from engine.pool import door, server, session, stats
from engine.pool.jobs import ShareRefused, _hex
from engine.pool.stats import PoolStats
from engine.rpc import RPCClient
from tests.helpers.pool_stubs import VardiffSession, pool_with_current_job
from tests.helpers.stratum_sim import SimMiner

TINY = 2.0**-30


def _pool(node, **kwargs) -> server.Pool:
    kwargs.setdefault("password", "CLASS")
    kwargs.setdefault("start_difficulty", TINY)
    kwargs.setdefault("min_difficulty", TINY)
    kwargs.setdefault("shares_per_s", 1e6)
    return server.Pool(RPCClient(node.url, cookie_file=node.cookie_file), port=0, **kwargs).start()


def _from(address: str, port: int) -> SimMiner:
    """A miner on another computer: its connection comes from another loopback address."""
    return SimMiner(port, source=address)


def _no_selector(*args):
    raise NotImplementedError  # as loop.add_reader on Windows' proactor loop


@pytest.mark.parametrize("accepting", ["door", "gate"])
def test_one_address_is_capped_told_and_logged_once_while_others_join(lab_node, monkeypatch, caplog, accepting):
    """The same admission whether the pool accepts by hand (Door) or asyncio does (Gate, Windows)."""
    if accepting == "gate":
        monkeypatch.setattr(door, "Door", _no_selector)
    monkeypatch.setattr(door, "CONNECTIONS_PER_ADDRESS", 4)
    monkeypatch.setattr(stats, "NAMES_PER_ADDRESS", 3)
    pool = _pool(lab_node)
    assert hasattr(pool._server, "_accept") == (accepting == "door")  # Door's, not asyncio.Server's
    caplog.set_level(logging.WARNING, logger="engine.pool.server")
    try:
        hostile = [_from("127.0.0.2", pool.port) for _ in range(4)]
        for sim in hostile:
            sim.call("mining.subscribe", ["h/1"])
        refused = []
        for _ in range(3):
            extra = _from("127.0.0.2", pool.port)
            message = extra.read()
            refused.append(message)
            assert extra.read() is None  # then closed
            extra.close()
        assert all(m["method"] == "client.show_message" and "Too many connections" in m["params"][0] for m in refused)
        assert sum("Too many connections" in r.getMessage() for r in caplog.records) == 1
        # names: three per address, the fourth refused with the reason (and its connection's logins counted)
        answers = [hostile[0].call("mining.authorize", [f"n{i}", "CLASS"]) for i in range(3)]
        assert all(a["result"] is True for a in answers)
        fourth = hostile[1].call("mining.authorize", ["n3", "CLASS"])
        assert fourth["result"] is False and "too many worker names" in fourth["error"][1]
        assert hostile[1].call("mining.authorize", ["n1", "CLASS"])["result"] is True  # a name it holds
        # another computer joins and mines at once
        started_s = time.monotonic()
        good = _from("127.0.0.3", pool.port)
        assert good.join("carol")["result"] is True
        en2, nonce, _ = good.solve()
        assert good.submit("carol", good.notifies[-1], en2, nonce)["result"] is True
        assert time.monotonic() - started_s < 1.0
        # a full pool says so
        pool.max_clients = len(pool._sessions)
        late = _from("127.0.0.4", pool.port)
        told = late.read()
        assert told["method"] == "client.show_message" and "pool is full" in told["params"][0]
        assert late.read() is None
        for sim in [*hostile, good, late]:
            sim.close()
    finally:
        pool.stop()


def test_the_descriptor_limit_is_raised_for_the_pools_connections():
    resource = pytest.importorskip("resource")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))
        pool = server.Pool(RPCClient("http://127.0.0.1:1", user="u", password="p"))
        now_soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        assert now_soft == resource.RLIM_INFINITY or now_soft >= min(hard, pool.max_clients + 128)
        assert pool.max_clients == door.MAX_CLIENTS or hard < door.MAX_CLIENTS + 128
        pool.stop()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_accept_failures_are_counted_and_logged_once_a_minute(caplog):
    pool = server.Pool(RPCClient("http://127.0.0.1:1", user="u", password="p"))
    caplog.set_level(logging.WARNING, logger="engine.pool.server")
    error = OSError(24, "Too many open files")
    for _ in range(500):
        pool._accept_errors.handler(None, {"message": "socket.accept() out of system resource", "exception": error})
    logged = [r for r in caplog.records if "cannot accept" in r.getMessage()]
    assert len(logged) == 1 and not logged[0].exc_info and pool._accept_errors.count == 499
    pool.stop()


def test_a_failed_accept_pauses_the_door_logs_once_and_it_accepts_again(lab_node, monkeypatch, caplog):
    monkeypatch.setattr(door, "ACCEPT_RETRY_S", 0.05)
    pool = _pool(lab_node)
    caplog.set_level(logging.WARNING, logger="engine.pool.server")
    listening = pool._server._sock

    class OutOfFiles:  # the listening socket while the process has no descriptor left, three times
        failures = 3

        def fileno(self) -> int:
            return listening.fileno()

        def accept(self):
            if OutOfFiles.failures:
                OutOfFiles.failures -= 1
                raise OSError(errno.EMFILE, "Too many open files")
            return listening.accept()

    pool._server._sock = OutOfFiles()
    try:
        miner = _from("127.0.0.6", pool.port)
        assert miner.join("dave")["result"] is True
        assert OutOfFiles.failures == 0
        logged = [r for r in caplog.records if "cannot accept" in r.getMessage()]
        assert len(logged) == 1 and "Too many open files" in logged[0].getMessage()
        miner.close()
    finally:
        pool._server._sock = listening
        pool.stop()


def test_names_per_address_capped_and_idle_names_evicted_unless_owed():
    clock = [1000.0]
    s = PoolStats(clock=lambda: clock[0])
    s.block_difficulty = 1.0
    for i in range(stats.NAMES_PER_ADDRESS):
        assert s.connected(f"h{i}", +1, "10.0.0.66")
    assert not s.connected("one-more", +1, "10.0.0.66")
    assert s.connected("alice", +1, "10.0.0.5") and s.connected("h0", +1, "10.0.0.5")  # others unaffected
    s.share("alice", 0.5, "accepted")
    s.share("h1", 0.25, "rejected", "low-difficulty")
    for i in range(stats.NAMES_PER_ADDRESS):
        s.connected(f"h{i}", -1)
    s.connected("h0", -1)
    s.connected("alice", -1)
    clock[0] += stats.WINDOWS_S[-1] / 2
    assert s.evict_idle() == 0  # still within the last minute's hashrate
    clock[0] += stats.WINDOWS_S[-1]
    assert s.evict_idle() == stats.NAMES_PER_ADDRESS  # the hostile names; alice is owed a round
    assert [r.name for r in s.snapshot().workers] == ["alice"]
    assert s.connected("new", +1, "10.0.0.66")  # the address's names were freed with them
    s.block("alice", 5, "ab" * 32, "accepted", None, 5_000_000_000, block_difficulty=1.0)  # round closed
    assert s.evict_idle() == 0  # alice's share is still in the PPLNS window
    for _ in range(20):
        s.share("new", 1.0, "accepted")  # the window moves past alice's share
    assert s.evict_idle() == 1 and "alice" not in {r.name for r in s.snapshot().workers}


def test_twenty_thousand_names_from_one_address_keep_the_stats_small():
    s = PoolStats()
    for i in range(20_000):
        if s.connected(f"w{i}", +1, "10.0.0.66"):
            s.connected(f"w{i}", -1)
    assert len(s) == stats.NAMES_PER_ADDRESS
    started_s = time.perf_counter()
    s.snapshot()
    assert time.perf_counter() - started_s < 0.05


def test_hex_fields_must_be_exact_hex():
    assert hex_bytes("0a0B0c0d", 4) == bytes.fromhex("0a0b0c0d")
    for bad in ("12 34 56", " 1234567", "123456789", "0x123456", "1_234567", "zz000000", "１２３４５６７８", 12345678):
        assert hex_bytes(bad, 4) is None
        with pytest.raises(ShareRefused, match="bad-nonce"):
            _hex(bad, 4, "nonce")
    params = ["1", "00" * 32, "01", "02", [], "20000000", "1d00ffff", "5f5e1000", True]
    assert Notify.from_params(params).ntime == 0x5F5E1000
    for i, bad in ((5, "2000 0000"), (1, "00" * 31 + "0 "), (4, ["ab" * 31 + " ab"]), (7, "5f5e10")):
        with pytest.raises(ValueError):
            Notify.from_params(params[:i] + [bad] + params[i + 1 :])


class _Replies:
    """What handle() needs of a session when the message is refused before any method runs."""

    def __init__(self):
        self.bad = 0
        self.replies: list[tuple] = []

    def reply(self, msg_id, result=None, error=None) -> None:
        self.replies.append((msg_id, result, error))


@pytest.mark.parametrize(
    "line, said",
    [
        (b'{"id": 1e999, "method": "mining.subscribe", "params": []}', "id must be"),
        (b'{"id": [1], "method": "mining.subscribe", "params": []}', "id must be"),
        (b'{"id": true, "method": "mining.subscribe", "params": []}', "id must be"),
        (b'{"id": 1, "method": "mining.suggest_difficulty", "params": [Infinity]}', "not JSON"),
        (b'{"id": 1, "method": "mining.subscribe", "params": [NaN]}', "not JSON"),
        (b'{"id": 1, "params": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested deeper"),
        (b'{"id": 1, "params": ' + b"[" * 40 + b"]" * 40 + b', "method": "mining.subscribe"}', "nested deeper"),
        (b"[" * 100_000 + b"]" * 100_000, "nested deeper"),
    ],
)
def test_every_refused_message_gets_a_json_error_reply(line, said):
    replies = _Replies()
    session.handle(None, replies, line)  # refused before the pool is touched
    assert replies.bad == 1 and len(replies.replies) == 1
    msg_id, result, error = replies.replies[0]
    assert msg_id is None and result is None and said in error[1]
    json.loads(session.json_line({"id": msg_id, "result": result, "error": error}))  # valid JSON out


def test_a_shallow_message_with_many_brackets_is_not_refused():
    replies = _Replies()
    line = b'{"id": 7, "method": "mining.nothing", "params": [' + b",".join([b"[]"] * 50) + b"]}"
    session.handle(None, replies, line)
    assert replies.replies == [(7, None, [20, "unknown method 'mining.nothing'", None])]


def test_a_pause_eases_the_difficulty_slowly_and_resuming_raises_it_at_once():
    """A minute's pause: at most 4x easier (it was 64x within half a minute, and cpuminer then
    sent ~500 shares in half a second on resume); its first burst puts it back at once."""
    pool = pool_with_current_job(1 << 200)
    try:
        s = VardiffSession(1.0, now_s=0.0)
        for second in range(1, 61):  # the pool's housekeeping, once a second
            pool._vardiff(s, float(second))
        assert s.difficulty >= 0.25
        eased = s.difficulty
        now_s = 60.5
        for i in range(1, 100):  # resume: its 4 shares/s at difficulty 1 are 16/s at the eased one
            s.count_share(eased, now_s + i / 16)
            pool._vardiff(s, now_s + i / 16)
            if s.difficulty != eased:
                break
        assert i <= 2 * pool.shares_per_s + 1  # at the first few shares, not after a retarget period
        assert s.difficulty >= 0.6
    finally:
        pool.stop()


def test_fewer_shares_lower_the_difficulty_from_the_measured_work():
    pool = pool_with_current_job(1 << 200)
    try:
        s = VardiffSession(1.0, now_s=0.0)
        for t in (0.5, 1.5, 2.5, 3.5):  # 1 share/s for an aim of 4/s: a quarter of the hashrate
            s.count_share(1.0, t)
            pool._vardiff(s, t)
        assert s.difficulty == pytest.approx(0.25) and s.jobs[-1][1] is True
    finally:
        pool.stop()


def test_a_pause_in_the_middle_of_a_period_is_no_evidence():
    """Two shares at the aim's pace, then 20 s of nothing: the rate between the shares stands,
    the silence after them does not pull the difficulty down 8x at the next retarget."""
    pool = pool_with_current_job(1 << 200)
    try:
        s = VardiffSession(1.0, now_s=0.0)
        for t in (0.25, 0.5):
            s.count_share(1.0, t)
        for second in range(1, 21):
            pool._vardiff(s, float(second))
        assert s.difficulty >= 0.5
    finally:
        pool.stop()


def test_two_shares_in_a_burst_are_no_reading():
    """Two shares a hundredth of a second apart say little about a rate: no 64x jump on them
    (a miner then sits on a far too hard target); a handful faster than the aim raises 4x at most."""
    pool = pool_with_current_job(1 << 200)
    try:
        s = VardiffSession(1.0, now_s=0.0)
        for t in (20.0, 20.01):
            s.count_share(1.0, t)
            pool._vardiff(s, t)
        assert s.difficulty == 1.0
        for i in range(2, 12):
            s.count_share(1.0, 20.0 + i / 100)
            pool._vardiff(s, 20.0 + i / 100)
        assert 1.0 < s.difficulty <= 4.0
    finally:
        pool.stop()


def test_easy_shares_from_an_older_job_count_by_work_not_number(lab_node, monkeypatch):
    """A miner still sending shares from an easy job after its difficulty went up 64x: 200 shares
    at once are ~3 shares' work at the new difficulty, not a flood (the count closed it)."""
    monkeypatch.setattr(session, "MESSAGES_PER_S", 1.0)
    monkeypatch.setattr(session, "MESSAGE_BURST", 50)
    pool = _pool(lab_node)
    try:
        sim = SimMiner(pool.port)
        assert sim.join("erin")["result"] is True
        easy = sim.notifies[-1]
        shares = [sim.solve(easy) for _ in range(200)]
        pool._call_soon(lambda: [pool._set_difficulty(x, TINY * 64) for x in pool._sessions])
        while sim.difficulty != pytest.approx(TINY * 64):
            sim.read()
        for i, (en2, nonce, _) in enumerate(shares):
            sim.send(
                {
                    "id": 1000 + i,
                    "method": "mining.submit",
                    "params": ["erin", easy.job_id, en2.hex(), f"{easy.ntime:08x}", f"{nonce:08x}"],
                }
            )
        answers = {}
        while len(answers) < 200:
            message = sim.read()
            assert message is not None, f"closed after {len(answers)} answers"
            if message.get("id", 0) >= 1000:
                answers[message["id"]] = message
        assert all(m["result"] is True for m in answers.values())
        sim.close()
    finally:
        pool.stop()


def test_a_long_transaction_list_is_refused_not_a_disconnection():
    """mining.get_transactions for a full block would overrun the send buffer (and close our own
    miner's connection): past LIST_TRANSACTIONS_BYTES the pool says so instead."""
    from types import SimpleNamespace

    def job(sizes):
        txs = tuple(SimpleNamespace(data=bytes(n)) for n in sizes)
        return SimpleNamespace(template=SimpleNamespace(transactions=txs))

    pool = SimpleNamespace(_jobs={"small": job([100, 200]), "full": job([session.LIST_TRANSACTIONS_BYTES // 2] * 3)})
    replies = _Replies()
    session.get_transactions(pool, replies, 5, ["small"])
    session.get_transactions(pool, replies, 6, ["full"])
    assert replies.replies[0] == (5, ["00" * 100, "00" * 200], None)
    assert replies.replies[1][0] == 6 and "not listed" in replies.replies[1][2][1]
