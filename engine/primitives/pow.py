"""Proof of work: compact nBits <-> target, work, difficulty, and the retarget
(pow.cpp CalculateNextWorkRequired / GetNextWorkRequired), lab chains included."""

from __future__ import annotations

from collections.abc import Callable

from engine.primitives.params import ConsensusParams

# Difficulty 1: the target of nBits 0x1d00ffff, 0x00000000FFFF0000...0 (rpc/blockchain.cpp
# GetDifficulty divides by it; Stratum share difficulty uses the same scale).
DIFF1_TARGET = 0xFFFF << 208
# Hashes per unit of difficulty: 2^256 / (DIFF1_TARGET + 1) ~ 2^32 (exactly 2^48 / 65535 in reals).
HASHES_PER_DIFFICULTY = 2**48 / 65535
# pow.cpp CalculateNextWorkRequired: the measured timespan is clamped to [T/4, 4T].
MAX_RETARGET_FACTOR = 4
NONCE_SPACE = 1 << 32  # primitives/block.h: CBlockHeader::nNonce is a uint32_t


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
    """The target nBits encodes, or None when pow.cpp DeriveTarget would reject it."""
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


def difficulty_from_bits(bits: int) -> float:
    """rpc/blockchain.cpp GetDifficulty: how many times harder than nBits 0x1d00ffff."""
    if isinstance(bits, bool) or not isinstance(bits, int) or not 0 <= bits < 2**32 or not bits & 0x00FFFFFF:
        raise ValueError(f"bits must be a compact target (32-bit int), got {bits!r}")
    shift = (bits >> 24) & 0xFF
    diff = 0x0000FFFF / (bits & 0x00FFFFFF)
    while shift < 29:
        diff *= 256.0
        shift += 1
    while shift > 29:
        diff /= 256.0
        shift -= 1
    return diff


def target_for_difficulty(difficulty: float) -> int:
    """The target of a (share) difficulty: DIFF1_TARGET / difficulty, as pools and miners use it."""
    if not difficulty > 0:
        raise ValueError(f"difficulty must be positive, got {difficulty!r}")
    return min(int(DIFF1_TARGET / difficulty), (1 << 256) - 1)


def difficulty_for_target(target: int) -> float:
    """The difficulty a target (or a hash read as a number) stands for: DIFF1_TARGET / target."""
    return DIFF1_TARGET / max(target, 1)


def calculate_next_target(old_target: int, actual_timespan_s: int, target_timespan_s: int, pow_limit: int) -> int:
    """pow.cpp CalculateNextWorkRequired's arithmetic: clamp the measured timespan to
    [T/4, 4T], scale the target by actual / T, cap at the pow limit."""
    timespan = min(
        max(actual_timespan_s, target_timespan_s // MAX_RETARGET_FACTOR), target_timespan_s * MAX_RETARGET_FACTOR
    )
    return min(old_target * timespan // target_timespan_s, pow_limit)


def calculate_next_work_required(last_bits: int, last_time: int, first_time: int, params: ConsensusParams) -> int:
    """pow.cpp CalculateNextWorkRequired: nBits after a retarget window."""
    if params.no_retargeting:
        return last_bits
    target, _, _ = bits_to_target(last_bits)
    return target_to_bits(
        calculate_next_target(target, last_time - first_time, params.target_timespan_s, params.pow_limit)
    )


def retargets_at(height: int, params: ConsensusParams) -> bool:
    """Whether the block at `height` gets a new difficulty (pow.cpp GetNextWorkRequired): a
    multiple of the interval on a retargeting chain, but not the first one, whose window would
    start at the 2011 genesis (lab chains skip it; next_work_required keeps the parent's bits)."""
    return not params.no_retargeting and height > params.retarget_interval and height % params.retarget_interval == 0


def next_retarget_height(height: int, params: ConsensusParams) -> int | None:
    """The first height above `height` whose block retargets (retargets_at); None on a chain
    that never retargets (regtest)."""
    if params.no_retargeting:
        return None
    interval = params.retarget_interval
    nxt = (height // interval + 1) * interval
    return nxt if retargets_at(nxt, params) else nxt + interval


def next_work_required(
    height: int,
    prev_bits: int,
    prev_time: int,
    block_time: int,
    ancestor_time: Callable[[int], int],
    params: ConsensusParams,
    walk_back_bits: Callable[[], int] | None = None,
) -> int:
    """pow.cpp GetNextWorkRequired for a block at `height` on top of a previous block.

    `ancestor_time(h)` gives the time of the ancestor at height h on the same branch (asked only at
    a retarget); `walk_back_bits()` the bits of the last block that is not a min-difficulty special
    (testnet rule). Without it the parent's bits stand in, which is what the walk finds on lab
    chains (no min-difficulty blocks) and on regtest (every block at the pow limit).
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
            return walk_back_bits() if walk_back_bits is not None else prev_bits
        return prev_bits
    if not retargets_at(height, params):
        # no retargeting: CalculateNextWorkRequired returns the parent's bits; the first window
        # (lab): the genesis time (2011) says nothing about this machine, so it is skipped
        return prev_bits
    # Go back one interval minus one block, as Core does (the off-by-one is consensus).
    first_height = height - 1 - (params.retarget_interval - 1)
    first_time = ancestor_time(first_height)
    return calculate_next_work_required(prev_bits, prev_time, first_time, params)
