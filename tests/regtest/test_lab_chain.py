"""The lab chain: regtest plus Bitcoin Core's retarget rule on a short clock, checked block by
block in the headers, in process with a controllable clock."""

from __future__ import annotations

import pytest

from engine.primitives.pow import bits_to_target, target_to_bits
from engine.primitives.subsidy import block_subsidy_sat
from regtest.chain import Chain
from regtest.chainparams import REGTEST, lab_params
from regtest.storage import BlockStore
from regtest.validation import BlockInvalid
from tests.helpers.blockmaker import make_block

GENESIS_TIME = 1296688602


class Clock:
    def __init__(self, t):
        self.t = t

    def __call__(self):
        return self.t


def extend(chain: Chain, spacing_s: int, count: int):
    for _ in range(count):
        tip = chain.tip
        t = max(tip.time + spacing_s, tip.mtp + 1)
        chain.clock.t = t
        block = make_block(
            tip.hash, tip.height + 1, t, chain.next_bits(tip, t), block_subsidy_sat(tip.height + 1, chain.params)
        )
        outcome, _ = chain.process_block(block)
        assert outcome == "connected"


@pytest.fixture
def lab_chain(tmp_path):
    """An in-process lab Chain (retarget every 4 blocks of 5 s, halving at 10) on a fixed clock."""
    params = lab_params(0x207FFFFF, halving_interval=10, target_spacing_s=5, retarget_interval=4)
    chain = Chain(BlockStore(tmp_path / "blocks.sqlite"), params, clock=Clock(GENESIS_TIME + 10**8))
    yield chain
    chain.store.close()


def test_difficulty_follows_hashrate_at_each_retarget(lab_chain):
    extend(lab_chain, spacing_s=5, count=1)  # block 1 uses the chain's start bits
    start_time = lab_chain.tip.time
    assert lab_chain.tip.bits == 0x207FFFFF
    extend(lab_chain, spacing_s=1, count=3)  # height 4: first retarget window skipped (genesis is 2011)
    assert lab_chain.tip.height == 4 and lab_chain.tip.bits == 0x207FFFFF
    extend(lab_chain, spacing_s=1, count=4)  # height 8: window 4..7 took 3 s against 20 s -> clamp 4x
    assert lab_chain.tip.height == 8
    expected = target_to_bits(bits_to_target(0x207FFFFF)[0] * 5 // 20)
    assert lab_chain.tip.bits == expected
    # Slow blocks bring it back down: 40 s against 20 s doubles the target.
    extend(lab_chain, spacing_s=10, count=4)
    assert lab_chain.tip.height == 12
    assert (
        bits_to_target(lab_chain.tip.bits)[0]
        == bits_to_target(target_to_bits(bits_to_target(expected)[0] * 30 // 20))[0]
    )
    assert start_time < lab_chain.tip.time


def test_wrong_bits_on_the_lab_chain_are_bad_diffbits(lab_chain):
    extend(lab_chain, spacing_s=1, count=7)
    tip = lab_chain.tip
    t = tip.time + 1
    right = lab_chain.next_bits(tip, t)
    assert right != 0x207FFFFF
    block = make_block(tip.hash, tip.height + 1, t, 0x207FFFFF, block_subsidy_sat(tip.height + 1, lab_chain.params))
    with pytest.raises(BlockInvalid) as err:
        lab_chain.process_block(block)
    assert err.value.reason == "bad-diffbits"


def test_lab_halving_interval_is_configurable(lab_chain):
    extend(lab_chain, spacing_s=5, count=10)
    assert block_subsidy_sat(9, lab_chain.params) == 50 * 10**8
    assert block_subsidy_sat(10, lab_chain.params) == 25 * 10**8


def test_reopening_restores_the_best_chain(tmp_path):
    store = BlockStore(tmp_path / "b.sqlite")
    chain = Chain(store, REGTEST, clock=Clock(GENESIS_TIME + 10**8))
    extend(chain, spacing_s=1, count=20)
    tip = chain.tip.hash
    store.close()
    reopened = Chain(BlockStore(tmp_path / "b.sqlite"), REGTEST)
    assert reopened.tip.hash == tip and reopened.height() == 20
    assert reopened.tip.chainwork == 21 * 2
    reopened.store.close()
