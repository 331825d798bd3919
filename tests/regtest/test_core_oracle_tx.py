"""Bitcoin Core's libbitcoinkernel (py-bitcoinkernel) as the oracle for blocks WITH transactions:
P2WPKH, P2PKH and P2TR key-path spends, chains of unconfirmed parents and children, fees paid
to the miner, blocks from generatetoaddress and from the miner's job code (engine/mining/jobs.py
over getblocktemplate), and a reorg whose longer branch double-spends a confirmed payment.
Core must connect every block our node stored, in the order it stored them, and end on our
tip; a block our node refused for a bad signature or an over-paid coinbase Core refuses too."""

from __future__ import annotations

import struct

import pbk
from bitcoin.core import CBlock, b2lx

from engine.mining import jobs
from engine.mining.sha256d import find_nonce
from engine.primitives.subsidy import block_subsidy_sat
from regtest.chainparams import REGTEST
from tests.helpers.blockmaker import make_block
from tests.helpers.core_chainstate import CoreChainstate
from tests.helpers.txmaker import ALICE, BOB, GBT, Key, LocalNode, outputs_of, spend

CAROL = Key("carol")


def mine_with_job_code(node: LocalNode) -> None:
    """A block from the template by the miner's own code (coinbase, merkle root over the
    template's transactions, witness commitment), submitted as a miner would."""
    template = jobs.BlockTemplate.from_rpc(node("getblocktemplate", GBT))
    job = jobs.make_job(template, ALICE.p2wpkh, struct.pack("<Q", template.height), ntime=template.curtime)
    nonce = find_nonce(job.header(0), template.target)
    assert node("submitblock", job.block_hex(nonce)) is None


def stored_blocks(node: LocalNode) -> list[bytes]:
    rows = node.chain.store.db.execute("SELECT raw FROM blocks WHERE height > 0 ORDER BY seq")
    return [row[0] for row in rows]


def test_core_connects_our_chain_with_transactions_and_a_reorg(tmp_path):
    node = LocalNode(tmp_path / "ours")
    node.mine(115)  # coinbases 1..15 mature for the rounds below
    keys = [ALICE, BOB, CAROL]
    kinds = ["p2wpkh", "p2tr", "p2pkh"]
    fees_seen = 0
    for round_ in range(5):  # each round: three coinbases fan out and chain through every type
        for i in range(3):
            coin = node.coinbase_utxo(round_ * 3 + i + 1)
            key = keys[(round_ + i) % 3]
            spk = getattr(key, kinds[(round_ + i) % 3])
            tx = spend([coin], [(spk, coin.value // 2), (ALICE.p2wpkh, coin.value // 2 - 2_000)])
            node.send(tx)
            child = spend([outputs_of(tx, key)[0]], [(CAROL.p2tr, coin.value // 2 - 3_000)])
            node.send(child)
            fees_seen += 2_000 + 3_000
        template = node("getblocktemplate", GBT)
        assert len(template["transactions"]) == 6
        if round_ % 2:
            mine_with_job_code(node)
        else:
            node.mine()
        assert node("getrawmempool") == []
    # A payment confirmed on the active chain, then a longer private branch that double-spends it.
    coin = node.coinbase_utxo(16)
    payment = spend([coin], [(BOB.p2wpkh, coin.value - 1_000)])
    node.send(payment)
    fork = node.chain.tip
    node.mine(2)
    assert node("getrawtransaction", b2lx(payment.GetTxid()), 1)["confirmations"] == 2
    double = spend([coin], [(CAROL.p2wpkh, coin.value - 1_000)])
    prev = fork
    for i in range(3):
        height = prev.height + 1
        block = make_block(
            prev.hash,
            height,
            prev.mtp + 1,
            prev.bits,
            block_subsidy_sat(height, REGTEST) + (1_000 if i == 0 else 0),
            extra_txs=[double] if i == 0 else [],
            extranonce=900 + i,
        )
        assert node("submitblock", block.serialize().hex()) in (None, "inconclusive")
        prev = node.chain.index[block.GetHash()]
    assert node.chain.tip is prev  # reorganised onto the branch with the double spend
    assert node("gettxout", b2lx(payment.GetTxid()), 0) is None
    assert node("gettxout", b2lx(double.GetTxid()), 0)["confirmations"] == 3
    node.mine(2)  # and the chain carries on from the new tip
    # Blocks our node refused: a bad signature, and a coinbase claiming one satoshi too many.
    tip = node.chain.tip
    coin = node.coinbase_utxo(17)
    bad_sig = spend([coin], [(BOB.p2wpkh, coin.value - 1_000)], corrupt=0)
    good = spend([coin], [(BOB.p2wpkh, coin.value - 1_000)])
    subsidy = block_subsidy_sat(tip.height + 1, REGTEST)
    refused_blocks = [
        make_block(tip.hash, tip.height + 1, tip.mtp + 1, tip.bits, subsidy + 1_000, extra_txs=[bad_sig]),
        make_block(tip.hash, tip.height + 1, tip.mtp + 1, tip.bits, subsidy + 1_001, extra_txs=[good], extranonce=5),
    ]
    for block in refused_blocks:
        assert node("submitblock", block.serialize().hex()).startswith(
            ("block-script-verify-flag-failed", "bad-cb-amount")
        )
    assert fees_seen > 0

    core = CoreChainstate(tmp_path / "core")
    blocks = stored_blocks(node)
    assert len(blocks) == node.chain.height() + 2  # the active chain plus the two abandoned blocks
    assert core.feed(blocks) == []
    assert core.tip == (node.chain.height(), node.chain.tip.hash_hex)
    for block in refused_blocks:
        core.feed([block.serialize()])
        assert core.verdicts[-1] == (
            b2lx(block.GetHash()),
            pbk.ValidationMode.INVALID,
            pbk.BlockValidationResult.CONSENSUS,
        )
    assert core.tip == (node.chain.height(), node.chain.tip.hash_hex)


def test_the_block_with_transactions_is_what_core_would_mine(tmp_path):
    """Template fees reach the coinbase: Core accepts the block paying subsidy + fees exactly."""
    node = LocalNode(tmp_path / "ours")
    node.mine(101)
    coin = node.coinbase_utxo(1)
    node.send(spend([coin], [(BOB.p2tr, coin.value - 12_345)]))
    block_hash = node.mine()[0]
    coinbase = CBlock.deserialize(bytes.fromhex(node("getblock", block_hash, 0))).vtx[0]
    assert coinbase.vout[0].nValue == block_subsidy_sat(102, REGTEST) + 12_345
    core = CoreChainstate(tmp_path / "core")
    assert core.feed(stored_blocks(node)) == []
    assert core.tip == (102, block_hash)
