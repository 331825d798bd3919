"""The next block's nBits from the chain's parameters, as a node applies Bitcoin Core's pow.cpp
GetNextWorkRequired. The engine may not import `regtest`, so this mirrors
regtest/consensus.py `next_work_required` for anyone building blocks off the node (the private
branch of the 51% demo); tests/test_attack_retarget.py checks both agree on a real lab chain.
"""
from __future__ import annotations

from typing import Callable, Mapping

from engine.economy.economics import next_target
from engine.mining.jobs import bits_to_target, target_to_bits

REGTEST_POW_LIMIT = (1 << 255) - 1  # chainparams.cpp CRegTestParams powLimit, 7fff...ff


def next_work_required(height: int, prev_bits: int, prev_time: int, block_time: int,
                       ancestor_time: Callable[[int], int], consensus: Mapping) -> int:
    """nBits for a block at `height` on a parent with `prev_bits`/`prev_time`.

    `consensus` is getblockchaininfo's `consensus` (our node's extension; Core's regtest when
    empty); `ancestor_time(h)` is the time of the block at height h on the same branch, asked only
    at a retarget.
    """
    interval = int(consensus.get("difficulty_adjustment_interval", 2016))
    spacing_s = int(consensus.get("pow_target_spacing", 600))
    pow_limit = int(consensus["pow_limit"], 16) if consensus.get("pow_limit") else REGTEST_POW_LIMIT
    if height == 1 and consensus.get("start_bits"):
        return int(consensus["start_bits"], 16)  # lab chains start at a difficulty sized to the machine
    if consensus.get("pow_no_retargeting", True) or height % interval != 0:
        # pow.cpp: on chains allowing min-difficulty blocks a block more than two spacings after its
        # parent may use the pow limit; otherwise the parent's bits (the walk back over earlier
        # min-difficulty blocks finds the parent's own bits on lab chains and on regtest).
        if consensus.get("pow_allow_min_difficulty_blocks", True) and block_time > prev_time + 2 * spacing_s:
            return target_to_bits(pow_limit)
        return prev_bits
    first_height = height - interval  # Core goes back interval - 1 blocks from the parent
    if first_height == 0:
        return prev_bits  # lab chains skip the first window: the genesis time (2011) says nothing here
    target = next_target(bits_to_target(prev_bits), prev_time - ancestor_time(first_height),
                         spacing_s * interval, pow_limit)
    return target_to_bits(target)
