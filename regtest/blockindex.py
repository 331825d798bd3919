"""chain.h CBlockIndex: what the node keeps in memory of every stored block (the header fields,
its place in the tree, the chain work up to it), built from the header rows at start."""

from __future__ import annotations

from dataclasses import dataclass, field

from bitcoin.core import b2lx

from engine.primitives.chain import MEDIAN_TIME_SPAN, median_time_past


@dataclass(eq=False, slots=True)
class BlockIndex:
    """chain.h CBlockIndex: one known, valid block and its place in the tree."""

    hash: bytes
    prev: BlockIndex | None
    height: int
    version: int
    merkle: bytes
    time: int
    bits: int
    nonce: int
    chainwork: int
    seq: int
    n_tx: int
    size: int
    stripped_size: int
    weight: int
    _mtp: int = field(default=-1, repr=False)

    @property
    def mtp(self) -> int:
        """The median time past of the last 11 blocks ending here (computed once, when asked)."""
        if self._mtp < 0:
            times: list[int] = []
            walk: BlockIndex | None = self
            while walk is not None and len(times) < MEDIAN_TIME_SPAN:
                times.append(walk.time)
                walk = walk.prev
            self._mtp = median_time_past(times)
        return self._mtp

    @property
    def hash_hex(self) -> str:
        return b2lx(self.hash)
