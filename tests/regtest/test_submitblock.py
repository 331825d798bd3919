"""submitblock through a real node process and python-bitcoinlib's client: one test per BIP22
reject reason, plus acceptance, side branches and reorgs to the most work."""

from __future__ import annotations

import os
import time

import bitcoin.rpc
import pytest
from bitcoin.core import (
    CBlock,
    CMutableTransaction,
    COutPoint,
    CTransaction,
    CTxIn,
    CTxInWitness,
    CTxOut,
    CTxWitness,
    b2lx,
    lx,
)
from bitcoin.core.script import CScript, CScriptWitness

from regtest.validation import default_witness_commitment
from tests.helpers.blockmaker import PAYOUT, block_from_template, coinbase_transaction, make_block, mine_high_hash
from tests.helpers.node import NodeProcess, starts_node_process

RULES = {"rules": ["segwit"]}


@pytest.fixture(scope="module")
@starts_node_process
def node(tmp_path_factory):
    n = NodeProcess(tmp_path_factory.mktemp("submit"), chain="regtest").start()
    n.rpc("generatetoaddress", 5, "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080")
    yield n
    n.stop()


def submit(node, block: CBlock):
    return node.rpc("submitblock", block.serialize().hex())


def template(node):
    return node.rpc("getblocktemplate", RULES)


def test_a_valid_block_is_accepted_and_becomes_the_tip(node):
    tpl = template(node)
    block = block_from_template(tpl)
    assert submit(node, block) is None
    assert node.rpc("getbestblockhash") == b2lx(block.GetHash())
    assert node.rpc("getblockcount") == tpl["height"]
    # The stored block round-trips byte for byte, coinbase and witness included.
    assert node.rpc("getblock", b2lx(block.GetHash()), 0) == block.serialize().hex()


def test_duplicate(node):
    block = block_from_template(template(node))
    assert submit(node, block) is None
    assert submit(node, block) == "duplicate"


def test_high_hash(node):
    block = mine_high_hash(block_from_template(template(node), mine=False))
    assert submit(node, block) == "high-hash"


def test_bad_diffbits(node):
    # A harder target than regtest's is still met, but nBits must equal GetNextWorkRequired.
    block = block_from_template(template(node), bits=0x2000FFFF)
    assert submit(node, block) == "bad-diffbits"


def test_bad_txnmrklroot(node):
    block = block_from_template(template(node), merkle=bytes(32))
    assert submit(node, block) == "bad-txnmrklroot"


def test_bad_cb_height(node):
    tpl = template(node)
    cb = coinbase_transaction(
        tpl["height"] + 1, tpl["coinbasevalue"], PAYOUT, 0, default_witness_commitment(CBlock(vtx=[CTransaction()]))
    )
    assert submit(node, block_from_template(tpl, coinbase=cb)) == "bad-cb-height"


def test_bad_cb_amount(node):
    tpl = template(node)
    assert submit(node, block_from_template(tpl, value_sat=tpl["coinbasevalue"] + 1)) == "bad-cb-amount"


def test_time_too_old(node):
    tpl = template(node)
    assert submit(node, block_from_template(tpl, time_=tpl["mintime"] - 1)) == "time-too-old"


def test_time_too_new(node):
    tpl = template(node)
    too_new = int(time.time()) + 2 * 60 * 60 + 600
    assert submit(node, block_from_template(tpl, time_=too_new)) == "time-too-new"


def test_prev_blk_not_found(node):
    block = block_from_template(template(node), prev_hash=os.urandom(32))
    assert submit(node, block) == "prev-blk-not-found"


def test_bad_version(node):
    assert submit(node, block_from_template(template(node), version=3)) == "bad-version(0x00000003)"


def test_bad_cb_length(node):
    tpl = template(node)
    cb = CTransaction([CTxIn(COutPoint(), CScript(b"\x01" + bytes(120)))], [CTxOut(1, CScript(PAYOUT))])
    assert submit(node, block_from_template(tpl, coinbase=cb)) == "bad-cb-length"


