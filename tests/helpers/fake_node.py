"""An in-process stand-in for a node (Core's getblocktemplate/submitblock shapes) and a
recorder of the miner's events: the miner's tests run on it without a node process."""

from __future__ import annotations

import os
import threading
import time

from bitcoin.core import CBlock, b2lx

from engine.mining import jobs
from engine.mining.events import BlockResult
from engine.primitives.rpc_errors import RPC_METHOD_NOT_FOUND
from engine.primitives.script import script_for_address
from engine.rpc import RPCClient, RPCConnectionError, RPCError

PAYOUT = script_for_address("bcrt1qft5p2uhsdcdc3l2ua4ap5qqfg4pjaqlp250x7us7a8qqhrxrxfsqseac85")
GENESIS = "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"


class FakeNode(RPCClient):
    """An in-process stand-in for a node: Core's getblocktemplate/submitblock shapes, real
    checks on submitted blocks (proof of work, merkle root, BIP34 height, previous block),
    and knobs to drop connections or answer submitblock with a chosen BIP22 result."""

    def __init__(self, target: int, longpoll: bool = True, hold_longpoll_s: float = 0.5):
        super().__init__("http://fake.invalid:1")
        self.target = target
        self.longpoll = longpoll
        self.hold_longpoll_s = hold_longpoll_s
        self.blocks: list[CBlock] = []
        self.tip = GENESIS
        self.cond = threading.Condition()
        self.fail_calls = 0
        self.answers: list[str] = []
        self.calls: list[str] = []

    def template(self) -> dict:
        t = dict(
            EMPTY_TEMPLATE_FIELDS,
            previousblockhash=self.tip,
            height=len(self.blocks) + 1,
            target=f"{self.target:064x}",
            curtime=int(time.time()),
        )
        if self.longpoll:
            t["longpollid"] = self.tip + str(len(self.blocks))
        return t

    def call(self, method, *params, timeout_s=None):
        self.calls.append(method)
        with self.cond:
            if self.fail_calls > 0:
                self.fail_calls -= 1
                raise RPCConnectionError("fake: connection refused")
        if method == "getbestblockhash":
            return self.tip
        if method == "getblocktemplate":
            request = params[0]
            assert request["rules"] == ["segwit"]
            if "longpollid" in request:
                with self.cond:
                    self.cond.wait_for(lambda: request["longpollid"][:64] != self.tip, timeout=self.hold_longpoll_s)
            return self.template()
        if method == "submitblock":
            return self.submit(bytes.fromhex(params[0]))
        raise RPCError(RPC_METHOD_NOT_FOUND, "Method not found")

    def mine_elsewhere(self) -> None:
        """Another miner's block: the tip moves without us."""
        with self.cond:
            self.blocks.append(None)
            self.tip = os.urandom(32).hex()
            self.cond.notify_all()

    def submit(self, raw: bytes):
        block = CBlock.deserialize(raw)
        with self.cond:
            if self.answers:
                return self.answers.pop(0)
            if b2lx(block.hashPrevBlock) != self.tip:
                return "inconclusive"
            if int.from_bytes(block.GetHash(), "little") > self.target:
                return "high-hash"
            if block.hashMerkleRoot != block.calc_merkle_root():
                return "bad-txnmrklroot"
            if not block.vtx[0].vin[0].scriptSig.startswith(jobs.CScript([len(self.blocks) + 1])):
                return "bad-cb-height"
            self.blocks.append(block)
            self.tip = b2lx(block.GetHash())
            self.cond.notify_all()
        return None


EMPTY_TEMPLATE_FIELDS = {
    "capabilities": ["proposal"],
    "version": 536870912,
    "rules": ["csv", "!segwit", "taproot"],
    "vbavailable": {},
    "vbrequired": 0,
    "transactions": [],
    "coinbaseaux": {},
    "coinbasevalue": 5000000000,
    "mintime": 1296688603,
    "mutable": ["time", "transactions", "prevblock"],
    "noncerange": "00000000ffffffff",
    "sigoplimit": 80000,
    "sizelimit": 4000000,
    "weightlimit": 4000000,
    "bits": "207fffff",
    "default_witness_commitment": "6a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9",
}


class Recorder:
    """Collects the miner's events (its on_event callback) from every thread."""

    def __init__(self):
        self.events = []
        self.lock = threading.Lock()

    def __call__(self, event):
        with self.lock:
            self.events.append(event)

    def of(self, kind):
        with self.lock:
            return [e for e in self.events if isinstance(e, kind)]

    def accepted(self):
        return [e for e in self.of(BlockResult) if e.status == "accepted"]
