"""The 51% double-spend between two participants on one node process: the merchant's payment
confirms on the public chain, a private branch spends the same coins back to the attacker,
and releasing it when longer reorganises the node and makes the payment vanish."""

from __future__ import annotations

import pytest

from engine.rpc import RPCClient
from engine.wallet.attack import AttackError, PrivateFork
from engine.wallet.tx import parse_btc
from engine.wallet.wallet import Wallet


@pytest.fixture
def attack_wallets(regtest_node, tmp_path):
    """(rpc, attacker, merchant, honest): three wallets on a regtest node, the attacker's 101 blocks mined."""
    rpc = RPCClient(regtest_node.url, cookie_file=regtest_node.cookie_file)
    attacker, merchant, honest = (Wallet.open(tmp_path / n) for n in ("attacker", "merchant", "honest"))
    rpc.call("generatetoaddress", 101, attacker.mining_address)
    return rpc, attacker, merchant, honest


def test_double_spend_reorg_makes_the_payment_vanish(attack_wallets):
    rpc, attacker, merchant, honest = attack_wallets
    fork = PrivateFork.start(rpc, attacker.mining_script)
    before = attacker.refresh(rpc)
    payment = attacker.pay(rpc, merchant.receive_address(), parse_btc("10"), 2)
    rpc.call("generatetoaddress", 2, honest.mining_address)  # the honest chain confirms it twice
    seen = merchant.refresh(rpc)
    assert [(e.kind, e.amount_sat, e.confirmations) for e in seen.history] == [("received", 10 * 10**8, 2)]

    # the same coins, all back to the attacker, in the private branch
    refund = attacker.prepare(
        before, attacker.receive_address(), sum(c.value_sat for c in payment.coins) - 500, 1, coins=payment.coins
    )
    assert {(c.txid, c.vout) for c in refund.coins} == {(c.txid, c.vout) for c in payment.coins}
    fork.add_transaction(refund.tx, refund.fee_sat)
    for _ in range(2):
        fork.mine_block()
    assert fork.status(rpc).lead == 0  # not longer yet: the node keeps the first branch it saw
    fork.mine_block()
    status = fork.status(rpc)
    assert (status.private_blocks, status.public_blocks, status.lead) == (3, 2, 1)
    assert rpc.call("getbestblockhash") != fork.blocks[-1][0]  # nothing published so far

    results = fork.release(rpc)
    assert results[-1] is None  # BIP22: accepted
    assert rpc.call("getbestblockhash") == fork.blocks[-1][0]
    tips = rpc.call("getchaintips")
    assert any(t["status"] == "valid-fork" and t["branchlen"] == 2 for t in tips)  # reorg depth 2
    after = merchant.refresh(rpc)
    assert [(e.kind, e.confirmations) for e in after.history] == [("received", -1)]  # vanished
    assert after.confirmed_sat == after.unconfirmed_sat == 0
    assert refund.txid in {e.txid for e in attacker.refresh(rpc).history}
    assert payment.txid not in rpc.call("getrawmempool")  # the conflict left the mempool


def test_minority_branch_released_too_early_changes_nothing(attack_wallets):
    rpc, attacker, merchant, honest = attack_wallets
    fork = PrivateFork.start(rpc, attacker.mining_script)
    rpc.call("generatetoaddress", 3, honest.mining_address)
    fork.mine_block()
    best = rpc.call("getbestblockhash")
    assert fork.release(rpc) == ["inconclusive"]  # valid, kept on a side branch
    assert rpc.call("getbestblockhash") == best
    with pytest.raises(AttackError, match="already released"):
        fork.mine_block()


def test_a_reorg_deeper_than_the_wallets_recheck_depth_still_shows_the_payment_vanished(attack_wallets):
    """The wallet stops re-reading entries 100 blocks deep; a released branch longer than that
    must still make the merchant's payment vanish (the tip it saw last left the active chain)."""
    from engine.wallet.state import RECHECK_BELOW_CONFIRMATIONS

    rpc, attacker, merchant, honest = attack_wallets
    fork = PrivateFork.start(rpc, attacker.mining_script)
    before = attacker.refresh(rpc)
    payment = attacker.pay(rpc, merchant.receive_address(), parse_btc("10"), 2)
    rpc.call("generatetoaddress", 2, honest.mining_address)
    assert [e.confirmations for e in merchant.refresh(rpc).history] == [2]
    refund = attacker.prepare(
        before, attacker.receive_address(), sum(c.value_sat for c in payment.coins) - 500, 1, coins=payment.coins
    )
    fork.add_transaction(refund.tx, refund.fee_sat)
    for _ in range(RECHECK_BELOW_CONFIRMATIONS + 5):
        fork.mine_block()
    assert fork.release(rpc)[-1] is None
    assert [(e.txid, e.confirmations) for e in merchant.refresh(rpc).history] == [(payment.txid, -1)]
    mined = [e for e in attacker.refresh(rpc).history if e.kind == "mined"]
    assert len(mined) == 101 + RECHECK_BELOW_CONFIRMATIONS + 5 and all(e.confirmations > 0 for e in mined)
