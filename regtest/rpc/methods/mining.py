"""The Mining and Generating RPCs with Bitcoin Core's names, parameters, result fields and errors
(rpc/mining.cpp): network hashrate, mining info, BIP22/23 block templates with longpoll,
submitblock, and generatetoaddress."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bitcoin.core import CBlock, CMutableTransaction, CTransaction, CTxInWitness, CTxWitness, b2lx
from bitcoin.core.script import CScriptWitness

from engine.primitives.merkle import WITNESS_RESERVED_VALUE
from engine.primitives.pow import bits_to_target
from engine.primitives.pow import difficulty_from_bits as difficulty
from engine.primitives.rpc_errors import (
    RPC_CLIENT_NOT_CONNECTED,
    RPC_DESERIALIZATION_ERROR,
    RPC_INTERNAL_ERROR,
    RPC_INVALID_ADDRESS_OR_KEY,
    RPC_INVALID_PARAMETER,
    RPC_TYPE_ERROR,
)
from engine.primitives.script import AddressError, decode_address
from regtest.block_scan import BlockDecodeError, oversized_block_reason
from regtest.mining import block_template, generate_block, next_block_basics
from regtest.tx_validation import Coin, verify_scripts
from regtest.validation import BlockInvalid, check_block, witness_commitment_index

from ..core_io import decode_block
from ..errors import RPCError
from ..params import Command, Param, get_int, get_str, is_hex, parse_hash

if TYPE_CHECKING:
    from .table import RPCMethods

LONGPOLL_MAX_WAIT_S = 60.0
# consensus/consensus.h MAX_BLOCK_SERIALIZED_SIZE: no block can be larger, witness included.
MAX_BLOCK_SERIALIZED_SIZE = 4_000_000


def getnetworkhashps(node: RPCMethods, nblocks, height):
    """rpc/mining.cpp GetNetworkHashPS."""
    chain = node.chain
    nblocks, height = get_int(nblocks), get_int(height)
    with chain.lock:
        if nblocks == 0 or nblocks < -1:
            raise RPCError(RPC_INVALID_PARAMETER, "Invalid nblocks. Must be a positive number or -1.")
        if height < -1 or height > chain.height():
            raise RPCError(RPC_INVALID_PARAMETER, "Block does not exist at specified height")
        pb = chain.active[height] if 0 <= height < chain.height() else chain.tip
        if pb.height == 0:
            return 0
        lookup = nblocks
        if lookup <= 0:
            lookup = pb.height % chain.params.retarget_interval + 1
        max_lookup = pb.height
        if not chain.params.no_retargeting:
            max_lookup = pb.height - 1  # lab: genesis's 2011 timestamp would dwarf the window
        lookup = min(lookup, max_lookup)
        if lookup <= 0:
            return 0
        pb0 = chain.active[pb.height - lookup]
        times = [b.time for b in chain.active[pb.height - lookup : pb.height + 1]]
        if max(times) == min(times):
            return 0
        return (pb.chainwork - pb0.chainwork) / (max(times) - min(times))


def getmininginfo(node: RPCMethods):
    chain = node.chain
    with chain.lock:
        tip = chain.tip
        target, _, _ = bits_to_target(tip.bits)
        _, _, next_bits = next_block_basics(chain)
        next_target, _, _ = bits_to_target(next_bits)
        return {
            "blocks": tip.height,
            "bits": f"{tip.bits:08x}",
            "difficulty": difficulty(tip.bits),
            "target": f"{target:064x}",
            "networkhashps": getnetworkhashps(node, 120, -1),
            "pooledtx": len(node.mempool),
            "chain": chain.params.name,
            "next": {
                "height": tip.height + 1,
                "bits": f"{next_bits:08x}",
                "difficulty": difficulty(next_bits),
                "target": f"{next_target:064x}",
            },
            "warnings": [],
        }


def getblocktemplate(node: RPCMethods, request):
    """rpc/mining.cpp getblocktemplate (BIP22 templates, BIP23 proposals, longpoll)."""
    mode = request.get("mode")
    if mode is not None and not isinstance(mode, str):
        raise RPCError(RPC_INVALID_PARAMETER, "Invalid mode")
    mode = mode or "template"
    if mode == "proposal":
        data = request.get("data")
        if not isinstance(data, str):
            raise RPCError(RPC_TYPE_ERROR, "Missing data String key for proposal")
        block = _decode_bounded(node, data, check_pow=False)  # a proposal's proof of work is not checked
        if isinstance(block, str):
            return block
        with node.chain.lock:
            known = node.chain.index.get(block.GetHash())
            if known is not None:
                # Core: "duplicate" for a block on the best chain, else it is undecided.
                return "duplicate" if node.chain.is_active(known) else "duplicate-inconclusive"
            if block.GetHash() in node.chain.invalid:
                return "duplicate-invalid"
            if block.hashPrevBlock != node.chain.tip.hash:
                return "inconclusive-not-best-prevblk"
        try:
            if len(block.vtx) > 1:
                _precheck_unlocked(node, block, check_pow=False)
            node.chain.test_block_validity(block)
        except BlockInvalid as exc:
            return exc.reason
        return None
    if mode != "template":
        raise RPCError(RPC_INVALID_PARAMETER, "Invalid mode")
    rules = request.get("rules")
    if isinstance(rules, list):
        rules = [get_str(rule) for rule in rules]  # Core: setClientRules.insert(v.get_str())
    if not isinstance(rules, list) or "segwit" not in rules:
        raise RPCError(
            RPC_INVALID_PARAMETER,
            'getblocktemplate must be called with the segwit rule set (call with {"rules": ["segwit"]})',
        )
    longpollid = request.get("longpollid")
    if longpollid is not None:
        if isinstance(longpollid, str):
            watched = parse_hash(longpollid[:64], "longpollid")
        else:
            watched = node.chain.tip.hash
        # Wait until the tip changes (no mempool here, so nothing else can change).
        node.chain.wait_for_tip_change(watched, LONGPOLL_MAX_WAIT_S, lambda: node.stopping)
        if node.stopping:
            raise RPCError(RPC_CLIENT_NOT_CONNECTED, "Shutting down")
    return block_template(node.chain, node.mempool.transactions_updated)


def submitblock(node: RPCMethods, hexdata, dummy):
    """rpc/mining.cpp submitblock: BIP22 result, null when the block became the tip."""
    block = _decode_bounded(node, hexdata)
    if isinstance(block, str):
        return block
    if not block.vtx or not block.vtx[0].is_coinbase():
        raise RPCError(RPC_DESERIALIZATION_ERROR, "Block does not start with a coinbase")
    block = _add_default_witness_nonce(block)
    try:
        if len(block.vtx) > 1:
            _precheck_unlocked(node, block)
        outcome, _ = node.chain.process_block(block)
    except BlockInvalid as exc:
        return exc.reason
    return {"connected": None, "duplicate": "duplicate", "side": "inconclusive"}[outcome]


def _decode_bounded(node: RPCMethods, hexdata: str, check_pow: bool = True) -> CBlock | str:
    """DecodeHexBlk, but a block beyond MAX_BLOCK_SERIALIZED_SIZE is never decoded: its bytes
    are walked for the reason Core's checks would give (regtest/block_scan.py)."""
    if not is_hex(hexdata):
        raise RPCError(RPC_DESERIALIZATION_ERROR, "Block decode failed")
    if len(hexdata) // 2 > MAX_BLOCK_SERIALIZED_SIZE:
        try:
            return oversized_block_reason(bytes.fromhex(hexdata), node.chain.params, check_pow)
        except BlockDecodeError:
            raise RPCError(RPC_DESERIALIZATION_ERROR, "Block decode failed") from None
        except ValueError as exc:
            raise RPCError(RPC_DESERIALIZATION_ERROR, str(exc)) from None
    return decode_block(hexdata)


