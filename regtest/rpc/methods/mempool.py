"""The mempool RPCs with Bitcoin Core's names, parameters, results and errors (rpc/mempool.cpp,
node/transaction.cpp BroadcastTransaction): sending and testing transactions, and reading the pool."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bitcoin.core import CTransaction, b2lx

from engine.primitives.rpc_errors import (
    RPC_INVALID_ADDRESS_OR_KEY,
    RPC_INVALID_PARAMETER,
    RPC_VERIFY_ALREADY_IN_UTXO_SET,
    RPC_VERIFY_ERROR,
    RPC_VERIFY_REJECTED,
)
from regtest.policy import vsize_of
from regtest.tx_validation import TxInvalid, is_unspendable

from ..core_io import amount, decode_tx
from ..errors import RPCError
from ..params import Command, Param, amount_from_value, check_type, fee_rate_from_value, parse_hash

if TYPE_CHECKING:
    from .table import RPCMethods

DEFAULT_MAX_FEE_RATE_BTC_PER_KVB = "0.10"  # node/transaction.h DEFAULT_MAX_RAW_TX_FEE_RATE
MAX_PACKAGE_COUNT = 25  # policy/packages.h


def sendrawtransaction(node: RPCMethods, hexstring, maxfeerate, maxburnamount):
    tx = decode_tx(hexstring)
    max_rate = fee_rate_from_value(maxfeerate)
    max_burn = amount_from_value(maxburnamount)
    for out in tx.vout:
        if is_unspendable(bytes(out.scriptPubKey)) and out.nValue > max_burn:
            raise RPCError(RPC_VERIFY_ERROR, "Unspendable output exceeds maximum configured by user (maxburnamount)")
    txid = tx.GetTxid()
    with node.chain.lock:
        if txid in node.mempool.entries:  # BroadcastTransaction: already there is success
            return b2lx(txid)
        if any((txid, n) in node.chain.utxo for n in range(len(tx.vout))):
            raise RPCError(RPC_VERIFY_ALREADY_IN_UTXO_SET, "Transaction outputs already in utxo set")
    max_fee = _max_fee(tx, max_rate)
    try:
        node.mempool.accept(tx, max_fee_sat=max_fee)
    except TxInvalid as exc:
        if exc.reason == "max-fee-exceeded":
            raise RPCError(
                RPC_VERIFY_ERROR, "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)"
            ) from None
        if exc.missing_inputs:
            raise RPCError(RPC_VERIFY_ERROR, str(exc)) from None
        raise RPCError(RPC_VERIFY_REJECTED, str(exc)) from None
    return b2lx(txid)


def _max_fee(tx: CTransaction, rate_sat_per_kvb: int) -> int | None:
    if rate_sat_per_kvb == 0:
        return None
    stripped = len(tx.serialize({"include_witness": False}))
    vsize = vsize_of(stripped * 3 + len(tx.serialize()))
    return rate_sat_per_kvb * vsize // 1000


def testmempoolaccept(node: RPCMethods, rawtxs, maxfeerate):
    max_rate = fee_rate_from_value(maxfeerate)
    if not 1 <= len(rawtxs) <= MAX_PACKAGE_COUNT:
        raise RPCError(RPC_INVALID_PARAMETER, f"Array must contain between 1 and {MAX_PACKAGE_COUNT} transactions.")
    for raw in rawtxs:
        check_type(raw, "string")
    txs = [decode_tx(raw) for raw in rawtxs]
    if len(txs) > 1:
        raise RPCError(RPC_INVALID_PARAMETER, "this node tests one transaction per call (packages are not supported)")
    tx = txs[0]
    result = {"txid": b2lx(tx.GetTxid()), "wtxid": b2lx(tx.GetHash())}
    try:
        accepted = node.mempool.accept(tx, test_only=True, max_fee_sat=_max_fee(tx, max_rate))
    except TxInvalid as exc:
        reason = "missing-inputs" if exc.missing_inputs else exc.reason
        return [dict(result, allowed=False, **{"reject-reason": reason, "reject-details": str(exc)})]
    return [
        dict(
            result,
            allowed=True,
            vsize=accepted.vsize,
            fees={
                "base": amount(accepted.fee),
                "effective-feerate": amount(accepted.fee * 1000 // accepted.vsize),
                "effective-includes": [result["wtxid"]],
            },
        )
    ]


def _entry_json(node: RPCMethods, entry) -> dict:
    """rpc/mempool.cpp entryToJSON."""
    pool = node.mempool
    ancestors = pool.ancestors([entry.txid])
    descendants = pool.descendants(entry.txid)
    fee_of = lambda txids: sum(pool.entries[t].fee for t in txids)  # noqa: E731
    size_of = lambda txids: sum(pool.entries[t].vsize for t in txids)  # noqa: E731
    return {
        "vsize": entry.vsize,
        "weight": entry.weight,
        "time": entry.time,
        "height": entry.height,
        "descendantcount": len(descendants),
        "descendantsize": size_of(descendants),
        "ancestorcount": len(ancestors),
        "ancestorsize": size_of(ancestors),
        "wtxid": b2lx(entry.wtxid),
        "fees": {
            "base": amount(entry.fee),
            "modified": amount(entry.fee),
            "ancestor": amount(fee_of(ancestors)),
            "descendant": amount(fee_of(descendants)),
        },
        "depends": sorted(b2lx(t) for t in entry.parents),
        "spentby": sorted(b2lx(t) for t in entry.children),
        "bip125-replaceable": pool.replaceable(entry),
        "unbroadcast": False,
    }


def getrawmempool(node: RPCMethods, verbose, mempool_sequence):
    with node.chain.lock:
        entries = sorted(node.mempool.entries.values(), key=lambda e: e.sequence)
        if verbose:
            if mempool_sequence:
                raise RPCError(RPC_INVALID_PARAMETER, "Verbose results cannot contain mempool sequence values.")
            return {b2lx(e.txid): _entry_json(node, e) for e in entries}
        txids = [b2lx(e.txid) for e in entries]
        if mempool_sequence:
            return {"txids": txids, "mempool_sequence": node.mempool.transactions_updated}
        return txids


def getmempoolentry(node: RPCMethods, txid):
    txid_bytes = parse_hash(txid, "parameter 1")
    with node.chain.lock:
        entry = node.mempool.entries.get(txid_bytes)
        if entry is None:
            raise RPCError(RPC_INVALID_ADDRESS_OR_KEY, "Transaction not in mempool")
        return _entry_json(node, entry)


def getmempoolinfo(node: RPCMethods):
    pool = node.mempool
    with node.chain.lock:
        entries = list(pool.entries.values())
        return {
            "loaded": pool.loaded,
            "size": len(entries),
            "bytes": sum(e.vsize for e in entries),
            "usage": pool.usage,  # this node's own count (regtest/mempool_limits.py)
            "total_fee": amount(sum(e.fee for e in entries)),
            "maxmempool": pool.max_bytes,
            # rpc/mempool.cpp MempoolInfoToJSON: max(GetMinFee(), min relay fee)
            "mempoolminfee": amount(max(pool.min_fee_rate(), pool.min_relay_fee)),
            "minrelaytxfee": amount(pool.min_relay_fee),
            "incrementalrelayfee": amount(pool.incremental_relay_fee),
            "unbroadcastcount": 0,
            "fullrbf": pool.full_rbf,
        }


# Core files sendrawtransaction and testmempoolaccept under "Rawtransactions" in help.
TABLE = {
    "sendrawtransaction": Command(
        "Rawtransactions",
        [
            Param("hexstring", "string", required=True),
            Param("maxfeerate", "any", DEFAULT_MAX_FEE_RATE_BTC_PER_KVB),
            Param("maxburnamount", "any", "0"),
        ],
        "Submit a raw transaction (serialized, hex-encoded) to local node and network.\nThe transaction will be sent unconditionally to all peers, so using sendrawtransaction\nfor manual rebroadcast may degrade privacy by leaking the transaction's origin, as\nnodes will normally not rebroadcast non-wallet transactions already in their mempool.",
        sendrawtransaction,
    ),
    "testmempoolaccept": Command(
        "Rawtransactions",
        [Param("rawtxs", "array", required=True), Param("maxfeerate", "any", DEFAULT_MAX_FEE_RATE_BTC_PER_KVB)],
        "Returns result of mempool acceptance tests indicating if raw transaction(s) (serialized, hex-encoded) would be accepted by mempool.\nThis node tests one transaction per call (Core also tests packages of up to 25).",
        testmempoolaccept,
    ),
    "getrawmempool": Command(
        "Blockchain",
        [Param("verbose", "bool", False), Param("mempool_sequence", "bool", False)],
        "Returns all transaction ids in memory pool as a json array of string transaction ids.",
        getrawmempool,
    ),
    "getmempoolinfo": Command(
        "Blockchain", [], "Returns details on the active state of the TX memory pool.", getmempoolinfo
    ),
    "getmempoolentry": Command(
        "Blockchain",
        [Param("txid", "string", required=True)],
        "Returns mempool data for given transaction",
        getmempoolentry,
    ),
}
