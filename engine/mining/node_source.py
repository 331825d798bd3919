"""The Miner's work from a Core-compatible node over JSON-RPC: getblocktemplate (longpoll, else
polling getbestblockhash), our coinbase and extranonce per header, submitblock with BIP22 answers."""

from __future__ import annotations

import logging
import os
import queue
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from engine.mining.jobs import EXTRANONCE_SIZE, BlockJob, BlockTemplate, make_job, submit_outcome
from engine.rpc import RPCClient, RPCConnectionError, RPCError, RPCStopped

if TYPE_CHECKING:
    from engine.mining.miner import Miner

log = logging.getLogger("engine.mining.miner")

GBT_REQUEST = {"rules": ["segwit"]}  # BIP9/BIP145: Core refuses templates without the segwit rule
# Core holds a longpoll until the tip changes (rpc/mining.cpp); giving up sooner would leave one of
# its few RPC threads blocked per retry until none is left, so wait as long as it takes.
LONGPOLL_TIMEOUT_S = 6 * 60 * 60.0


class NodeSource:
    """Solo mining on a node: one BlockTemplate at a time, a block per found nonce.

    `rpc` is an `engine.rpc.RPCClient` (or anything with its `call`/`call_retrying`).
    """

    shares = False

    def __init__(
        self,
        rpc: RPCClient,
        payout_script: bytes,
        *,
        longpoll: bool = True,
        poll_interval_s: float = 0.5,
        refresh_interval_s: float = 30.0,
    ):
        self.rpc = rpc
        self.payout_script = bytes(payout_script)
        self.longpoll = longpoll
        self.poll_interval_s = poll_interval_s
        self.refresh_interval_s = refresh_interval_s
        self._salt = os.urandom(EXTRANONCE_SIZE - 5)  # two miners paying to one address never share work
        self._submit_queue: queue.Queue = queue.Queue()
        self._miner: Miner | None = None

    # ------------------------------------------------------------------ JobSource
    def loops(self, miner: Miner) -> list[tuple[str, Callable[[], None]]]:
        self._miner = miner
        return [("templates", self._template_loop), ("submit", self._submit_loop)]

    def make_job(self, template: BlockTemplate, worker: int, n: int) -> BlockJob:
        extranonce = self._salt + worker.to_bytes(1, "little") + (n % (1 << 32)).to_bytes(4, "little")
        return make_job(template, self.payout_script, extranonce)

    def submit(self, job: BlockJob, nonce: int, worker: int) -> None:
        self._submit_queue.put((job, nonce, worker))

    @property
    def _bound(self) -> Miner:
        """The Miner whose threads run this source's loops (set by `loops`, before any runs)."""
        assert self._miner is not None, "NodeSource used before Miner.start() called loops()"
        return self._miner

    # ------------------------------------------------------------------ RPC
    def _rpc(self, method: str, *params, timeout_s: float | None = None):
        """An RPC that retries with back-off on connection loss; raises RPCStopped on stop."""
        result = self.rpc.call_retrying(
            method, *params, stop=self._bound.stopping, on_retry=self._report_retry, timeout_s=timeout_s
        )
        self._bound.set_connected(True)
        return result

    def _report_retry(self, error: RPCError, delay_s: float) -> None:
        if self._bound.stopping.is_set():
            return
        self._bound.set_connected(False, f"{error}", delay_s)

    def _publish(self, raw: dict, reason: str) -> bool:
        """Make `raw` the current template unless it changes nothing; True if it did."""
        return self._bound.publish(BlockTemplate.from_rpc(raw), reason)

    # ------------------------------------------------------------------ templates
    def _template_loop(self) -> None:
        miner = self._bound
        use_longpoll = self.longpoll
        last_refresh_s = time.monotonic()
        while not miner.stopping.is_set():
            try:
                template = cast(BlockTemplate | None, miner.work)  # this source publishes BlockTemplates only
                if template is None:
                    self._publish(self._rpc("getblocktemplate", GBT_REQUEST), "start")
                    last_refresh_s = time.monotonic()
                elif use_longpoll and template.longpollid:
                    asked_s = time.monotonic()
                    try:
                        raw = self.rpc.call(
                            "getblocktemplate",
                            dict(GBT_REQUEST, longpollid=template.longpollid),
                            timeout_s=LONGPOLL_TIMEOUT_S,
                        )
                    except RPCConnectionError:
                        # a longpoll timing out is normal; a dead node shows in the plain call
                        raw = self._rpc("getblocktemplate", GBT_REQUEST)
                    except RPCError as exc:
                        if exc.transient:
                            raise
                        log.info("longpoll not usable (%s); polling instead", exc)
                        use_longpoll = False
                        continue
                    # a node that answers longpolls at once with nothing new must not be hammered
                    if (
                        not miner.stopping.is_set()
                        and not self._publish(raw, "refresh")
                        and miner.stopping.wait(max(0.0, self.poll_interval_s - (time.monotonic() - asked_s)))
                    ):
                        return
                else:
                    if miner.stopping.wait(self.poll_interval_s):
                        return
                    best = self._rpc("getbestblockhash")
                    if (
                        best != template.previous_block_hash
                        or time.monotonic() - last_refresh_s >= self.refresh_interval_s
                    ):
                        self._publish(self._rpc("getblocktemplate", GBT_REQUEST), "refresh")
                        last_refresh_s = time.monotonic()
            except RPCStopped:
                return
            except RPCError as exc:  # the node refuses templates: say so, keep trying
                miner.report_problem(f"getblocktemplate failed: {exc}", 5.0)
                if miner.stopping.wait(5.0):
                    return

    # ------------------------------------------------------------------ submission
    def _submit_loop(self) -> None:
        miner = self._bound
        while not miner.stopping.is_set():
            try:
                job, nonce, worker = self._submit_queue.get(timeout=0.1)
            except queue.Empty:
                continue
            block_hash = job.block_hash(nonce)
            try:
                result = self._rpc("submitblock", job.block_hex(nonce))
            except RPCStopped:
                return
            except RPCError as exc:  # e.g. RPC_DESERIALIZATION_ERROR: the node refused to parse it
                result = f"rpc error: {exc}"
            status, reason = submit_outcome(result)
            if miner.block_result(job, block_hash, status, reason):
                return  # refused too often: mining has stopped
            if status == "rejected":
                # Re-finding and re-submitting the same refused block would hammer the node:
                # pause a poll interval and take a fresh template (time-too-new, a new tip, ...).
                miner.hold(self.poll_interval_s)
            if status in ("accepted", "rejected"):
                try:  # mine on our new tip at once rather than wait for the longpoll or poll
                    self._publish(self._rpc("getblocktemplate", GBT_REQUEST), "after submit")
                except RPCStopped:
                    return
                except RPCError as exc:
                    miner.report_problem(f"getblocktemplate failed: {exc}", self.poll_interval_s)
            if status != "accepted":  # not our tip: keep mining the current template rather than idle
                miner.reopen(job)
