"""Blocks, transactions and scripts to and from the RPC's JSON, as Bitcoin Core's core_io.h does it
(core_read.cpp DecodeHexTx/DecodeHexBlk, core_write.cpp ValueFromAmount, ScriptToUniv, TxToUniv)."""

from __future__ import annotations

from typing import Any

from bitcoin.base58 import CBase58Data
from bitcoin.core import CBlock, CTransaction, b2lx
from bitcoin.core.script import CScript

from engine.primitives.rpc_errors import RPC_DESERIALIZATION_ERROR
from engine.primitives.script import PUBKEY_ADDRESS_VERSION, SCRIPT_ADDRESS_VERSION, encode_segwit_address
from engine.primitives.subsidy import COIN
from regtest.descriptors import with_checksum
from regtest.policy import script_kind

from .errors import RPCError
from .params import is_hex


def amount(sat: int) -> float:
    """ValueFromAmount: BTC with eight decimals."""
    return round(sat / COIN, 8)


def decode_block(hexdata: str) -> CBlock:
    """core_read.cpp DecodeHexBlk: strict hex (IsHex: no whitespace), then the block."""
    if not is_hex(hexdata):
        raise RPCError(RPC_DESERIALIZATION_ERROR, "Block decode failed")
    try:
        return CBlock.deserialize(bytes.fromhex(hexdata))
    except Exception:  # python-bitcoinlib raises many types on bad data (struct, EOF, ...)
        raise RPCError(RPC_DESERIALIZATION_ERROR, "Block decode failed") from None


def decode_tx(hexstring: str) -> CTransaction:
    """core_read.cpp DecodeHexTx: strict hex, every byte consumed."""
    if not is_hex(hexstring):
        raise RPCError(RPC_DESERIALIZATION_ERROR, "TX decode failed")
    try:
        return CTransaction.deserialize(bytes.fromhex(hexstring))
    except Exception:  # python-bitcoinlib raises many types on bad data
        raise RPCError(RPC_DESERIALIZATION_ERROR, "TX decode failed") from None


def script_asm(spk: bytes) -> str:
    try:
        return " ".join(op.hex() if isinstance(op, bytes) else str(op) for op in CScript(spk))
    except Exception:  # an unparsable script still gets shown, as Core shows "[error]"
        return "[error]"


def address_for(spk: bytes) -> str | None:
    kind = script_kind(spk)
    if kind in ("witness_v0_keyhash", "witness_v0_scripthash", "witness_v1_taproot", "anchor", "witness_unknown"):
        version = 0 if spk[0] == 0 else spk[0] - 0x50
        return encode_segwit_address(version, spk[2:])
    if kind in ("pubkeyhash", "scripthash"):
        if kind == "pubkeyhash":
            return str(CBase58Data.from_bytes(spk[3:23], PUBKEY_ADDRESS_VERSION))
        return str(CBase58Data.from_bytes(spk[2:22], SCRIPT_ADDRESS_VERSION))
    return None


def script_descriptor(spk: bytes, address: str | None) -> str:
    """InferDescriptor for a script without key information: addr() or raw()."""
    return with_checksum(f"addr({address})" if address else f"raw({spk.hex()})")


def script_json(spk: bytes) -> dict:
    """core_write.cpp ScriptToUniv with hex and address."""
    address = address_for(spk)
    out = {"asm": script_asm(spk), "desc": script_descriptor(spk, address), "hex": spk.hex()}
    if address:
        out["address"] = address
    out["type"] = script_kind(spk)  # one Solver for relay policy and the RPC
    return out


def tx_json(tx, include_hex: bool = True) -> dict:
    """core_write.cpp TxToUniv (without the fee and prevouts of verbosity 2)."""
    vin = []
    for i, txin in enumerate(tx.vin):
        item: dict[str, Any] = (
            {"coinbase": bytes(txin.scriptSig).hex()}
            if tx.is_coinbase()
            else {
                "txid": b2lx(txin.prevout.hash),
                "vout": txin.prevout.n,
                "scriptSig": {"asm": script_asm(bytes(txin.scriptSig)), "hex": bytes(txin.scriptSig).hex()},
            }
        )
        if i < len(tx.wit.vtxinwit) and not tx.wit.vtxinwit[i].is_null():
            item["txinwitness"] = [bytes(x).hex() for x in tx.wit.vtxinwit[i].scriptWitness.stack]
        item["sequence"] = txin.nSequence
        vin.append(item)
    vout = []
    for n, out in enumerate(tx.vout):
        vout.append({"value": amount(out.nValue), "n": n, "scriptPubKey": script_json(bytes(out.scriptPubKey))})
    raw = tx.serialize()
    stripped = len(tx.serialize({"include_witness": False}))
    weight = stripped * 3 + len(raw)
    result = {
        "txid": b2lx(tx.GetTxid()),
        "hash": b2lx(tx.GetHash()),
        "version": tx.nVersion,
        "size": len(raw),
        "vsize": (weight + 3) // 4,
        "weight": weight,
        "locktime": tx.nLockTime,
        "vin": vin,
        "vout": vout,
    }
    if include_hex:
        result["hex"] = raw.hex()
    return result