def test_bad_witness_nonce_size(node):
    tpl = template(node)
    cb = CMutableTransaction.from_tx(block_from_template(tpl, mine=False).vtx[0])
    cb.wit = CTxWitness([CTxInWitness(CScriptWitness([b"\x00" * 31]))])
    assert submit(node, block_from_template(tpl, coinbase=CTransaction.from_tx(cb))) == "bad-witness-nonce-size"


def test_bad_witness_merkle_match(node):
    tpl = template(node)
    cb = coinbase_transaction(tpl["height"], tpl["coinbasevalue"], PAYOUT, 0, bytes.fromhex("6a24aa21a9ed") + bytes(32))
    assert submit(node, block_from_template(tpl, coinbase=cb)) == "bad-witness-merkle-match"


def test_unexpected_witness(node):
    tpl = template(node)
    cb = CTransaction(
        [CTxIn(COutPoint(), CScript([tpl["height"], b"\x00\x00"]))],
        [CTxOut(tpl["coinbasevalue"], CScript(PAYOUT))],
        witness=CTxWitness([CTxInWitness(CScriptWitness([bytes(32)]))]),
    )
    assert submit(node, block_from_template(tpl, coinbase=cb)) == "unexpected-witness"


def test_bad_cb_multiple_and_duplicate_invalid(node):
    tpl = template(node)
    good = block_from_template(tpl, mine=False)
    second_coinbase = coinbase_transaction(tpl["height"], 1, PAYOUT, 7, bytes.fromhex("6a"))
    block = block_from_template(tpl, extra_txs=[second_coinbase])
    assert submit(node, block) == "bad-cb-multiple"
    assert good.vtx[0].is_coinbase()


def test_a_transaction_spending_a_missing_output_is_refused_as_core_does(node):
    tpl = template(node)
    spend = CTransaction([CTxIn(COutPoint(os.urandom(32), 0), CScript([b"\x01"]))], [CTxOut(1000, CScript(PAYOUT))])
    block = block_from_template(tpl, extra_txs=[spend])
    assert submit(node, block) == "bad-txns-inputs-missingorspent"
    assert submit(node, block) == "duplicate-invalid"


def test_block_without_coinbase_is_a_decode_error(node):
    tpl = template(node)
    spend = CTransaction([CTxIn(COutPoint(os.urandom(32), 0), CScript([b"\x01"]))], [CTxOut(1000, CScript(PAYOUT))])
    block = CBlock(
        nVersion=0x20000000,
        hashPrevBlock=lx(tpl["previousblockhash"]),
        hashMerkleRoot=spend.GetTxid(),
        nTime=tpl["curtime"],
        nBits=0x207FFFFF,
        vtx=[spend],
    )
    with pytest.raises(bitcoin.rpc.JSONRPCError) as err:
        submit(node, block)
    assert err.value.error == {"code": -22, "message": "Block does not start with a coinbase"}


@pytest.mark.parametrize("hexdata", ["", "zz", "00", "0100000000", "ff" * 81])
def test_undecodable_blocks(node, hexdata):
    with pytest.raises(bitcoin.rpc.JSONRPCError) as err:
        node.rpc("submitblock", hexdata)
    assert err.value.error == {"code": -22, "message": "Block decode failed"}


def test_missing_witness_nonce_is_filled_in_as_core_does(node):
    tpl = template(node)
    block = block_from_template(tpl, mine=False)
    cb = CMutableTransaction.from_tx(block.vtx[0])
    cb.wit = CTxWitness()
    block = block_from_template(tpl, coinbase=CTransaction.from_tx(cb))
    assert submit(node, block) is None


