"""Soak: many payments through a real node process's mempool and blocks, a reorg every N blocks
(a longer coinbase-only branch submitted from two blocks back) and the node killed -9 at random
moments (a timer, so sometimes in the middle of generatetoaddress). The client behaves like a
wallet: it rebroadcasts what is not confirmed after a restart or a reorg. At the end no payment
is lost (every one is confirmed on the final chain) and the node's UTXO set, as it answers
scantxoutset after all those restarts and reorgs, equals a fresh replay of its chain, as does the
whole chain state it left on disk (coins and transaction index)."""

from __future__ import annotations

import random
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from bitcoin.core import CBlock, b2lx, lx
from bitcoin.rpc import JSONRPCError

from engine.primitives.subsidy import block_subsidy_sat
from regtest.chain import Chain
from regtest.chainparams import REGTEST
from regtest.storage import BlockStore
from tests.helpers.blockmaker import make_block
from tests.helpers.node import NodeProcess
from tests.helpers.txmaker import ALICE, BOB, Utxo, spend

FEE = 1_000


def sat(btc) -> int:
    return int(Decimal(str(btc)) * 100_000_000)


class Soak:
    def __init__(self, datadir: Path, seed: int):
        self.datadir = datadir
        self.rng = random.Random(seed)
        self.node = NodeProcess(datadir).start()
        self.sent: dict[bytes, object] = {}  # txid -> tx, every payment ever sent
        self.unconfirmed: set[bytes] = set()
        self.kills = self.reorgs = 0

    def rpc(self, method, *params):
        """One call; a node killed meanwhile is restarted and what was pending rebroadcast."""
        try:
            return self.node.rpc(method, *params)
        except JSONRPCError:
            raise
        except Exception:  # the connection broke: the node must have been killed
            self.node.proc.wait(10)
            self.restart()
            return None

    def restart(self):
        self.kills += 1
        self.node.kill()  # reaps the killed process and closes its output
        self.node = NodeProcess(self.datadir).start()
        self.rebroadcast()

    def rebroadcast(self):
        for txid in sorted(self.unconfirmed, key=lambda t: self.order[t]):
            try:
                self.node.rpc("sendrawtransaction", self.sent[txid].serialize().hex())
            except JSONRPCError:  # already confirmed (-27) or still waiting for a parent
                pass

    def coins(self) -> list[Utxo]:
        scan = self.node.rpc("scantxoutset", "start", [f"raw({ALICE.p2wpkh.hex()})"])
        height = scan["height"]
        spent = {(i.prevout.hash, i.prevout.n) for t in self.unconfirmed for i in self.sent[t].vin}
        return [
            Utxo(lx(u["txid"]), u["vout"], sat(u["amount"]), ALICE.p2wpkh, ALICE)
            for u in scan["unspents"]
            if (lx(u["txid"]), u["vout"]) not in spent and (not u["coinbase"] or height - u["height"] >= 100)
        ]

    def pay(self, count: int):
        # Change outputs halve at random along chains of payments: leave the crumbs unspent.
        for coin in [c for c in self.coins() if c.value >= 30_000 + FEE][:count]:
            to = BOB.p2tr if self.rng.random() < 0.5 else BOB.p2wpkh
            amount = self.rng.randrange(10_000, coin.value // 2)
            tx = spend([coin], [(to, amount), (ALICE.p2wpkh, coin.value - amount - FEE)])
            self.sent[tx.GetTxid()] = tx
            self.order[tx.GetTxid()] = len(self.order)
            self.unconfirmed.add(tx.GetTxid())
            try:
                self.rpc("sendrawtransaction", tx.serialize().hex())
            except JSONRPCError as exc:
                raise AssertionError(f"payment refused: {exc}") from None

    def mine(self, blocks: int, kill_probability: float):
        timer, old = None, self.node
        if self.rng.random() < kill_probability:
            timer = threading.Timer(self.rng.uniform(0.0, 0.3), old.proc.kill)
            timer.start()
        self.rpc("generatetoaddress", blocks, ALICE.address())
        if timer:
            timer.join()
            if self.node is old:  # killed after the call returned
                old.proc.wait(10)
                self.restart()
        self.note_confirmations()

    def note_confirmations(self):
        for txid in list(self.unconfirmed):
            try:
                if self.node.rpc("getrawtransaction", b2lx(txid), 1).get("confirmations", 0) > 0:
                    self.unconfirmed.discard(txid)
            except JSONRPCError:  # not known: lost with a killed node's mempool, resent later
                pass

    def reorg(self):
        """A longer coinbase-only branch from two blocks back: the tip's two blocks go."""
        self.reorgs += 1
        tip_height = self.node.rpc("getblockcount")
        for height in (tip_height - 1, tip_height):
            block = CBlock.deserialize(
                bytes.fromhex(self.node.rpc("getblock", self.node.rpc("getblockhash", height), 0))
            )
            self.unconfirmed.update(tx.GetTxid() for tx in block.vtx[1:] if tx.GetTxid() in self.sent)
        fork = self.node.rpc("getblockheader", self.node.rpc("getblockhash", tip_height - 2))
        prev, height, mtp = lx(fork["hash"]), fork["height"], fork["mediantime"]
        for i in range(3):
            height += 1
            block = make_block(
                prev,
                height,
                max(mtp + 1, fork["time"]) + i,
                0x207FFFFF,
                block_subsidy_sat(height, REGTEST),
                extranonce=self.reorgs * 10 + i,
            )
            assert self.node.rpc("submitblock", block.serialize().hex()) in (None, "inconclusive")
            prev = block.GetHash()
        assert self.node.rpc("getbestblockhash") == b2lx(prev)
        self.rebroadcast()  # a wallet resends what fell out; the node put it back already


def run_soak(tmp_path, payments: int, per_block: int, reorg_every: int, kill_probability: float):
    soak = Soak(tmp_path / "node", seed=payments)
    soak.order = {}
    soak.rpc("generatetoaddress", 100 + payments // per_block // 2 + 10, ALICE.address())
    blocks = 0
    while len(soak.sent) < payments:
        soak.pay(min(per_block, payments - len(soak.sent)))
        soak.mine(1, kill_probability)
        blocks += 1
        if blocks % reorg_every == 0:
            soak.reorg()
    for _ in range(5):
        if not soak.unconfirmed:
            break
        soak.rebroadcast()
        soak.mine(1, 0.0)
    assert soak.unconfirmed == set(), "payments lost"
    # the node's live UTXO set for every script the soak used, against a fresh replay
    scripts = {ALICE.p2wpkh, BOB.p2tr, BOB.p2wpkh}
    scan = soak.node.rpc("scantxoutset", "start", [f"raw({s.hex()})" for s in scripts])
    live = {(lx(u["txid"]), u["vout"]): (sat(u["amount"]), u["height"]) for u in scan["unspents"]}
    height = soak.node.rpc("getblockcount")
    raw_blocks = [
        bytes.fromhex(soak.node.rpc("getblock", soak.node.rpc("getblockhash", h), 0)) for h in range(1, height + 1)
    ]
    soak.node.stop()
    fresh = Chain(BlockStore(tmp_path / "replay.sqlite"), REGTEST, clock=lambda: 4_000_000_000)
    for raw in raw_blocks:
        outcome, _ = fresh.process_block(CBlock.deserialize(raw))
        assert outcome == "connected"
    replay = {op: (c.value, c.height) for op, c in fresh.utxo.coins.items() if c.script_pubkey in scripts}
    assert live == replay
    # the whole chain state the node left on disk after the kills and reorgs, against the replay
    stored = Chain(BlockStore(soak.datadir / "regtest" / "blocks.sqlite"), REGTEST, clock=lambda: 4_000_000_000)
    assert stored.tip.hash == fresh.tip.hash
    assert stored.utxo.snapshot() == fresh.utxo.snapshot()
    assert stored.tx_index.snapshot() == fresh.tx_index.snapshot()
    stored.store.close()
    fresh.store.close()
    return soak


@pytest.mark.node
def test_soak_short(tmp_path):
    soak = run_soak(tmp_path, payments=240, per_block=12, reorg_every=5, kill_probability=0.15)
    assert soak.reorgs >= 3 and soak.kills >= 1


@pytest.mark.slow
@pytest.mark.node
def test_soak_10000_payments_reorg_every_100_blocks(tmp_path):
    soak = run_soak(tmp_path, payments=10_000, per_block=40, reorg_every=100, kill_probability=0.05)
    assert soak.reorgs >= 2 and soak.kills >= 1
