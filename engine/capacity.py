"""CPU-core slots shared between the miner and the simulated AI runner.

Both implement `CapacityConsumer`; `CapacityAllocator` moves slots between them so that the two
together never hold more than `total_cores`. It always shrinks one side before growing the other,
so the cores are never oversubscribed, even for a moment. Mining is the flexible load: when the
total shrinks (throttle, pause) mining gives up cores first, because AI downtime costs a penalty.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

log = logging.getLogger(__name__)


@runtime_checkable
class CapacityConsumer(Protocol):
    """Something that runs on worker slots, one CPU core each (the miner, the AI runner).

    `set_slots(n)` accepts 0..max_slots, takes effect within ~100 ms and needs no restart;
    `slots` is the number of slots granted by the last `set_slots`.
    """

    @property
    def max_slots(self) -> int: ...

    @property
    def slots(self) -> int: ...

    def set_slots(self, n: int) -> None: ...


@dataclass(frozen=True)
class Allocation:
    """How the cores are split right now."""

    mining_slots: int
    ai_slots: int
    total_cores: int

    @property
    def idle_slots(self) -> int:
        return self.total_cores - self.mining_slots - self.ai_slots


def _whole(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number in [{low}, {high}], got {value!r}")
    return value


class CapacityAllocator:
    """Moves CPU-core slots between a miner-like and an AI-runner-like consumer.

    `on_change(allocation)` callbacks run on the calling thread after each change.
    """

    def __init__(
        self,
        miner: CapacityConsumer,
        ai: CapacityConsumer,
        total_cores: int,
        *,
        ai_slots: int = 0,
        on_change: Callable[[Allocation], None] | None = None,
    ):
        for name, consumer in (("miner", miner), ("ai", ai)):
            if not isinstance(consumer, CapacityConsumer):
                raise TypeError(f"{name} must have max_slots, slots and set_slots(n)")
        self._miner = miner
        self._ai = ai
        self._total = _whole("total_cores", total_cores, 0, 4096)
        self._lock = threading.RLock()
        self._listeners: list[Callable[[Allocation], None]] = [on_change] if on_change else []
        self.set_ai_slots(ai_slots)

    def add_listener(self, callback: Callable[[Allocation], None]) -> None:
        """Call `callback(allocation)` after every change."""
        self._listeners.append(callback)

    @property
    def total_cores(self) -> int:
        return self._total

    @property
    def allocation(self) -> Allocation:
        with self._lock:
            return Allocation(self._miner.slots, self._ai.slots, self._total)

    def set_ai_slots(self, ai_slots: int) -> Allocation:
        """Give `ai_slots` cores to AI and the rest (up to the miner's max) to mining."""
        with self._lock:
            ai_slots = _whole("ai_slots", ai_slots, 0, min(self._total, self._ai.max_slots))
            mining_slots = min(self._total - ai_slots, self._miner.max_slots)
            return self._apply(mining_slots, ai_slots)

    def set_mining_slots(self, mining_slots: int) -> Allocation:
        """Give `mining_slots` cores to mining and the rest (up to the AI runner's max) to AI."""
        with self._lock:
            mining_slots = _whole("mining_slots", mining_slots, 0, min(self._total, self._miner.max_slots))
            ai_slots = min(self._total - mining_slots, self._ai.max_slots)
            return self._apply(mining_slots, ai_slots)

    def set_split(self, mining_slots: int, ai_slots: int) -> Allocation:
        """Set both sides; cores left over stay idle."""
        with self._lock:
            mining_slots = _whole("mining_slots", mining_slots, 0, self._miner.max_slots)
            ai_slots = _whole("ai_slots", ai_slots, 0, self._ai.max_slots)
            if mining_slots + ai_slots > self._total:
                raise ValueError(
                    f"mining_slots + ai_slots must be at most total_cores ({self._total}), "
                    f"got {mining_slots} + {ai_slots}"
                )
            return self._apply(mining_slots, ai_slots)

    def move_to_ai(self, cores: int = 1) -> Allocation:
        """Move up to `cores` cores from mining to AI (fewer if either side is at its limit)."""
        with self._lock:
            cores = _whole("cores", cores, 0, 4096)
            ai_slots = min(self._ai.slots + cores, self._ai.max_slots, self._total)
            return self.set_ai_slots(ai_slots)

    def move_to_mining(self, cores: int = 1) -> Allocation:
        """Move up to `cores` cores from AI back to mining (AI downtime if it had them under contract)."""
        with self._lock:
            cores = _whole("cores", cores, 0, 4096)
            mining_slots = min(self._miner.slots + cores, self._miner.max_slots, self._total)
            return self.set_mining_slots(mining_slots)

    def set_total_cores(self, total_cores: int) -> Allocation:
        """Change how many cores the lab may use (throttle or pause); mining gives up cores first."""
        with self._lock:
            self._total = _whole("total_cores", total_cores, 0, 4096)
            ai_slots = min(self._ai.slots, self._total)
            mining_slots = min(self._miner.slots, self._total - ai_slots)
            return self._apply(mining_slots, ai_slots)

    def _apply(self, mining_slots: int, ai_slots: int) -> Allocation:
        # Shrink first, then grow: the two never hold more than the total at any moment.
        if mining_slots < self._miner.slots:
            self._miner.set_slots(mining_slots)
            self._ai.set_slots(ai_slots)
        else:
            self._ai.set_slots(ai_slots)
            self._miner.set_slots(mining_slots)
        allocation = Allocation(mining_slots, ai_slots, self._total)
        for callback in list(self._listeners):
            try:
                callback(allocation)
            except Exception:  # a broken listener must not leave the split half-applied
                log.exception("capacity listener failed")
        return allocation
