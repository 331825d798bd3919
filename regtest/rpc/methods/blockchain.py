"""The Blockchain RPCs with Bitcoin Core's names, parameters, result fields and errors
(rpc/blockchain.cpp): blocks, headers, tips, difficulty, the chain's parameters and the UTXO set."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bitcoin.core import CBlock, b2lx

from engine.primitives.pow import bits_to_target
from engine.primitives.pow import difficulty_from_bits as difficulty
from engine.primitives.rpc_errors import RPC_INVALID_ADDRESS_OR_KEY, RPC_INVALID_PARAMETER, RPC_TYPE_ERROR
from engine.primitives.subsidy import block_subsidy_sat
from regtest.chain import BlockIndex
from regtest.descriptors import DescriptorError
from regtest.descriptors import parse as parse_descriptor
from regtest.tx_validation import MEMPOOL_HEIGHT
from regtest.utxo import HASH_TYPES

from ..core_io import amount, script_json, tx_json
from ..errors import RPCError
from ..params import Command, Param, get_int, parse_hash, type_name

if TYPE_CHECKING:
    from .table import RPCMethods

MAX_SCAN_DESCRIPTORS = 1000  # not in Core: bounds one scantxoutset request
MAX_SCAN_SCRIPTS = 100_000  # not in Core: scripts derived for one request (about 5 s of derivation here)


def lookup(node: RPCMethods, block_hash: bytes) -> BlockIndex:
    entry = node.chain.index.get(block_hash)
    if entry is None:
        raise RPCError(RPC_INVALID_ADDRESS_OR_KEY, "Block not found")
    return entry


def header_json(node: RPCMethods, e: BlockIndex) -> dict:
    """rpc/blockchain.cpp blockheaderToJSON."""
    chain = node.chain
    active = chain.is_active(e)
    target, _, _ = bits_to_target(e.bits)
    out = {
        "hash": e.hash_hex,
        "confirmations": chain.height() - e.height + 1 if active else -1,
        "height": e.height,
        "version": e.version,
        "versionHex": f"{e.version & 0xFFFFFFFF:08x}",
        "merkleroot": b2lx(e.merkle),
        "time": e.time,
        "mediantime": e.mtp,
        "nonce": e.nonce,
        "bits": f"{e.bits:08x}",
        "target": f"{target:064x}",
        "difficulty": difficulty(e.bits),
        "chainwork": f"{e.chainwork:064x}",
        "nTx": e.n_tx,
    }
    if e.prev is not None:
        out["previousblockhash"] = e.prev.hash_hex
    if active and e.height < chain.height():
        out["nextblockhash"] = chain.active[e.height + 1].hash_hex
    return out


def getbestblockhash(node: RPCMethods):
    with node.chain.lock:  # a reorg replaces the active chain's tail under this lock
        return node.chain.tip.hash_hex


def getblockcount(node: RPCMethods):
    with node.chain.lock:
        return node.chain.height()


def getblockhash(node: RPCMethods, height):
    height = get_int(height)
    with node.chain.lock:
        if height < 0 or height > node.chain.height():
            raise RPCError(RPC_INVALID_PARAMETER, "Block height out of range")
        return node.chain.active[height].hash_hex


def getblockheader(node: RPCMethods, blockhash, verbose):
    with node.chain.lock:
        e = lookup(node, parse_hash(blockhash, "hash"))
        if not verbose:
            return node.chain.store.raw_block(e.hash)[:80].hex()
        return header_json(node, e)


def getblock(node: RPCMethods, blockhash, verbosity):
    # rpc/blockchain.cpp ParseVerbosity: a bool (true is 1) or an int.
    verbosity = int(verbosity) if isinstance(verbosity, bool) else get_int(verbosity)
    with node.chain.lock:
        e = lookup(node, parse_hash(blockhash, "blockhash"))
        raw = node.chain.store.raw_block(e.hash)
        if verbosity <= 0:
            return raw.hex()
        block = CBlock.deserialize(raw)
        out = header_json(node, e)
        out.update({"size": e.size, "strippedsize": e.stripped_size, "weight": e.weight})
        if verbosity == 1:
            out["tx"] = [b2lx(tx.GetTxid()) for tx in block.vtx]
        else:
            out["tx"] = [tx_json(tx) for tx in block.vtx]
        return out


def getblockchaininfo(node: RPCMethods):
    with node.chain.lock:
        tip = node.chain.tip
        target, _, _ = bits_to_target(tip.bits)
        params = node.chain.params
        return {
            "chain": params.name,
            "blocks": tip.height,
            "headers": tip.height,
            "bestblockhash": tip.hash_hex,
            "bits": f"{tip.bits:08x}",
            "target": f"{target:064x}",
            "difficulty": difficulty(tip.bits),
            "time": tip.time,
            "mediantime": tip.mtp,
            "verificationprogress": 1,
            "initialblockdownload": False,
            "chainwork": f"{tip.chainwork:064x}",
            "size_on_disk": node.chain.store.size_on_disk(),
            "pruned": False,
            "warnings": [],
            # Not in Core: the parameters that make this chain what it is.
            "consensus": {
                **params.to_consensus(),
                # The chain's own start difficulty (block 1's), the baseline of the economics.
                "start_difficulty": difficulty(params.start_bits),
                "next_halving_height": (tip.height // params.halving_interval + 1) * params.halving_interval,
                "subsidy": amount(block_subsidy_sat(tip.height + 1, params)),
            },
        }


def preciousblock(node: RPCMethods, blockhash):
    """rpc/blockchain.cpp preciousblock: the block wins ties with blocks of the same work."""
    node.chain.precious_block(lookup(node, parse_hash(blockhash, "blockhash")))
    return None


def getchaintips(node: RPCMethods):
    with node.chain.lock:
        out = []
        for e in node.chain.chain_tips():
            walk, branch = e, 0
            while not node.chain.is_active(walk):
                assert walk.prev is not None  # genesis is active: every branch meets the chain
                walk, branch = walk.prev, branch + 1
            out.append(
                {
                    "height": e.height,
                    "hash": e.hash_hex,
                    "branchlen": branch,
                    "status": "active" if branch == 0 else "valid-fork",
                }
            )
        return sorted(out, key=lambda t: -t["height"])


def getdifficulty(node: RPCMethods):
    with node.chain.lock:
        return difficulty(node.chain.tip.bits)


def gettxout(node: RPCMethods, txid, n, include_mempool):
    txid_bytes = parse_hash(txid, "txid")
    n = get_int(n)
    chain = node.chain
    with chain.lock:
        outpoint = (txid_bytes, n)
        if include_mempool:
            if outpoint in node.mempool.spenders:
                return None
            coin = node.mempool.coin(outpoint)
        else:
            coin = chain.utxo.get(outpoint)
        if coin is None:
            return None
        return {
            "bestblock": chain.tip.hash_hex,
            "confirmations": 0 if coin.height == MEMPOOL_HEIGHT else chain.height() - coin.height + 1,
            "value": amount(coin.value),
            "scriptPubKey": script_json(coin.script_pubkey),
            "coinbase": coin.coinbase,
        }


def gettxoutsetinfo(node: RPCMethods, hash_type, hash_or_height, use_index):
    """rpc/blockchain.cpp gettxoutsetinfo as Core answers it without -coinstatsindex: the
    statistics of the whole UTXO set at the tip, computed by a scan (kernel/coinstats.cpp)."""
    hash_type = "hash_serialized_3" if hash_type is None else hash_type
    if hash_type not in HASH_TYPES:
        raise RPCError(RPC_INVALID_PARAMETER, f"'{hash_type}' is not a valid hash_type")
    if hash_or_height is not None:
        raise RPCError(RPC_INVALID_PARAMETER, "Querying specific block heights requires coinstatsindex")
    chain = node.chain
    with chain.lock:
        stats = chain.utxo.stats(hash_type)
        out: dict = {"height": chain.height(), "bestblock": chain.tip.hash_hex, "txouts": stats.txouts}
        out["bogosize"] = stats.bogosize
        if stats.hash is not None:
            out[hash_type] = stats.hash[::-1].hex()  # uint256::GetHex
        out["total_amount"] = amount(stats.total_amount)
        out["transactions"] = stats.transactions
        disk_size = chain.store.coins_disk_size()
        out["disk_size"] = stats.bogosize if disk_size is None else disk_size
        return out


def _parse_range(value) -> tuple[int, int]:
    """rpc/util.cpp ParseDescriptorRange / ParseRange."""
    if type_name(value) == "number":
        low, high = 0, get_int(value, -(1 << 63), (1 << 63) - 1)  # getInt<int64_t>
    elif isinstance(value, list) and len(value) == 2 and all(type_name(v) == "number" for v in value):
        low, high = (get_int(v, -(1 << 63), (1 << 63) - 1) for v in value)
        if low > high:
            raise RPCError(RPC_INVALID_PARAMETER, "Range specified as [begin,end] must not have begin after end")
    else:
        raise RPCError(RPC_INVALID_PARAMETER, "Range must be specified as end or as [begin,end]")
    if low < 0:
        raise RPCError(RPC_INVALID_PARAMETER, "Range should be greater or equal than 0")
    if high >> 31:
        raise RPCError(RPC_INVALID_PARAMETER, "End of range is too high")
    if high >= low + 1_000_000:
        raise RPCError(RPC_INVALID_PARAMETER, "Range is too large")
    return low, high


def _eval_scan_object(obj) -> list[tuple[bytes, str]]:
    """rpc/util.cpp EvalDescriptorStringOrObject: a descriptor string, or {"desc", "range"};
    a ranged descriptor is expanded over its range (default [0, 1000], as Core), each script
    with the descriptor Core's InferDescriptor would write for it."""
    low, high = 0, 1000
    desc = obj
    if isinstance(obj, str):
        pass
    elif isinstance(obj, dict):
        desc = obj.get("desc")
        if desc is None:
            raise RPCError(RPC_INVALID_PARAMETER, "Descriptor needs to be provided in scan object")
        if not isinstance(desc, str):
            raise RPCError(RPC_TYPE_ERROR, f"JSON value of type {type_name(desc)} is not of expected type string")
        if obj.get("range") is not None:
            low, high = _parse_range(obj["range"])
    else:
        raise RPCError(RPC_INVALID_PARAMETER, "Scan object needs to be either a string or an object")
    try:
        parsed = parse_descriptor(desc)
        if not parsed.is_range:
            low = high = 0
        return [parsed.expand(i) for i in range(low, high + 1)]
    except DescriptorError as exc:
        raise RPCError(RPC_INVALID_ADDRESS_OR_KEY, str(exc)) from None


