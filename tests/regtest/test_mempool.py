"""The node's mempool and transaction RPCs, in-process through the RPC dispatch table (Core's
names, fields, reasons and error codes): P2WPKH, P2PKH and P2TR key-path spends checked by
Bitcoin Core's interpreter (libbitcoinkernel), every refusal changing nothing, full RBF,
templates from the mempool, blocks connecting against the UTXO set, and reorgs."""

from __future__ import annotations

import pytest
from bitcoin.core import b2lx
from bitcoin.core.script import CScript

from engine.primitives.subsidy import block_subsidy_sat
from regtest.chainparams import REGTEST
from regtest.rpc.errors import RPCError
from tests.helpers.blockmaker import make_block
from tests.helpers.txmaker import ALICE, BOB, GBT, LocalNode, Utxo, outputs_of, spend


@pytest.fixture
def local_node(tmp_path):
    n = LocalNode(tmp_path)
    n.mine(110)  # coinbases of blocks 1..10 are mature
    return n


def test_p2wpkh_p2tr_p2pkh_spends_enter_the_mempool_and_a_block(local_node):
    coin = local_node.coinbase_utxo(1)
    tx1 = spend([coin], [(BOB.p2tr, coin.value - 1_000)])
    txid1 = local_node.send(tx1)
    assert txid1 == b2lx(tx1.GetTxid()) and local_node("getrawmempool") == [txid1]
    tx2 = spend(outputs_of(tx1, BOB), [(ALICE.p2pkh, coin.value - 2_000)])  # taproot key path
    txid2 = local_node.send(tx2)
    entry = local_node("getmempoolentry", txid2)
    assert entry["depends"] == [txid1] and entry["ancestorcount"] == 2
    assert entry["fees"] == {"base": 0.00001, "modified": 0.00001, "ancestor": 0.00002, "descendant": 0.00001}
    weight2 = len(tx2.serialize({"include_witness": False})) * 3 + len(tx2.serialize())
    assert (entry["weight"], entry["vsize"]) == (weight2, (weight2 + 3) // 4)
    assert local_node("getmempoolentry", txid1)["spentby"] == [txid2]
    tx3 = spend(outputs_of(tx2, ALICE), [(ALICE.p2wpkh, coin.value - 3_000)])  # P2PKH
    local_node.send(tx3)
    info = local_node("getmempoolinfo")
    assert info["size"] == 3 and info["total_fee"] == 0.00003 and info["minrelaytxfee"] == 0.00001
    assert local_node("gettxout", txid1, 0) is None  # spent in the mempool
    assert local_node("gettxout", txid1, 0, False) is None  # not in the UTXO set without the mempool
    assert local_node("gettxout", b2lx(tx3.GetTxid()), 0)["confirmations"] == 0

    template = local_node("getblocktemplate", GBT)
    txs = template["transactions"]
    assert [t["txid"] for t in txs] == [txid1, txid2, b2lx(tx3.GetTxid())]
    assert [t["depends"] for t in txs] == [[], [1], [2]]
    assert [t["fee"] for t in txs] == [1_000, 1_000, 1_000]
    assert [t["sigops"] for t in txs] == [1, 4, 0]  # P2WPKH input 1; a P2PKH output 1x4; P2PKH input 0
    assert txs[0]["weight"] == len(tx1.serialize({"include_witness": False})) * 3 + len(tx1.serialize())
    assert txs[0]["hash"] == b2lx(tx1.GetHash()) and txs[0]["data"] == tx1.serialize().hex()
    assert template["coinbasevalue"] == block_subsidy_sat(111, REGTEST) + 3_000

    block_hash = local_node.mine()[0]
    block = local_node("getblock", block_hash, 2)
    assert [t["txid"] for t in block["tx"][1:]] == [t["txid"] for t in txs]
    assert sum(o["value"] for o in block["tx"][0]["vout"]) * 1e8 == pytest.approx(template["coinbasevalue"])
    assert local_node("getrawmempool") == []
    raw = local_node("getrawtransaction", txid2, 1)
    assert raw["blockhash"] == block_hash and raw["confirmations"] == 1
    assert local_node("getrawtransaction", txid2) == tx2.serialize().hex()
    out = local_node("gettxout", b2lx(tx3.GetTxid()), 0)
    assert out["confirmations"] == 1 and out["scriptPubKey"]["address"] == ALICE.address()
    assert local_node("gettxout", txid1, 0) is None  # spent on chain


def refused(local_node, tx, reason, code=-26):
    """The transaction is refused with Core's reason and error code, and nothing changes."""
    before = local_node.state()
    result = local_node("testmempoolaccept", [tx.serialize().hex()])[0]
    assert result["allowed"] is False
    with pytest.raises(RPCError) as err:
        local_node.send(tx)
    assert err.value.code == code
    assert err.value.message.split(",")[0] == reason or err.value.message.startswith(reason)
    assert local_node.state() == before
    return result["reject-reason"]


def test_bad_transactions_get_cores_reasons_and_change_nothing(local_node):
    coin = local_node.coinbase_utxo(2)
    pay = [(BOB.p2wpkh, coin.value - 1_000)]
    bad_sig = spend([coin], pay, corrupt=0)
    assert (
        refused(local_node, bad_sig, "mandatory-script-verify-flag-failed")
        == "mandatory-script-verify-flag-failed (Signature must be zero for failed CHECK(MULTI)SIG operation)"
    )
    immature = local_node.coinbase_utxo(20)
    assert (
        refused(
            local_node,
            spend([immature], [(BOB.p2wpkh, immature.value - 1_000)]),
            "bad-txns-premature-spend-of-coinbase",
        )
        == "bad-txns-premature-spend-of-coinbase"
    )
    low_fee = spend([coin], [(BOB.p2wpkh, coin.value - 100)])
    assert refused(local_node, low_fee, "min relay fee not met") == "min relay fee not met"
    assert (
        refused(local_node, spend([coin], [(BOB.p2wpkh, coin.value + 1)]), "bad-txns-in-belowout")
        == "bad-txns-in-belowout"
    )
    nonstandard = spend([coin], [(bytes(CScript([b"\x01" * 20, 0x87])), coin.value - 1_000)])
    assert refused(local_node, nonstandard, "scriptpubkey") == "scriptpubkey"
    dust = spend([coin], [(BOB.p2wpkh, coin.value - 1_500), (BOB.p2wpkh, 293)])
    assert refused(local_node, dust, "dust") == "dust"
    # 3,300 P2WPKH outputs of 31 bytes: over the 400,000 weight units of MAX_STANDARD_TX_WEIGHT
    oversize = spend([coin], [(BOB.p2wpkh, (coin.value - 200_000) // 3_300)] * 3_300)
    assert refused(local_node, oversize, "tx-size") == "tx-size"
    ghost = Utxo(b"\x42" * 32, 0, coin.value, ALICE.p2wpkh, ALICE)
    assert refused(local_node, spend([ghost], pay), "bad-txns-inputs-missingorspent", code=-25) == "missing-inputs"
    # a double spend of a confirmed payment
    local_node.send(spend([coin], pay))
    local_node.mine()
    again = spend([coin], [(ALICE.p2wpkh, coin.value - 5_000)])
    assert refused(local_node, again, "bad-txns-inputs-missingorspent", code=-25) == "missing-inputs"


def test_a_bad_taproot_signature_is_refused_by_cores_interpreter(local_node):
    coin = local_node.coinbase_utxo(3)
    tx = spend([coin], [(BOB.p2tr, coin.value - 1_000)])
    local_node.send(tx)
    bad = spend(outputs_of(tx, BOB), [(ALICE.p2wpkh, coin.value - 3_000)], corrupt=0)
    assert (
        refused(local_node, bad, "mandatory-script-verify-flag-failed")
        == "mandatory-script-verify-flag-failed (Invalid Schnorr signature)"
    )


def test_full_rbf_replaces_only_for_a_higher_fee_and_feerate(local_node):
    coin = local_node.coinbase_utxo(4)
    first = spend([coin], [(BOB.p2wpkh, coin.value - 1_000)], sequence=0xFFFFFFFF)  # no BIP125 signal
    local_node.send(first)
    child = spend(outputs_of(first, BOB)[:1], [(BOB.p2wpkh, coin.value - 2_000)])
    local_node.send(child)
    cheaper = spend([coin], [(ALICE.p2wpkh, coin.value - 1_500)])
    assert refused(local_node, cheaper, "insufficient fee") == "insufficient fee"  # pays less than both
    unconfirmed = spend([local_node.coinbase_utxo(6)], [(ALICE.p2wpkh, coin.value - 1_000)])
    local_node.send(unconfirmed)
    adds = spend([coin, outputs_of(unconfirmed, ALICE)[0]], [(ALICE.p2wpkh, 2 * coin.value - 9_000)])
    assert refused(local_node, adds, "replacement-adds-unconfirmed") == "replacement-adds-unconfirmed"
    replacement = spend([coin], [(ALICE.p2wpkh, coin.value - 5_000)])
    txid = local_node.send(replacement)  # Core 28+: full RBF, no signal needed; the child goes too
    assert txid in local_node("getrawmempool") and b2lx(first.GetTxid()) not in local_node("getrawmempool")
    assert b2lx(child.GetTxid()) not in local_node("getrawmempool")
    assert local_node("getmempoolinfo")["fullrbf"] is True


def test_without_full_rbf_a_conflict_is_txn_mempool_conflict(tmp_path):
    local_node = LocalNode(tmp_path, full_rbf=False)
    local_node.mine(101)
    coin = local_node.coinbase_utxo(1)
    local_node.send(spend([coin], [(BOB.p2wpkh, coin.value - 1_000)], sequence=0xFFFFFFFE))
    double = spend([coin], [(ALICE.p2wpkh, coin.value - 50_000)])
    assert refused(local_node, double, "txn-mempool-conflict") == "txn-mempool-conflict"


def test_a_block_is_checked_against_the_utxo_set(local_node):
    coin = local_node.coinbase_utxo(7)
    good = spend([coin], [(BOB.p2wpkh, coin.value - 10_000)])
    tip = local_node.chain.tip
    time_ = tip.mtp + 1
    subsidy = block_subsidy_sat(tip.height + 1, REGTEST)
    overpaid = make_block(tip.hash, tip.height + 1, time_, tip.bits, subsidy + 10_001, extra_txs=[good])
    assert local_node("submitblock", overpaid.serialize().hex()) == "bad-cb-amount"
    bad_sig = spend([coin], [(BOB.p2wpkh, coin.value - 10_000)], corrupt=0)
    block = make_block(tip.hash, tip.height + 1, time_, tip.bits, subsidy, extra_txs=[bad_sig], extranonce=1)
    assert (
        local_node("submitblock", block.serialize().hex())
        == "block-script-verify-flag-failed (Script evaluated without error but finished with a false/empty top stack element)"
    )
    immature = local_node.coinbase_utxo(50)
    early = spend([immature], [(BOB.p2wpkh, immature.value - 1_000)])
    block = make_block(tip.hash, tip.height + 1, time_, tip.bits, subsidy, extra_txs=[early], extranonce=2)
    assert local_node("submitblock", block.serialize().hex()) == "bad-txns-premature-spend-of-coinbase"
    assert local_node.chain.tip is tip
    paid = make_block(tip.hash, tip.height + 1, time_, tip.bits, subsidy + 10_000, extra_txs=[good], extranonce=3)
    assert local_node("submitblock", paid.serialize().hex()) is None
    assert local_node("gettxout", b2lx(good.GetTxid()), 0)["confirmations"] == 1
    double = spend([coin], [(ALICE.p2wpkh, coin.value - 20_000)])
    tip = local_node.chain.tip
    block = make_block(
        tip.hash, tip.height + 1, tip.mtp + 1, tip.bits, block_subsidy_sat(tip.height + 1, REGTEST), extra_txs=[double]
    )
    assert local_node("submitblock", block.serialize().hex()) == "bad-txns-inputs-missingorspent"


def test_a_reorg_returns_transactions_to_the_mempool_and_drops_conflicts(local_node):
    payment_coin, other_coin = local_node.coinbase_utxo(8), local_node.coinbase_utxo(9)
    payment = spend([payment_coin], [(BOB.p2wpkh, payment_coin.value - 1_000)])
    other = spend([other_coin], [(BOB.p2wpkh, other_coin.value - 1_000)])
    local_node.send(payment)
    local_node.send(other)
    fork = local_node.chain.tip
    confirmed = local_node.mine()[0]
    assert local_node("getrawmempool") == []
    # A longer branch from the fork that spends payment's coin differently (the double spend).
    double = spend([payment_coin], [(ALICE.p2wpkh, payment_coin.value - 2_000)])
    prev, blocks = fork, []
    for i in range(2):
        height = prev.height + 1
        txs = [double] if i == 0 else []
        fees = 2_000 if i == 0 else 0
        block = make_block(
            prev.hash,
            height,
            prev.mtp + 1 + i,
            prev.bits,
            block_subsidy_sat(height, REGTEST) + fees,
            extra_txs=txs,
            extranonce=77 + i,
        )
        assert local_node("submitblock", block.serialize().hex()) in (None, "inconclusive")
        prev = local_node.chain.index[block.GetHash()]
        blocks.append(block)
    assert local_node("getbestblockhash") == b2lx(blocks[-1].GetHash())
    assert {t["hash"]: t["status"] for t in local_node("getchaintips")}[confirmed] == "valid-fork"
    assert local_node("getrawmempool") == [b2lx(other.GetTxid())]  # back; the payment conflicts: gone
    assert local_node("gettxout", b2lx(payment.GetTxid()), 0) is None
    with pytest.raises(RPCError, match="No such mempool or blockchain transaction"):
        local_node("getrawtransaction", b2lx(payment.GetTxid()))
    assert local_node("getrawtransaction", b2lx(double.GetTxid()), 1)["confirmations"] == 2


def test_the_utxo_set_is_rebuilt_from_the_stored_blocks(local_node, tmp_path):
    coin = local_node.coinbase_utxo(10)
    tx = spend([coin], [(BOB.p2tr, coin.value - 1_000)])
    local_node.send(tx)
    local_node.mine(2)
    before = local_node.chain.utxo.snapshot()
    local_node.chain.store.close()
    again = LocalNode(tmp_path)
    assert again.chain.utxo.snapshot() == before
    assert again("getrawtransaction", b2lx(tx.GetTxid()), 1)["confirmations"] == 2


def test_scantxoutset_decoderawtransaction_and_errors(local_node):
    scan = local_node("scantxoutset", "start", [f"addr({ALICE.address()})"])
    assert len(scan["unspents"]) == 110 and scan["height"] == 110
    assert scan["unspents"][0]["desc"].startswith(f"addr({ALICE.address()})#")
    assert scan["total_amount"] == pytest.approx(sum(u["amount"] for u in scan["unspents"]))
    assert local_node("scantxoutset", "start", [{"desc": f"raw({ALICE.p2tr.hex()})"}])["unspents"] == []
    with pytest.raises(RPCError, match="does not match computed checksum"):
        local_node("scantxoutset", "start", [f"addr({ALICE.address()})#aaaaaaaa"])
    assert local_node("scantxoutset", "status") is None
    coin = local_node.coinbase_utxo(1)
    tx = spend([coin], [(BOB.p2wpkh, coin.value - 1_000)])
    decoded = local_node("decoderawtransaction", tx.serialize().hex())
    assert decoded["txid"] == b2lx(tx.GetTxid()) and "hex" not in decoded
    assert decoded["vin"][0]["txinwitness"][1] == ALICE.pub.hex()
    for bad in ("zz", "00", tx.serialize().hex() + "00"):
        with pytest.raises(RPCError) as err:
            local_node("decoderawtransaction", bad)
        assert (err.value.code, err.value.message) == (-22, "TX decode failed")
    with pytest.raises(RPCError) as err:
        local_node("getmempoolentry", b2lx(tx.GetTxid()))
    assert (err.value.code, err.value.message) == (-5, "Transaction not in mempool")
    with pytest.raises(RPCError) as err:
        local_node("sendrawtransaction", tx.serialize().hex(), 0.00001)  # 1 sat/vB max: the fee is more
    assert err.value.code == -25 and "Fee exceeds maximum" in err.value.message
    local_node.send(tx)
    assert local_node.send(tx) == b2lx(tx.GetTxid())  # already in the mempool: Core answers the txid
    local_node.mine()
    with pytest.raises(RPCError) as err:
        local_node.send(tx)
    assert (err.value.code, err.value.message) == (-27, "Transaction outputs already in utxo set")
