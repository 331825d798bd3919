"""From a getblocktemplate result to a header to hash and a block to submit (BIP22/BIP23).

The coinbase carries the BIP34 height, our extranonce and tag, pays the template's
`coinbasevalue` to the payout script, and, only when the template's `rules` include segwit
(BIP9/BIP145), adds the witness commitment output plus the 32-byte witness reserved value
(BIP141). A node without segwit (bcoin's regtest) still sends a `default_witness_commitment`
but refuses any witness as `unexpected-witness`, so the commitment alone is no sign of segwit. Serialization is python-bitcoinlib's; the template's transactions are copied into
the block byte for byte.
"""

from __future__ import annotations

import hashlib
import struct
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from bitcoin.core import (
    CMutableTransaction,
    COutPoint,
    CScriptWitness,
    CTransaction,
    CTxIn,
    CTxInWitness,
    CTxOut,
    CTxWitness,
)
from bitcoin.core.script import OP_0, OP_TRUE, CScript
from bitcoin.core.serialize import VarIntSerializer

from engine.mining.kernels.common import job_params
from engine.primitives.chain import MAX_FUTURE_BLOCK_TIME_S
from engine.primitives.hashes import sha256d
from engine.primitives.merkle import WITNESS_RESERVED_VALUE, merkle_root, witness_commitment_script
from engine.primitives.pow import bits_to_target

if TYPE_CHECKING:
    import numpy as np

COINBASE_TAG = b"/mine2compute/"
EXTRANONCE_SIZE = 8
# Anyone-can-spend P2WSH(OP_TRUE): the default payout when no address is given, the same
# output Bitcoin Core's functional tests mine to (test_framework/address.py ADDRESS_BCRT1_P2WSH_OP_TRUE).
DEFAULT_PAYOUT_SCRIPT = CScript([OP_0, hashlib.sha256(bytes(CScript([OP_TRUE]))).digest()])


@dataclass(frozen=True)
class TemplateTx:
    data: bytes
    txid: bytes  # internal byte order
    wtxid: bytes  # internal byte order


@dataclass(frozen=True)
class BlockTemplate:
    """The fields of a getblocktemplate result the miner uses (Core rpc/mining.cpp)."""

    height: int
    version: int
    previous_block_hash: str  # display hex, as RPC shows it
    bits: int
    target: int
    curtime: int
    mintime: int
    coinbase_value: int
    transactions: tuple[TemplateTx, ...]
    default_witness_commitment: bytes | None
    longpollid: str | None
    rules: tuple[str, ...]  # BIP9 rules in force, "!" marking those the miner must understand
    raw: dict = field(repr=False, compare=False)

    @property
    def segwit(self) -> bool:
        """Whether the block must carry the witness commitment (BIP145: segwit in `rules`,
        Core's form "!segwit"; pooler's cpuminer decides the same way)."""
        return any(rule.lstrip("!") == "segwit" for rule in self.rules)

    @classmethod
    def from_rpc(cls, result: dict) -> BlockTemplate:
        txs = tuple(
            TemplateTx(
                bytes.fromhex(t["data"]), bytes.fromhex(t["txid"])[::-1], bytes.fromhex(t.get("hash", t["txid"]))[::-1]
            )
            for t in result.get("transactions", [])
        )
        bits = int(result["bits"], 16)
        target = int(result["target"], 16) if "target" in result else bits_to_target(bits)[0]
        commitment = result.get("default_witness_commitment")
        rules = result.get("rules", [])
        if not isinstance(rules, list) or not all(isinstance(rule, str) for rule in rules):
            raise ValueError(f"getblocktemplate 'rules' must be a list of strings, got {rules!r}")
        return cls(
            height=int(result["height"]),
            version=int(result["version"]),
            previous_block_hash=result["previousblockhash"],
            bits=bits,
            target=target,
            curtime=int(result["curtime"]),
            mintime=int(result.get("mintime", 0)),
            coinbase_value=int(result["coinbasevalue"]),
            transactions=txs,
            default_witness_commitment=bytes.fromhex(commitment) if commitment else None,
            longpollid=result.get("longpollid"),
            rules=tuple(rules),
            raw=result,
        )

    def time_in_bounds(self, now_s: float | None = None) -> bool:
        """Whether some header time is both >= mintime and within Core's two-hour future limit.

        False while a chain mined far faster than its target spacing (regtest at full speed) has
        its median time past more than two hours ahead of the clock.
        """
        now = int(time.time() if now_s is None else now_s)
        return self.mintime <= max(self.curtime, now) + MAX_FUTURE_BLOCK_TIME_S - 60

    def header_time(self, now_s: float | None = None) -> int:
        """Header time: the clock, kept within the template's bounds (>= mintime, the median
        time past + 1; <= curtime + MAX_FUTURE_BLOCK_TIME, Core validation.cpp ContextualCheckBlockHeader)."""
        now = int(time.time() if now_s is None else now_s)
        return max(self.mintime, min(now, self.curtime + MAX_FUTURE_BLOCK_TIME_S - 60))