def _precheck_unlocked(node: RPCMethods, block: CBlock, check_pow: bool = True) -> None:
    """The slow per-transaction work of a block done without the chain lock, so one large
    block stalls no other caller: CheckBlock (merkle root first), then every script whose
    coins are known is verified into the chain's script cache, where the connect under the
    lock finds it. Failures here are left for process_block to report in Core's order."""
    chain = node.chain
    check_block(block, chain.params, check_pow)
    coins = chain.coins_for(block)
    for tx in block.vtx:
        txid = tx.GetTxid()
        for n, out in enumerate(tx.vout):
            coins.setdefault((txid, n), Coin(out.nValue, bytes(out.scriptPubKey), 0, False))
    for tx in block.vtx[1:]:
        spent = [coins.get((i.prevout.hash, i.prevout.n)) for i in tx.vin]
        known = [coin for coin in spent if coin is not None]
        if len(known) == len(spent):
            verify_scripts(tx, known, chain.script_cache)


def _add_default_witness_nonce(block: CBlock) -> CBlock:
    """validation.cpp UpdateUncommittedBlockStructures: a block committing to witnesses whose
    coinbase has no witness gets the default reserved value, as submitblock does in Core."""
    if witness_commitment_index(block) is None or not block.vtx[0].wit.is_null():
        return block
    coinbase = CMutableTransaction.from_tx(block.vtx[0])
    coinbase.wit = CTxWitness(
        [CTxInWitness(CScriptWitness([WITNESS_RESERVED_VALUE]))] + [CTxInWitness() for _ in coinbase.vin[1:]]
    )
    vtx = [CTransaction.from_tx(coinbase)] + list(block.vtx[1:])
    return CBlock(
        nVersion=block.nVersion,
        hashPrevBlock=block.hashPrevBlock,
        hashMerkleRoot=block.hashMerkleRoot,
        nTime=block.nTime,
        nBits=block.nBits,
        nNonce=block.nNonce,
        vtx=vtx,
    )


