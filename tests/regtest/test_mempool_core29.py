"""The mempool as Core 29 (issue 20): the package limits checked in Core's order with Core's words
("exceeds descendant size limit for tx <txid> [limit: 101000]"), the CPFP carve-out (a parent's
26th descendant), and Core 29's script reason."""

from __future__ import annotations

import pytest
from bitcoin.core import b2lx

from regtest.rpc.errors import RPCError
from tests.helpers.txmaker import ALICE, BOB, LocalNode, outputs_of, spend


@pytest.fixture
def local_node(tmp_path):
    n = LocalNode(tmp_path)
    n.mine(110)
    return n


def reason(local_node, tx) -> str:
    with pytest.raises(RPCError) as err:
        local_node.send(tx)
    return err.value.message


def test_the_cpfp_carve_out_admits_a_parents_26th_descendant(local_node):
    coin = local_node.coinbase_utxo(2)
    parent = spend([coin], [(BOB.p2wpkh, (coin.value - 10_000) // 27)] * 27)
    local_node.send(parent)
    outs = outputs_of(parent, BOB)
    for out in outs[:24]:  # the parent and 24 children: Core's 25 descendants
        local_node.send(spend([out], [(ALICE.p2wpkh, out.value - 1_000)]))
    local_node.send(spend([outs[24]], [(ALICE.p2wpkh, outs[24].value - 1_000)]))  # the carve-out
    assert reason(local_node, spend([outs[25]], [(ALICE.p2wpkh, outs[25].value - 1_000)])) == (
        f"too-long-mempool-chain, too many descendants for tx {b2lx(parent.GetTxid())} [limit: 25]"
    )
    assert len(local_node("getrawmempool")) == 26


def test_a_long_chain_of_large_transactions_hits_cores_descendant_size_limit(local_node):
    coin = local_node.coinbase_utxo(3)
    chain, funding = [], coin
    for _ in range(5):  # ~22 kvB each: the fifth passes 101 kvB
        tx = spend([funding], [(BOB.p2wpkh, 1_000)] * 700 + [(BOB.p2wpkh, funding.value - 800_000)])
        if len(chain) == 4:
            assert reason(local_node, tx) == (
                f"too-long-mempool-chain, exceeds descendant size limit for tx {b2lx(chain[0].GetTxid())}"
                " [limit: 101000]"
            )
            return
        local_node.send(tx)
        chain.append(tx)
        funding = outputs_of(tx, BOB)[-1]
    raise AssertionError("the chain never reached the limit")
