"""The chain state kept in the block database (regtest/utxo.py, regtest/chainload.py): reopening
reads it without replaying blocks; after payments, reorgs and kill -9 it equals a replay of the
stored blocks; a corrupt, missing or old one is rebuilt (with progress), as -reindex-chainstate
asks; the bulk chain the reopen benchmark uses is one the node's own validation accepts."""

from __future__ import annotations

import logging
import random
import shutil
import sqlite3
import struct
import threading
import time

import pytest
from bitcoin.core import CBlock, b2lx

from engine.primitives.hashes import sha256d
from engine.primitives.muhash import MuHash3072, to_num3072
from engine.primitives.subsidy import block_subsidy_sat
from regtest import chain as chain_module
from regtest import chainload
from regtest.chain import Chain
from regtest.chainparams import REGTEST
from regtest.cli import build_parser
from regtest.muhash_batch import to_num3072_many
from regtest.rpc.errors import RPCError
from regtest.storage import SCHEMA_VERSION, BlockStore, StorageError
from regtest.utxo import coin_rows, txout_ser
from tests.helpers.blockmaker import make_block
from tests.helpers.bulkchain import build_bulk_chain
from tests.helpers.core_chainstate import CoreChainstate
from tests.helpers.node import NodeProcess
from tests.helpers.txmaker import ALICE, BOB, LocalNode, Utxo, outputs_of, spend


def state_of(chain: Chain) -> tuple:
    """Everything the chain state holds: tip, coins, transaction index, undo data, coin count."""
    undo = dict(chain.store.db.execute("SELECT hash, data FROM undo"))
    return chain.tip.hash, chain.utxo.snapshot(), chain.tx_index.snapshot(), undo, len(chain.utxo)


def reopen(path, **kwargs) -> Chain:
    return Chain(BlockStore(path), REGTEST, clock=lambda: 4_000_000_000, **kwargs)


def replayed_state(path, tmp_path) -> tuple:
    """The state a full replay of the stored blocks gives (a copy rebuilt by -reindex-chainstate)."""
    copy = tmp_path / "replay.sqlite"
    for suffix in ("", "-wal"):
        src = path.parent / (path.name + suffix)
        if src.exists():
            shutil.copy(src, copy.parent / (copy.name + suffix))
    chain = reopen(copy, reindex_chainstate=True)
    try:
        return state_of(chain)
    finally:
        chain.store.close()


@pytest.fixture(scope="module")
def busy_chain(tmp_path_factory):
    """A chain with payments (spends, change, a parent and child in one block) and a reorg
    onto a branch that double-spends a confirmed payment, built once: its database file."""
    node = LocalNode(tmp_path_factory.mktemp("busy"))
    node.mine(110)
    coins = [node.coinbase_utxo(h) for h in range(1, 6)]
    parent = spend([coins[0]], [(BOB.p2tr, coins[0].value - 6_000), (ALICE.p2wpkh, 5_000)])
    paid = outputs_of(parent, BOB)[0]
    child = spend([paid], [(BOB.p2wpkh, paid.value - 1_000)])
    for tx in (parent, child, spend([coins[1]], [(BOB.p2wpkh, coins[1].value - 2_000)])):
        node.send(tx)
    node.mine(2)
    payment = spend([coins[2]], [(BOB.p2wpkh, coins[2].value - 1_000)])
    node.send(payment)
    fork = node.chain.tip
    node.mine()
    double = spend([coins[2]], [(ALICE.p2wpkh, coins[2].value - 3_000)])
    prev = fork
    for i in range(2):
        height = prev.height + 1
        block = make_block(
            prev.hash,
            height,
            prev.mtp + 1 + i,
            prev.bits,
            block_subsidy_sat(height, REGTEST) + (3_000 if i == 0 else 0),
            extra_txs=[double] if i == 0 else [],
            extranonce=40 + i,
        )
        assert node("submitblock", block.serialize().hex()) in (None, "inconclusive")
        prev = node.chain.index[block.GetHash()]
    assert node.chain.tip is prev
    node.mine(3)
    node.chain.store.close()
    return node.path / "blocks.sqlite"


@pytest.fixture
def busy_node(busy_chain, tmp_path):
    """A copy of the busy chain, opened."""
    (tmp_path / "node").mkdir()
    shutil.copy(busy_chain, tmp_path / "node" / "blocks.sqlite")
    return LocalNode(tmp_path / "node")


