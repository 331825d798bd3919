"""The node's RPC methods, with Bitcoin Core's names, parameters, result fields and errors
(rpc/blockchain.cpp, rpc/mining.cpp, rpc/misc.cpp, rpc/server.cpp)."""
from __future__ import annotations

import time
from dataclasses import dataclass

from bitcoin.base58 import CBase58Data
from bitcoin.core import (CBlock, CMutableTransaction, CTransaction, CTxInWitness, CTxWitness,
                          b2lx)
from bitcoin.core.script import CScript, CScriptWitness

from engine.mining.jobs import WITNESS_RESERVED_VALUE

from regtest.address import (PUBKEY_ADDRESS_VERSION, SCRIPT_ADDRESS_VERSION, AddressError,
                      decode_address, encode_segwit_address)
from regtest.chain import BlockIndex, Chain
from regtest.chainparams import COIN
from regtest.consensus import bits_to_target, block_subsidy_sat, difficulty
from regtest.mempool import Mempool
from regtest.mining import block_template, generate_block, next_block_basics
from ..errors import (RPC_CLIENT_NOT_CONNECTED, RPC_DESERIALIZATION_ERROR,
                         RPC_INVALID_ADDRESS_OR_KEY, RPC_INVALID_PARAMETER, RPC_METHOD_NOT_FOUND,
                         RPC_TYPE_ERROR, RPCError)
from ..params import Param, bind, get_int, get_str, is_hex, parse_hash
from .rawtransaction import TABLE as RAWTX_TABLE, RawTxMethods, script_descriptor
from regtest.tx_validation import Coin, verify_scripts
from regtest.validation import BlockInvalid, check_block, witness_commitment_index

LONGPOLL_MAX_WAIT_S = 60.0
# consensus/consensus.h MAX_BLOCK_SERIALIZED_SIZE: no block can be larger, witness included.
MAX_BLOCK_SERIALIZED_SIZE = 4_000_000


def _amount(sat: int) -> float:
    """ValueFromAmount: BTC with eight decimals."""
    return round(sat / COIN, 8)


def _decode_block(hexdata: str) -> CBlock:
    """core_read.cpp DecodeHexBlk: strict hex (IsHex: no whitespace), then the block."""
    if not is_hex(hexdata):
        raise RPCError(RPC_DESERIALIZATION_ERROR, "Block decode failed")
    try:
        return CBlock.deserialize(bytes.fromhex(hexdata))
    except Exception:  # python-bitcoinlib raises many types on bad data (struct, EOF, ...)
        raise RPCError(RPC_DESERIALIZATION_ERROR, "Block decode failed") from None


def _script_type(spk: bytes) -> str:
    """script/solver.cpp GetTxnOutputType names."""
    if len(spk) == 25 and spk[:3] == b"\x76\xa9\x14" and spk[23:] == b"\x88\xac":
        return "pubkeyhash"
    if len(spk) == 23 and spk[:2] == b"\xa9\x14" and spk[22] == 0x87:
        return "scripthash"
    if len(spk) == 22 and spk[:2] == b"\x00\x14":
        return "witness_v0_keyhash"
    if len(spk) == 34 and spk[:2] == b"\x00\x20":
        return "witness_v0_scripthash"
    if len(spk) == 34 and spk[:2] == b"\x51\x20":
        return "witness_v1_taproot"
    if spk[:1] == b"\x6a":
        return "nulldata"
    if 4 <= len(spk) <= 42 and (spk[0] == 0 or 0x51 <= spk[0] <= 0x60) and spk[1] == len(spk) - 2:
        return "witness_unknown"
    return "nonstandard"


def _script_asm(spk: bytes) -> str:
    try:
        return " ".join(op.hex() if isinstance(op, bytes) else str(op) for op in CScript(spk))
    except Exception:  # an unparsable script still gets shown, as Core shows "[error]"
        return "[error]"


