"""Bitcoin Core's own validation (libbitcoinkernel, through py-bitcoinkernel) as the oracle for
"a block our regtest node accepts, bitcoind -regtest accepts too".

One node builds a 210-block regtest chain: blocks from `generatetoaddress` (segwit templates,
so a witness commitment and the reserved value) interleaved with blocks our miner's job code
builds from templates without the segwit rule (legacy coinbase, no commitment: valid on Core,
which requires the commitment only when a block has witness data), across the halving at 150.
A fresh regtest ChainstateManager must then connect every block and reach our tip; one changed
byte must stop it there, and so must a block paying the pre-halving subsidy after the halving.
"""

from __future__ import annotations

import struct

import pbk  # py-bitcoinkernel, in the `test` extra: a missing oracle is a failure, not a skip
import pytest
from bitcoin.core import CBlock

from engine.mining import jobs
from engine.mining.sha256d import find_nonce
from tests.helpers.core_chainstate import CoreChainstate
from tests.helpers.node import NodeProcess, starts_node_process

CHAIN_HEIGHT = 210
HALVING_HEIGHT = 150  # Core chainparams.cpp CRegTestParams: nSubsidyHalvingInterval = 150
GBT = {"rules": ["segwit"]}
COMMITMENT_MARKER = bytes.fromhex("6a24aa21a9ed")  # BIP141 OP_RETURN + push + aa21a9ed


def mine_legacy_block(node: NodeProcess, **template_changes) -> str:
    """Mine on the node's tip with the miner's job code from its template with `rules: []`
    (a node without segwit), so the block has no witness commitment and no witness; returns
    the node's BIP22 answer (None: accepted)."""
    raw = dict(node.rpc("getblocktemplate", GBT), rules=[], **template_changes)
    template = jobs.BlockTemplate.from_rpc(raw)
    job = jobs.make_job(
        template, jobs.DEFAULT_PAYOUT_SCRIPT, struct.pack("<Q", template.height), ntime=template.curtime
    )
    nonce = find_nonce(job.header(0), template.target)
    assert nonce is not None
    return node.rpc("submitblock", job.block_hex(nonce)), job.block_bytes(nonce)


@pytest.fixture(scope="module")
@starts_node_process
def our_chain(tmp_path_factory):
    """(raw blocks 1..CHAIN_HEIGHT, tip hash) from our node, which stops afterwards."""
    node = NodeProcess(tmp_path_factory.mktemp("oracle") / "node").start()
    try:
        address = "bcrt1qft5p2uhsdcdc3l2ua4ap5qqfg4pjaqlp250x7us7a8qqhrxrxfsqseac85"
        for height in range(1, CHAIN_HEIGHT + 1):
            if height % 3 == 0:
                result, _ = mine_legacy_block(node)
                assert result is None, f"our node refused its own legacy block {height}: {result}"
            else:
                node.rpc("generatetoaddress", 1, address)
        assert node.rpc("getblockcount") == CHAIN_HEIGHT
        hashes = [node.rpc("getblockhash", h) for h in range(1, CHAIN_HEIGHT + 1)]
        blocks = [bytes.fromhex(node.rpc("getblock", h, 0)) for h in hashes]
        # the block Core must refuse: on our tip, valid but for paying the subsidy before the halving
        template = node.rpc("getblocktemplate", GBT)
        overpaying = mine_legacy_block(node, coinbasevalue=template["coinbasevalue"] * 2)
        assert overpaying[0] == "bad-cb-amount"  # our node refuses it too
        return blocks, hashes[-1], overpaying[1]
    finally:
        node.stop()


def coinbase(raw: bytes):
    return CBlock.deserialize(raw).vtx[0]


def test_our_chain_mixes_commitments_and_crosses_the_halving(our_chain):
    blocks, _, _ = our_chain
    with_commitment = [
        h
        for h, raw in enumerate(blocks, 1)
        if any(out.scriptPubKey.startswith(COMMITMENT_MARKER) for out in coinbase(raw).vout)
    ]
    assert len(with_commitment) == CHAIN_HEIGHT - CHAIN_HEIGHT // 3
    legacy = [h for h in range(1, CHAIN_HEIGHT + 1) if h not in with_commitment]
    assert all(h % 3 == 0 and not coinbase(blocks[h - 1]).has_witness() for h in legacy)
    assert coinbase(blocks[HALVING_HEIGHT - 2]).vout[0].nValue == 50 * 100_000_000
    assert coinbase(blocks[HALVING_HEIGHT - 1]).vout[0].nValue == 25 * 100_000_000


def test_bitcoin_core_connects_every_block_of_our_chain_to_our_tip(our_chain, tmp_path):
    blocks, tip_hash, _ = our_chain
    core = CoreChainstate(tmp_path)
    assert core.feed(blocks) == []
    assert core.tip == (CHAIN_HEIGHT, tip_hash)
    assert len(core.verdicts) == CHAIN_HEIGHT + 1  # genesis is connected when the chainstate loads
    assert {(mode, result) for _, mode, result in core.verdicts} == {
        (pbk.ValidationMode.VALID, pbk.BlockValidationResult.UNSET)
    }


def flip(raw: bytes, offset: int) -> bytes:
    changed = bytearray(raw)
    changed[offset] ^= 0x01
    return bytes(changed)


@pytest.mark.parametrize(
    "height, where",
    [
        (120, "coinbase value"),  # a legacy block: the txid and so the merkle root no longer match
        (121, "witness reserved value"),  # a segwit block: only the witness commitment catches it
    ],
)
def test_one_changed_byte_stops_core_at_the_block_before(our_chain, tmp_path, height, where):
    blocks, _, _ = our_chain
    raw = blocks[height - 1]
    if where == "coinbase value":
        assert height % 3 == 0  # a legacy block from our miner's job code
        offset = raw.index(struct.pack("<q", coinbase(raw).vout[0].nValue), 81)
    else:
        assert coinbase(raw).has_witness()
        offset = len(raw) - 5  # the reserved value's last byte, just before the nLockTime
        assert raw[offset - 31 : offset + 1] == jobs.WITNESS_RESERVED_VALUE
    changed = flip(raw, offset)
    assert CBlock.deserialize(changed).GetHash() == CBlock.deserialize(raw).GetHash()  # same header
    core = CoreChainstate(tmp_path)
    refused = core.feed(blocks[: height - 1] + [changed] + blocks[height:])
    assert refused[0] == height - 1  # refused at once (later blocks may be stored, never connected)
    changed_hash = CBlock.deserialize(changed).GetHash()[::-1].hex()
    assert [(mode, result) for block_hash, mode, result in core.verdicts if block_hash == changed_hash] == [
        (pbk.ValidationMode.INVALID, pbk.BlockValidationResult.MUTATED)
    ]
    expected_tip = CBlock.deserialize(blocks[height - 2]).GetHash()[::-1].hex()
    assert core.tip == (height - 1, expected_tip)


def test_core_refuses_the_pre_halving_subsidy_after_the_halving(our_chain, tmp_path):
    blocks, tip_hash, overpaying = our_chain
    core = CoreChainstate(tmp_path)
    core.feed(blocks + [overpaying])  # stored (its header and merkle root are sound), then not connected
    assert core.tip == (CHAIN_HEIGHT, tip_hash)
    assert core.verdicts[-1] == (
        CBlock.deserialize(overpaying).GetHash()[::-1].hex(),
        pbk.ValidationMode.INVALID,
        pbk.BlockValidationResult.CONSENSUS,
    )
