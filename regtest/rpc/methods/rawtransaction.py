"""Transaction RPCs with Bitcoin Core's names, parameters, results and errors
(rpc/rawtransaction.cpp, rpc/mempool.cpp, rpc/blockchain.cpp gettxout and scantxoutset,
node/transaction.cpp BroadcastTransaction). Registered in RPCMethods' dispatch table."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from bitcoin.core import CBlock, CTransaction, b2lx

from regtest.chainparams import COIN
from regtest.descriptors import DescriptorError, parse as parse_descriptor, with_checksum
from regtest.policy import vsize_of
from ..errors import (RPC_DESERIALIZATION_ERROR, RPC_INVALID_ADDRESS_OR_KEY,
                         RPC_INVALID_PARAMETER, RPC_TYPE_ERROR, RPC_VERIFY_ALREADY_IN_UTXO_SET,
                         RPC_VERIFY_ERROR, RPC_VERIFY_REJECTED, RPCError)
from ..params import Param, check_type, get_int, is_hex, parse_hash
from regtest.tx_validation import MEMPOOL_HEIGHT, TxInvalid, is_unspendable

DEFAULT_MAX_FEE_RATE_BTC_PER_KVB = "0.10"  # node/transaction.h DEFAULT_MAX_RAW_TX_FEE_RATE
MAX_PACKAGE_COUNT = 25  # policy/packages.h
MAX_SCAN_DESCRIPTORS = 1000  # not in Core: bounds one scantxoutset request

TABLE = {
    "sendrawtransaction": ("Rawtransactions", [Param("hexstring", "string", required=True),
                                               Param("maxfeerate", "any", DEFAULT_MAX_FEE_RATE_BTC_PER_KVB),
                                               Param("maxburnamount", "any", "0")],
                           "Submit a raw transaction (serialized, hex-encoded) to local node and network.\nThe transaction will be sent unconditionally to all peers, so using sendrawtransaction\nfor manual rebroadcast may degrade privacy by leaking the transaction's origin, as\nnodes will normally not rebroadcast non-wallet transactions already in their mempool."),
    "testmempoolaccept": ("Rawtransactions", [Param("rawtxs", "array", required=True),
                                              Param("maxfeerate", "any", DEFAULT_MAX_FEE_RATE_BTC_PER_KVB)],
                          "Returns result of mempool acceptance tests indicating if raw transaction(s) (serialized, hex-encoded) would be accepted by mempool.\nThis node tests one transaction per call (Core also tests packages of up to 25)."),
    "decoderawtransaction": ("Rawtransactions", [Param("hexstring", "string", required=True),
                                                 Param("iswitness", "bool", None)],
                             "Return a JSON object representing the serialized, hex-encoded transaction."),
    "getrawtransaction": ("Rawtransactions", [Param("txid", "string", required=True),
                                              Param("verbosity", "any", 0), Param("blockhash", "string", None)],
                          "By default, this call only returns a transaction if it is in the mempool. If -txindex is enabled\nand no blockhash argument is passed, it will return the transaction if it is in a block in the blockchain.\nThis node keeps a transaction index of its active chain."),
    "getrawmempool": ("Blockchain", [Param("verbose", "bool", False), Param("mempool_sequence", "bool", False)],
                      "Returns all transaction ids in memory pool as a json array of string transaction ids."),
    "getmempoolinfo": ("Blockchain", [], "Returns details on the active state of the TX memory pool."),
    "getmempoolentry": ("Blockchain", [Param("txid", "string", required=True)],
                        "Returns mempool data for given transaction"),
    "gettxout": ("Blockchain", [Param("txid", "string", required=True), Param("n", "number", required=True),
                                Param("include_mempool", "bool", True)],
                 "Returns details about an unspent transaction output."),
    "scantxoutset": ("Blockchain", [Param("action", "string", required=True), Param("scanobjects", "array", None)],
                     "Scans the unspent transaction output set for entries that match certain output descriptors.\nThis node reads addr(ADDRESS) and raw(HEX) descriptors."),
}


def amount(sat: int) -> float:
    return round(sat / COIN, 8)


def amount_from_value(value) -> int:
    """rpc/util.cpp AmountFromValue: a number or string of BTC with at most 8 decimals."""
    if not isinstance(value, (int, float, str)) or isinstance(value, bool):
        raise RPCError(RPC_TYPE_ERROR, "Amount is not a number or string")
    try:
        btc = Decimal(str(value))
    except InvalidOperation:
        raise RPCError(RPC_TYPE_ERROR, "Invalid amount") from None
    sat = btc * COIN
    if not btc.is_finite() or sat != sat.to_integral_value():
        raise RPCError(RPC_TYPE_ERROR, "Invalid amount")
    if not 0 <= sat <= 21_000_000 * COIN:
        raise RPCError(RPC_TYPE_ERROR, "Amount out of range")
    return int(sat)


def fee_rate_from_value(value) -> int:
    """rpc/util.cpp ParseFeeRate: sat per kvB, below 1 BTC/kvB."""
    rate = amount_from_value(value)
    if rate >= COIN:
        raise RPCError(RPC_INVALID_PARAMETER, "Fee rates larger than or equal to 1BTC/kvB are not accepted")
    return rate


def decode_tx(hexstring: str) -> CTransaction:
    """core_read.cpp DecodeHexTx: strict hex, every byte consumed."""
    if not is_hex(hexstring):
        raise RPCError(RPC_DESERIALIZATION_ERROR, "TX decode failed")
    try:
        return CTransaction.deserialize(bytes.fromhex(hexstring))
    except Exception:  # python-bitcoinlib raises many types on bad data
        raise RPCError(RPC_DESERIALIZATION_ERROR, "TX decode failed") from None


class RawTxMethods:
    """The transaction calls; `tx_json` is RPCMethods._tx_json (core_write.cpp TxToUniv)."""

    def __init__(self, chain, mempool, tx_json, script_json):
        self.chain = chain
        self.mempool = mempool
        self.tx_json = tx_json
        self.script_json = script_json

    # --- sending --------------------------------------------------------------------------
    def sendrawtransaction(self, hexstring, maxfeerate, maxburnamount):
        tx = decode_tx(hexstring)
        max_rate = fee_rate_from_value(maxfeerate)
        max_burn = amount_from_value(maxburnamount)
        for out in tx.vout:
            if is_unspendable(bytes(out.scriptPubKey)) and out.nValue > max_burn:
                raise RPCError(RPC_VERIFY_ERROR,
                               "Unspendable output exceeds maximum configured by user (maxburnamount)")
        txid = tx.GetTxid()
        with self.chain.lock:
            if txid in self.mempool.entries:  # BroadcastTransaction: already there is success
                return b2lx(txid)
            if any((txid, n) in self.chain.utxo for n in range(len(tx.vout))):
                raise RPCError(RPC_VERIFY_ALREADY_IN_UTXO_SET, "Transaction outputs already in utxo set")
        max_fee = self._max_fee(tx, max_rate)
        try:
            self.mempool.accept(tx, max_fee_sat=max_fee)
        except TxInvalid as exc:
            if exc.reason == "max-fee-exceeded":
                raise RPCError(RPC_VERIFY_ERROR,
                               "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)") from None
            if exc.missing_inputs:
                raise RPCError(RPC_VERIFY_ERROR, str(exc)) from None
            raise RPCError(RPC_VERIFY_REJECTED, str(exc)) from None
        return b2lx(txid)

    @staticmethod
    def _max_fee(tx: CTransaction, rate_sat_per_kvb: int) -> int | None:
        if rate_sat_per_kvb == 0:
            return None
        stripped = len(tx.serialize({"include_witness": False}))
        vsize = vsize_of(stripped * 3 + len(tx.serialize()))
        return rate_sat_per_kvb * vsize // 1000

    def testmempoolaccept(self, rawtxs, maxfeerate):
        max_rate = fee_rate_from_value(maxfeerate)
        if not 1 <= len(rawtxs) <= MAX_PACKAGE_COUNT:
            raise RPCError(RPC_INVALID_PARAMETER,
                           f"Array must contain between 1 and {MAX_PACKAGE_COUNT} transactions.")
        for raw in rawtxs:
            check_type(raw, "string")
        txs = [decode_tx(raw) for raw in rawtxs]
        if len(txs) > 1:
            raise RPCError(RPC_INVALID_PARAMETER,
                           "this node tests one transaction per call (packages are not supported)")
        tx = txs[0]
        result = {"txid": b2lx(tx.GetTxid()), "wtxid": b2lx(tx.GetHash())}
        try:
            accepted = self.mempool.accept(tx, test_only=True, max_fee_sat=self._max_fee(tx, max_rate))
        except TxInvalid as exc:
            reason = "missing-inputs" if exc.missing_inputs else exc.reason
            return [dict(result, allowed=False, **{"reject-reason": reason, "reject-details": str(exc)})]
        return [dict(result, allowed=True, vsize=accepted.vsize,
                     fees={"base": amount(accepted.fee),
                           "effective-feerate": amount(accepted.fee * 1000 // accepted.vsize),
                           "effective-includes": [result["wtxid"]]})]

    # --- reading --------------------------------------------------------------------------
    def decoderawtransaction(self, hexstring, iswitness):
        return self.tx_json(decode_tx(hexstring), include_hex=False)

    def getrawtransaction(self, txid, verbosity, blockhash):
        txid_bytes = parse_hash(txid, "parameter 1")
        verbosity = int(verbosity) if isinstance(verbosity, bool) else get_int(verbosity)
        chain = self.chain
        with chain.lock:
            if txid_bytes == chain.active[0].merkle:
                raise RPCError(RPC_INVALID_ADDRESS_OR_KEY, "The genesis block coinbase is not considered an "
                               "ordinary transaction and cannot be retrieved")
            entry_hash = None
            if blockhash is not None:
                entry_hash = parse_hash(blockhash, "parameter 3")
                if entry_hash not in chain.index:
                    raise RPCError(RPC_INVALID_ADDRESS_OR_KEY, "Block hash not found")
            elif txid_bytes in self.mempool.entries:
                tx = self.mempool.entries[txid_bytes].tx
                return self.tx_json(tx) if verbosity > 0 else tx.serialize().hex()
            else:
                entry_hash = chain.tx_index.get(txid_bytes)
                if entry_hash is None:
                    raise RPCError(RPC_INVALID_ADDRESS_OR_KEY, "No such mempool or blockchain transaction. "
                                   "Use gettransaction for wallet transactions.")
            entry = chain.index[entry_hash]
            block = CBlock.deserialize(chain.store.raw_block(entry_hash))
            tx = next((t for t in block.vtx if t.GetTxid() == txid_bytes), None)
            if tx is None:
                raise RPCError(RPC_INVALID_ADDRESS_OR_KEY, "No such transaction found in the provided block. "
                               "Use gettransaction for wallet transactions.")
            if verbosity <= 0:
                return tx.serialize().hex()
            out = self.tx_json(tx)
            if blockhash is not None:
                out["in_active_chain"] = chain.is_active(entry)
            out["blockhash"] = entry.hash_hex
            if chain.is_active(entry):
                out["confirmations"] = chain.height() - entry.height + 1
                out["time"] = out["blocktime"] = entry.time
            else:
                out["confirmations"] = 0
            return out

    def _entry_json(self, entry) -> dict:
        """rpc/mempool.cpp entryToJSON."""
        pool = self.mempool
        ancestors = pool.ancestors([entry.txid])
        descendants = pool.descendants(entry.txid)
        fee_of = lambda txids: sum(pool.entries[t].fee for t in txids)  # noqa: E731
        size_of = lambda txids: sum(pool.entries[t].vsize for t in txids)  # noqa: E731
        return {
            "vsize": entry.vsize, "weight": entry.weight, "time": entry.time, "height": entry.height,
            "descendantcount": len(descendants), "descendantsize": size_of(descendants),
            "ancestorcount": len(ancestors), "ancestorsize": size_of(ancestors),
            "wtxid": b2lx(entry.wtxid),
            "fees": {"base": amount(entry.fee), "modified": amount(entry.fee),
                     "ancestor": amount(fee_of(ancestors)), "descendant": amount(fee_of(descendants))},
            "depends": sorted(b2lx(t) for t in entry.parents),
            "spentby": sorted(b2lx(t) for t in entry.children),
            "bip125-replaceable": pool.replaceable(entry),
            "unbroadcast": False,
        }

    def getrawmempool(self, verbose, mempool_sequence):
        with self.chain.lock:
            entries = sorted(self.mempool.entries.values(), key=lambda e: e.sequence)
            if verbose:
                if mempool_sequence:
                    raise RPCError(RPC_INVALID_PARAMETER, "Verbose results cannot contain mempool sequence values.")
                return {b2lx(e.txid): self._entry_json(e) for e in entries}
            txids = [b2lx(e.txid) for e in entries]
            if mempool_sequence:
                return {"txids": txids, "mempool_sequence": self.mempool.transactions_updated}
            return txids

    def getmempoolentry(self, txid):
        txid_bytes = parse_hash(txid, "parameter 1")
        with self.chain.lock:
            entry = self.mempool.entries.get(txid_bytes)
            if entry is None:
                raise RPCError(RPC_INVALID_ADDRESS_OR_KEY, "Transaction not in mempool")
            return self._entry_json(entry)

    def getmempoolinfo(self):
        pool = self.mempool
        with self.chain.lock:
            entries = list(pool.entries.values())
            return {
                "loaded": True, "size": len(entries), "bytes": sum(e.vsize for e in entries),
                "usage": sum(len(e.raw) * 4 + 500 for e in entries),  # a rough in-memory estimate
                "total_fee": amount(sum(e.fee for e in entries)), "maxmempool": 300_000_000,
                "mempoolminfee": amount(pool.min_relay_fee), "minrelaytxfee": amount(pool.min_relay_fee),
                "incrementalrelayfee": amount(pool.incremental_relay_fee), "unbroadcastcount": 0,
                "fullrbf": pool.full_rbf,
            }

    def gettxout(self, txid, n, include_mempool):
        txid_bytes = parse_hash(txid, "txid")
        n = get_int(n)
        chain = self.chain
        with chain.lock:
            outpoint = (txid_bytes, n)
            if include_mempool:
                if outpoint in self.mempool.spenders:
                    return None
                coin = self.mempool.coin(outpoint)
            else:
                coin = chain.utxo.get(outpoint)
            if coin is None:
                return None
            return {"bestblock": chain.tip.hash_hex,
                    "confirmations": 0 if coin.height == MEMPOOL_HEIGHT else chain.height() - coin.height + 1,
                    "value": amount(coin.value), "scriptPubKey": self.script_json(coin.script_pubkey),
                    "coinbase": coin.coinbase}

    def scantxoutset(self, action, scanobjects):
        """rpc/blockchain.cpp scantxoutset: one scan at a time, run to completion under the
        chain lock (a lab UTXO set scans in milliseconds), so status is null, abort false."""
        if action == "status":
            return None
        if action == "abort":
            return False
        if action != "start":
            raise RPCError(RPC_INVALID_PARAMETER, f"Invalid action '{action}'")
        if scanobjects is None:
            raise RPCError(RPC_INVALID_PARAMETER, "scanobjects argument is required for the start action")
        if len(scanobjects) > MAX_SCAN_DESCRIPTORS:
            raise RPCError(RPC_INVALID_PARAMETER, f"at most {MAX_SCAN_DESCRIPTORS} scan objects per call")
        wanted: dict[bytes, str] = {}
        for obj in scanobjects:
            desc = obj.get("desc") if isinstance(obj, dict) else obj
            if not isinstance(desc, str):
                raise RPCError(RPC_INVALID_PARAMETER, "Scan object needs to be either a string or an object")
            try:
                canonical, spk = parse_descriptor(desc)
            except DescriptorError as exc:
                raise RPCError(RPC_INVALID_ADDRESS_OR_KEY, str(exc)) from None
            wanted[spk] = canonical
        chain = self.chain
        with chain.lock:
            tip = chain.tip
            found = [(op, coin) for op, coin in chain.utxo.coins.items() if coin.script_pubkey in wanted]
            scanned = len(chain.utxo)
            unspents = []
            for (txid_bytes, n), coin in sorted(found, key=lambda item: (item[1].height, item[0])):
                unspents.append({
                    "txid": b2lx(txid_bytes), "vout": n, "scriptPubKey": coin.script_pubkey.hex(),
                    "desc": wanted[coin.script_pubkey], "amount": amount(coin.value),
                    "coinbase": coin.coinbase, "height": coin.height,
                    "blockhash": chain.active[coin.height].hash_hex,
                    "confirmations": tip.height - coin.height + 1})
            return {"success": True, "txouts": scanned, "height": tip.height, "bestblock": tip.hash_hex,
                    "unspents": unspents, "total_amount": amount(sum(c.value for _, c in found))}


def script_descriptor(spk: bytes, address: str | None) -> str:
    """InferDescriptor for a script without key information: addr() or raw()."""
    return with_checksum(f"addr({address})" if address else f"raw({spk.hex()})")