def coinbase_script_sig(height: int, extranonce: bytes) -> CScript:
    # BIP34: the scriptSig starts with the height pushed as CScriptNum, exactly as Core's
    # `CScript() << nHeight` (OP_1..OP_16 for 1..16; validation.cpp ContextualCheckBlock).
    return CScript([height, extranonce, COINBASE_TAG])


def build_coinbase(template: BlockTemplate, payout_script: bytes, extranonce: bytes) -> CTransaction:
    outputs = [CTxOut(template.coinbase_value, CScript(payout_script))]
    witness = CTxWitness()
    commitment = None
    if template.segwit:  # without segwit a witness is "unexpected-witness" (Core validation.cpp CheckWitnessMalleation)
        commitment = template.default_witness_commitment
        if commitment is None and any(t.txid != t.wtxid for t in template.transactions):
            commitment = bytes(witness_commitment_script([t.wtxid for t in template.transactions]))
    if commitment is not None:
        outputs.append(CTxOut(0, CScript(commitment)))
        witness = CTxWitness([CTxInWitness(CScriptWitness([WITNESS_RESERVED_VALUE]))])
    tx = CMutableTransaction(
        [CTxIn(COutPoint(), coinbase_script_sig(template.height, extranonce), 0xFFFFFFFF)],
        outputs,
        nLockTime=0,
        nVersion=2,
        witness=witness,
    )
    return CTransaction.from_tx(tx)


class MinerWork(Protocol):
    """What the Miner reads of a source's work (BlockTemplate from a node,
    engine.mining.stratum_client.StratumWork from a pool)."""

    @property
    def height(self) -> int | None: ...  # None: a pool's coinbase that does not show it

    @property
    def previous_block_hash(self) -> str: ...

    @property
    def transactions(self) -> Sequence[Any]: ...

    @property
    def target(self) -> int: ...

    def time_in_bounds(self, now_s: float | None = None) -> bool: ...


class HeaderWork:
    """What the miner's workers need from any job (solo or Stratum): the 76 header bytes before
    the nonce and the target; subclasses are dataclasses with `template` and `header76`."""

    template: MinerWork
    header76: bytes

    @property
    def target(self) -> int:
        return self.template.target

    def params(self) -> np.ndarray:
        """Kernel parameters (midstate and header tail) for this header."""
        return job_params(self.header76 + bytes(4))

    def header(self, nonce: int) -> bytes:
        return self.header76 + struct.pack("<I", nonce)

    def block_hash(self, nonce: int) -> str:
        return sha256d(self.header(nonce))[::-1].hex()


@dataclass
class BlockJob(HeaderWork):
    """One header to hash: a template with our coinbase (one extranonce) and a header time."""

    template: BlockTemplate
    extranonce: bytes
    ntime: int
    coinbase: CTransaction = field(repr=False)
    merkle_root: bytes = field(repr=False)
    header76: bytes = field(repr=False)

    def block_bytes(self, nonce: int) -> bytes:
        txs = [self.coinbase.serialize()] + [t.data for t in self.template.transactions]
        return self.header(nonce) + VarIntSerializer.serialize(len(txs)) + b"".join(txs)

    def block_hex(self, nonce: int) -> str:
        return self.block_bytes(nonce).hex()


def make_job(template: BlockTemplate, payout_script: bytes, extranonce: bytes, ntime: int | None = None) -> BlockJob:
    if len(extranonce) != EXTRANONCE_SIZE:
        raise ValueError(f"extranonce is {EXTRANONCE_SIZE} bytes, got {len(extranonce)}")
    coinbase = build_coinbase(template, payout_script, extranonce)
    root, _ = merkle_root([coinbase.GetTxid()] + [t.txid for t in template.transactions])
    ntime = template.header_time() if ntime is None else ntime
    header76 = (
        struct.pack("<i", template.version)
        + bytes.fromhex(template.previous_block_hash)[::-1]
        + root
        + struct.pack("<II", ntime, template.bits)
    )
    return BlockJob(template, extranonce, ntime, coinbase, root, header76)


def submit_outcome(result) -> tuple[str, str | None]:
    """(status, reason) of a submitblock answer, for the miner and the pool alike. BIP22 (Core
    rpc/mining.cpp BIP22ValidationResult): null is accepted, "duplicate" means the node already
    had it (a retry after a lost answer), "inconclusive" is valid but not on the best chain."""
    if result is None or result == "duplicate":
        return "accepted", None
    if result in ("inconclusive", "duplicate-inconclusive"):
        return "stale", result
    return "rejected", str(result)
