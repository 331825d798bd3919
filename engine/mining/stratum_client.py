"""Our miner as a Stratum v1 client: a job source (engine.mining.source.JobSource) for
engine.mining.miner.Miner, beside the node's (engine.mining.node_source).

    source = StratumSource("stratum+tcp://teacher:3333", "alice", "CLASS")
    Miner(None, source=source, on_event=print).start()

The miner keeps its kernels and worker threads; this source replaces getblocktemplate and
submitblock: it subscribes and authorises (as pooler's cpuminer does: subscribe, then
authorize, jobs after both), turns each mining.notify into work the workers hash against the
share target, and sends each share with mining.submit. The pool's difficulty applies from the
next job (cpuminer util.c stratum_notify takes next_diff there). A lost connection withdraws
the work (no stale hashing) and reconnects with back-off.

Shares and blocks are counted apart: a share that also meets the block target is only a block
candidate (ShareResult.block_hash) until the pool says what its node answered. Our pool says so
to the finder (client.show_message "Block H HASH accepted by the class's node ..."); only then
is it a block (BlockResult, and the miner's blocks found/accepted). Another pool that never
says stays at candidates. At each login our pool also tells the name's tally so far
(`pool_blocks`: the pool's per-worker count, which outlives this process).

A job's transactions: mining.notify carries only the coinbase's merkle branch, so for a job whose
branch is new the source asks mining.get_transactions (Stratum v1; our pool answers it) and
publishes the work with them, at most GET_TRANSACTIONS_WAIT_S later; a pool that does not answer
it is not asked again (its jobs then say 0 transactions, as before).
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from engine.mining.events import PoolMessage, ShareResult
from engine.mining.jobs import HeaderWork
from engine.mining.stratum import BLOCK_MESSAGE, TALLY_MESSAGE, Notify
from engine.primitives.hashes import sha256d
from engine.primitives.pow import bits_to_target, target_for_difficulty

if TYPE_CHECKING:
    from engine.mining.miner import Miner

log = logging.getLogger(__name__)

MAX_LINE_BYTES = 1 << 20
SOCKET_TIMEOUT_S = 0.25
CANDIDATES_KEPT = 64
GET_TRANSACTIONS_WAIT_S = 0.5


def parse_stratum_url(url: str) -> tuple[str, int]:
    parts = urlsplit(url if "://" in url else "stratum+tcp://" + url)
    if parts.scheme not in ("stratum+tcp", "stratum"):
        raise ValueError(f"a pool URL looks like stratum+tcp://host:3333, got {url!r}")
    if not parts.hostname:
        raise ValueError(f"no host in pool URL {url!r}")
    try:
        port = parts.port or 3333
    except ValueError:
        raise ValueError(f"bad port in pool URL {url!r}") from None
    return parts.hostname, port


def height_from_coinb1(coinb1: bytes) -> int | None:
    """BIP34: the height is the first push of the coinbase scriptSig (after version, input
    count, the null outpoint and the script length: 4 + 1 + 36 + 1 bytes)."""
    script = coinb1[42:]
    if not script:
        return None
    op = script[0]
    if 0x51 <= op <= 0x60:  # OP_1..OP_16
        return op - 0x50
    if 1 <= op <= 8 and len(script) > op:
        return int.from_bytes(script[1 : 1 + op], "little")
    return None


@dataclass(frozen=True)
class StratumWork:
    """One mining.notify at one difficulty, shaped like the BlockTemplate fields the miner reads."""

    notify: Notify
    extranonce1: bytes
    extranonce2_size: int
    difficulty: float
    height: int | None
    transactions: tuple = ()  # the job's transactions (hex) when the pool answers mining.get_transactions

    @property
    def previous_block_hash(self) -> str:
        return self.notify.prevhash

    @property
    def target(self) -> int:
        return target_for_difficulty(self.difficulty)

    @property
    def block_target(self) -> int:
        target, _, _ = bits_to_target(self.notify.bits)
        return target

    def time_in_bounds(self, now_s: float | None = None) -> bool:
        return True  # the pool chose the time


@dataclass
class StratumJob(HeaderWork):
    template: StratumWork
    extranonce2: bytes
    header76: bytes = field(repr=False)


class StratumSource:
    """Pooled mining: work from mining.notify at the pool's share difficulty, shares by mining.submit."""

    shares = True

    def __init__(
        self, url: str, user: str, password: str = "", *, connect_timeout_s: float = 10.0, max_retry_s: float = 5.0
    ):
        self.host, self.port = parse_stratum_url(url)
        self.url = f"stratum+tcp://{self.host}:{self.port}"
        if not user or not user.strip():
            raise ValueError("a worker name (--user) is needed to join a pool")
        self.user, self.password = user.strip(), password
        self.connect_timeout_s, self.max_retry_s = connect_timeout_s, max_retry_s
        self._sock: socket.socket | None = None
        self._send_lock = threading.Lock()
        self._pending_lock = threading.Lock()  # _pending: worker threads add and trim, the reader pops
        self._pending: dict[int, tuple[float, str, float, StratumJob, str | None]] = {}
        self._candidates: dict[str, StratumJob] = {}  # block hash -> its job, accepted as a share
        self._transactions: tuple[tuple[bytes, ...], tuple] = ((), ())  # (merkle branch, its transactions)
        self._asked: tuple[Notify, str, float, int] | None = None  # a notify waiting for its transactions
        self._ask_transactions = True  # until the pool refuses mining.get_transactions
        self._next_id = 10
        self._extranonce1 = b""
        self._extranonce2_size = 4
        self._difficulty = 1.0
        self._notify: Notify | None = None
        self.accepted = self.rejected = 0
        self.block_candidates = 0  # accepted shares that also met the block target
        # The blocks the pool credits to `user` (its per-worker statistics: the teacher's Class tab
        # row): the tally our pool tells at each login, plus each block it accepts from us since;
        # None until a pool told one (another pool never does).
        self.pool_blocks: int | None = None
        self.reasons: dict[str, int] = {}

    # ------------------------------------------------------------------ JobSource
    def loops(self, miner: Miner) -> list[tuple[str, Callable[[], None]]]:
        return [("templates", lambda: self.run(miner))]

    def make_job(self, work: StratumWork, worker: int, n: int) -> StratumJob:
        size = work.extranonce2_size
        # worker index in the top byte, a counter below: no two workers share a header
        value = ((worker & 0xFF) << (8 * size - 8)) | (n % (1 << (8 * size - 8))) if size > 1 else n % 256
        extranonce2 = value.to_bytes(size, "big")
        return StratumJob(work, extranonce2, work.notify.header76(work.extranonce1, extranonce2))

    def _take_pending(self, msg_id: int) -> tuple[float, str, float, StratumJob, str | None] | None:
        """The share waiting for this answer, under the lock submit() holds while it adds and trims
        (the worker threads iterate the dict there: popping it unlocked here crashed them once
        10,000 answers were outstanding)."""
        with self._pending_lock:
            return self._pending.pop(msg_id, None)

    def submit(self, job: StratumJob, nonce: int, worker: int) -> None:
        work = job.template
        value = int.from_bytes(sha256d(job.header(nonce)), "little")
        block_hash = job.block_hash(nonce) if value <= work.block_target else None
        with self._send_lock:
            msg_id = self._next_id
            self._next_id += 1
        with self._pending_lock:
            self._pending[msg_id] = (time.monotonic(), work.notify.job_id, work.difficulty, job, block_hash)
            if len(self._pending) > 10_000:  # answers that never came: forget the oldest
                self._pending.pop(next(iter(self._pending)))
        self._send(
            {
                "id": msg_id,
                "method": "mining.submit",
                "params": [
                    self.user,
                    work.notify.job_id,
                    job.extranonce2.hex(),
                    f"{work.notify.ntime:08x}",
                    f"{nonce:08x}",
                ],
            }
        )

    # ------------------------------------------------------------------ connection thread
    _miner: Miner | None = None

    def run(self, miner: Miner) -> None:
        self._miner = miner
        delay_s = 0.5
        while not miner.stopping.is_set():
            try:
                self._connect()
                miner.set_connected(True)
                delay_s = 0.5
                self._read_loop(miner)
                raise ConnectionError("the pool closed the connection")
            except (OSError, ValueError) as exc:
                miner.set_connected(False)
                miner.withdraw()  # no stale work while we are away
                self._close()
                if miner.stopping.is_set():
                    break
                miner.set_connected(False, f"{self.url}: {exc}", delay_s)
                if miner.stopping.wait(delay_s):
                    break
                delay_s = min(delay_s * 2, self.max_retry_s)
        self._close()

    def _connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), timeout=self.connect_timeout_s)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(SOCKET_TIMEOUT_S)
        self._sock, self._buffer = sock, bytearray()
        self._notify = None
        self._send({"id": 1, "method": "mining.subscribe", "params": ["mine2compute/0.1"]})
        self._send({"id": 2, "method": "mining.authorize", "params": [self.user, self.password]})

    def _close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass

    def _send(self, obj) -> None:
        data = (json.dumps(obj, separators=(",", ":")) + "\n").encode()
        with self._send_lock:
            sock = self._sock
            if sock is None:
                return
            try:
                sock.sendall(data)
            except OSError:  # the reader notices and reconnects
                pass

    def _read_loop(self, miner: Miner) -> None:
        sock = self._sock
        assert sock is not None  # _connect just set it; only this thread (run) closes it
        while not miner.stopping.is_set():
            if self._asked is not None and time.monotonic() > self._asked[2]:
                self._publish(miner, *self._asked[:2])  # no answer in time: the work must not wait
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                return
            self._buffer += chunk
            if len(self._buffer) > MAX_LINE_BYTES and b"\n" not in self._buffer:
                raise ValueError("the pool sent a line over 1 MB")
            while b"\n" in self._buffer:
                line, _, rest = bytes(self._buffer).partition(b"\n")
                self._buffer = bytearray(rest)
                if line.strip():
                    self._handle(miner, json.loads(line))

    def _handle(self, miner: Miner, message: dict) -> None:
        method, msg_id = message.get("method"), message.get("id")
        if method == "mining.notify":
            notify = self._notify = Notify.from_params(message.get("params"))
            why = "new tip" if notify.clean else "new job"
            if not notify.branch or notify.branch == self._transactions[0] or not self._ask_transactions:
                self._publish(miner, notify, why)
            else:  # new transactions: ask which (the work follows the answer, or the wait)
                with self._send_lock:
                    asked_id = self._next_id
                    self._next_id += 1
                self._asked = (notify, why, time.monotonic() + GET_TRANSACTIONS_WAIT_S, asked_id)
                self._send({"id": asked_id, "method": "mining.get_transactions", "params": [notify.job_id]})
        elif method is None and self._asked is not None and msg_id == self._asked[3]:
            asked, why, _, _ = self._asked
            result = message.get("result")
            if isinstance(result, list) and all(isinstance(t, str) for t in result):
                self._transactions = (asked.branch, tuple(result))
            elif "method" in str(message.get("error")).lower():
                self._ask_transactions = False  # not this pool's method: not asked again
            self._publish(miner, asked, why)
        elif method == "mining.set_difficulty":
            value = (message.get("params") or [None])[0]
            if isinstance(value, (int, float)) and value > 0:
                self._difficulty = float(value)  # from the next job, as cpuminer does
        elif method == "client.show_message":
            text = str((message.get("params") or [""])[0])
            said = BLOCK_MESSAGE.match(text)
            tally = TALLY_MESSAGE.match(text)
            job = self._candidates.pop(said.group(2), None) if said else None
            if said and job is not None:
                self._block_answer(miner, job, said.group(2), said.group(3), said.group(4))
            elif tally is not None and tally.group(1) == self.user:
                self.pool_blocks = int(tally.group(2))
            else:
                miner.emit(PoolMessage(text))
        elif method is None and msg_id == 1:
            result = message.get("result")
            if not isinstance(result, list) or len(result) < 3:
                raise ValueError(f"subscribe refused: {message.get('error')}")
            self._extranonce1, self._extranonce2_size = bytes.fromhex(result[1]), int(result[2])
            if not 1 <= self._extranonce2_size <= 16:
                raise ValueError(f"unusable extranonce2 size {self._extranonce2_size}")
        elif method is None and msg_id == 2:
            if message.get("result") is not True:
                error = message.get("error")
                raise ValueError(
                    f"the pool refused worker {self.user!r}: "
                    f"{error[1] if isinstance(error, list) and len(error) > 1 else error}"
                )
        elif method is None and isinstance(msg_id, int) and (entry := self._take_pending(msg_id)) is not None:
            sent_s, job_id, difficulty, job, block_hash = entry
            accepted = message.get("result") is True
            error = message.get("error")
            reason: str | None = None
            if accepted:
                self.accepted += 1
                if block_hash is not None:  # a candidate until the pool says what its node answered
                    self.block_candidates += 1
                    self._candidates[block_hash] = job
                    while len(self._candidates) > CANDIDATES_KEPT:
                        self._candidates.pop(next(iter(self._candidates)))
            else:
                reason = error[1] if isinstance(error, list) and len(error) > 1 else str(error)
                self.rejected += 1
                self.reasons[reason] = self.reasons.get(reason, 0) + 1
            miner.emit(
                ShareResult(
                    job_id, accepted, reason, difficulty, time.monotonic() - sent_s, block_hash if accepted else None
                )
            )

    def _block_answer(self, miner: Miner, job: StratumJob, block_hash: str, status: str, reason: str | None) -> None:
        """The pool's node answered our block: counted as the miner counts its own (not a refusal
        in a row: the pool's blocks are the pool's to fix)."""
        if status == "accepted" and self.pool_blocks is not None:
            self.pool_blocks += 1  # the pool counted it for our name as it told us
        miner.count_block(job, block_hash, status, reason, found=True)

    def _publish(self, miner: Miner, notify: Notify, reason: str) -> None:
        self._asked = None
        branch, transactions = self._transactions
        work = StratumWork(
            notify,
            self._extranonce1,
            self._extranonce2_size,
            self._difficulty,
            height_from_coinb1(notify.coinb1),
            transactions if notify.branch and branch == notify.branch else (),
        )
        miner.publish(work, reason, force=True)
