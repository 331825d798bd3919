"""Block validation with python-bitcoinlib's types, in Bitcoin Core's order and with its reasons.

Core's ProcessNewBlock runs CheckBlock (context-free), then AcceptBlockHeader (previous block,
ContextualCheckBlockHeader), ContextualCheckBlock, and ConnectBlock. Each failure raises
`BlockInvalid` carrying Core's reject reason, which submitblock returns as its BIP22 result.
"""

from __future__ import annotations

from dataclasses import dataclass

from bitcoin.core import CBlock, CBlockHeader, CTransaction
from bitcoin.core.script import (
    OP_CHECKMULTISIG,
    OP_CHECKMULTISIGVERIFY,
    OP_CHECKSIG,
    OP_CHECKSIGVERIFY,
    CScript,
    CScriptInvalidError,
)

from engine.primitives.chain import MAX_FUTURE_BLOCK_TIME_S
from engine.primitives.hashes import sha256d
from engine.primitives.merkle import (
    MINIMUM_WITNESS_COMMITMENT,
    WITNESS_COMMITMENT_HEADER,
    merkle_root,
    witness_commitment_script,
)
from engine.primitives.merkle import witness_merkle_root as witness_merkle_root_of
from engine.primitives.pow import target_from_bits
from engine.primitives.subsidy import MAX_MONEY_SAT

from .chainparams import MAX_BLOCK_SIGOPS_COST, MAX_BLOCK_WEIGHT, WITNESS_SCALE_FACTOR, ChainParams

LOCKTIME_THRESHOLD = 500_000_000  # script/script.h: below is a height, above a time
SEQUENCE_FINAL = 0xFFFFFFFF
# BlockValidationResult::BLOCK_MUTATED reasons: the header may still be good with another body.
MUTATED_REASONS = frozenset(
    {
        "bad-txnmrklroot",
        "bad-txns-duplicate",
        "bad-witness-nonce-size",
        "bad-witness-merkle-match",
        "unexpected-witness",
    }
)


class BlockInvalid(Exception):
    """A block Core would reject; `reason` is Core's BIP22 reject reason."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def witness_commitment_index(block: CBlock) -> int | None:
    """validation.cpp GetWitnessCommitmentIndex: the last output carrying a commitment."""
    found = None
    for i, out in enumerate(block.vtx[0].vout):
        spk = bytes(out.scriptPubKey)
        if len(spk) >= MINIMUM_WITNESS_COMMITMENT and spk[:6] == WITNESS_COMMITMENT_HEADER:
            found = i
    return found


def witness_merkle_root(block: CBlock) -> bytes:
    """consensus/merkle.cpp BlockWitnessMerkleRoot: the coinbase's wtxid counts as zero."""
    return witness_merkle_root_of([tx.GetHash() for tx in block.vtx[1:]])


def default_witness_commitment(block: CBlock) -> bytes:
    """The commitment script GenerateCoinbaseCommitment adds, for a zero reserved value."""
    return witness_commitment_script([tx.GetHash() for tx in block.vtx[1:]])


def _tx_has_witness(tx: CTransaction) -> bool:
    return not tx.wit.is_null()


def _script_sigops(script: bytes) -> int:
    """script.cpp CScript::GetSigOpCount(false): CHECKSIG counts 1, CHECKMULTISIG 20; counting
    stops at a truncated push, as Core's GetOp does (a coinbase may end in one)."""
    count = 0
    try:
        for op in CScript(script):
            if op in (OP_CHECKSIG, OP_CHECKSIGVERIFY):
                count += 1
            elif op in (OP_CHECKMULTISIG, OP_CHECKMULTISIGVERIFY):
                count += 20
    except CScriptInvalidError:
        pass
    return count


def _legacy_sigops(block: CBlock) -> int:
    """validation.cpp GetLegacySigOpCount summed over the block (inaccurate counting)."""
    return sum(_script_sigops(bytes(txin.scriptSig)) for tx in block.vtx for txin in tx.vin) + sum(
        _script_sigops(bytes(txout.scriptPubKey)) for tx in block.vtx for txout in tx.vout
    )


def check_transaction(tx: CTransaction) -> None:
    """consensus/tx_check.cpp CheckTransaction."""
    if not tx.vin:
        raise BlockInvalid("bad-txns-vin-empty")
    if not tx.vout:
        raise BlockInvalid("bad-txns-vout-empty")
    if len(tx.serialize({"include_witness": False})) * WITNESS_SCALE_FACTOR > MAX_BLOCK_WEIGHT:
        raise BlockInvalid("bad-txns-oversize")
    total = 0
    for out in tx.vout:
        if out.nValue < 0:
            raise BlockInvalid("bad-txns-vout-negative")
        if out.nValue > MAX_MONEY_SAT:
            raise BlockInvalid("bad-txns-vout-toolarge")
        total += out.nValue
        if total > MAX_MONEY_SAT:
            raise BlockInvalid("bad-txns-txouttotal-toolarge")
    prevouts = [(txin.prevout.hash, txin.prevout.n) for txin in tx.vin]
    if len(set(prevouts)) != len(prevouts):
        raise BlockInvalid("bad-txns-inputs-duplicate")
    if tx.is_coinbase():
        if not 2 <= len(tx.vin[0].scriptSig) <= 100:
            raise BlockInvalid("bad-cb-length")
    elif any(txin.prevout.is_null() for txin in tx.vin):
        raise BlockInvalid("bad-txns-prevout-null")