def test_side_branch_is_inconclusive_then_reorg_to_most_work(node):
    tip_height = node.rpc("getblockcount")
    fork_parent = node.rpc("getblockhash", tip_height - 1)
    parent = node.rpc("getblockheader", fork_parent)
    now = max(int(time.time()), parent["mediantime"] + 1)
    # A competing block at the tip's height: valid, less-or-equal work, stored as a side branch.
    side1 = make_block(lx(fork_parent), tip_height, now, 0x207FFFFF, 5_000_000_000, extranonce=99)
    assert submit(node, side1) == "inconclusive"
    old_tip = node.rpc("getbestblockhash")
    assert old_tip != b2lx(side1.GetHash())
    # One more block on the side branch gives it more work: the node reorgs to it.
    side2 = make_block(side1.GetHash(), tip_height + 1, now + 1, 0x207FFFFF, 5_000_000_000, extranonce=99)
    assert submit(node, side2) is None
    assert node.rpc("getbestblockhash") == b2lx(side2.GetHash())
    assert node.rpc("getblockhash", tip_height) == b2lx(side1.GetHash())
    tips = {t["hash"]: t for t in node.rpc("getchaintips")}
    assert tips[b2lx(side2.GetHash())]["status"] == "active"
    assert tips[old_tip]["status"] == "valid-fork" and tips[old_tip]["branchlen"] == 1
    assert node.rpc("getblockheader", old_tip)["confirmations"] == -1


def test_proposal_mode_checks_everything_but_pow(node):
    tpl = template(node)
    good = block_from_template(tpl, mine=False)
    assert node.rpc("getblocktemplate", {"mode": "proposal", "data": good.serialize().hex()}) is None
    bad = block_from_template(tpl, value_sat=tpl["coinbasevalue"] + 1, mine=False)
    assert node.rpc("getblocktemplate", {"mode": "proposal", "data": bad.serialize().hex()}) == "bad-cb-amount"
    stale = block_from_template(tpl, prev_hash=os.urandom(32), mine=False)
    assert (
        node.rpc("getblocktemplate", {"mode": "proposal", "data": stale.serialize().hex()})
        == "inconclusive-not-best-prevblk"
    )


def test_a_coinbase_ending_in_a_truncated_push_is_valid_as_in_core(node):
    # Core's sigop counting stops at a truncated push (script.cpp GetOp); the block is valid.
    tpl = template(node)
    base = block_from_template(tpl, mine=False).vtx[0]
    cb = CMutableTransaction.from_tx(base)
    cb.vin[0].scriptSig = CScript(bytes(CScript([tpl["height"]])) + b"\x00\x4c")
    assert submit(node, block_from_template(tpl, coinbase=CTransaction.from_tx(cb))) is None


def test_a_child_of_an_invalid_block_is_bad_prevblk(node):
    tpl = template(node)
    spend = CTransaction([CTxIn(COutPoint(os.urandom(32), 0), CScript([b"\x02"]))], [CTxOut(1000, CScript(PAYOUT))])
    bad = block_from_template(tpl, extra_txs=[spend])
    assert submit(node, bad) == "bad-txns-inputs-missingorspent"
    child = make_block(bad.GetHash(), tpl["height"] + 1, tpl["curtime"] + 1, 0x207FFFFF, 5_000_000_000)
    assert submit(node, child) == "bad-prevblk"


def test_proposal_of_a_known_side_block_is_duplicate_inconclusive(node):
    tip_height = node.rpc("getblockcount")
    parent = node.rpc("getblockhash", tip_height - 1)
    now = max(int(time.time()), node.rpc("getblockheader", parent)["mediantime"] + 1)
    side = make_block(lx(parent), tip_height, now, 0x207FFFFF, 5_000_000_000, extranonce=4242)
    assert submit(node, side) == "inconclusive"
    data = side.serialize().hex()
    assert node.rpc("getblocktemplate", {"mode": "proposal", "data": data}) == "duplicate-inconclusive"
    tip_block = node.rpc("getblock", node.rpc("getbestblockhash"), 0)
    assert node.rpc("getblocktemplate", {"mode": "proposal", "data": tip_block}) == "duplicate"
