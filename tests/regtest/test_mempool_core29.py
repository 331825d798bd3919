"""The mempool as Core 29 (issue 20): the package limits checked in Core's order with Core's words
("exceeds descendant size limit for tx <txid> [limit: 101000]"), the CPFP carve-out (a parent's
26th descendant), and Core 29's script reason."""

from __future__ import annotations

import time

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


def _confirmed_outputs(local_node, height: int, count: int):
    """`count` confirmed outputs of ~0.0024 BTC from one coinbase (a fan-out, mined)."""
    coin = local_node.coinbase_utxo(height)
    fan = spend([coin], [(BOB.p2wpkh, (coin.value - 200_000) // count)] * count)
    local_node.send(fan)
    local_node.mine()
    return outputs_of(fan, BOB)


def test_a_pool_filled_past_maxmempool_stays_under_it_with_a_rising_min_fee(local_node):
    pool = local_node.chain.mempool
    pool.max_bytes = 5_000_000  # -maxmempool=5
    now = [pool.clock()]
    pool.clock = lambda: now[0]
    outs = [o for h in (4, 5) for o in _confirmed_outputs(local_node, h, 300)]
    for i, out in enumerate(outs):  # ~880 vB each (25 outputs), fee rates rising from 1 to ~5 sat/vB
        fee = 900 + i * 6
        tx = spend([out], [(ALICE.p2wpkh, 2_000)] * 24 + [(ALICE.p2wpkh, out.value - 48_000 - fee)])
        try:
            local_node.send(tx)
        except RPCError as exc:
            assert exc.message.split(",")[0] in ("mempool min fee not met", "mempool full"), exc.message
        assert pool.usage <= pool.max_bytes
    info = local_node("getmempoolinfo")
    assert info["usage"] <= 5_000_000 and info["maxmempool"] == 5_000_000
    assert info["mempoolminfee"] > info["minrelaytxfee"]  # trimming raised the floor
    assert info["size"] < len(outs)
    cheap = spend([outs[0]], [(ALICE.p2wpkh, outs[0].value - 115)])  # ~1 sat/vB: the relay floor is no longer enough
    if b2lx(cheap.GetTxid()) not in local_node("getrawmempool"):
        assert reason(local_node, cheap).startswith("mempool min fee not met")
    # Core's decay: after a block, the floor halves every 12 h / 4 (the pool is now under a quarter full)
    local_node.mine()
    floor = local_node("getmempoolinfo")["mempoolminfee"]
    now[0] += 3 * 3600 * 4
    assert local_node("getmempoolinfo")["mempoolminfee"] < floor


def test_the_counted_usage_bounds_the_memory_really_used(local_node):
    import gc
    import tracemalloc

    outs = _confirmed_outputs(local_node, 7, 300)
    txs = [spend([o], [(ALICE.p2wpkh, o.value - 500)]) for o in outs]
    pool = local_node.chain.mempool
    gc.collect()
    tracemalloc.start()
    try:
        before, used = tracemalloc.get_traced_memory()[0], pool.usage
        for tx in txs:
            local_node.send(tx)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown <= pool.usage - used, (grown, pool.usage - used)


def test_old_transactions_expire(local_node):
    pool = local_node.chain.mempool
    now = [pool.clock()]
    pool.clock = lambda: now[0]
    outs = _confirmed_outputs(local_node, 8, 3)
    old = spend([outs[0]], [(ALICE.p2wpkh, outs[0].value - 500)])
    local_node.send(old)
    now[0] += 336 * 3600 + 61  # -mempoolexpiry's two weeks
    local_node.send(spend([outs[1]], [(ALICE.p2wpkh, outs[1].value - 500)]))
    assert b2lx(old.GetTxid()) not in local_node("getrawmempool") and len(local_node("getrawmempool")) == 1


def test_the_mempool_is_back_after_a_clean_restart_and_a_corrupt_file_is_ignored(tmp_path, caplog):
    from regtest.node import Node

    node = Node(datadir=tmp_path, chain="regtest", rpcport=0)
    node.start()
    try:
        local = LocalNode.__new__(LocalNode)  # the node's own chain and RPC table
        local.chain, local.rpc, local.path = node.chain, node.methods, tmp_path
        local.mine(101)
        coin = local.coinbase_utxo(1)
        tx = spend([coin], [(BOB.p2wpkh, coin.value - 1_000)])
        local.send(tx)
        child = spend(outputs_of(tx, BOB), [(ALICE.p2wpkh, coin.value - 2_000)])
        local.send(child)
        entry_time = node.methods("getmempoolentry", [b2lx(tx.GetTxid())])["time"]
    finally:
        node.shutdown()
    dat = tmp_path / "regtest" / "mempool.dat"
    assert dat.read_bytes()[:16] == (1).to_bytes(8, "little") + (2).to_bytes(8, "little")  # Core's v1 header
    node = Node(datadir=tmp_path, chain="regtest", rpcport=0)
    node.start()
    try:
        deadline = time.monotonic() + 30
        while not node.methods("getmempoolinfo", [])["loaded"] and time.monotonic() < deadline:
            time.sleep(0.01)  # read in the background, as Core's
        assert sorted(node.methods("getrawmempool", [])) == sorted([b2lx(tx.GetTxid()), b2lx(child.GetTxid())])
        assert node.methods("getmempoolentry", [b2lx(tx.GetTxid())])["time"] == entry_time
    finally:
        node.shutdown()
    dat.write_bytes(dat.read_bytes()[:40])  # truncated mid-transaction
    node = Node(datadir=tmp_path, chain="regtest", rpcport=0)
    with caplog.at_level("WARNING", logger="regtest.mempool"):
        node.start()
        node._mempool_loader.join(30)
    try:
        assert node.methods("getrawmempool", []) == []
        assert any("Failed to deserialize mempool data" in r.message for r in caplog.records)
    finally:
        node.shutdown()


def test_the_template_stays_strictly_under_cores_sigop_limit(local_node):
    """Eight transactions of bare multisig outputs (80 sigop cost each, Core's inaccurate count)
    and P2PKH outputs (4) totalling 79,600 with the coinbase's 400 reserved: exactly 80,000,
    which Core's BlockAssembler::TestPackage refuses (>=), so one stays out of the template."""
    from bitcoin.core.script import OP_1, OP_CHECKMULTISIG, CScript

    bare = bytes(CScript([OP_1, b"\x02" + bytes(32), OP_1, OP_CHECKMULTISIG]))
    coin = local_node.coinbase_utxo(9)
    fan = spend([coin], [(BOB.p2wpkh, (coin.value - 50_000) // 8)] * 8)
    local_node.send(fan)
    local_node.mine()
    multisig = [125, 125, 124, 124, 124, 124, 124, 124]  # 994 outputs of 80; 18 P2PKH of 4; 8 inputs of 1
    for i, (out, n) in enumerate(zip(outputs_of(fan, BOB), multisig)):
        p2pkh = 18 if i == 0 else 0
        outputs = [(bare, 1_000)] * n + [(ALICE.p2pkh, 1_000)] * p2pkh
        local_node.send(spend([out], outputs + [(ALICE.p2wpkh, out.value - 1_000 * (n + p2pkh) - 70_000 - i)]))
    entries = local_node.chain.mempool.entries.values()
    assert sum(e.sigop_cost for e in entries) == 79_600
    template = local_node("getblocktemplate", {"rules": ["segwit"]})
    assert len(template["transactions"]) == 7
    assert sum(t["sigops"] for t in template["transactions"]) < 79_600


def test_trimming_takes_the_lowest_descendant_score_so_a_child_protects_its_parent(local_node):
    pool = local_node.chain.mempool
    outs = _confirmed_outputs(local_node, 10, 4)
    parent = spend([outs[0]], [(BOB.p2wpkh, outs[0].value - 111)])  # ~1 sat/vB
    local_node.send(parent)
    child = spend(outputs_of(parent, BOB), [(ALICE.p2wpkh, outs[0].value - 111 - 2_200)])  # ~20 sat/vB
    local_node.send(child)
    others = [spend([o], [(ALICE.p2wpkh, o.value - fee)]) for o, fee in zip(outs[1:], (330, 440, 550))]
    for tx in others:  # ~3, 4 and 5 sat/vB
        local_node.send(tx)
    brute = min(pool.entries, key=pool._descendant_score_key)
    assert pool.lowest_score() == brute == others[0].GetTxid()  # the parent's package pays ~10 sat/vB
    pool.trim_to_size(pool.usage - 1)
    assert set(pool.entries) == {parent.GetTxid(), child.GetTxid(), others[1].GetTxid(), others[2].GetTxid()}
    pool.trim_to_size(pool.usage - 1)  # then 4 sat/vB, then 5: the parent and child go last, together
    pool.trim_to_size(pool.usage - 1)
    assert set(pool.entries) == {parent.GetTxid(), child.GetTxid()}
    pool.trim_to_size(pool.usage - 1)
    assert not pool.entries and pool.min_fee_rate() > 10_000  # the package's rate + 1 sat/vB