def test_reopening_reads_the_chain_state_without_replaying_blocks(busy_node, monkeypatch):
    before = state_of(busy_node.chain)
    busy_node.chain.store.close()

    def no_replay(*args, **kwargs):
        raise AssertionError("a block was replayed on reopening")

    monkeypatch.setattr(chain_module, "connect_block_transactions", no_replay)
    monkeypatch.setattr(Chain, "_read_block", no_replay)
    again = LocalNode(busy_node.path)
    assert state_of(again.chain) == before
    tx_hash = next(iter(before[2]))
    assert again("getrawtransaction", b2lx(tx_hash), 1)["txid"] == b2lx(tx_hash)
    again.chain.store.close()


def test_the_stored_state_after_payments_and_a_reorg_equals_a_replay(busy_node, tmp_path):
    chain = busy_node.chain
    stored = state_of(chain)
    assert len(stored[1]) == stored[4] > chain.height()  # the payments' outputs are there too
    blocks = [chain.store.raw_block(e.hash) for e in chain.active[1:]]
    chain.store.close()
    fresh = reopen(tmp_path / "fresh.sqlite")
    for raw in blocks:
        assert fresh.process_block(CBlock.deserialize(raw))[0] == "connected"
    assert state_of(fresh) == stored
    fresh.store.close()
    assert replayed_state(busy_node.path / "blocks.sqlite", tmp_path) == stored


def store_raw(chain: Chain, block: CBlock, height: int) -> None:
    """A block stored without being connected: what a crash between the two once left."""
    raw = block.serialize()
    stripped = len(block.serialize({"include_witness": False}))
    chain.store.add_block(block.GetHash(), height, raw, len(block.vtx), stripped, stripped * 3 + len(raw))


def test_stored_blocks_with_more_work_are_connected_at_start_and_a_failing_one_stays_failed(
    busy_node, tmp_path, caplog
):
    chain = busy_node.chain
    fork = chain.active[-2]
    good, bad = [], []
    for branch, extra_fee, nonce in ((good, 0, 60), (bad, 1, 70)):  # bad's first coinbase pays 1 sat too much
        prev = fork
        for i in range(3):
            height = fork.height + 1 + i
            block = make_block(
                prev.hash if i == 0 else branch[-1].GetHash(),
                height,
                fork.mtp + 1 + i,
                fork.bits,
                block_subsidy_sat(height, REGTEST) + (extra_fee if i == 0 else 0),
                extranonce=nonce + i,
            )
            branch.append(block)
    for i, block in enumerate(bad):  # stored first: it wins the tie, fails, and the good branch is taken
        store_raw(chain, block, fork.height + 1 + i)
    for i, block in enumerate(good):
        store_raw(chain, block, fork.height + 1 + i)
    chain.store.close()
    caplog.set_level(logging.INFO, "regtest.chain")
    again = reopen(busy_node.path / "blocks.sqlite")
    assert again.tip.hash == good[-1].GetHash()
    assert "failed to connect: bad-cb-amount" in caplog.text and "reorg: disconnected 1 block(s)" in caplog.text
    assert again.invalid == {bad[0].GetHash(): "bad-cb-amount"}
    stored = state_of(again)
    again.store.close()
    assert replayed_state(busy_node.path / "blocks.sqlite", tmp_path) == stored
    caplog.clear()
    third = reopen(busy_node.path / "blocks.sqlite")
    assert "failed to connect" not in caplog.text  # the mark was kept: not tried again
    assert third.tip.hash == good[-1].GetHash()
    third.store.close()


