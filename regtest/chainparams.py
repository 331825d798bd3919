"""Chain parameters for the two chains the node runs.

`regtest` is Bitcoin Core's regtest exactly (kernel/chainparams.cpp, CRegTestParams), so every
block it accepts a real `bitcoind -regtest` accepts too. `lab` is regtest plus real difficulty
retargeting on a short clock, so a class watches difficulty follow hashrate within minutes.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path

from bitcoin.core import CBlock, CoreMainParams

from engine.primitives.params import (
    LESSON_HALVING_INTERVAL,
    LESSON_RETARGET_INTERVAL,
    LESSON_TARGET_SPACING_S,
    REGTEST_GENESIS_BITS,
    ConsensusParams,
)

# CreateGenesisBlock(1296688602, 2, 0x207fffff, 1, 50 * COIN) in CRegTestParams.
REGTEST_GENESIS_TIME = 1296688602
REGTEST_GENESIS_NONCE = 2
REGTEST_GENESIS_HASH = "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"

# Bitcoin Core consensus/consensus.h.
MAX_BLOCK_WEIGHT = 4_000_000
MAX_BLOCK_SIGOPS_COST = 80_000
WITNESS_SCALE_FACTOR = 4

# Lab defaults: a block every 5 s and a retarget every 24 blocks, so about every two minutes.
LAB_TARGET_SPACING_S = 5
LAB_RETARGET_INTERVAL = 24
LAB_HALVING_INTERVAL = 150

# Paces a new lab chain can be created with: (halving interval, target spacing s, retarget interval).
# "classic" is regtest's 150-block halving; "lesson" fits a 30-minute class, with halvings that
# never land on a retarget within it (engine.primitives.params, the lesson pace's one home).
PACES = {
    "classic": (LAB_HALVING_INTERVAL, LAB_TARGET_SPACING_S, LAB_RETARGET_INTERVAL),
    "lesson": (LESSON_HALVING_INTERVAL, LESSON_TARGET_SPACING_S, LESSON_RETARGET_INTERVAL),
}


def genesis_block() -> CBlock:
    """Regtest's genesis: mainnet's genesis transaction with regtest's header fields."""
    main = CoreMainParams.GENESIS_BLOCK
    return CBlock(
        nVersion=1,
        hashPrevBlock=b"\x00" * 32,
        hashMerkleRoot=main.hashMerkleRoot,
        nTime=REGTEST_GENESIS_TIME,
        nBits=REGTEST_GENESIS_BITS,
        nNonce=REGTEST_GENESIS_NONCE,
        vtx=main.vtx,
    )


@dataclass(frozen=True, kw_only=True)
class ChainParams(ConsensusParams):
    """A chain the node runs: its name and RPC port beside the consensus parameters the rules read
    (engine.primitives.params, regtest's by default); printed by getblockchaininfo under "consensus"."""

    name: str
    default_rpc_port: int = 18443  # Core's regtest RPC port

    def to_json(self) -> dict:
        d = dataclasses.asdict(self)
        d["pow_limit"] = f"{self.pow_limit:064x}"
        d["start_bits"] = f"{self.start_bits:08x}"
        return d

    @classmethod
    def from_json(cls, d: dict) -> ChainParams:
        d = dict(d)
        d["pow_limit"] = int(d["pow_limit"], 16)
        d["start_bits"] = int(d["start_bits"], 16)
        return cls(**d)


REGTEST = ChainParams(name="regtest")


def lab_params(
    start_bits: int,
    halving_interval: int = LAB_HALVING_INTERVAL,
    target_spacing_s: int = LAB_TARGET_SPACING_S,
    retarget_interval: int = LAB_RETARGET_INTERVAL,
) -> ChainParams:
    """The classroom chain: regtest plus Core's retarget rule on a short clock."""
    for name, value in (
        ("halving_interval", halving_interval),
        ("target_spacing_s", target_spacing_s),
        ("retarget_interval", retarget_interval),
    ):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive whole number, got {value!r}")
    if retarget_interval < 2:
        raise ValueError("retarget_interval must be at least 2 blocks")
    return ChainParams(
        name="lab",
        halving_interval=halving_interval,
        target_spacing_s=target_spacing_s,
        retarget_interval=retarget_interval,
        no_retargeting=False,
        # A slow lab block must not fall back to the pow limit: that rule would
        # let a burst of instant blocks through, which is not Bitcoin's behaviour.
        allow_min_difficulty_blocks=False,
        start_bits=start_bits,
        default_rpc_port=18449,
    )


PARAMS_FILE = "chainparams.json"


def load_or_create(chain_dir: Path, create) -> ChainParams:
    """Chain parameters are fixed when a chain is created and stored beside its blocks."""
    path = chain_dir / PARAMS_FILE
    if path.exists():
        try:
            return ChainParams.from_json(json.loads(path.read_text()))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path} is damaged ({exc}); move it away to start a new chain") from exc
    params = create()
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as f:
        f.write(json.dumps(params.to_json(), indent=2))
        f.flush()
        os.fsync(f.fileno())  # a power cut must not leave an empty file behind
    tmp.replace(path)
    return params
