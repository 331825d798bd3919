"""One Stratum v1 connection to the pool: its state (difficulty, jobs sent, flood bucket), its read
loop, and the mining.* methods a miner may call (subscribe, authorize, configure, submit, ...).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import OrderedDict
from typing import TYPE_CHECKING

from engine.mining.stratum import EXTRANONCE1_SIZE, EXTRANONCE2_SIZE, VERSION_ROLLING_MASK
from engine.pool.jobs import PoolJob, ShareRefused
from engine.primitives.pow import target_for_difficulty

if TYPE_CHECKING:
    from engine.pool.server import Pool

log = logging.getLogger("engine.pool.server")

MAX_LINE_BYTES = 16 * 1024  # a submit is ~200 bytes; anything near this is not a miner
MAX_SEND_BUFFER_BYTES = 512 * 1024  # a client that stops reading is dropped, not waited for
MAX_CLIENTS = 2000
MESSAGES_PER_S = 200.0  # flood bound per connection (token bucket)
MESSAGE_BURST = 400
MAX_BAD_MESSAGES = 20
MAX_FAILED_LOGINS = 3
JOBS_KEPT = 64
MAX_DIFFICULTY = 2.0**40
NAME_MAX = 64


class Session:
    """One connected miner: its workers, difficulty, the jobs it was sent and its flood bucket."""

    def __init__(self, pool: Pool, writer: asyncio.StreamWriter, extranonce1: bytes):
        self.pool, self.writer, self.extranonce1 = pool, writer, extranonce1
        self.peer = writer.get_extra_info("peername")
        self.subscribed = False
        self.workers: set[str] = set()
        self.difficulty = pool.start_difficulty
        self.difficulty_sent = False
        self.job_difficulty: OrderedDict[str, float] = OrderedDict()
        self.version_mask = 0
        self.tokens, self.tokens_s = float(MESSAGE_BURST), time.monotonic()
        self.bad = self.failed_logins = 0
        self.vd_start_s, self.vd_shares, self.vd_work = time.monotonic(), 0, 0.0
        self.last_s = time.monotonic()
        self.closed = False

    def take_token(self) -> bool:
        now_s = time.monotonic()
        self.tokens = min(MESSAGE_BURST, self.tokens + (now_s - self.tokens_s) * MESSAGES_PER_S)
        self.tokens_s, self.last_s = now_s, now_s
        self.tokens -= 1
        return self.tokens >= 0

    def send_line(self, line: bytes) -> None:
        if self.closed:
            return
        self.writer.write(line)
        if self.writer.transport.get_write_buffer_size() > MAX_SEND_BUFFER_BYTES:
            self.close()  # one client that stops reading must not grow our memory

    def send(self, obj) -> None:
        self.send_line(json_line(obj))

    def reply(self, msg_id, result=None, error=None) -> None:
        if result is True and error is None and type(msg_id) is int:  # an accepted share: the usual case
            self.send_line(b'{"id":%d,"result":true,"error":null}\n' % msg_id)
        else:
            self.send({"id": msg_id, "result": result, "error": error})

    def send_job(self, job: PoolJob, clean: bool, line: bytes | None = None) -> None:
        self.job_difficulty[job.job_id] = self.difficulty
        while len(self.job_difficulty) > JOBS_KEPT:
            self.job_difficulty.popitem(last=False)
        self.send_line(line or json_line({"id": None, "method": "mining.notify", "params": job.notify_params(clean)}))

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.writer.close()


def json_line(obj) -> bytes:
    return (json.dumps(obj, separators=(",", ":")) + "\n").encode()


async def serve(pool: Pool, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """The read loop of one connection (asyncio.start_server's callback): one line, one message."""
    if len(pool._sessions) >= MAX_CLIENTS or pool._stop.is_set():
        writer.close()
        return
    pool._extranonce = (pool._extranonce + 1) % (1 << (8 * EXTRANONCE1_SIZE))
    session = Session(pool, writer, pool._extranonce.to_bytes(EXTRANONCE1_SIZE, "big"))
    pool._sessions.add(session)
    try:
        while not session.closed:
            try:  # no wait_for per line (a timer and a task per share): housekeeping closes idlers
                line = await reader.readline()
            except (ValueError, asyncio.LimitOverrunError):  # longer than MAX_LINE_BYTES
                session.reply(None, None, [20, f"line longer than {MAX_LINE_BYTES} bytes", None])
                break
            except (ConnectionError, OSError):
                break
            if not line:
                break
            if not session.take_token():
                session.reply(None, None, [20, "too many messages", None])
                break
            if line.strip():
                handle(pool, session, line)
            if session.bad > MAX_BAD_MESSAGES or session.failed_logins >= MAX_FAILED_LOGINS:
                break
    except Exception:  # nothing one client sends may take the pool down
        log.exception("stratum session %s failed", session.peer)
    finally:
        pool._sessions.discard(session)
        for name in session.workers:
            pool.stats.connected(name, -1)
        session.close()


def handle(pool: Pool, session: Session, line: bytes) -> None:
    try:
        message = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        session.bad += 1
        session.reply(None, None, [20, "parse error: not JSON", None])
        return
    if not isinstance(message, dict):
        session.bad += 1
        session.reply(None, None, [20, "invalid request: not a JSON object", None])
        return
    msg_id, method, params = message.get("id"), message.get("method"), message.get("params", [])
    if method is None:
        return  # a reply to something we sent (client.show_message and the like)
    if not isinstance(method, str) or not isinstance(params, list):
        session.bad += 1
        session.reply(msg_id, None, [20, "invalid request: method must be a string, params a list", None])
        return
    handler = METHODS.get(method)
    if handler is None:
        session.bad += 1
        session.reply(msg_id, None, [20, f"unknown method {method[:40]!r}", None])
        return
    handler(pool, session, msg_id, params)


def subscribe(pool: Pool, session: Session, msg_id, params) -> None:
    if not pool.stats.node_ok:
        session.reply(msg_id, None, [20, "the class's node is unreachable; try again shortly", None])
        session.close()
        return
    session.subscribed = True
    sid = session.extranonce1.hex()
    session.reply(msg_id, [[["mining.set_difficulty", sid], ["mining.notify", sid]], sid, EXTRANONCE2_SIZE])
    if session.workers:
        pool._send_work(session)


def authorize(pool: Pool, session: Session, msg_id, params) -> None:
    name = params[0] if params else None
    password = params[1] if len(params) > 1 and isinstance(params[1], str) else ""
    if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX or not name.isprintable():
        session.reply(msg_id, False, [24, f"worker name must be 1..{NAME_MAX} printable characters", None])
        session.failed_logins += 1
        return
    if not pool._password_ok(password):
        session.reply(msg_id, False, [24, "wrong class password", None])
        session.failed_logins += 1
        return
    name = name.strip()
    first = not session.workers
    if name not in session.workers:
        session.workers.add(name)
        pool.stats.connected(name, +1)
        pool.stats.set_difficulty(name, session.difficulty)
    session.reply(msg_id, True)
    if first and session.subscribed:
        pool._send_work(session)


def configure(pool: Pool, session: Session, msg_id, params) -> None:
    extensions = params[0] if params and isinstance(params[0], list) else []
    options = params[1] if len(params) > 1 and isinstance(params[1], dict) else {}
    result: dict[str, bool | str] = {}
    for extension in extensions:
        if extension == "version-rolling":  # BIP310
            try:
                asked = int(str(options.get("version-rolling.mask", "ffffffff")), 16)
            except ValueError:
                asked = 0
            session.version_mask = asked & VERSION_ROLLING_MASK
            result["version-rolling"] = session.version_mask != 0
            result["version-rolling.mask"] = f"{session.version_mask:08x}"
        elif isinstance(extension, str):
            result[extension[:40]] = False
    session.reply(msg_id, result)


def extranonce_subscribe(pool: Pool, session: Session, msg_id, params) -> None:
    session.reply(msg_id, True)  # extranonce1 never changes during a connection here


def suggest_difficulty(pool: Pool, session: Session, msg_id, params) -> None:
    value = params[0] if params else None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        session.difficulty = min(max(float(value), pool.min_difficulty), MAX_DIFFICULTY)
    session.reply(msg_id, True)


def submit(pool: Pool, session: Session, msg_id, params) -> None:
    if not session.subscribed:
        session.reply(msg_id, False, [25, "not subscribed", None])
        return
    if len(params) < 5 or not isinstance(params[0], str) or params[0].strip() not in session.workers:
        session.reply(msg_id, False, [24, "unauthorized worker", None])
        return
    name = params[0].strip()
    job = pool._jobs.get(params[1]) if isinstance(params[1], str) else None
    if job is None:
        pool.stats.share(name, 0.0, "stale", "unknown-job")
        session.reply(msg_id, False, [21, "unknown-job", None])
        return
    difficulty = session.job_difficulty.get(job.job_id, session.difficulty)
    version_bits = params[5] if len(params) > 5 else None
    try:
        header, value, _ = job.check(
            session.extranonce1,
            params[2],
            params[3],
            params[4],
            version_bits,
            session.version_mask,
            target_for_difficulty(difficulty),
        )
    except ShareRefused as refused:
        pool.stats.share(name, difficulty, "stale" if refused.stale else "rejected", refused.reason)
        session.reply(msg_id, False, [refused.code, refused.reason, None])
        return
    pool.stats.share(name, difficulty, "accepted")
    session.vd_shares += 1
    session.vd_work += difficulty
    session.reply(msg_id, True)
    if value <= job.template.target:
        extranonce2 = bytes.fromhex(params[2])
        pool._started_loop.run_in_executor(
            pool._submitter, pool._submit_block, name, job, session.extranonce1, extranonce2, header
        )
    pool._vardiff(session, time.monotonic())


METHODS = {
    "mining.subscribe": subscribe,
    "mining.authorize": authorize,
    "mining.configure": configure,
    "mining.extranonce.subscribe": extranonce_subscribe,
    "mining.suggest_difficulty": suggest_difficulty,
    "mining.submit": submit,
}
