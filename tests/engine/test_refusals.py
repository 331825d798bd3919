"""The miner stops, saying why, when the node keeps refusing its blocks for one reason
(engine/mining/refusals.py), and mines blocks a node without segwit accepts (bcoin's regtest)."""

from __future__ import annotations

import time

import pytest
from bitcoin.core import CBlock

from engine.mining.cli import mine_main
from engine.mining.events import BlockResult
from engine.mining.refusals import REFUSALS_BEFORE_STOP, MiningRefused, RefusalStreak, refusal_message
from tests.helpers.fake_node import FakeNode
from tests.helpers.waiting import wait_until


class BcoinLikeNode(FakeNode):
    """bcoin 1.0.2's regtest: segwit not in force (`rules: []`), a default_witness_commitment in
    the template all the same, and any witness in a block refused as unexpected-witness."""

    def template(self) -> dict:
        return dict(super().template(), rules=[])

    def submit(self, raw: bytes):
        if CBlock.deserialize(raw).vtx[0].has_witness():
            return "unexpected-witness"
        return super().submit(raw)


def test_a_node_without_segwit_gets_blocks_it_accepts(make_miner):
    node = BcoinLikeNode(target=(1 << 256) // 2000)
    miner, events = make_miner(node, max_slots=1)
    miner.start()
    assert wait_until(lambda: len(node.blocks) >= 3)
    assert [r.status for r in events.of(BlockResult)][:3] == ["accepted"] * 3
    assert all(len(block.vtx[0].vout) == 1 for block in node.blocks)  # no commitment output


def test_the_same_refusal_on_fresh_templates_stops_the_miner_with_the_reason(make_miner):
    node = FakeNode(target=(1 << 256) // 200)
    node.answers = ["unexpected-witness"] * 1000
    miner, events = make_miner(node, max_slots=2, poll_interval_s=0.1)
    start_s = time.monotonic()
    miner.start()
    assert wait_until(lambda: events.of(MiningRefused), timeout_s=10.0)
    assert time.monotonic() - start_s < 10.0
    refused = events.of(MiningRefused)
    assert len(refused) == 1 and refused[0].reason == "unexpected-witness"
    assert refused[0].rejections == REFUSALS_BEFORE_STOP and miner.refused == refused[0]
    assert "unexpected-witness" in refused[0].message and "segwit" in refused[0].message
    assert wait_until(lambda: not miner.running and miner.stats().active_workers == 0, timeout_s=2.0)
    submitted = node.calls.count("submitblock")
    time.sleep(0.3)  # three poll intervals: nothing more is hashed or submitted
    assert node.calls.count("submitblock") == submitted == REFUSALS_BEFORE_STOP
    assert len([r for r in events.of(BlockResult) if r.status == "rejected"]) == REFUSALS_BEFORE_STOP


def test_refusals_broken_by_another_result_do_not_stop_the_miner(make_miner):
    node = FakeNode(target=(1 << 256) // 2000)
    node.answers = ["bad-cb-height", "bad-cb-height", "inconclusive", "bad-cb-height", "bad-cb-height"]
    miner, events = make_miner(node, max_slots=1, poll_interval_s=0.1)
    miner.start()
    assert wait_until(lambda: len(node.blocks) >= 2)
    assert events.of(MiningRefused) == [] and miner.running


def test_streak_counts_one_reason_on_fresh_current_templates_only():
    streak = RefusalStreak()
    assert streak.add("rejected", "bad-txns", True, 1) is None
    assert streak.add("rejected", "bad-txns", True, 1) is None and streak.count == 1  # no new template between
    assert streak.add("rejected", "bad-txns", False, 2) is None and streak.count == 1  # built on old work
    assert streak.add("rejected", "other", True, 3) is None and streak.count == 1  # another reason
    assert streak.add("stale", "inconclusive", True, 4) is None and streak.count == 0  # not a refusal
    assert streak.add("rejected", "bad-txns", True, 5) is None
    assert streak.add("rejected", "bad-txns", True, 6) is None and streak.count == 2
    refused = streak.add("rejected", "bad-txns", True, 7)
    assert refused == MiningRefused("bad-txns", REFUSALS_BEFORE_STOP, refusal_message("bad-txns", 3))


def test_mine_command_prints_the_refusal_and_exits_non_zero(monkeypatch, capsys):
    node = FakeNode(target=(1 << 256) // 200)
    node.answers = ["high-hash"] * 1000
    monkeypatch.setattr("engine.rpc.RPCClient", lambda *args, **kwargs: node)
    rc = mine_main(["--rpc-url", "http://127.0.0.1:1", "--threads", "1", "--duration", "30", "--kernel", "scalar"])
    captured = capsys.readouterr()
    assert rc == 1
    assert "high-hash" in captured.err and "MINE2COMPUTE_KERNEL" in captured.err
    assert captured.out.count("rejected (high-hash)") == REFUSALS_BEFORE_STOP
    assert captured.err.count("mining has stopped") == 1


@pytest.mark.parametrize("reason", ["unexpected-witness", "rejected: unexpected-witness"])  # Core's, bcoin's
def test_refusal_advice_reads_core_and_bcoin_reasons(reason):
    message = refusal_message(reason, 3)
    assert f'"{reason}"' in message and "getblocktemplate lists segwit" in message
