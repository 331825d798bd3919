"""The consensus parameters the rules read (Core consensus/params.h Consensus::Params), with
regtest's values as defaults, and their reading from getblockchaininfo's `consensus` object
(our node's extension: a node without it is taken as Core's regtest)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# kernel/chainparams.cpp CRegTestParams: powLimit 7fff...ff as nBits 0x207fffff expands it.
REGTEST_POW_LIMIT = 0x7FFFFF << 232
REGTEST_GENESIS_BITS = 0x207FFFFF
REGTEST_HALVING_INTERVAL = 150  # CRegTestParams: consensus.nSubsidyHalvingInterval
MAINNET_HALVING_INTERVAL = 210_000  # CMainParams: consensus.nSubsidyHalvingInterval
TARGET_SPACING_S = 600  # consensus.nPowTargetSpacing = 10 * 60 (every chain of Core's)
RETARGET_INTERVAL = 2016  # nPowTargetTimespan (14 days) / nPowTargetSpacing
TARGET_TIMESPAN_S = TARGET_SPACING_S * RETARGET_INTERVAL  # consensus.nPowTargetTimespan

# The lesson pace, a lab-chain parameter (regtest keeps Core's 150-block halving, so a Core
# `bitcoind -regtest` still accepts every regtest block): a block every 5 s, a retarget every 24
# blocks and a halving every 50. 24 and 50 first meet at block 600 (their least common multiple),
# far past a 30-minute lesson's ~360 blocks, so no halving ever lands on a retarget and the class
# sees each one's effect alone; 360 blocks hold 7 halvings and 15 retargets on paper, so slow
# stretches (cores moved to AI before a retarget catches up) still leave at least 4 and 8.
LESSON_TARGET_SPACING_S = 5
LESSON_RETARGET_INTERVAL = 24
LESSON_HALVING_INTERVAL = 50
LESSON_MINUTES = 30


@dataclass(frozen=True)
class ConsensusParams:
    """What the proof-of-work and subsidy rules read; regtest's values by default. Lab chains
    retarget on a short clock and start at a difficulty sized to the machine (`start_bits`)."""

    pow_limit: int = REGTEST_POW_LIMIT
    halving_interval: int = REGTEST_HALVING_INTERVAL
    target_spacing_s: int = TARGET_SPACING_S
    retarget_interval: int = RETARGET_INTERVAL  # Params::DifficultyAdjustmentInterval()
    no_retargeting: bool = True  # regtest: consensus.fPowNoRetargeting = true
    # regtest: consensus.fPowAllowMinDifficultyBlocks = true (no effect while no retargeting)
    allow_min_difficulty_blocks: bool = True
    # nBits of block 1 (lab: matched to the machine's hashrate when the chain is created)
    start_bits: int = REGTEST_GENESIS_BITS

    @property
    def target_timespan_s(self) -> int:
        return self.target_spacing_s * self.retarget_interval

    def to_consensus(self) -> dict[str, Any]:
        """The fields of getblockchaininfo's `consensus` (our node's extension) that from_consensus reads."""
        return {
            "pow_limit": f"{self.pow_limit:064x}",
            "pow_target_spacing": self.target_spacing_s,
            "difficulty_adjustment_interval": self.retarget_interval,
            "pow_no_retargeting": self.no_retargeting,
            "pow_allow_min_difficulty_blocks": self.allow_min_difficulty_blocks,
            "subsidy_halving_interval": self.halving_interval,
            "start_bits": f"{self.start_bits:08x}",
        }

    @classmethod
    def from_consensus(cls, consensus: Mapping[str, Any] | None) -> ConsensusParams:
        """From getblockchaininfo's `consensus` (our node's extension); Core's regtest when absent."""
        c = consensus or {}
        default = cls()
        return cls(
            pow_limit=int(c["pow_limit"], 16) if c.get("pow_limit") else default.pow_limit,
            halving_interval=int(c.get("subsidy_halving_interval", default.halving_interval)),
            target_spacing_s=int(c.get("pow_target_spacing", default.target_spacing_s)),
            retarget_interval=int(c.get("difficulty_adjustment_interval", default.retarget_interval)),
            no_retargeting=bool(c.get("pow_no_retargeting", default.no_retargeting)),
            allow_min_difficulty_blocks=bool(
                c.get("pow_allow_min_difficulty_blocks", default.allow_min_difficulty_blocks)
            ),
            start_bits=int(str(c["start_bits"]), 16) if c.get("start_bits") else default.start_bits,
        )