def scantxoutset(node: RPCMethods, action, scanobjects):
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
        for spk, inferred in _eval_scan_object(obj):
            wanted.setdefault(spk, inferred)
            if len(wanted) > MAX_SCAN_SCRIPTS:
                raise RPCError(RPC_INVALID_PARAMETER, f"at most {MAX_SCAN_SCRIPTS} scripts per scan")
    chain = node.chain
    with chain.lock:
        tip = chain.tip
        found = chain.utxo.with_scripts(set(wanted))  # filtered by SQLite, not a Python scan
        scanned = len(chain.utxo)
        unspents = []
        for (txid_bytes, n), coin in sorted(found, key=lambda item: (item[1].height, item[0])):
            unspents.append(
                {
                    "txid": b2lx(txid_bytes),
                    "vout": n,
                    "scriptPubKey": coin.script_pubkey.hex(),
                    "desc": wanted[coin.script_pubkey],
                    "amount": amount(coin.value),
                    "coinbase": coin.coinbase,
                    "height": coin.height,
                    "blockhash": chain.active[coin.height].hash_hex,
                    "confirmations": tip.height - coin.height + 1,
                }
            )
        return {
            "success": True,
            "txouts": scanned,
            "height": tip.height,
            "bestblock": tip.hash_hex,
            "unspents": unspents,
            "total_amount": amount(sum(c.value for _, c in found)),
        }


