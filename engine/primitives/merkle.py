"""Merkle trees of txids (consensus/merkle.cpp): the root with Core's CVE-2012-2459 mutation flag,
a leaf's branch and the root from a branch (Stratum), and the BIP141 witness commitment."""

from __future__ import annotations

from engine.primitives.hashes import sha256d

WITNESS_RESERVED_VALUE = bytes(32)  # BIP141: the coinbase witness; Core's miner uses zeros too
# OP_RETURN, a 36-byte push, then BIP141's commitment magic aa21a9ed (consensus/validation.h).
WITNESS_COMMITMENT_HEADER = bytes.fromhex("6a24aa21a9ed")
MINIMUM_WITNESS_COMMITMENT = 38  # consensus/validation.h: header + 32-byte commitment


def merkle_root(hashes: list[bytes]) -> tuple[bytes, bool]:
    """consensus/merkle.cpp ComputeMerkleRoot over internal-byte-order hashes: (root, mutated).

    `mutated` flags two equal sibling hashes, the CVE-2012-2459 duplication Core rejects.
    """
    level = list(hashes)
    mutated = False
    if not level:
        return b"\x00" * 32, False
    while len(level) > 1:
        for i in range(0, len(level) - 1, 2):
            if level[i] == level[i + 1]:
                mutated = True
        if len(level) % 2:
            level.append(level[-1])
        level = [sha256d(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0], mutated


def merkle_branch(txids: list[bytes]) -> list[bytes]:
    """The coinbase's merkle path (internal byte order): the sibling at each level, with the
    coinbase at index 0 and the other transactions' txids after it (ckpool's gen_merkle_branch)."""
    branch: list[bytes] = []
    level = [b""] + list(txids)  # the coinbase's slot; its hash never matters for its own path
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])  # consensus/merkle.cpp: an odd level repeats its last hash
        branch.append(level[1])
        level = [b""] + [sha256d(level[i] + level[i + 1]) for i in range(2, len(level), 2)]
    return branch


def root_from_branch(coinbase_txid: bytes, branch: list[bytes]) -> bytes:
    """The merkle root from the coinbase's txid and its branch (the leaf is always at index 0)."""
    root = coinbase_txid
    for sibling in branch:
        root = sha256d(root + sibling)
    return root


def witness_merkle_root(wtxids: list[bytes]) -> bytes:
    """consensus/merkle.cpp BlockWitnessMerkleRoot for the non-coinbase wtxids: the coinbase's counts as zero."""
    return merkle_root([bytes(32)] + list(wtxids))[0]


def witness_commitment_script(wtxids: list[bytes], reserved_value: bytes = WITNESS_RESERVED_VALUE) -> bytes:
    """The coinbase output script committing to the block's wtxids (BIP141; Core validation.cpp
    GenerateCoinbaseCommitment). `wtxids` excludes the coinbase."""
    return WITNESS_COMMITMENT_HEADER + sha256d(witness_merkle_root(wtxids) + reserved_value)
