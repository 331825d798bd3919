"""Time rules of the chain (chain.h): the median time past and how far ahead a header may be."""

from __future__ import annotations

MAX_FUTURE_BLOCK_TIME_S = 2 * 60 * 60  # chain.h MAX_FUTURE_BLOCK_TIME: two hours
MEDIAN_TIME_SPAN = 11  # chain.h CBlockIndex::nMedianTimeSpan


def median_time_past(times: list[int]) -> int:
    """chain.h CBlockIndex::GetMedianTimePast over the last (up to) 11 block times."""
    ordered = sorted(times[-MEDIAN_TIME_SPAN:])
    return ordered[len(ordered) // 2]
