"""The 51% race through the class pool (engine.wallet.race.LabRace with `honest_hashes`): the
class mines the public chain through the pool (simulated Stratum miners, tests/helpers), the
attacker mines a private branch, and q comes from the pool's accepted share work over the race;
the verdict is what the node did."""

from __future__ import annotations

import threading

import pytest

from engine.pool.server import Pool
from engine.pool.stats import HASHES_PER_DIFF1, PoolStats
from engine.rpc import RPCClient, RPCError
from engine.wallet.odds import attacker_success_probability
from engine.wallet.race import LabRace, RaceRules, fund
from engine.wallet.wallet import Wallet
from tests.helpers.stratum_sim import SimMiner

SHARE = 2.0**-20  # 4,096 hashes a share: a few ms of hashlib, so the class's work comes in many shares
COINBASE_MATURITY = 100


class SimClass:
    """The class: simulated miners hashing with hashlib through the pool on a thread each; each
    counts the work of its own accepted shares (the test's count, independent of PoolStats)."""

    def __init__(self, port: int, names: tuple[str, ...]):
        self.stop = threading.Event()
        self.accepted_work = dict.fromkeys(names, 0.0)
        self.threads = [threading.Thread(target=self._mine, args=(port, n), daemon=True) for n in names]

    def _mine(self, port: int, name: str) -> None:
        sim = SimMiner(port)
        try:
            assert sim.join(name)["result"] is True
            while not self.stop.is_set():
                notify, difficulty = sim.notifies[-1], sim.difficulty
                extranonce2, nonce, _ = sim.solve(notify)
                if sim.submit(name, notify, extranonce2, nonce).get("result") is True:
                    self.accepted_work[name] += difficulty
        except (OSError, ConnectionError):
            pass  # the pool stopped under us at the end
        finally:
            sim.close()

    def __enter__(self) -> SimClass:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(10)


def test_accepted_hashes_count_the_accepted_work_only():
    """The race's honest counter: accepted shares' difficulty x 2**32, the teacher left out."""
    stats = PoolStats()
    stats.share("alice", 2.0, "accepted")
    stats.share("bob", 0.5, "accepted")
    stats.share("teacher", 1.0, "accepted")
    stats.share("alice", 64.0, "rejected", "low-difficulty")
    stats.share("bob", 64.0, "stale", "stale")
    assert stats.accepted_hashes() == int(3.5 * 2**32)
    assert stats.accepted_hashes(exclude=("teacher",)) == int(2.5 * 2**32)


def _in_active_chain(rpc, txid: str) -> bool:
    try:
        return int(rpc.call("getrawtransaction", txid, True).get("confirmations", 0) or 0) > 0
    except RPCError:
        return False


def _funded_lab(node_factory, tmp_path, lab_hashrate: str):
    node = node_factory("lab", extra_args=("--lab-hashrate", lab_hashrate, "--retarget-interval", "100000")).start()
    rpc = RPCClient(node.url, cookie_file=node.cookie_file)
    wallet, merchant = Wallet.open(tmp_path / "w"), Wallet.open(tmp_path / "w" / "merchant")
    fund(rpc, wallet, COINBASE_MATURITY + 1, 1)
    return rpc, wallet, merchant


def _class_race(rpc, wallet, merchant, names, z=1, timeout_s=60.0, longpoll=False):
    pool = Pool(
        rpc, port=0, password="CLASS", start_difficulty=SHARE, min_difficulty=SHARE, shares_per_s=1e6,
        longpoll=longpoll, poll_interval_s=0.1,  # the payment joins the class's work within 0.1 s
    ).start()  # fmt: skip
    try:
        with SimClass(pool.port, names) as sims:
            race = LabRace(
                rpc, wallet, merchant.receive_address(), 1_000_000, 1, 0, RaceRules(z), timeout_s=timeout_s,
                honest_hashes=pool.stats.accepted_hashes,
            )  # fmt: skip
            result = race.run()
        return race, result, sims, pool.stats.snapshot()
    finally:
        pool.stop()


def _check(rpc, race, result, sims, snapshot):
    # the honest side is the class: no lab miner ran, and its hashes are the pool's accepted shares
    assert race.honest is None and result.honest_side == "class pool"
    assert result.honest_hashes > 0
    assert result.honest_hashes % int(SHARE * HASHES_PER_DIFF1) == 0  # whole shares of 4,096 hashes
    assert result.honest_hashes <= int(sum(sims.accepted_work.values()) * HASHES_PER_DIFF1)
    assert result.q == pytest.approx(result.attacker_hashes / (result.attacker_hashes + result.honest_hashes))
    assert result.p_nakamoto == attacker_success_probability(result.q, result.confirmations)
    # the public blocks of the race were the class's, through the pool
    class_blocks = [b for b in snapshot.blocks if b.status == "accepted" and b.height > result.fork_height]
    assert len(class_blocks) >= result.public_blocks >= 1
    # the verdict is what the node did
    payment_in = _in_active_chain(rpc, result.payment_txid)
    refund_in = _in_active_chain(rpc, result.refund_txid)
    assert (result.payment_in_active_chain, result.refund_in_active_chain) == (payment_in, refund_in)
    assert (result.result == "succeeded") == (not payment_in and refund_in)
    if result.result == "succeeded":
        assert result.released and result.private_blocks > result.public_blocks >= result.confirmations
        assert result.reorg_depth == result.public_blocks