class RPCMethods:
    """Method table bound to a running node (its chain, start time and stop hook)."""

    def __init__(self, chain: Chain, request_stop, start_time: float | None = None):
        self.chain = chain
        self.request_stop = request_stop
        self.start_time = start_time or time.time()
        self.stopping = False
        self.mempool = chain.mempool if chain.mempool is not None else Mempool(chain)
        self.rawtx = RawTxMethods(chain, self.mempool, self._tx_json, self._script_json)
        self.table = {
            # name: (category, params, help text)
            "getbestblockhash": ("Blockchain", [], "Returns the hash of the best (tip) block in the most-work fully-validated chain."),
            "getblock": ("Blockchain", [Param("blockhash", "string", required=True), Param("verbosity", "any", 1)],
                         "If verbosity is 0, returns a string that is serialized, hex-encoded data for block 'hash'.\nIf verbosity is 1, returns an Object with information about block <hash>.\nIf verbosity is 2, returns an Object with information about block <hash> and information about each transaction."),
            "getblockchaininfo": ("Blockchain", [], "Returns an object containing various state info regarding blockchain processing (and, under \"consensus\", this chain's parameters)."),
            "getblockcount": ("Blockchain", [], "Returns the height of the most-work fully-validated chain.\nThe genesis block has height 0."),
            "getblockhash": ("Blockchain", [Param("height", "number", required=True)], "Returns hash of block in best-block-chain at height provided."),
            "getblockheader": ("Blockchain", [Param("blockhash", "string", required=True), Param("verbose", "bool", True)],
                               "If verbose is false, returns a string that is serialized, hex-encoded data for blockheader 'hash'.\nIf verbose is true, returns an Object with information about blockheader <hash>."),
            "getchaintips": ("Blockchain", [], "Return information about all known tips in the block tree, including the main chain as well as orphaned branches."),
            "getdifficulty": ("Blockchain", [], "Returns the proof-of-work difficulty as a multiple of the minimum difficulty."),
            "getblocktemplate": ("Mining", [Param("template_request", "object", {})],
                                 "If the request parameters include a 'mode' key, that is used to explicitly select between the default 'template' request or a 'proposal'.\nIt returns data needed to construct a block to work on.\nFor full specification, see BIPs 22, 23, 9, and 145."),
            "getmininginfo": ("Mining", [], "Returns a json object containing mining-related information."),
            "getnetworkhashps": ("Mining", [Param("nblocks", "number", 120), Param("height", "number", -1)],
                                 "Returns the estimated network hashes per second based on the last n blocks.\nPass in [blocks] to override # of blocks, -1 specifies since last difficulty change.\nPass in [height] to estimate the network speed at the time when a certain block was found."),
            "submitblock": ("Mining", [Param("hexdata", "string", required=True), Param("dummy", "string", "")],
                            "Attempts to submit new block to network.\nSee https://en.bitcoin.it/wiki/BIP_0022 for full specification."),
            "generatetoaddress": ("Generating", [Param("nblocks", "number", required=True), Param("address", "string", required=True), Param("maxtries", "number", 1_000_000)],
                                  "Mine blocks immediately to a specified address (before the RPC call returns)"),
            "validateaddress": ("Util", [Param("address", "string", required=True)], "Return information about the given bitcoin address."),
            "help": ("Control", [Param("command", "string", "")], "List all commands, or get help for a specified command."),
            "stop": ("Control", [], "Request a graceful shutdown of the node."),
            "uptime": ("Control", [], "Returns the total uptime of the server."),
            **RAWTX_TABLE,
        }

    # --- dispatch (rpc/server.cpp CRPCTable::execute, RPCHelpMan::HandleRequest) -------------
    def usage(self, method: str) -> str:
        _, params, text = self.table[method]
        args = " ".join(p.name if p.required else f"( {p.name} )" for p in params)
        return f"{method} {args}".rstrip() + "\n\n" + text + "\n"

    def __call__(self, method: str, params):
        if method not in self.table:
            raise RPCError(RPC_METHOD_NOT_FOUND, "Method not found")
        if self.stopping and method != "stop":
            raise RPCError(RPC_CLIENT_NOT_CONNECTED, "Shutting down")
        _, spec, _ = self.table[method]
        args = bind(spec, params, lambda: self.usage(method))
        handler = getattr(self.rawtx, method) if method in RAWTX_TABLE else getattr(self, method)
        return handler(*args)

    # --- helpers -------------------------------------------------------------------------
    def _lookup(self, block_hash: bytes) -> BlockIndex:
        entry = self.chain.index.get(block_hash)
        if entry is None:
            raise RPCError(RPC_INVALID_ADDRESS_OR_KEY, "Block not found")
        return entry

    def _header_json(self, e: BlockIndex) -> dict:
        """rpc/blockchain.cpp blockheaderToJSON."""
        chain = self.chain
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

    @staticmethod
    def _script_json(spk: bytes) -> dict:
        """core_write.cpp ScriptToUniv with hex and address."""
        address = _address_for(spk)
        out = {"asm": _script_asm(spk), "desc": script_descriptor(spk, address), "hex": spk.hex()}
        if address:
            out["address"] = address
        out["type"] = _script_type(spk)
        return out

    def _tx_json(self, tx, include_hex: bool = True) -> dict:
        """core_write.cpp TxToUniv (without the fee and prevouts of verbosity 2)."""
        vin = []
        for i, txin in enumerate(tx.vin):
            item = ({"coinbase": bytes(txin.scriptSig).hex()} if tx.is_coinbase()
                    else {"txid": b2lx(txin.prevout.hash), "vout": txin.prevout.n,
                          "scriptSig": {"asm": _script_asm(bytes(txin.scriptSig)),
                                        "hex": bytes(txin.scriptSig).hex()}})
            if i < len(tx.wit.vtxinwit) and not tx.wit.vtxinwit[i].is_null():
                item["txinwitness"] = [bytes(x).hex() for x in tx.wit.vtxinwit[i].scriptWitness.stack]
            item["sequence"] = txin.nSequence
            vin.append(item)
        vout = []
        for n, out in enumerate(tx.vout):
            vout.append({"value": _amount(out.nValue), "n": n,
                         "scriptPubKey": self._script_json(bytes(out.scriptPubKey))})
        raw = tx.serialize()
        stripped = len(tx.serialize({"include_witness": False}))
        weight = stripped * 3 + len(raw)
        result = {"txid": b2lx(tx.GetTxid()), "hash": b2lx(tx.GetHash()), "version": tx.nVersion,
                  "size": len(raw), "vsize": (weight + 3) // 4, "weight": weight,
                  "locktime": tx.nLockTime, "vin": vin, "vout": vout}
        if include_hex:
            result["hex"] = raw.hex()
        return result

    # --- Blockchain ----------------------------------------------------------------------
    def getbestblockhash(self):
        with self.chain.lock:  # a reorg replaces the active chain's tail under this lock
            return self.chain.tip.hash_hex

    def getblockcount(self):
        with self.chain.lock:
            return self.chain.height()

    def getblockhash(self, height):
        height = get_int(height)
        with self.chain.lock:
            if height < 0 or height > self.chain.height():
                raise RPCError(RPC_INVALID_PARAMETER, "Block height out of range")
            return self.chain.active[height].hash_hex

    def getblockheader(self, blockhash, verbose):
        with self.chain.lock:
            e = self._lookup(parse_hash(blockhash, "hash"))
            if not verbose:
                return self.chain.store.raw_block(e.hash)[:80].hex()
            return self._header_json(e)

    def getblock(self, blockhash, verbosity):
        # rpc/blockchain.cpp ParseVerbosity: a bool (true is 1) or an int.
        verbosity = int(verbosity) if isinstance(verbosity, bool) else get_int(verbosity)
        with self.chain.lock:
            e = self._lookup(parse_hash(blockhash, "blockhash"))
            raw = self.chain.store.raw_block(e.hash)
            if verbosity <= 0:
                return raw.hex()
            block = CBlock.deserialize(raw)
            out = self._header_json(e)
            out.update({"size": e.size, "strippedsize": e.stripped_size, "weight": e.weight})
            if verbosity == 1:
                out["tx"] = [b2lx(tx.GetTxid()) for tx in block.vtx]
            else:
                out["tx"] = [self._tx_json(tx) for tx in block.vtx]
            return out

    def getblockchaininfo(self):
        with self.chain.lock:
            tip = self.chain.tip
            target, _, _ = bits_to_target(tip.bits)
            params = self.chain.params
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
                "size_on_disk": self.chain.store.size_on_disk(),
                "pruned": False,
                "warnings": [],
                # Not in Core: the parameters that make this chain what it is.
                "consensus": {
                    "pow_limit": f"{params.pow_limit:064x}",
                    "pow_target_spacing": params.target_spacing_s,
                    "difficulty_adjustment_interval": params.retarget_interval,
                    "pow_no_retargeting": params.no_retargeting,
                    "pow_allow_min_difficulty_blocks": params.allow_min_difficulty_blocks,
                    "subsidy_halving_interval": params.halving_interval,
                    "start_bits": f"{params.start_bits:08x}",
                    # The chain's own start difficulty (block 1's), the baseline of the economics.
                    "start_difficulty": difficulty(params.start_bits),
                    "next_halving_height": (tip.height // params.halving_interval + 1) * params.halving_interval,
                    "subsidy": _amount(block_subsidy_sat(tip.height + 1, params)),
                },
            }

    def getchaintips(self):
        with self.chain.lock:
            out = []
            for e in self.chain.chain_tips():
                walk, branch = e, 0
                while not self.chain.is_active(walk):
                    walk, branch = walk.prev, branch + 1
                out.append({"height": e.height, "hash": e.hash_hex, "branchlen": branch,
                            "status": "active" if branch == 0 else "valid-fork"})
            return sorted(out, key=lambda t: -t["height"])

    def getdifficulty(self):
        with self.chain.lock:
            return difficulty(self.chain.tip.bits)

    # --- Mining --------------------------------------------------------------------------
    def getnetworkhashps(self, nblocks, height):
        """rpc/mining.cpp GetNetworkHashPS."""
        chain = self.chain
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
            times = [b.time for b in chain.active[pb.height - lookup: pb.height + 1]]
            if max(times) == min(times):
                return 0
            return (pb.chainwork - pb0.chainwork) / (max(times) - min(times))

    def getmininginfo(self):
        chain = self.chain
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
                "networkhashps": self.getnetworkhashps(120, -1),
                "pooledtx": len(self.mempool),
                "chain": chain.params.name,
                "next": {"height": tip.height + 1, "bits": f"{next_bits:08x}",
                         "difficulty": difficulty(next_bits), "target": f"{next_target:064x}"},
                "warnings": [],
            }

    def getblocktemplate(self, request):
        """rpc/mining.cpp getblocktemplate (BIP22 templates, BIP23 proposals, longpoll)."""
        mode = request.get("mode")
        if mode is not None and not isinstance(mode, str):
            raise RPCError(RPC_INVALID_PARAMETER, "Invalid mode")
        mode = mode or "template"
        if mode == "proposal":
            data = request.get("data")
            if not isinstance(data, str):
                raise RPCError(RPC_TYPE_ERROR, "Missing data String key for proposal")
            block = self._decode_bounded(data)
            if isinstance(block, str):
                return block
            with self.chain.lock:
                known = self.chain.index.get(block.GetHash())
                if known is not None:
                    # Core: "duplicate" for a block on the best chain, else it is undecided.
                    return "duplicate" if self.chain.is_active(known) else "duplicate-inconclusive"
                if block.GetHash() in self.chain.invalid:
                    return "duplicate-invalid"
                if block.hashPrevBlock != self.chain.tip.hash:
                    return "inconclusive-not-best-prevblk"
            try:
                if len(block.vtx) > 1:
                    self._precheck_unlocked(block, check_pow=False)
                self.chain.test_block_validity(block)
            except BlockInvalid as exc:
                return exc.reason
            return None
        if mode != "template":
            raise RPCError(RPC_INVALID_PARAMETER, "Invalid mode")
        rules = request.get("rules")
        if isinstance(rules, list):
            rules = [get_str(rule) for rule in rules]  # Core: setClientRules.insert(v.get_str())
        if not isinstance(rules, list) or "segwit" not in rules:
            raise RPCError(RPC_INVALID_PARAMETER,
                           'getblocktemplate must be called with the segwit rule set (call with {"rules": ["segwit"]})')
        longpollid = request.get("longpollid")
        if longpollid is not None:
            if isinstance(longpollid, str):
                watched = parse_hash(longpollid[:64], "longpollid")
            else:
                watched = self.chain.tip.hash
            # Wait until the tip changes (no mempool here, so nothing else can change).
            self.chain.wait_for_tip_change(watched, LONGPOLL_MAX_WAIT_S, lambda: self.stopping)
            if self.stopping:
                raise RPCError(RPC_CLIENT_NOT_CONNECTED, "Shutting down")
        return block_template(self.chain, self.mempool.transactions_updated)

    def submitblock(self, hexdata, dummy):
        """rpc/mining.cpp submitblock: BIP22 result, null when the block became the tip."""
        block = self._decode_bounded(hexdata)
        if isinstance(block, str):
            return block
        if not block.vtx or not block.vtx[0].is_coinbase():
            raise RPCError(RPC_DESERIALIZATION_ERROR, "Block does not start with a coinbase")
        block = _add_default_witness_nonce(block)
        try:
            if len(block.vtx) > 1:
                self._precheck_unlocked(block)
            outcome, _ = self.chain.process_block(block)
        except BlockInvalid as exc:
            return exc.reason
        return {"connected": None, "duplicate": "duplicate", "side": "inconclusive"}[outcome]

    def _decode_bounded(self, hexdata: str) -> CBlock | str:
        """DecodeHexBlk with the size limit checked first: hex beyond MAX_BLOCK_SERIALIZED_SIZE
        is never decoded (Core's CheckBlock would fail it with bad-blk-length after decoding)."""
        if not is_hex(hexdata):
            raise RPCError(RPC_DESERIALIZATION_ERROR, "Block decode failed")
        if len(hexdata) // 2 > MAX_BLOCK_SERIALIZED_SIZE:
            return "bad-blk-length"
        return _decode_block(hexdata)

    def _precheck_unlocked(self, block: CBlock, check_pow: bool = True) -> None:
        """The slow per-transaction work of a block done without the chain lock, so one large
        block stalls no other caller: CheckBlock (merkle root first), then every script whose
        coins are known is verified into the chain's script cache, where the connect under the
        lock finds it. Failures here are left for process_block to report in Core's order."""
        chain = self.chain
        check_block(block, chain.params, check_pow)
        coins = chain.coins_for(block)
        for tx in block.vtx:
            txid = tx.GetTxid()
            for n, out in enumerate(tx.vout):
                coins.setdefault((txid, n), Coin(out.nValue, bytes(out.scriptPubKey), 0, False))
        for tx in block.vtx[1:]:
            spent = [coins.get((i.prevout.hash, i.prevout.n)) for i in tx.vin]
            if None not in spent:
                verify_scripts(tx, spent, chain.script_cache)

    # --- Generating ----------------------------------------------------------------------
    def generatetoaddress(self, nblocks, address, maxtries):
        nblocks, maxtries = get_int(nblocks), get_int(maxtries)
        try:
            script_pubkey = bytes.fromhex(decode_address(address)["scriptPubKey"])
        except AddressError:
            raise RPCError(RPC_INVALID_ADDRESS_OR_KEY, "Error: Invalid address") from None
        hashes = []
        for _ in range(max(nblocks, 0)):
            if self.stopping:
                break
            block, maxtries = generate_block(self.chain, script_pubkey, maxtries)
            if block is None:
                break
            try:
                self.chain.process_block(block)
            except BlockInvalid as exc:  # our own block must be valid; say so loudly if not
                raise RPCError(-32603, f"ProcessNewBlock, block not accepted: {exc.reason}") from None
            hashes.append(b2lx(block.GetHash()))
        return hashes

    # --- Util / Control ------------------------------------------------------------------
    def validateaddress(self, address):
        try:
            return decode_address(address)
        except AddressError as exc:
            return {"isvalid": False, "error_locations": [], "error": str(exc)}

    def help(self, command):
        if command:
            if command not in self.table:
                return f"help: unknown command: {command}"
            return self.usage(command)
        lines, category = [], None
        for name in sorted(self.table, key=lambda n: (self.table[n][0], n)):
            if self.table[name][0] != category:
                category = self.table[name][0]
                lines.append(("\n" if lines else "") + f"== {category} ==")
            lines.append(self.usage(name).split("\n")[0])
        return "\n".join(lines)

    def stop(self):
        self.stopping = True
        self.request_stop()
        return "Mine-to-Compute Lab node stopping"

    def uptime(self):
        return int(time.time() - self.start_time)


