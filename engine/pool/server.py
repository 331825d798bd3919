"""The class's Stratum v1 pool: work from any Core-compatible node over JSON-RPC, shares from
any Stratum miner (ours, cpuminer, NerdMiner, Bitaxe), blocks back with submitblock.

    pool = Pool(RPCClient(url, cookie_file=...), password="CLASS", port=3333).start()
    pool.stats.snapshot()   # per-worker hashrate, tallies, blocks, payouts (engine.pool.stats)
    pool.stop()

One asyncio event loop on its own thread serves every connection (a slow or hostile client
costs no thread and stalls nobody: lines are bounded, floods and full send buffers close that
connection only); a template thread longpolls getblocktemplate; found blocks go to the node
from a small executor. Message formats as ckpool's stratifier.c and pooler's cpuminer expect.
Here: the life cycle, templates and jobs, difficulty, blocks; one connection and the mining.*
methods it may call are in engine.pool.session, what one computer may take and how connections
are accepted in engine.pool.door, vardiff in engine.pool.vardiff.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import gc
import hmac
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from engine.mining.jobs import DEFAULT_PAYOUT_SCRIPT, BlockTemplate, submit_outcome
from engine.mining.stratum import EXTRANONCE1_SIZE, block_message
from engine.pool.door import (
    AUTHORIZE_TIMEOUT_S,
    MAX_CLIENTS,
    AcceptErrors,
    Address,
    Refusals,
    listen,
)
from engine.pool.jobs import PoolJob, block_hex
from engine.pool.session import JOBS_KEPT, Session, json_line, serve
from engine.pool.stats import PoolStats
from engine.pool.vardiff import retarget
from engine.primitives.fdlimit import raise_fd_limit
from engine.primitives.hashes import sha256d
from engine.primitives.pow import difficulty_for_target
from engine.primitives.rpcauth import parse_rpcauth, rpcauth_matches
from engine.rpc import RPCClient, RPCConnectionError, RPCError

log = logging.getLogger(__name__)

GBT_REQUEST = {"rules": ["segwit"]}  # BIP9/BIP145: Core refuses templates without the segwit rule
LONGPOLL_TIMEOUT_S = 6 * 60 * 60.0
IDLE_TIMEOUT_S = 600.0  # an authorised connection that says nothing for this long is closed
REFRESH_S = 30.0  # new (not clean) job with the template's fresh time/transactions
START_DIFFICULTY = 1e-4
MIN_DIFFICULTY = 2.0**-20
SHARES_PER_S = 4.0  # vardiff aim: a few shares a second per connection


@dataclass(frozen=True)
class PoolBlock:
    """A share met the block target and went to the node: status "accepted" / "rejected" / "stale"."""

    worker: str
    height: int
    block_hash: str
    status: str
    reason: str | None
    answered_s: float  # time.monotonic() when the node answered


@dataclass(frozen=True)
class PoolNode:
    """The node went away (ok False: every worker was told and disconnected) or came back."""

    ok: bool
    message: str


@dataclass(frozen=True)
class PoolWork:
    """New work sent to every client; clean when the tip moved."""

    height: int
    clean: bool
    sent_s: float
    clients: int


class Pool:
    """Stratum v1 server in front of one node; `start()` binds (OSError if the port is taken)."""

    def __init__(
        self,
        rpc: RPCClient,
        payout_script: bytes | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 3333,
        password: str = "",
        rpcauth: str | None = None,
        owner_password: str | None = None,
        start_difficulty: float = START_DIFFICULTY,
        min_difficulty: float = MIN_DIFFICULTY,
        shares_per_s: float = SHARES_PER_S,
        longpoll: bool = True,
        poll_interval_s: float = 0.5,
        on_event: Callable[[object], None] | None = None,
    ):
        self.rpc = rpc
        self.payout_script = bytes(payout_script if payout_script is not None else DEFAULT_PAYOUT_SCRIPT)
        self.host, self.requested_port, self.password = host, port, password
        if rpcauth is not None:
            parse_rpcauth(rpcauth)  # a bad line fails here, not at the first student's login
        self.rpcauth = rpcauth  # the class password as a salted hash (what the window keeps)
        # the pool owner's own miner (the teacher's window): it cannot give the class password,
        # which the window keeps only as a salted hash, so it gets a password of its own
        self.owner_password = owner_password
        self.start_difficulty, self.min_difficulty = start_difficulty, min_difficulty
        self.shares_per_s = shares_per_s
        self.longpoll, self.poll_interval_s = longpoll, poll_interval_s
        self.on_event = on_event
        self.stats = PoolStats()
        # Core's RaiseFileDescriptorLimit: at the usual soft limit of 1,024, about 1,000
        # sockets made accept() fail for everyone (and asyncio log a traceback per try)
        self.max_clients = raise_fd_limit(MAX_CLIENTS, "pool connections")
        self._addresses: dict[str, Address] = {}
        self._full_refusals = Refusals()  # logged once a minute at most
        self._admitted = 0  # connections let in at the door (engine.pool.door.admit), not yet ended
        self._accept_errors = AcceptErrors()
        self.port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None  # made by start(): a pool never started leaves none open
        self._server: asyncio.base_events.Server | None = None
        self._sessions: set[Session] = set()
        self._jobs: OrderedDict[str, PoolJob] = OrderedDict()
        self._current: PoolJob | None = None
        self._extranonce = int.from_bytes(os.urandom(EXTRANONCE1_SIZE), "big")
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._submitter = concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix="pool-submit")
        self._refresh_now = threading.Event()

    # ------------------------------------------------------------------ life cycle
    def start(self) -> Pool:
        # A full collection walks every object the process holds (numba, numpy, Qt in the
        # window): 90-145 ms measured with the loop stalled, about once a minute under load.
        # What is alive now (imports, the window) is moved out of the collector's sight, so
        # later full collections only walk what the pool and its clients create.
        gc.freeze()
        self._loop = asyncio.new_event_loop()
        loop_thread = threading.Thread(target=self._loop.run_forever, name="pool-loop", daemon=True)
        loop_thread.start()
        self._threads.append(loop_thread)
        try:
            asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(10)
        except BaseException:
            self._loop.call_soon_threadsafe(self._loop.stop)
            loop_thread.join(5)
            if not self._loop.is_running():  # a port taken: the caller may try the next one
                self._loop.close()
            self._submitter.shutdown(wait=False)
            raise
        templates = threading.Thread(target=self._template_loop, name="pool-templates", daemon=True)
        templates.start()
        self._threads.append(templates)
        return self

    async def _listen(self) -> None:
        loop = self._started_loop
        loop.set_exception_handler(self._accept_errors.handler)
        self._server = await listen(self, functools.partial(serve, self), self.host, self.requested_port)
        self.port = self._server.sockets[0].getsockname()[1]
        self.stats.port = self.port
        self._housekeeper = self._started_loop.create_task(self._housekeeping())

    def stop(self) -> None:
        self._stop.set()
        self._refresh_now.set()

        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
                self._housekeeper.cancel()
            for session in list(self._sessions):
                session.close()
            await asyncio.sleep(0)

        if self._loop is None:  # never started
            self._submitter.shutdown(wait=False)
            return
        if self._loop.is_running():
            try:
                asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(5)
            except (concurrent.futures.TimeoutError, RuntimeError):
                pass
            self._loop.call_soon_threadsafe(self._loop.stop)
        for thread in self._threads:
            if thread.name != "pool-templates":  # a longpoll in flight ends on its own (daemon)
                thread.join(5)
        self._submitter.shutdown(wait=False, cancel_futures=True)
        if not self._loop.is_running():
            self._loop.close()

    def _emit(self, event) -> None:
        if self.on_event is not None:
            try:
                self.on_event(event)
            except Exception:  # a broken listener must not take the pool down
                log.exception("pool event listener failed on %r", event)

    # ------------------------------------------------------------------ templates (own thread)
    def _template_loop(self) -> None:
        longpollid, failures = None, 0
        use_longpoll = self.longpoll
        while not self._stop.is_set():
            asked_s = time.monotonic()
            try:
                if longpollid and use_longpoll:
                    raw = self.rpc.call(
                        "getblocktemplate", dict(GBT_REQUEST, longpollid=longpollid), timeout_s=LONGPOLL_TIMEOUT_S
                    )
                else:
                    raw = self.rpc.call("getblocktemplate", GBT_REQUEST)
                template = BlockTemplate.from_rpc(raw)
            except RPCError as exc:
                if not (isinstance(exc, RPCConnectionError) or exc.transient) and longpollid and use_longpoll:
                    log.info("longpoll not usable (%s); polling instead", exc)
                    use_longpoll = False
                    continue
                failures += 1
                longpollid = None
                if failures >= 2:  # one dropped keep-alive connection is not a node gone
                    self._call_soon(self._node_lost, str(exc))
                self._stop.wait(min(0.25 * 2**failures, 5.0))
                continue
            except (ValueError, KeyError, TypeError) as exc:  # a template we cannot use
                self._call_soon(self._node_lost, f"unusable getblocktemplate answer: {exc}")
                self._stop.wait(5.0)
                continue
            failures = 0
            self._call_soon(self._on_template, template)
            longpollid = template.longpollid
            if not (longpollid and use_longpoll) or time.monotonic() - asked_s < 0.05:
                # polling, or a node answering longpolls at once: do not hammer it
                self._refresh_now.wait(self.poll_interval_s)
                self._refresh_now.clear()

    @property
    def _started_loop(self) -> asyncio.AbstractEventLoop:
        """The event loop start() made (the template thread and the sessions run only after it)."""
        assert self._loop is not None, "the pool was never started"
        return self._loop

    def _call_soon(self, callback, *args) -> None:
        loop = self._started_loop
        if not loop.is_closed():
            try:
                loop.call_soon_threadsafe(callback, *args)
            except RuntimeError:  # the loop closed meanwhile
                pass

    def _on_template(self, template: BlockTemplate) -> None:
        current = self._current
        if not self.stats.node_ok:
            self.stats.node_ok = True
            self._emit(PoolNode(True, "node reachable again"))
        clean = current is None or current.template.previous_block_hash != template.previous_block_hash
        if (
            not clean
            and current is not None
            and current.template.transactions == template.transactions
            and time.monotonic() - current.created_s < REFRESH_S
        ):
            return
        job = PoolJob.from_template(template, self.payout_script)
        if clean:
            for old in self._jobs.values():
                old.retire()
        self._add_job(job)
        self._current = job
        self.stats.height = template.height
        self.stats.block_difficulty = difficulty_for_target(template.target)  # bounds the PPLNS window
        line = json_line({"id": None, "method": "mining.notify", "params": job.notify_params(clean)})
        sent = 0
        for session in list(self._sessions):
            if session.subscribed and session.workers:
                self._retarget_cap(session, job)
                session.send_job(job, clean, line)
                sent += 1
        self._emit(PoolWork(template.height, clean, time.monotonic(), sent))

    def _add_job(self, job: PoolJob) -> None:
        self._jobs[job.job_id] = job
        while len(self._jobs) > JOBS_KEPT:
            self._jobs.popitem(last=False)

    def _node_lost(self, message: str) -> None:
        if not self.stats.node_ok:
            return
        self.stats.node_ok = False
        for job in self._jobs.values():
            job.retire()
        self._current = None
        text = f"The class's node is unreachable ({message}); stopping work until it is back."
        for session in list(self._sessions):  # no stale work: tell them, then disconnect
            session.send({"id": None, "method": "client.show_message", "params": [text]})
            session.close()
        self._emit(PoolNode(False, message))

    # ------------------------------------------------------------------ difficulty
    def _job_cap(self, session: Session, job: PoolJob) -> float:
        # never above the block's difficulty: a hash meeting the block target must reach us
        return max(self.min_difficulty, min(session.difficulty, difficulty_for_target(job.template.target)))

    def _retarget_cap(self, session: Session, job: PoolJob) -> None:
        capped = self._job_cap(session, job)
        if capped != session.difficulty or not session.difficulty_sent:
            self._set_difficulty(session, capped)

    def _set_difficulty(self, session: Session, difficulty: float) -> None:
        session.difficulty, session.difficulty_sent = difficulty, True
        session.send({"id": None, "method": "mining.set_difficulty", "params": [difficulty]})
        for name in session.workers:
            self.stats.set_difficulty(name, difficulty)

    def _vardiff(self, session: Session, now_s: float) -> None:
        retarget(self, session, now_s)  # engine.pool.vardiff

    async def _housekeeping(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            now_s = time.monotonic()
            self.stats.clients = len(self._sessions)
            for session in list(self._sessions):
                if not session.workers:
                    if now_s - session.opened_s > AUTHORIZE_TIMEOUT_S:  # whatever it sent meanwhile
                        session.show_message(f"Closed: no mining.authorize within {AUTHORIZE_TIMEOUT_S:g} s.")
                        session.close()
                elif now_s - session.last_s > IDLE_TIMEOUT_S:
                    session.close()
                else:
                    self._vardiff(session, now_s)
            for host in [h for h, a in self._addresses.items() if a.idle(now_s)]:
                del self._addresses[host]
            self.stats.evict_idle()

    # ------------------------------------------------------------------ logins and first work (engine.pool.session)
    def _password_ok(self, password: str) -> bool:
        if self.owner_password and hmac.compare_digest(password.encode(), self.owner_password.encode()):
            return True
        if self.rpcauth:
            return rpcauth_matches(self.rpcauth, password)
        return not self.password or hmac.compare_digest(password.encode(), self.password.encode())

    def _send_work(self, session: Session) -> None:
        job = self._current
        if job is None:
            return
        self._set_difficulty(session, self._job_cap(session, job))
        session.send_job(job, True)

    def _tell_finder(self, name: str, text: str) -> None:
        """The node's answer to a block, to the connections mining as its finder (cpuminer prints
        it; our miner counts a block only on it)."""
        for session in list(self._sessions):
            if name in session.workers:
                session.show_message(text)

    # ------------------------------------------------------------------ blocks (executor threads)
    def _submit_block(self, name: str, job: PoolJob, extranonce1: bytes, extranonce2: bytes, header: bytes) -> None:
        block_hash = sha256d(header)[::-1].hex()
        try:
            result = self.rpc.call_retrying(
                "submitblock", block_hex(job, extranonce1, extranonce2, header), stop=self._stop, max_delay_s=2.0
            )
        except Exception as exc:  # RPCStopped, a non-transient RPC error, a block we could not build
            result = f"submit failed: {exc}"
        status, reason = submit_outcome(result)
        template = job.template
        self.stats.block(
            name,
            template.height,
            block_hash,
            status,
            reason,
            template.coinbase_value,
            difficulty_for_target(template.target),
        )
        self._emit(PoolBlock(name, template.height, block_hash, status, reason, time.monotonic()))
        self._call_soon(self._tell_finder, name, block_message(template.height, block_hash, status, reason, name))
        self._refresh_now.set()  # a poller takes the new tip at once
