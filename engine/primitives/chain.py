"""Chain rules (chain.h, consensus.h): the median time past, how far ahead a header may be, coinbase
maturity and the block version templates use."""

from __future__ import annotations

MAX_FUTURE_BLOCK_TIME_S = 2 * 60 * 60  # chain.h MAX_FUTURE_BLOCK_TIME: two hours
MEDIAN_TIME_SPAN = 11  # chain.h CBlockIndex::nMedianTimeSpan
COINBASE_MATURITY = 100  # consensus/consensus.h: a coinbase output is spendable 100 blocks later
BLOCK_VERSION = 0x20000000  # versionbits.h VERSIONBITS_TOP_BITS: the version Core's templates use


def median_time_past(times: list[int]) -> int:
    """chain.h CBlockIndex::GetMedianTimePast over the last (up to) 11 block times."""
    ordered = sorted(times[-MEDIAN_TIME_SPAN:])
    return ordered[len(ordered) // 2]