def test_our_undo_data_is_what_bitcoin_core_keeps(busy_node, tmp_path):
    """Every active block's undo data (the coin each input spent: value, script, height,
    coinbase) equals Bitcoin Core's own (libbitcoinkernel's rev*.dat) for the same blocks."""
    chain = busy_node.chain
    raws = [row[0] for row in chain.store.db.execute("SELECT raw FROM blocks WHERE height > 0 ORDER BY seq")]
    (tmp_path / "core").mkdir()
    core = CoreChainstate(tmp_path / "core")
    assert core.feed(raws) == []
    assert core.tip == (chain.height(), chain.tip.hash_hex)
    entries = core.chainman.get_active_chain().block_tree_entries
    spends = 0
    for ours in chain.active[1:]:
        theirs = entries[ours.height]
        assert str(theirs.block_hash) == ours.hash_hex
        core_spent = [
            (c.output.amount, bytes(c.output.script_pubkey), c.confirmation_height, c.is_coinbase)
            for tx in core.chainman.block_spent_outputs[theirs].transactions
            for c in tx.coins
        ]
        our_spent = [(c.value, c.script_pubkey, c.height, c.coinbase) for _, c in chain.utxo.undo_for(ours.hash).spent]
        assert our_spent == core_spent
        spends += len(our_spent)
    assert spends == 4  # parent, child, one more payment, the double spend (the payment was reorged out)


CORRUPTIONS = {
    "a coin lost": ("DELETE FROM coins WHERE txid = (SELECT txid FROM coins LIMIT 1)", "has lost coins"),
    "the coins table gone": ("DROP TABLE coins", "has lost coins"),
    "the tip's undo data lost": ("DELETE FROM undo", "has lost its undo data"),
    "the best block missing": ("DELETE FROM chainstate", "is missing"),
    "an unknown best block": ("UPDATE chainstate SET best_block = zeroblob(32)", "does not hold"),
}


@pytest.mark.parametrize("damage", CORRUPTIONS)
def test_a_corrupt_or_missing_chain_state_is_rebuilt(busy_node, damage, caplog):
    sql, said = CORRUPTIONS[damage]
    before = state_of(busy_node.chain)
    busy_node.chain.store.db.execute(sql)
    busy_node.chain.store.close()
    caplog.set_level(logging.INFO, "regtest.chain")
    chain = reopen(busy_node.path / "blocks.sqlite")
    assert state_of(chain) == before
    assert said in caplog.text
    assert "rebuilding it from the" in caplog.text
    chain.store.close()


def test_an_old_database_is_upgraded_once_without_losing_blocks(busy_node, caplog):
    before = state_of(busy_node.chain)
    db = busy_node.chain.store.db
    n_blocks = db.execute("SELECT COUNT(*) FROM blocks").fetchone()[0]
    for table in ("coins", "undo", "txindex", "failed", "chainstate"):  # the previous release's file
        db.execute(f"DROP TABLE {table}")
    db.execute("PRAGMA user_version = 0")
    busy_node.chain.store.close()
    caplog.set_level(logging.INFO, "regtest.chain")
    chain = reopen(busy_node.path / "blocks.sqlite")
    assert "is from an older release (upgrading): rebuilding it" in caplog.text
    assert state_of(chain) == before
    assert chain.store.schema_version() == SCHEMA_VERSION
    assert chain.store.db.execute("SELECT COUNT(*) FROM blocks").fetchone()[0] == n_blocks
    chain.store.close()
    caplog.clear()
    chain = reopen(busy_node.path / "blocks.sqlite")
    assert "rebuilding" not in caplog.text  # once
    chain.store.close()


def test_a_database_from_a_newer_release_is_refused_with_a_clear_message(tmp_path):
    db = sqlite3.connect(tmp_path / "b.sqlite")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(Exception, match="written by a newer release"):
        BlockStore(tmp_path / "b.sqlite")


def test_reindex_chainstate_rebuilds_with_progress_and_resumes_when_cut_short(tmp_path, monkeypatch, caplog):
    path = tmp_path / "bulk.sqlite"
    build_bulk_chain(path, 1_200)
    chain = reopen(path)
    before = state_of(chain)
    chain.store.close()
    assert build_parser().parse_args(["-reindex-chainstate"]).reindex_chainstate
    monkeypatch.setattr(chainload, "REBUILD_COMMIT_BLOCKS", 500)
    monkeypatch.setattr(chainload, "PROGRESS_EVERY_S", 0.0)
    caplog.set_level(logging.INFO, "regtest.chain")
    calls = []

    def interrupted():  # a shutdown asked for after the first commit of the rebuild
        calls.append(1)
        return len(calls) > 1

    chain = reopen(path, reindex_chainstate=True, interrupted=interrupted)
    assert "is rebuilt as asked (-reindex-chainstate)" in caplog.text
    assert "connecting stored blocks: height 1 of 1200" in caplog.text
    assert chain.height() == 500 and len(chain.utxo) == 500
    chain.store.close()
    caplog.clear()
    chain = reopen(path)  # resumes: no rebuild from scratch, the remaining blocks connected
    assert "rebuilding" not in caplog.text
    assert "connected 700 stored blocks up to height 1200" in caplog.text
    assert state_of(chain) == before
    chain.store.close()