TABLE = {
    "getbestblockhash": Command(
        "Blockchain",
        [],
        "Returns the hash of the best (tip) block in the most-work fully-validated chain.",
        getbestblockhash,
    ),
    "getblock": Command(
        "Blockchain",
        [Param("blockhash", "string", required=True), Param("verbosity", "any", 1)],
        "If verbosity is 0, returns a string that is serialized, hex-encoded data for block 'hash'.\nIf verbosity is 1, returns an Object with information about block <hash>.\nIf verbosity is 2, returns an Object with information about block <hash> and information about each transaction.",
        getblock,
    ),
    "getblockchaininfo": Command(
        "Blockchain",
        [],
        'Returns an object containing various state info regarding blockchain processing (and, under "consensus", this chain\'s parameters).',
        getblockchaininfo,
    ),
    "getblockcount": Command(
        "Blockchain",
        [],
        "Returns the height of the most-work fully-validated chain.\nThe genesis block has height 0.",
        getblockcount,
    ),
    "getblockhash": Command(
        "Blockchain",
        [Param("height", "number", required=True)],
        "Returns hash of block in best-block-chain at height provided.",
        getblockhash,
    ),
    "getblockheader": Command(
        "Blockchain",
        [Param("blockhash", "string", required=True), Param("verbose", "bool", True)],
        "If verbose is false, returns a string that is serialized, hex-encoded data for blockheader 'hash'.\nIf verbose is true, returns an Object with information about blockheader <hash>.",
        getblockheader,
    ),
    "getchaintips": Command(
        "Blockchain",
        [],
        "Return information about all known tips in the block tree, including the main chain as well as orphaned branches.",
        getchaintips,
    ),
    "getdifficulty": Command(
        "Blockchain", [], "Returns the proof-of-work difficulty as a multiple of the minimum difficulty.", getdifficulty
    ),
    "gettxout": Command(
        "Blockchain",
        [
            Param("txid", "string", required=True),
            Param("n", "number", required=True),
            Param("include_mempool", "bool", True),
        ],
        "Returns details about an unspent transaction output.",
        gettxout,
    ),
    "gettxoutsetinfo": Command(
        "Blockchain",
        [
            Param("hash_type", "string", "hash_serialized_3"),
            Param("hash_or_height", "any"),
            Param("use_index", "bool", True),
        ],
        "Returns statistics about the unspent transaction output set.\nNote this call may take some time if you are not using coinstatsindex.",
        gettxoutsetinfo,
    ),
    "preciousblock": Command(
        "Blockchain",
        [Param("blockhash", "string", required=True)],
        "Treats a block as if it were received before others with the same work.\n\nA later preciousblock call can override the effect of an earlier one.\n\nThe effects of preciousblock are not retained across restarts.",
        preciousblock,
    ),
    "scantxoutset": Command(
        "Blockchain",
        [Param("action", "string", required=True), Param("scanobjects", "array", None)],
        'Scans the unspent transaction output set for entries that match certain output descriptors.\nThis node reads addr(ADDRESS), raw(HEX), pkh(KEY), wpkh(KEY), sh(wpkh(KEY)) and tr(KEY) descriptors, KEY a public key or an xpub/tpub with a path, ranged with /* (objects: {"desc": ..., "range": end or [begin,end]}, default 1000).',
        scantxoutset,
    ),
}
