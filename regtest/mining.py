"""Block templates (BIP22/23 getblocktemplate) and the node's own generatetoaddress miner."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from bitcoin.core import CBlock, CTransaction, b2lx

from engine.mining.jobs import EXTRANONCE_SIZE, BlockTemplate, make_job
from engine.mining.sha256d import find_nonce
from engine.primitives.chain import BLOCK_VERSION
from engine.primitives.pow import bits_to_target
from engine.primitives.subsidy import block_subsidy_sat

from .chain import BlockIndex, Chain
from .chainparams import MAX_BLOCK_SIGOPS_COST, MAX_BLOCK_WEIGHT
from .validation import default_witness_commitment

if TYPE_CHECKING:
    from .mempool import MempoolEntry

# versionbits.h VERSIONBITS_TOP_BITS: what ComputeBlockVersion returns with no deployment signalling.
# node/miner.h: weight kept for the coinbase (DEFAULT_BLOCK_RESERVED_WEIGHT, Core 29) and the
# sigops BlockAssembler counts for it before adding transactions.
BLOCK_RESERVED_WEIGHT = 8000
COINBASE_SIGOPS_COST = 400


def next_block_basics(chain: Chain) -> tuple[BlockIndex, int, int]:
    """(tip, time, nBits) for a block on the tip; the time is node/miner.cpp UpdateTime's: now,
    but always after the median time past. Call with the chain lock held."""
    prev = chain.tip
    now = max(prev.mtp + 1, int(chain.clock()))
    return prev, now, chain.next_bits(prev, now)


@functools.cache
def coinbase_only_commitment() -> bytes:
    """The witness commitment of a block with only a coinbase (whose wtxid counts as zero)."""
    return default_witness_commitment(CBlock(vtx=[CTransaction()]))


_template_cache: dict = {}


def template_transactions(chain: Chain) -> tuple[list[dict], int, bytes]:
    """node/miner.cpp CreateNewBlock from the mempool: (template transactions with Core's
    fields, total fees, witness commitment script). Cached per tip and mempool state."""
    pool = chain.mempool
    key = (id(chain), chain.tip.hash, pool.transactions_updated if pool is not None else 0)
    cached = _template_cache.get(id(chain))
    if cached is not None and cached[0] == key:
        return cached[1]
    entries: list[MempoolEntry] = (
        pool.block_entries(MAX_BLOCK_WEIGHT - BLOCK_RESERVED_WEIGHT, MAX_BLOCK_SIGOPS_COST - COINBASE_SIGOPS_COST)
        if pool is not None
        else []
    )
    result: tuple[list[dict], int, bytes]
    if not entries:
        result = [], 0, coinbase_only_commitment()
    else:
        position = {e.txid: i + 1 for i, e in enumerate(entries)}  # BIP22 depends: 1-based
        txs = [
            {
                "data": e.raw.hex(),
                "txid": b2lx(e.txid),
                "hash": b2lx(e.wtxid),
                "depends": sorted(position[p] for p in e.parents if p in position),
                "fee": e.fee,
                "sigops": e.sigop_cost,
                "weight": e.weight,
            }
            for e in entries
        ]
        commitment = default_witness_commitment(CBlock(vtx=[CTransaction()] + [e.tx for e in entries]))
        result = txs, sum(e.fee for e in entries), commitment
    _template_cache[id(chain)] = (key, result)
    return result


def block_template(chain: Chain, longpoll_counter: int) -> dict:
    """The getblocktemplate result for the current tip, with Core's field names."""
    with chain.lock:
        prev, now, bits = next_block_basics(chain)
        height = prev.height + 1
        target, _, _ = bits_to_target(bits)
        transactions, fees, commitment = template_transactions(chain)
        return {
            "capabilities": ["proposal"],
            "version": BLOCK_VERSION,
            "rules": ["csv", "!segwit", "taproot"],
            "vbavailable": {},
            "vbrequired": 0,
            "previousblockhash": prev.hash_hex,
            "transactions": transactions,
            "coinbaseaux": {},
            "coinbasevalue": block_subsidy_sat(height, chain.params) + fees,
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
            "default_witness_commitment": commitment.hex(),
        }


def generate_block(chain: Chain, script_pubkey: bytes, max_tries: int) -> tuple[CBlock | None, int]:
    """rpc/mining.cpp GenerateBlock: mine one block on the tip. Returns (block, tries left).

    The block is built by the miner's own job code (engine/mining/jobs.py) from this node's template,
    so `generatetoaddress` and `mine2compute mine` make blocks the same way.
    """
    template = BlockTemplate.from_rpc(block_template(chain, 0))
    extranonce = 0
    while max_tries > 0:
        job = make_job(
            template, script_pubkey, extranonce.to_bytes(EXTRANONCE_SIZE, "little"), ntime=template.curtime
        )  # the node's clock, not the wall clock
        count = min(max_tries, 1 << 32)
        nonce = find_nonce(job.header(0), template.target, 0, count)
        if nonce is not None:
            return CBlock.deserialize(job.block_bytes(nonce)), max_tries - (nonce + 1)
        max_tries -= count
        extranonce += 1
    return None, 0