def test_the_bulk_benchmark_chain_is_what_validation_accepts(tmp_path):
    path = tmp_path / "bulk.sqlite"
    build_bulk_chain(path, 400)
    chain = reopen(path)
    bulk = state_of(chain)
    chain.store.close()
    assert bulk[4] == 400
    assert replayed_state(path, tmp_path) == bulk  # every block connected again by full validation


def submit_until_killed(node: NodeProcess, acknowledged: list[str], extranonce: int) -> None:
    """Submit blocks on the tip (every seventh generated, carrying the mempool's payment),
    recording each one the node acknowledged, until the connection breaks."""
    try:
        tip = node.rpc("getblockheader", node.rpc("getbestblockhash"))
        prev, height, t = bytes.fromhex(tip["hash"])[::-1], tip["height"], tip["mediantime"] + 1
        while True:
            if height % 7 == 0:
                block_hex = node.rpc("generatetoaddress", 1, ALICE.address())[0]
                acknowledged.append(block_hex)
                header = node.rpc("getblockheader", block_hex)
                prev, height, t = bytes.fromhex(block_hex)[::-1], header["height"], header["mediantime"] + 1
            height += 1
            t += 1
            block = make_block(prev, height, t, 0x207FFFFF, block_subsidy_sat(height, REGTEST), extranonce=extranonce)
            assert node.rpc("submitblock", block.serialize().hex()) is None
            acknowledged.append(b2lx(block.GetHash()))
            prev = block.GetHash()
    except (OSError, ConnectionError, ValueError):  # the connection broke: killed
        return
    except Exception as exc:  # python-bitcoinlib wraps a broken connection in its own errors
        if "JSONRPCError" in type(exc).__name__:
            raise


@pytest.mark.node
def test_kill_9_loses_no_acknowledged_block_and_leaves_the_state_equal_to_a_replay(tmp_path):
    rng = random.Random(20)
    datadir = tmp_path / "node"
    path = datadir / "regtest" / "blocks.sqlite"
    node = NodeProcess(datadir).start()
    node.rpc("generatetoaddress", 101, ALICE.address())
    acknowledged: list[str] = []
    for round_ in range(2):
        coinbase = node.rpc("getblock", node.rpc("getblockhash", round_ + 1), 2)["tx"][0]
        value = int(coinbase["vout"][0]["value"] * 100_000_000)
        coin = Utxo(bytes.fromhex(coinbase["txid"])[::-1], 0, value, ALICE.p2wpkh, ALICE)
        node.rpc("sendrawtransaction", spend([coin], [(BOB.p2wpkh, value - 1_000)]).serialize().hex())
        worker = threading.Thread(target=submit_until_killed, args=(node, acknowledged, round_))
        worker.start()
        time.sleep(rng.uniform(0.4, 1.0))
        node.kill()
        worker.join(30)
        chain = reopen(path)
        stored = state_of(chain)
        assert all(bytes.fromhex(h)[::-1] in chain.index for h in acknowledged), "an acknowledged block was lost"
        assert chain.height() >= len(acknowledged) + 101 - 1 and chain.tip.hash in chain.index
        chain.store.close()
        (tmp_path / str(round_)).mkdir()
        assert replayed_state(path, tmp_path / str(round_)) == stored
        node = NodeProcess(datadir).start()
    node.stop()
    assert len(acknowledged) > 10


def test_a_failed_commit_leaves_memory_as_the_disk_says(busy_node, monkeypatch):
    """The write of a block fails (disk full): the block is not stored, the tip, index and
    UTXO set are what they were, and the same block is accepted once the disk works again."""
    chain = busy_node.chain
    before = state_of(chain)
    tip = chain.tip
    block = make_block(
        tip.hash, tip.height + 1, tip.mtp + 1, tip.bits, block_subsidy_sat(tip.height + 1, REGTEST), extranonce=90
    )
    real_commit = chain.store.commit

    def disk_full():
        raise StorageError("cannot write the block database: database or disk is full")

    monkeypatch.setattr(chain.store, "commit", disk_full)
    with pytest.raises(StorageError):
        chain.process_block(block)
    assert block.GetHash() not in chain.index and chain.tip is tip
    assert state_of(chain) == before
    monkeypatch.setattr(chain.store, "commit", real_commit)
    assert chain.process_block(block)[0] == "connected"