def _add_default_witness_nonce(block: CBlock) -> CBlock:
    """validation.cpp UpdateUncommittedBlockStructures: a block committing to witnesses whose
    coinbase has no witness gets the default reserved value, as submitblock does in Core."""
    if witness_commitment_index(block) is None or not block.vtx[0].wit.is_null():
        return block
    coinbase = CMutableTransaction.from_tx(block.vtx[0])
    coinbase.wit = CTxWitness([CTxInWitness(CScriptWitness([WITNESS_RESERVED_VALUE]))]
                              + [CTxInWitness() for _ in coinbase.vin[1:]])
    vtx = [CTransaction.from_tx(coinbase)] + list(block.vtx[1:])
    return CBlock(nVersion=block.nVersion, hashPrevBlock=block.hashPrevBlock,
                  hashMerkleRoot=block.hashMerkleRoot, nTime=block.nTime, nBits=block.nBits,
                  nNonce=block.nNonce, vtx=vtx)


def _address_for(spk: bytes) -> str | None:
    kind = _script_type(spk)
    if kind in ("witness_v0_keyhash", "witness_v0_scripthash", "witness_v1_taproot", "witness_unknown"):
        version = 0 if spk[0] == 0 else spk[0] - 0x50
        return encode_segwit_address(version, spk[2:])
    if kind in ("pubkeyhash", "scripthash"):
        if kind == "pubkeyhash":
            return str(CBase58Data.from_bytes(spk[3:23], PUBKEY_ADDRESS_VERSION))
        return str(CBase58Data.from_bytes(spk[2:22], SCRIPT_ADDRESS_VERSION))
    return None
