"""What a Miner reports: frozen dataclasses delivered to every listener on a miner thread, never
the caller's (a GUI adapter re-emits them as Qt signals).

- KernelProgress(kernel, stage, seconds, hashrate_hs): stage "compiling", "ready", then "active"
  when the workers start with it. The workers start at once with the cached choice or, with none
  yet, the first kernel ready (shani ~0.2 s, else scalar ~1 s); the others then compile in the
  background (slow ones in child processes: "loading" once a child is done, "fallback: <why>" if
  it failed and the kernel compiles here instead) and each is timed on the workers as they mine
  ("timing"), then the fastest mines: "chosen", with its speed in `hashrate_hs`. "retiming": the
  miner's own rate says the kept choice looks wrong (or it was timed under load and the machine is
  quiet now), so every kernel is timed again (engine.mining.kernel_loop, engine.mining.kernels).
- NewJob(height, previous_block_hash, target, transactions, reason): work from a new template.
- BlockFound(height, block_hash, nonce, worker): a header met the target; submission follows.
- BlockResult(height, block_hash, status, reason): status "accepted", "rejected" (reason is
  the node's BIP22 string) or "stale" (valid but no longer on the best chain).
- ConnectionProblem(message, retry_in_s) / ConnectionRestored(): the node went away / came
  back; the miner retries with back-off and never stops because of it.
- MiningRefused(reason, rejections, message) (engine.mining.refusals): the node refused
  REFUSALS_BEFORE_STOP blocks in a row for the same reason; mining has stopped.
- ShareResult(job_id, accepted, reason, difficulty, latency_s) / PoolMessage(text): from a pool
  (engine.mining.stratum_client.StratumSource).
- MinerStats: every `stats_interval_s`, counters (exact hashes, blocks) and hashrates
  (per worker and total, moving average over `hashrate_window_s`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.mining.refusals import MiningRefused


@dataclass(frozen=True)
class KernelProgress:
    kernel: str
    stage: str  # "compiling" | "loading" | "fallback: <why>" | "ready" | "timing" | "active" | "chosen"
    # | "retiming" | "failed: <why>"
    seconds: float
    hashrate_hs: float = 0.0  # "chosen": the kernel's speed on the miner's threads


@dataclass(frozen=True)
class NewJob:
    height: int | None  # None: a pool's coinbase that does not show it
    previous_block_hash: str
    target: int
    transactions: int
    reason: str  # "start" | "new tip" | "new transactions" | "after submit"


@dataclass(frozen=True)
class BlockFound:
    height: int | None  # as NewJob (a pool's block found says 0 there)
    block_hash: str
    nonce: int
    worker: int


@dataclass(frozen=True)
class BlockResult:
    height: int | None  # as NewJob (only a node's blocks get results today, and those know it)
    block_hash: str
    status: str  # "accepted" | "rejected" | "stale"
    reason: str | None


@dataclass(frozen=True)
class ConnectionProblem:
    message: str
    retry_in_s: float


@dataclass(frozen=True)
class ConnectionRestored:
    pass


@dataclass(frozen=True)
class ShareResult:
    """The pool's answer to one share: accepted, or refused with its reason (duplicate, stale, ...)."""

    job_id: str
    accepted: bool
    reason: str | None
    difficulty: float
    latency_s: float
    block_hash: str | None = None  # accepted and meeting the block target: a candidate the pool submits


@dataclass(frozen=True)
class PoolMessage:
    """client.show_message from the pool (e.g. its node is unreachable)."""

    text: str


@dataclass(frozen=True)
class MinerStats:
    elapsed_s: float
    hashes: int  # exact count of nonces hashed
    hashrate_hs: float  # total, moving average
    worker_hashrates_hs: tuple[float, ...]  # per worker (index = worker), moving average
    blocks_found: int
    blocks_accepted: int
    blocks_rejected: int
    blocks_stale: int
    slots: int  # granted by set_slots
    active_workers: int  # hashing now (0 while paused or without a job)
    paused: bool
    kernel: str | None  # the kernel workers use now
    height: int | None  # height of the block being mined
    connected: bool
    first_hash_s: float | None  # start() to the first finished chunk


MinerEvent = (
    KernelProgress
    | NewJob
    | BlockFound
    | BlockResult
    | ConnectionProblem
    | ConnectionRestored
    | MiningRefused
    | ShareResult
    | PoolMessage
    | MinerStats
)
Listener = Callable[[MinerEvent], None]
