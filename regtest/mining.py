"""Block templates (BIP22/23 getblocktemplate) and the node's own generatetoaddress miner."""
from __future__ import annotations

import functools
import struct

from bitcoin.core import (CBlock, CMutableTransaction, COutPoint, CTransaction, CTxIn,
                          CTxInWitness, CTxOut, CTxWitness)
from bitcoin.core.script import CScript, CScriptWitness

from engine.sha256d import find_nonce

from .chain import BlockIndex, Chain
from .consensus import bits_to_target, block_subsidy_sat
from .validation import default_witness_commitment, merkle_root

# versionbits.h VERSIONBITS_TOP_BITS: what ComputeBlockVersion returns with no deployment signalling.
BLOCK_VERSION = 0x20000000
COINBASE_WITNESS_RESERVED_VALUE = b"\x00" * 32


def next_block_basics(chain: Chain) -> tuple[BlockIndex, int, int]:
    """(tip, time, nBits) for a block on the tip; the time is node/miner.cpp UpdateTime's: now,
    but always after the median time past. Call with the chain lock held."""
    prev = chain.tip
    now = max(prev.mtp + 1, int(chain.clock()))
    return prev, now, chain.next_bits(prev, now)


@functools.cache
def coinbase_only_commitment() -> bytes:
    """The witness commitment of a block with only a coinbase (whose wtxid counts as zero):
    the same for every block this node builds, since it has no mempool."""
    return default_witness_commitment(CBlock(vtx=[CTransaction()]))


def block_template(chain: Chain, longpoll_counter: int) -> dict:
    """The getblocktemplate result for the current tip, with Core's field names."""
    with chain.lock:
        prev, now, bits = next_block_basics(chain)
        height = prev.height + 1
        target, _, _ = bits_to_target(bits)
        return {
            "capabilities": ["proposal"],
            "version": BLOCK_VERSION,
            "rules": ["csv", "!segwit", "taproot"],
            "vbavailable": {},
            "vbrequired": 0,
            "previousblockhash": prev.hash_hex,
            "transactions": [],
            "coinbaseaux": {},
            "coinbasevalue": block_subsidy_sat(height, chain.params),
            "longpollid": prev.hash_hex + str(longpoll_counter),
            "target": f"{target:064x}",
            "mintime": prev.mtp + 1,
            "mutable": ["time", "transactions", "prevblock"],
            "noncerange": "00000000ffffffff",
            "sigoplimit": 80000,
            "sizelimit": 4000000,
            "weightlimit": 4000000,
            "curtime": now,
            "bits": f"{bits:08x}",
            "height": height,
            "default_witness_commitment": coinbase_only_commitment().hex(),
        }


def coinbase_transaction(height: int, value_sat: int, script_pubkey: bytes, extranonce: int,
                         commitment: bytes) -> CTransaction:
    """A coinbase paying `value_sat` with the BIP34 height, an extranonce and the witness
    commitment plus its reserved value (what Core's BlockAssembler builds)."""
    script_sig = CScript([height, struct.pack("<I", extranonce)])
    tx = CMutableTransaction(
        vin=[CTxIn(COutPoint(), script_sig, nSequence=0xFFFFFFFF)],
        vout=[CTxOut(value_sat, CScript(script_pubkey)), CTxOut(0, CScript(commitment))],
        witness=CTxWitness([CTxInWitness(CScriptWitness([COINBASE_WITNESS_RESERVED_VALUE]))]),
    )
    return CTransaction.from_tx(tx)


def generate_block(chain: Chain, script_pubkey: bytes, max_tries: int) -> tuple[CBlock | None, int]:
    """rpc/mining.cpp GenerateBlock: mine one block on the tip. Returns (block, tries left)."""
    with chain.lock:
        prev, now, bits = next_block_basics(chain)
    height = prev.height + 1
    target, _, _ = bits_to_target(bits)
    commitment = coinbase_only_commitment()
    extranonce = 0
    while max_tries > 0:
        coinbase = coinbase_transaction(height, block_subsidy_sat(height, chain.params),
                                        script_pubkey, extranonce, commitment)
        root, _ = merkle_root([coinbase.GetTxid()])
        block = CBlock(nVersion=BLOCK_VERSION, hashPrevBlock=prev.hash, hashMerkleRoot=root,
                       nTime=now, nBits=bits, nNonce=0, vtx=[coinbase])
        header = block.get_header().serialize()
        count = min(max_tries, 1 << 32)
        nonce = find_nonce(header, target, 0, count)
        if nonce is not None:
            max_tries -= nonce + 1
            return CBlock(nVersion=BLOCK_VERSION, hashPrevBlock=prev.hash, hashMerkleRoot=root,
                          nTime=now, nBits=bits, nNonce=nonce, vtx=[coinbase]), max_tries
        max_tries -= count
        extranonce += 1
    return None, 0
