"""When to stop mining because the node keeps refusing our blocks, and what to tell the user.

A rule we break (bcoin's regtest refusing any witness as "unexpected-witness") is refused
forever, so a miner that just takes a fresh template and tries again burns electricity for
nothing; a one-off (a tip race, a clock step) does not repeat three times in a row.
"""

from __future__ import annotations

from dataclasses import dataclass

# Blocks in a row refused for one reason, each from the node's current template, before mining stops.
REFUSALS_BEFORE_STOP = 3
# What to do about the reasons a user can act on (BIP22 strings, Core validation.cpp).
REFUSAL_ADVICE = {
    "unexpected-witness": "the node does not enforce segwit but the block carries a witness; update "
    "mine2compute, or mine on a node whose getblocktemplate lists segwit in its rules",
    "time-too-new": "this computer's clock is more than two hours ahead of the node's; set the clock right",
    "time-too-old": "this computer's clock is behind the node's; set the clock right",
    "high-hash": "the blocks miss the target, so the hashing kernel is wrong on this CPU; force another "
    "with MINE2COMPUTE_KERNEL=scalar (or --kernel scalar)",
    "bad-diffbits": "the node's chain parameters differ from its templates; restart the node",
}


@dataclass(frozen=True)
class MiningRefused:
    """The miner's last event: it has stopped because the node keeps refusing its blocks."""

    reason: str  # the node's BIP22 reason, e.g. "unexpected-witness"
    rejections: int  # blocks refused in a row for it
    message: str  # what went wrong and what to do, for a person


def refusal_message(reason: str, rejections: int) -> str:
    # bcoin answers "rejected: unexpected-witness" where Core answers "unexpected-witness"
    advice = REFUSAL_ADVICE.get(
        reason.removeprefix("rejected: "), "the node's log says why it refuses them; fix that, then start mining again"
    )
    return (
        f'The node refused {rejections} blocks in a row as "{reason}", each built from its newest '
        f"template, so mining has stopped: {advice}."
    )


class RefusalStreak:
    """Counts refusals in a row for one reason. A refusal only extends the streak when its block
    was built on the node's current template (same tip and transactions) and the node answered
    getblocktemplate since the previous refusal: then the refusal is about our block, not stale work."""

    def __init__(self, limit: int = REFUSALS_BEFORE_STOP):
        self.limit = limit
        self._last: tuple[str, int, int] | None = None  # (reason, in a row, templates answered then)

    @property
    def count(self) -> int:
        return self._last[1] if self._last else 0

    def add(
        self, status: str, reason: str | None, current_template: bool, templates_answered: int
    ) -> MiningRefused | None:
        """Record one BIP22 result; a MiningRefused when the streak reaches the limit."""
        if status != "rejected" or reason is None:
            self._last = None
            return None
        last = self._last
        fresh = current_template and (last is None or templates_answered > last[2])
        count = last[1] + 1 if last is not None and last[0] == reason and fresh else 1
        self._last = (reason, count, templates_answered)
        if count < self.limit:
            return None
        return MiningRefused(reason, count, refusal_message(reason, count))