@pytest.mark.node
def test_the_node_command_takes_reindex_chainstate(tmp_path):
    (tmp_path / "regtest").mkdir()
    build_bulk_chain(tmp_path / "regtest" / "blocks.sqlite", 300)
    node = NodeProcess(tmp_path, extra_args=("-reindex-chainstate",)).start()
    try:
        assert node.rpc("getblockcount") == 300
        assert node.rpc("gettxout", node.rpc("getblock", node.rpc("getblockhash", 300))["tx"][0], 0)["coinbase"]
    finally:
        node.stop()
    assert any("is rebuilt as asked (-reindex-chainstate)" in line for line in node.log)
    assert any("connected 300 stored blocks up to height 300" in line for line in node.log)


def test_gettxoutsetinfo_as_bitcoin_core_computes_it(busy_node):
    """kernel/coinstats.cpp over the stored set: counts, amounts, bogosize, Core's hash types,
    and muhash moving from block to block exactly by the coins created and the undo data."""
    chain = busy_node.chain
    coins = chain.utxo.snapshot()
    info = busy_node("gettxoutsetinfo")
    assert info["height"] == chain.height() and info["bestblock"] == chain.tip.hash_hex
    assert info["txouts"] == len(coins) and info["transactions"] == len({txid for txid, _ in coins})
    assert info["total_amount"] == round(sum(c.value for c in coins.values()) / 1e8, 8)
    assert info["bogosize"] == sum(50 + len(c.script_pubkey) for c in coins.values())
    assert info["disk_size"] > 0 and "muhash" not in info
    # TxOutSer (outpoint, height * 2 + coinbase, CTxOut) of every coin in (txid, n) order, SHA256d
    stream = b"".join(
        txid
        + struct.pack("<IIq", n, c.height * 2 + c.coinbase, c.value)
        + bytes([len(c.script_pubkey)])
        + c.script_pubkey
        for (txid, n), c in sorted(coins.items())
    )
    assert info["hash_serialized_3"] == sha256d(stream)[::-1].hex()
    assert set(busy_node("gettxoutsetinfo", "none")) == set(info) - {"hash_serialized_3"}
    muhash_now = busy_node("gettxoutsetinfo", "muhash")["muhash"]
    # the tip's block: the set before it, times what it created, divided by what it spent
    tip_block = CBlock.deserialize(chain.store.raw_block(chain.tip.hash))
    acc = MuHash3072()
    for (txid, n), c in coins.items():
        acc.insert(txout_ser(txid, n, c.value, c.script_pubkey, c.height * 2 + c.coinbase))
    assert acc.finalize()[::-1].hex() == muhash_now
    for (txid, n), row in coin_rows(tip_block, chain.height()).items():
        if (txid, n) in coins:
            acc.remove(txout_ser(txid, n, row[0], row[1], row[2]))
    for (txid, n), c in chain.utxo.undo_for(chain.tip.hash).spent:
        acc.insert(txout_ser(txid, n, c.value, c.script_pubkey, c.height * 2 + c.coinbase))
    # the state one block back (disconnected in a transaction that is then rolled back)
    tip = chain.tip
    with chain.lock:
        chain.store.begin()
        chain._disconnect_tip()
        assert busy_node("gettxoutsetinfo", "muhash")["muhash"] == acc.finalize()[::-1].hex()
        chain._roll_back(None)
    assert chain.tip is tip and busy_node("gettxoutsetinfo", "muhash")["muhash"] == muhash_now
    with pytest.raises(RPCError, match="'foo' is not a valid hash_type"):
        busy_node("gettxoutsetinfo", "foo")
    with pytest.raises(RPCError, match="Querying specific block heights requires coinstatsindex"):
        busy_node("gettxoutsetinfo", "none", 5)


def test_the_batched_muhash_elements_are_the_one_by_one_ones():
    items = [bytes([i]) * (i % 50) for i in range(200)]
    assert to_num3072_many(items) == [to_num3072(item) for item in items]