@pytest.mark.node
def test_race_through_the_class_pool_takes_q_from_the_pools_work(node_factory, tmp_path):
    """One quick race: one simulated student mines through the pool (~0.5 s blocks for hashlib),
    the attacker's core mines the private branch."""
    rpc, wallet, merchant = _funded_lab(node_factory, tmp_path, "3e4")
    race, result, sims, snapshot = _class_race(rpc, wallet, merchant, ("alice",))
    _check(rpc, race, result, sims, snapshot)


@pytest.mark.node
def test_race_without_the_class_mining_says_so(node_factory, tmp_path, monkeypatch):
    """No share comes through the pool: a clear error, not a race that times out."""
    from engine.wallet import race as race_module
    from engine.wallet.attack import AttackError

    monkeypatch.setattr(race_module, "CLASS_WAIT_S", 0.5)
    rpc, wallet, merchant = _funded_lab(node_factory, tmp_path, "3e4")
    race = LabRace(rpc, wallet, merchant.receive_address(), 1_000_000, 1, 0, RaceRules(1), honest_hashes=lambda: 0)
    with pytest.raises(AttackError, match="nobody mines in the class pool"):
        race.run()


@pytest.mark.node
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_races_through_the_class_pool_end_consistently(node_factory, tmp_path):
    """RACES races, two students, z = 2, the pool on longpoll as in the window (the payment joins
    the class's work with the next block's template): each verdict is what the node did."""
    rpc, wallet, merchant = _funded_lab(node_factory, tmp_path, "3e4")
    results = []
    for _ in range(RACES):
        race, result, sims, snapshot = _class_race(rpc, wallet, merchant, ("alice", "bob"), z=2, longpoll=True)
        _check(rpc, race, result, sims, snapshot)
        results.append(result)
    won = sum(r.result == "succeeded" for r in results)
    print(
        f"races {RACES} mean q {sum(r.q for r in results) / RACES:.3f} succeeded {won} "
        f"exact {sum(r.p_race for r in results) / RACES:.3f} nakamoto {sum(r.p_nakamoto for r in results) / RACES:.3f} "
        f"public {sum(r.public_blocks for r in results)} private {sum(r.private_blocks for r in results)} "
        f"seconds {sum(r.seconds for r in results):.1f}"
    )


RACES = 10


@pytest.mark.node
@pytest.mark.slow
@pytest.mark.timeout(2400)
def test_races_against_a_student_window_agree_with_the_odds(node_factory, tmp_path):
    """The class as a student's window mines: our Miner through the pool (StratumSource) on
    STUDENT_THREADS threads, the attacker on one core, z = 2, RACES_STUDENT races (~2-3 s blocks). Each verdict is what
    the node did; the success rate agrees with the mean exact probability for the q measured from
    the pool's shares within sampling error."""
    import math

    from engine.mining.miner import Miner
    from engine.mining.stratum_client import StratumSource

    rpc, wallet, merchant = _funded_lab(node_factory, tmp_path, "2e6")
    # 262,144 hashes a share: tens a second, under the pool's flood bound (engine.pool.session
    # MESSAGES_PER_S); at 65,536 the student's 4 threads went over it, over 10,000 submits waited
    # for an answer and q came out 0.63 (its work uncounted). The window's vardiff keeps 4 a second.
    share = 2.0**-14
    # polling templates, so the payment is in the class's next block as the exact probability assumes
    # (on longpoll, the window's, it waits for the block after: the attacker gets one block more)
    pool = Pool(rpc, port=0, password="CLASS", start_difficulty=share, min_difficulty=share, shares_per_s=1e6,
                longpoll=False, poll_interval_s=0.1).start()  # fmt: skip
    student = Miner(None, max_slots=STUDENT_THREADS, slots=STUDENT_THREADS, quick_start=False,
                    source=StratumSource(f"stratum+tcp://127.0.0.1:{pool.port}", "carol", "CLASS"))  # fmt: skip
    student.start()
    results = []
    try:
        for _ in range(RACES_STUDENT):
            before = pool.stats.accepted_hashes()
            race = LabRace(
                rpc, wallet, merchant.receive_address(), 1_000_000, 1, 0, RaceRules(2, give_up_behind=8),
                timeout_s=300, honest_hashes=pool.stats.accepted_hashes,
            )  # fmt: skip
            result = race.run()
            assert race.honest is None and 0 < result.honest_hashes <= pool.stats.accepted_hashes() - before
            assert result.q == pytest.approx(result.attacker_hashes / (result.attacker_hashes + result.honest_hashes))
            in_chain = _in_active_chain(rpc, result.payment_txid)
            assert (result.result == "succeeded") == (not in_chain and _in_active_chain(rpc, result.refund_txid))
            results.append(result)
    finally:
        student.stop()
        pool.stop()
    rate = sum(r.result == "succeeded" for r in results) / RACES_STUDENT
    expected = sum(r.p_race for r in results) / RACES_STUDENT
    sigma = math.sqrt(max(expected * (1 - expected), 0.01) / RACES_STUDENT)
    print(
        f"races {RACES_STUDENT} mean q {sum(r.q for r in results) / RACES_STUDENT:.3f} success {rate:.3f} "
        f"exact {expected:.3f} nakamoto {sum(r.p_nakamoto for r in results) / RACES_STUDENT:.3f} "
        f"seconds {sum(r.seconds for r in results):.0f}"
    )
    assert abs(rate - expected) <= 3 * sigma


RACES_STUDENT = 20
STUDENT_THREADS = 4  # the student out-hashes the attacker (q about 0.35-0.45 on 2 shared cores)
