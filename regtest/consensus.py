"""Consensus arithmetic: compact targets, work, subsidy, retargeting, difficulty.

Each function mirrors the Bitcoin Core function named in its docstring.
"""
from __future__ import annotations

from engine.mining.jobs import difficulty_from_bits

from .chainparams import COIN, ChainParams


def bits_to_target(bits: int) -> tuple[int, bool, bool]:
    """arith_uint256::SetCompact: (target, negative, overflow)."""
    size = bits >> 24
    word = bits & 0x007FFFFF
    if size <= 3:
        target = word >> (8 * (3 - size))
    else:
        target = word << (8 * (size - 3))
    negative = word != 0 and (bits & 0x00800000) != 0
    overflow = word != 0 and (size > 34 or (word > 0xFF and size > 33) or (word > 0xFFFF and size > 32))
    return target, negative, overflow


def target_to_bits(target: int) -> int:
    """arith_uint256::GetCompact for a non-negative target."""
    size = (target.bit_length() + 7) // 8
    if size <= 3:
        compact = target << (8 * (3 - size))
    else:
        compact = target >> (8 * (size - 3))
    # The 0x00800000 bit is the sign; if it is set, use one more byte of mantissa.
    if compact & 0x00800000:
        compact >>= 8
        size += 1
    return compact | (size << 24)


def target_from_bits(bits: int, pow_limit: int) -> int | None:
    """The target nBits encodes, or None when Core's DeriveTarget would reject it."""
    target, negative, overflow = bits_to_target(bits)
    if negative or overflow or target == 0 or target > pow_limit:
        return None
    return target


def block_work(bits: int) -> int:
    """chain.cpp GetBlockProof: expected hashes for a block, 2**256 / (target + 1)."""
    target, negative, overflow = bits_to_target(bits)
    if negative or overflow or target == 0:
        return 0
    return (1 << 256) // (target + 1)


def difficulty(bits: int) -> float:
    """rpc/blockchain.cpp GetDifficulty: how many times harder than nBits 0x1d00ffff."""
    return difficulty_from_bits(bits)


def block_subsidy_sat(height: int, params: ChainParams) -> int:
    """validation.cpp GetBlockSubsidy: 50 BTC halved every interval, zero after 64 halvings."""
    halvings = height // params.halving_interval
    if halvings >= 64:
        return 0
    return (50 * COIN) >> halvings


def calculate_next_work_required(last_bits: int, last_time: int, first_time: int,
                                 params: ChainParams) -> int:
    """pow.cpp CalculateNextWorkRequired: scale the target by the clamped actual timespan."""
    if params.no_retargeting:
        return last_bits
    timespan = params.target_timespan_s
    actual = min(max(last_time - first_time, timespan // 4), timespan * 4)
    target, _, _ = bits_to_target(last_bits)
    new_target = target * actual // timespan
    return target_to_bits(min(new_target, params.pow_limit))


def next_work_required(height: int, prev_bits: int, prev_time: int, block_time: int,
                       ancestor_time, walk_back_bits, params: ChainParams) -> int:
    """pow.cpp GetNextWorkRequired for a block at `height` on top of a previous block.

    `ancestor_time(h)` gives the time of the ancestor at height h; `walk_back_bits()` gives the
    bits of the last block that is not a min-difficulty special (testnet/regtest rule).
    """
    pow_limit_bits = target_to_bits(params.pow_limit)
    if height == 1:
        # Lab chains start at a difficulty matched to the machine (regtest: the pow limit).
        return params.start_bits
    if height % params.retarget_interval != 0:
        if params.allow_min_difficulty_blocks:
            # pow.cpp: a block more than 2 spacings after its parent may use the pow limit.
            if block_time > prev_time + params.target_spacing_s * 2:
                return pow_limit_bits
            return walk_back_bits()
        return prev_bits
    # Go back one interval minus one block, as Core does (the off-by-one is consensus).
    first_height = height - 1 - (params.retarget_interval - 1)
    if first_height == 0 and not params.no_retargeting:
        # Lab: the genesis time (2011) says nothing about this machine; skip the first window.
        return prev_bits
    first_time = ancestor_time(first_height)
    return calculate_next_work_required(prev_bits, prev_time, first_time, params)


def median_time_past(times: list[int]) -> int:
    """chain.h CBlockIndex::GetMedianTimePast over the last (up to) 11 block times."""
    ordered = sorted(times[-11:])
    return ordered[len(ordered) // 2]
