"""The raw-transaction RPCs with Bitcoin Core's names, parameters, results and errors
(rpc/rawtransaction.cpp): decoderawtransaction, and getrawtransaction from the mempool or the
node's transaction index of its active chain."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bitcoin.core import CBlock

from engine.primitives.rpc_errors import RPC_INVALID_ADDRESS_OR_KEY

from ..core_io import decode_tx, tx_json
from ..errors import RPCError
from ..params import Command, Param, get_int, parse_hash

if TYPE_CHECKING:
    from .table import RPCMethods


def decoderawtransaction(node: RPCMethods, hexstring, iswitness):
    return tx_json(decode_tx(hexstring), include_hex=False)


def getrawtransaction(node: RPCMethods, txid, verbosity, blockhash):
    txid_bytes = parse_hash(txid, "parameter 1")
    verbosity = int(verbosity) if isinstance(verbosity, bool) else get_int(verbosity)
    chain = node.chain
    with chain.lock:
        if txid_bytes == chain.active[0].merkle:
            raise RPCError(
                RPC_INVALID_ADDRESS_OR_KEY,
                "The genesis block coinbase is not considered an ordinary transaction and cannot be retrieved",
            )
        entry_hash = None
        if blockhash is not None:
            entry_hash = parse_hash(blockhash, "parameter 3")
            if entry_hash not in chain.index:
                raise RPCError(RPC_INVALID_ADDRESS_OR_KEY, "Block hash not found")
        elif txid_bytes in node.mempool.entries:
            tx = node.mempool.entries[txid_bytes].tx
            return tx_json(tx) if verbosity > 0 else tx.serialize().hex()
        else:
            entry_hash = chain.tx_index.get(txid_bytes)
            if entry_hash is None:
                raise RPCError(
                    RPC_INVALID_ADDRESS_OR_KEY,
                    "No such mempool or blockchain transaction. Use gettransaction for wallet transactions.",
                )
        entry = chain.index[entry_hash]
        block = CBlock.deserialize(chain.store.raw_block(entry_hash))
        tx = next((t for t in block.vtx if t.GetTxid() == txid_bytes), None)
        if tx is None:
            raise RPCError(
                RPC_INVALID_ADDRESS_OR_KEY,
                "No such transaction found in the provided block. Use gettransaction for wallet transactions.",
            )
        if verbosity <= 0:
            return tx.serialize().hex()
        out = tx_json(tx)
        if blockhash is not None:
            out["in_active_chain"] = chain.is_active(entry)
        out["blockhash"] = entry.hash_hex
        if chain.is_active(entry):
            out["confirmations"] = chain.height() - entry.height + 1
            out["time"] = out["blocktime"] = entry.time
        else:
            out["confirmations"] = 0
        return out


TABLE = {
    "decoderawtransaction": Command(
        "Rawtransactions",
        [Param("hexstring", "string", required=True), Param("iswitness", "bool", None)],
        "Return a JSON object representing the serialized, hex-encoded transaction.",
        decoderawtransaction,
    ),
    "getrawtransaction": Command(
        "Rawtransactions",
        [Param("txid", "string", required=True), Param("verbosity", "any", 0), Param("blockhash", "string", None)],
        "By default, this call only returns a transaction if it is in the mempool. If -txindex is enabled\nand no blockhash argument is passed, it will return the transaction if it is in a block in the blockchain.\nThis node keeps a transaction index of its active chain.",
        getrawtransaction,
    ),
}
