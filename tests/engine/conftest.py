"""Fixtures of the miner's tests (tests/engine/test_miner.py, test_refusals.py)."""

from __future__ import annotations

import pytest

from engine.mining.miner import Miner
from tests.helpers.fake_node import PAYOUT, Recorder


@pytest.fixture
def make_miner():
    """make(node, **kwargs) -> (Miner paying PAYOUT, its Recorder); every miner stopped after the test."""
    miners = []

    def make(node, **kwargs):
        recorder = Recorder()
        kwargs.setdefault("stats_interval_s", 0.1)
        miner = Miner(node, PAYOUT, on_event=recorder, **kwargs)
        miners.append(miner)
        return miner, recorder

    yield make
    for miner in miners:
        miner.stop()