def generatetoaddress(node: RPCMethods, nblocks, address, maxtries):
    nblocks, maxtries = get_int(nblocks), get_int(maxtries)
    try:
        script_pubkey = bytes.fromhex(decode_address(address)["scriptPubKey"])
    except AddressError:
        raise RPCError(RPC_INVALID_ADDRESS_OR_KEY, "Error: Invalid address") from None
    hashes = []
    for _ in range(max(nblocks, 0)):
        if node.stopping:
            break
        block, maxtries = generate_block(node.chain, script_pubkey, maxtries)
        if block is None:
            break
        try:
            node.chain.process_block(block)
        except BlockInvalid as exc:  # our own block must be valid; say so loudly if not
            raise RPCError(RPC_INTERNAL_ERROR, f"ProcessNewBlock, block not accepted: {exc.reason}") from None
        hashes.append(b2lx(block.GetHash()))
    return hashes


TABLE = {
    "getblocktemplate": Command(
        "Mining",
        [Param("template_request", "object", {})],
        "If the request parameters include a 'mode' key, that is used to explicitly select between the default 'template' request or a 'proposal'.\nIt returns data needed to construct a block to work on.\nFor full specification, see BIPs 22, 23, 9, and 145.",
        getblocktemplate,
    ),
    "getmininginfo": Command(
        "Mining", [], "Returns a json object containing mining-related information.", getmininginfo
    ),
    "getnetworkhashps": Command(
        "Mining",
        [Param("nblocks", "number", 120), Param("height", "number", -1)],
        "Returns the estimated network hashes per second based on the last n blocks.\nPass in [blocks] to override # of blocks, -1 specifies since last difficulty change.\nPass in [height] to estimate the network speed at the time when a certain block was found.",
        getnetworkhashps,
    ),
    "submitblock": Command(
        "Mining",
        [Param("hexdata", "string", required=True), Param("dummy", "string", "")],
        "Attempts to submit new block to network.\nSee https://en.bitcoin.it/wiki/BIP_0022 for full specification.",
        submitblock,
    ),
    "generatetoaddress": Command(
        "Generating",
        [
            Param("nblocks", "number", required=True),
            Param("address", "string", required=True),
            Param("maxtries", "number", 1_000_000),
        ],
        "Mine blocks immediately to a specified address (before the RPC call returns)",
        generatetoaddress,
    ),
}