def check_pow_and_merkle(header: CBlockHeader, txids: list[bytes], params: ChainParams, check_pow: bool = True) -> None:
    """CheckBlock's first checks: proof of work (CheckBlockHeader), then the merkle root and
    its CVE-2012-2459 mutation (also for a block known only by its txids, block_scan.py)."""
    if check_pow:
        target = target_from_bits(header.nBits, params.pow_limit)
        if target is None or int.from_bytes(header.GetHash(), "little") > target:
            raise BlockInvalid("high-hash", "proof of work failed")
    root, mutated = merkle_root(txids)
    if root != header.hashMerkleRoot:
        raise BlockInvalid("bad-txnmrklroot", "hashMerkleRoot mismatch")
    if mutated:
        raise BlockInvalid("bad-txns-duplicate", "duplicate transaction")


def check_block(block: CBlock, params: ChainParams, check_pow: bool = True) -> None:
    """validation.cpp CheckBlock (with CheckBlockHeader): rules that need no chain context."""
    check_pow_and_merkle(block, [tx.GetTxid() for tx in block.vtx], params, check_pow)
    stripped_size = len(block.serialize({"include_witness": False}))
    if (
        not block.vtx
        or len(block.vtx) * WITNESS_SCALE_FACTOR > MAX_BLOCK_WEIGHT
        or stripped_size * WITNESS_SCALE_FACTOR > MAX_BLOCK_WEIGHT
    ):
        raise BlockInvalid("bad-blk-length", "size limits failed")
    if not block.vtx[0].is_coinbase():
        raise BlockInvalid("bad-cb-missing", "first tx is not coinbase")
    if any(tx.is_coinbase() for tx in block.vtx[1:]):
        raise BlockInvalid("bad-cb-multiple", "more than one coinbase")
    for tx in block.vtx:
        check_transaction(tx)
    if _legacy_sigops(block) * WITNESS_SCALE_FACTOR > MAX_BLOCK_SIGOPS_COST:
        raise BlockInvalid("bad-blk-sigops", "out-of-bounds SigOpCount")


@dataclass(frozen=True)
class PrevContext:
    """What the contextual checks need to know about the chain below a block."""

    height: int  # height of the previous block
    median_time_past: int  # its GetMedianTimePast()
    expected_bits: int  # GetNextWorkRequired for the new block


def contextual_check_header(block: CBlock, prev: PrevContext, now: int) -> None:
    """validation.cpp ContextualCheckBlockHeader."""
    if block.nBits != prev.expected_bits:
        raise BlockInvalid("bad-diffbits", "incorrect proof of work")
    if block.nTime <= prev.median_time_past:
        raise BlockInvalid("time-too-old", "block's timestamp is too early")
    if block.nTime > now + MAX_FUTURE_BLOCK_TIME_S:
        raise BlockInvalid("time-too-new", "block timestamp too far in the future")
    # Regtest activates BIP34, BIP66 and BIP65 at height 1 (CRegTestParams BIP34Height etc.),
    # so every block after genesis needs nVersion >= 4.
    if block.nVersion < 4:
        raise BlockInvalid(f"bad-version(0x{block.nVersion & 0xFFFFFFFF:08x})", "rejected nVersion block")


def _is_final(tx: CTransaction, height: int, cutoff_time: int) -> bool:
    """consensus/tx_verify.cpp IsFinalTx."""
    if tx.nLockTime == 0:
        return True
    limit = height if tx.nLockTime < LOCKTIME_THRESHOLD else cutoff_time
    if tx.nLockTime < limit:
        return True
    return all(txin.nSequence == SEQUENCE_FINAL for txin in tx.vin)


def bip34_prefix(height: int) -> bytes:
    """CScript() << nHeight: the push every coinbase scriptSig must start with (BIP34)."""
    return bytes(CScript([height]))


def contextual_check_block(block: CBlock, prev: PrevContext) -> None:
    """validation.cpp ContextualCheckBlock (BIP113 finality, BIP34, segwit commitments)."""
    height = prev.height + 1
    for tx in block.vtx:
        if not _is_final(tx, height, prev.median_time_past):
            raise BlockInvalid("bad-txns-nonfinal", "non-final transaction")
    if not bytes(block.vtx[0].vin[0].scriptSig).startswith(bip34_prefix(height)):
        raise BlockInvalid("bad-cb-height", "block height mismatch in coinbase")
    # Segwit is active from genesis on regtest (consensus.SegwitHeight = 0).
    commit_pos = witness_commitment_index(block)
    if commit_pos is not None:
        stack = block.vtx[0].wit.vtxinwit[0].scriptWitness.stack if block.vtx[0].wit.vtxinwit else []
        if len(stack) != 1 or len(stack[0]) != 32:
            raise BlockInvalid("bad-witness-nonce-size", "invalid witness reserved value size")
        expected = sha256d(witness_merkle_root(block) + bytes(stack[0]))
        if bytes(block.vtx[0].vout[commit_pos].scriptPubKey)[6:38] != expected:
            raise BlockInvalid("bad-witness-merkle-match", "witness merkle commitment mismatch")
    elif any(_tx_has_witness(tx) for tx in block.vtx):
        raise BlockInvalid("unexpected-witness", "unexpected witness data found")
    if block.GetWeight() > MAX_BLOCK_WEIGHT:
        raise BlockInvalid("bad-blk-weight", "weight limit failed")
