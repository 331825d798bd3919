"""The allocator moves CPU-core slots between a miner and the AI runner without ever
oversubscribing the cores, and mining gives way first when the lab is throttled."""

from __future__ import annotations

import time

import pytest

from engine.ai.jobs import AIJobRunner, InferenceJobSpec
from engine.capacity import Allocation, CapacityAllocator, CapacityConsumer

SMALL = InferenceJobSpec(batch_tokens=16, hidden_width=128, layers=4)


class FakeMiner:
    """A miner-like consumer that checks, at every change, that the cores are not oversubscribed."""

    def __init__(self, max_slots: int):
        self.max_slots = max_slots
        self._slots = 0
        self.other: CapacityConsumer | None = None
        self.total = 0
        self.history: list[int] = []

    @property
    def slots(self) -> int:
        return self._slots

    def set_slots(self, n: int) -> None:
        if not 0 <= n <= self.max_slots:
            raise ValueError(f"slots must be in [0, {self.max_slots}], got {n}")
        assert self.other is None or n + self.other.slots <= self.total, "oversubscribed"
        self._slots = n
        self.history.append(n)


class CheckedRunner(AIJobRunner):
    """The real AI runner, checking the same invariant from its side."""

    miner: FakeMiner

    def set_slots(self, n: int) -> None:
        assert n + self.miner.slots <= self.miner.total, "oversubscribed"
        super().set_slots(n)


@pytest.fixture
def miner_ai_allocator():
    """(fake miner, AI runner, allocator(total, **kwargs)): the two consumers sharing 4 cores."""
    miner = FakeMiner(max_slots=4)
    ai = CheckedRunner(4, job=SMALL)
    ai.miner = miner
    miner.other = ai
    miner.total = 4

    def allocator(total=4, **kwargs):
        miner.total = total
        return CapacityAllocator(miner, ai, total, **kwargs)

    yield miner, ai, allocator
    ai.close()


def test_starts_all_mining_and_moves_cores_to_ai_and_back(miner_ai_allocator):
    miner, ai, make = miner_ai_allocator
    changes: list[Allocation] = []
    allocator = make(on_change=changes.append)
    assert allocator.allocation == Allocation(4, 0, 4)
    assert allocator.move_to_ai() == Allocation(3, 1, 4)
    assert allocator.move_to_ai(2) == Allocation(1, 3, 4)
    assert (miner.slots, ai.slots) == (1, 3)
    assert allocator.move_to_ai(10) == Allocation(0, 4, 4)  # capped
    assert allocator.move_to_mining() == Allocation(1, 3, 4)
    assert allocator.set_ai_slots(0) == Allocation(4, 0, 4)
    assert changes[-1] == Allocation(4, 0, 4) and len(changes) == 6


def test_the_ai_runner_really_follows_the_allocator(miner_ai_allocator):
    miner, ai, make = miner_ai_allocator
    allocator = make()
    allocator.set_ai_slots(2)
    deadline = time.monotonic() + 1
    while ai.busy_workers < 2 and time.monotonic() < deadline:
        time.sleep(0.001)
    assert ai.busy_workers == 2
    start = ai.snapshot().jobs_done
    while ai.snapshot().jobs_done == start and time.monotonic() < deadline + 1:
        time.sleep(0.001)
    assert ai.snapshot().jobs_done > start
    allocator.set_ai_slots(0)
    deadline = time.monotonic() + 0.1
    while ai.busy_workers and time.monotonic() < deadline:
        time.sleep(0.001)
    assert ai.busy_workers == 0 and miner.slots == 4


def test_split_with_idle_cores_and_limits(miner_ai_allocator):
    miner, ai, make = miner_ai_allocator
    allocator = make()
    assert allocator.set_split(1, 2) == Allocation(1, 2, 4)
    assert allocator.allocation.idle_slots == 1
    with pytest.raises(ValueError, match="total_cores"):
        allocator.set_split(3, 2)
    with pytest.raises(ValueError, match="ai_slots"):
        allocator.set_ai_slots(5)
    with pytest.raises(ValueError, match="mining_slots"):
        allocator.set_mining_slots(-1)
    assert allocator.set_mining_slots(3) == Allocation(3, 1, 4)


def test_throttling_takes_cores_from_mining_first(miner_ai_allocator):
    miner, ai, make = miner_ai_allocator
    allocator = make()
    allocator.set_ai_slots(1)
    miner.total = 2  # the fake's invariant follows the new, smaller total
    assert allocator.set_total_cores(2) == Allocation(1, 1, 2)
    miner.total = 1
    assert allocator.set_total_cores(1) == Allocation(0, 1, 1)
    miner.total = 0
    assert allocator.set_total_cores(0) == Allocation(0, 0, 0)  # paused


def test_a_miner_with_fewer_slots_leaves_cores_idle(miner_ai_allocator):
    _, ai, _ = miner_ai_allocator
    small_miner = FakeMiner(max_slots=2)
    allocator = CapacityAllocator(small_miner, ai, 4)
    assert allocator.allocation == Allocation(2, 0, 4)
    assert allocator.set_ai_slots(1) == Allocation(2, 1, 4)


def test_rejects_what_is_not_a_consumer(miner_ai_allocator):
    _, ai, _ = miner_ai_allocator
    with pytest.raises(TypeError, match="miner"):
        CapacityAllocator(object(), ai, 2)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="total_cores"):
        CapacityAllocator(FakeMiner(2), ai, -1)
