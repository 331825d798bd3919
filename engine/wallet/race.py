"""The 51% double-spend race on one laptop: the lab runs the honest network's share itself (a
Miner on `honest_cores`, publishing on the node) while the attacker mines a private branch on
`attacker_cores` (engine.wallet.attack.PrivateFork), so the merchant's payment really confirms
and the race is decided by hashes.

The attacker first mines one private block holding a transaction that sends the coins back to
itself, then pays the merchant with the same coins (the premined block of Rosenfeld's exact
analysis: with it, "strictly longer", which Core needs to reorganise, is Nakamoto's "caught up").
If the public chain moves before that block is found, it starts again on the new tip. Then both
mine; the attacker publishes as soon as its branch is strictly longer and the payment has z
confirmations, and gives up `give_up_behind` blocks behind (RaceRules, shared with the model).

q is measured from the two miners' own hash counts over the race, never from getnetworkhashps.
Through the class pool (`honest_hashes`, a counter such as engine.pool.stats.PoolStats
.accepted_hashes): the honest side is the class mining on the same node, no honest miner is
started, and q = attacker hashes / (attacker + the class's accepted share work over the race).
Success is judged on the node: the payment's transaction no longer in the active chain and the
transaction returning its coins to the attacker confirmed there.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from engine.mining.jobs import DEFAULT_PAYOUT_SCRIPT
from engine.mining.kernels import QUICK_KERNEL, chosen_kernel_name, get_kernel
from engine.mining.miner import Miner
from engine.rpc import RPCError
from engine.wallet.attack import AttackError, PrivateFork
from engine.wallet.odds import attacker_success_probability, hash_share, race_success_probability
from engine.wallet.wallet import Wallet

RELEASE, GIVE_UP = "release", "give up"
WATCH_INTERVAL_S = 0.05
WARM_UP_TIMEOUT_S = 600.0  # the kernels' first compilation on a slow machine
CLASS_WAIT_S = 15.0  # through the class pool: how long to wait for the class's first share


@dataclass(frozen=True)
class RaceRules:
    """When the attacker publishes or gives up; the real race and the model both use it."""

    confirmations: int  # z: what the merchant waits for
    give_up_behind: int = 8

    def __post_init__(self) -> None:
        if isinstance(self.confirmations, bool) or not isinstance(self.confirmations, int) or self.confirmations < 1:
            raise ValueError(f"confirmations must be a whole number >= 1, got {self.confirmations!r}")
        if isinstance(self.give_up_behind, bool) or not isinstance(self.give_up_behind, int) or self.give_up_behind < 1:
            raise ValueError(f"give_up_behind must be a whole number >= 1, got {self.give_up_behind!r}")

    def decide(self, private: int, public: int, confirmations: int) -> str | None:
        if confirmations >= self.confirmations and private > public:
            return RELEASE  # strictly longer: Core keeps the first branch it saw on a tie
        if public - private >= self.give_up_behind:
            return GIVE_UP
        return None

    def success_probability(self, q: float) -> float:
        return race_success_probability(q, self.confirmations, self.give_up_behind, premined=1)


def simulate_race(q: float, rules: RaceRules, rng: random.Random) -> tuple[bool, int, int]:
    """The race in the model: after the premined block each next block is the attacker's with
    probability q; the payment is in the first public block. (succeeded, private, public)."""
    private, public = 1, 0
    while True:
        if rng.random() < q:
            private += 1
        else:
            public += 1
        decision = rules.decide(private, public, public)
        if decision is not None:
            return decision == RELEASE, private, public


@dataclass(frozen=True)
class RaceResult:
    payment_txid: str
    refund_txid: str
    result: str  # "succeeded" | "failed"
    q: float  # the attacker's share of the hashes measured over the race
    p_nakamoto: float  # AttackerSuccessProbability(q, z), whitepaper section 11
    p_race: float  # the exact chance under these rules (RaceRules.success_probability)
    private_blocks: int
    public_blocks: int
    reorg_depth: int  # public blocks the node disconnected
    confirmations: int  # z
    payment_confirmations: int  # when the race ended (before the release)
    payment_in_active_chain: bool
    refund_in_active_chain: bool
    released: bool
    reason: str  # why the race ended: released, gave up, timed out
    attacker_hashes: int
    honest_hashes: int
    attacker_hs: float
    honest_hs: float
    seconds: float
    fork_height: int
    premine_attempts: int
    honest_side: str = "lab miner"  # "lab miner" (this laptop's honest cores) or "class pool"

    def as_dict(self) -> dict:
        return asdict(self)


def fund(rpc, wallet: Wallet, blocks: int, cores: int, kernel: str | None = None, timeout_s: float = 3600.0) -> int:
    """Mine `blocks` blocks paying `wallet` with a Miner on `cores` (the same kernels as the race;
    a node's generatetoaddress hashes on one thread). Returns the height reached."""
    start = int(rpc.call("getblockcount"))
    miner = Miner(rpc, wallet.mining_script, max_slots=cores, kernel=kernel, quick_start=False, longpoll=False)
    miner.start()
    deadline = time.monotonic() + timeout_s
    try:
        while int(rpc.call("getblockcount")) < start + blocks:
            if time.monotonic() > deadline:
                raise AttackError(f"funding the wallet took more than {timeout_s:.0f} s")
            time.sleep(0.2)
    finally:
        miner.stop()
    return int(rpc.call("getblockcount"))


def _confirmations(rpc, txid: str) -> int:
    try:
        return int(rpc.call("getrawtransaction", txid, True).get("confirmations", 0) or 0)
    except RPCError:
        return 0  # neither in the active chain nor in the mempool


class LabRace:
    """One race on a node; `run()` blocks until it ends. `status` (optional) is called with a dict
    (private, public, confirmations, q so far) whenever a side finds a block."""

    def __init__(
        self,
        rpc,
        wallet: Wallet,
        merchant_address: str,
        amount_sat: int,
        attacker_cores: int,
        honest_cores: int,
        rules: RaceRules,
        fee_rate_sat_vb: float = 2.0,
        timeout_s: float = 900.0,
        kernel: str | None = None,
        honest_payout_script: bytes = DEFAULT_PAYOUT_SCRIPT,
        status: Callable[[dict], None] | None = None,
        stop: threading.Event | None = None,
        paid: Callable[[object], None] | None = None,
        honest_hashes: Callable[[], int] | None = None,
    ):
        """`honest_hashes`: the honest side is mined elsewhere (the class through its pool) and
        this counter (never decreasing) gives its hashes; `honest_cores` is then unused."""
        for name, value in (("attacker_cores", attacker_cores), ("honest_cores", honest_cores)):
            if name == "honest_cores" and honest_hashes is not None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
        self.rpc, self.wallet, self.merchant, self.amount_sat = rpc, wallet, merchant_address, amount_sat
        self.attacker_cores, self.honest_cores, self.rules = attacker_cores, honest_cores, rules
        self.fee_rate, self.timeout_s, self.kernel = fee_rate_sat_vb, timeout_s, kernel
        self.honest_payout_script, self.status = honest_payout_script, status
        self.stop = stop or threading.Event()
        self.paid = paid  # called with the merchant's Payment once it is broadcast
        self.release_now = threading.Event()  # the teacher publishes the branch whatever its length
        self.auto_release = True  # False: only release_now publishes (the Attack tab's checkbox)
        self.paid_txid = ""
        self.honest: Miner | None = None
        self.honest_hashes = honest_hashes
        self._attacker_hashes_done = 0  # on abandoned forks (the public tip moved while premining)
        self._honest_base = 0

    # --- the two miners ------------------------------------------------------------------------
    def _honest_count(self) -> int:
        if self.honest_hashes is not None:
            return int(self.honest_hashes())
        return self.honest.stats().hashes if self.honest else 0

    def _wait_for_class(self) -> None:
        """Through the class pool the race needs the class mining: a share within CLASS_WAIT_S."""
        start = self._honest_count()
        deadline = time.monotonic() + CLASS_WAIT_S
        while self._honest_count() == start:
            if time.monotonic() > deadline or self.stop.is_set():
                raise AttackError(
                    f"nobody mines in the class pool (no share for {CLASS_WAIT_S:.0f} s): the honest side needs the class"
                )
            time.sleep(0.1)

    def _start_honest(self) -> Miner:
        miner = Miner(
            self.rpc,
            self.honest_payout_script,
            max_slots=self.honest_cores,
            kernel=self.kernel,
            quick_start=False,
            longpoll=False,  # poll, so the payment joins the honest template within ~0.2 s
            poll_interval_s=0.1,
            refresh_interval_s=0.2,
            stats_interval_s=0.25,
            hashrate_window_s=2.0,
        )
        miner.start()
        deadline = time.monotonic() + WARM_UP_TIMEOUT_S
        while miner.stats().hashes == 0:  # compiled and hashing: the race is timed from here
            if time.monotonic() > deadline or self.stop.is_set():
                miner.stop()
                raise AttackError("the honest miner did not start hashing")
            time.sleep(0.05)
        return miner

    def _mine_private(self, fork: PrivateFork, stop: threading.Event, found: threading.Event) -> threading.Thread:
        def run() -> None:
            while not stop.is_set():
                try:
                    fork.mine_block(stop, threads=self.attacker_cores, kernel_name=self.kernel)
                except AttackError:
                    return
                found.set()

        thread = threading.Thread(target=run, name="race-private-miner", daemon=True)
        thread.start()
        return thread

    # --- the race -------------------------------------------------------------------------------
    def run(self) -> RaceResult:
        rpc, wallet = self.rpc, self.wallet
        state = wallet.refresh(rpc)
        payment = wallet.prepare(state, self.merchant, self.amount_sat, self.fee_rate)
        total = sum(c.value_sat for c in payment.coins)
        refund = wallet.prepare(
            state, wallet.receive_address(), total - max(payment.fee_sat, 200), 1.0, coins=payment.coins
        )
        get_kernel(self.kernel or chosen_kernel_name() or QUICK_KERNEL)  # compiled before the clock starts
        if self.honest_hashes is None:
            self.honest = self._start_honest()
        else:
            self._wait_for_class()
        honest = self.honest
        began = time.monotonic()
        attempts = 0
        running: list[tuple[threading.Event, threading.Thread]] = []  # private miners, stopped whatever happens
        try:
            # 1. premine the block that sends the coins back, on the current public tip
            while True:
                attempts += 1
                fork = PrivateFork.start(rpc, wallet.mining_script)
                fork.add_transaction(refund.tx, refund.fee_sat)
                if attempts == 1:  # both sides hash from here
                    began = time.monotonic()
                    honest_base = self._honest_base = self._honest_count()
                stop_private, found = threading.Event(), threading.Event()
                miner_thread = self._mine_private(fork, stop_private, found)
                running.append((stop_private, miner_thread))
                moved = False
                while not found.is_set():
                    if self._timed_out(began):
                        stop_private.set()
                        miner_thread.join()
                        raise AttackError("the race timed out before the first private block")
                    if int(rpc.call("getblockcount")) != fork.fork_height:
                        moved = True
                        break
                    found.wait(WATCH_INTERVAL_S)
                if not moved and int(rpc.call("getblockcount")) == fork.fork_height:
                    wallet.broadcast(rpc, payment)  # the merchant's payment, at once
                    self.paid_txid = payment.txid
                    if self.paid:
                        self.paid(payment)
                    break
                stop_private.set()
                miner_thread.join()
                self._attacker_hashes_done += fork.hashes
            # 2. the race: both mine; publish when strictly longer with z confirmations
            reason, decision = "timed out", None
            private = public = confirmations = 0
            while True:
                found.clear()
                private = len(fork.blocks)
                public = int(rpc.call("getblockcount")) - fork.fork_height
                confirmations = _confirmations(rpc, payment.txid)
                if self.status:
                    self.status(self._look(fork, private, public, confirmations, began))
                decision = RELEASE if self.release_now.is_set() else self.rules.decide(private, public, confirmations)
                if decision == RELEASE and not (self.auto_release or self.release_now.is_set()):
                    decision = None  # longer, but the teacher publishes by hand
                if decision is not None or self._timed_out(began):
                    break
                found.wait(WATCH_INTERVAL_S)
            if honest:
                honest.pause()  # the race is decided at this instant: nothing crosses the release
            stop_private.set()
            miner_thread.join()
            honest_hashes = self._honest_count() - honest_base
            seconds = time.monotonic() - began
            private = len(fork.blocks)
            public = int(rpc.call("getblockcount")) - fork.fork_height
            confirmations = _confirmations(rpc, payment.txid)
            released = False
            if decision == RELEASE:
                fork.release(rpc)
                released, reason = True, "released"
            elif decision == GIVE_UP:
                reason = f"gave up {public - private} blocks behind"
        finally:
            for stop_event, thread in running:
                stop_event.set()
                thread.join()
            if honest:
                honest.stop()
        tip = rpc.call("getbestblockhash")
        on_branch = released and any(h == tip for h, _ in fork.blocks)
        payment_in = _confirmations(rpc, payment.txid) > 0
        refund_in = _confirmations(rpc, refund.txid) > 0
        attacker_hashes = self._attacker_hashes_done + fork.hashes
        q = hash_share(attacker_hashes, honest_hashes)
        return RaceResult(
            payment_txid=payment.txid,
            refund_txid=refund.txid,
            result="succeeded" if (not payment_in and refund_in) else "failed",
            q=q,
            p_nakamoto=attacker_success_probability(q, self.rules.confirmations),
            p_race=self.rules.success_probability(q),
            private_blocks=private,
            public_blocks=public,
            reorg_depth=public if on_branch else 0,
            confirmations=self.rules.confirmations,
            payment_confirmations=confirmations,
            payment_in_active_chain=payment_in,
            refund_in_active_chain=refund_in,
            released=released,
            reason=reason,
            attacker_hashes=attacker_hashes,
            honest_hashes=honest_hashes,
            attacker_hs=attacker_hashes / seconds if seconds else 0.0,
            honest_hs=honest_hashes / seconds if seconds else 0.0,
            seconds=seconds,
            fork_height=fork.fork_height,
            premine_attempts=attempts,
            honest_side="lab miner" if self.honest_hashes is None else "class pool",
        )

    def _look(self, fork: PrivateFork, private: int, public: int, confirmations: int, began: float) -> dict:
        honest = self._honest_count() - self._honest_base
        attacker = self._attacker_hashes_done + fork.hashes
        seconds = time.monotonic() - began
        return dict(
            fork_height=fork.fork_height,
            private=private,
            public=public,
            confirmations=confirmations,
            attacker_hashes=attacker,
            honest_hashes=honest,
            seconds=seconds,
            q=hash_share(attacker, honest),
        )

    def _timed_out(self, began: float) -> bool:
        return self.stop.is_set() or time.monotonic() - began > self.timeout_s
