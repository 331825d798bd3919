"""One Stratum v1 connection to the pool: its state (difficulty, jobs sent, flood bucket), its read
loop, and the mining.* methods a miner may call (subscribe, authorize, configure, submit, ...).

What one computer may take is engine.pool.door's (connections, lines, seconds to authorise);
here, each connection's flood bucket counts work: an accepted share costs its job's difficulty
over the connection's current one, so the easy shares a resumed miner still sends from an old
job do not get it kicked. Every refusal is answered (a JSON-RPC error, or client.show_message
before a close): strict hex fields, a JSON depth limit, ids that stay JSON.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from collections import OrderedDict
from typing import TYPE_CHECKING

from engine.mining.stratum import EXTRANONCE1_SIZE, EXTRANONCE2_SIZE, VERSION_ROLLING_MASK, hex_bytes, tally_message
from engine.pool.jobs import PoolJob, ShareRefused
from engine.pool.stats import NAMES_PER_ADDRESS
from engine.primitives.pow import target_for_difficulty

if TYPE_CHECKING:
    from engine.pool.server import Pool

log = logging.getLogger("engine.pool.server")

MAX_LINE_BYTES = 16 * 1024  # a submit is ~200 bytes; anything near this is not a miner
MAX_SEND_BUFFER_BYTES = 512 * 1024  # a client that stops reading is dropped, not waited for
MESSAGES_PER_S = 200.0  # flood bound per connection (token bucket; accepted shares by their work)
MESSAGE_BURST = 400
LIST_TRANSACTIONS_BYTES = 128 * 1024  # mining.get_transactions: its reply stays well under the send buffer
MAX_JSON_DEPTH = 16  # a miner's deepest message (mining.configure) is 3 deep
MAX_BAD_MESSAGES = 20
MAX_FAILED_LOGINS = 3
JOBS_KEPT = 64
MAX_DIFFICULTY = 2.0**40
NAME_MAX = 64


class Session:
    """One connected miner: its workers, difficulty, the jobs it was sent and its flood bucket."""

    def __init__(self, pool: Pool, writer: asyncio.StreamWriter, extranonce1: bytes, address: str):
        self.pool, self.writer, self.extranonce1, self.address = pool, writer, extranonce1, address
        self.peer = writer.get_extra_info("peername")
        self.subscribed = False
        self.workers: set[str] = set()
        self.difficulty = pool.start_difficulty
        self.difficulty_sent = False
        self.job_difficulty: OrderedDict[str, float] = OrderedDict()
        self.version_mask = 0
        self.tokens, self.tokens_s = float(MESSAGE_BURST), time.monotonic()
        self.bad = self.failed_logins = 0
        self.opened_s = self.last_s = time.monotonic()
        # vardiff's period: its shares, their work, the first and last share's times
        self.vd_start_s, self.vd_shares, self.vd_work = self.opened_s, 0, 0.0
        self.vd_first_s = self.vd_last_s = self.vd_eased_s = self.opened_s
        self.vd_first_work = 0.0
        self.closed = False

    def count_share(self, difficulty: float, now_s: float) -> None:
        """An accepted share for vardiff, at the difficulty of the job it was found on."""
        if not self.vd_shares:
            self.vd_first_s, self.vd_first_work = now_s, difficulty
        self.vd_shares += 1
        self.vd_work += difficulty
        self.vd_last_s = now_s

    def restart_vardiff(self, now_s: float) -> None:
        self.vd_start_s, self.vd_shares, self.vd_work = now_s, 0, 0.0

    def take_token(self, cost: float = 1.0) -> bool:
        now_s = time.monotonic()
        self.tokens = min(MESSAGE_BURST, self.tokens + (now_s - self.tokens_s) * MESSAGES_PER_S)
        self.tokens_s, self.last_s = now_s, now_s
        self.tokens -= cost
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

    def show_message(self, text: str) -> None:
        self.send({"id": None, "method": "client.show_message", "params": [text]})

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
    return (json.dumps(obj, separators=(",", ":"), allow_nan=False) + "\n").encode()


async def serve(pool: Pool, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """The read loop of one admitted connection (the door's callback): one line, one message."""
    peer = writer.get_extra_info("peername")
    host = str(peer[0]) if isinstance(peer, tuple) and peer else "?"
    address = pool._addresses[host]  # made by the door (engine.pool.door.admit), kept while it has connections
    pool._extranonce = (pool._extranonce + 1) % (1 << (8 * EXTRANONCE1_SIZE))
    session = Session(pool, writer, pool._extranonce.to_bytes(EXTRANONCE1_SIZE, "big"), host)
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
            # one line and each started KB of it: a computer's lines wait their turn, nobody else's
            wait_s = address.wait_s(time.monotonic(), 1 + len(line) // 1024)
            if wait_s > 0:
                await asyncio.sleep(wait_s)
            if not session.take_token():
                session.reply(None, None, [20, "too many messages", None])
                break
            if line.strip():
                handle(pool, session, line)
            if session.bad > MAX_BAD_MESSAGES or session.failed_logins >= MAX_FAILED_LOGINS:
                break
            # readline() returns a buffered line without yielding: a client that sends hundreds at
            # once held the loop for milliseconds while every other miner's share waited
            await asyncio.sleep(0)
    except Exception:  # nothing one client sends may take the pool down
        log.exception("stratum session %s failed", session.peer)
    finally:
        pool._sessions.discard(session)
        address.connections -= 1
        pool._admitted -= 1
        for name in session.workers:
            pool.stats.connected(name, -1)
        session.close()


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _depth(value, limit: int, depth: int = 1) -> int:
    """Nesting depth of a parsed message, stopping once past `limit`."""
    if depth > limit:
        return depth
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    best = depth
    for child in children:
        if isinstance(child, (list, dict)):
            best = max(best, _depth(child, limit, depth + 1))
            if best > limit:
                break
    return best


def _valid_id(msg_id) -> bool:
    """JSON-RPC ids: a string, a number or null. 1e999 parses as a float infinity, which would go
    back as Infinity (not JSON); true/false, lists and objects are not ids."""
    if msg_id is None or isinstance(msg_id, str):
        return True
    if isinstance(msg_id, bool):
        return False
    if isinstance(msg_id, int):
        return True
    return isinstance(msg_id, float) and math.isfinite(msg_id)


def handle(pool: Pool, session: Session, line: bytes) -> None:
    too_deep = False
    try:
        message = json.loads(line, parse_constant=_no_constant)
    except RecursionError:  # the C parser's own bound (about 1,000 levels); ours is far lower
        message, too_deep = None, True
    except (ValueError, UnicodeDecodeError):  # NaN / Infinity included: they are not JSON
        session.bad += 1
        session.reply(None, None, [20, "parse error: not JSON", None])
        return
    if too_deep or (
        line.count(b"[") + line.count(b"{") > MAX_JSON_DEPTH and _depth(message, MAX_JSON_DEPTH) > MAX_JSON_DEPTH
    ):
        session.bad += 1
        session.reply(None, None, [20, f"invalid request: JSON nested deeper than {MAX_JSON_DEPTH}", None])
        return
    if not isinstance(message, dict):
        session.bad += 1
        session.reply(None, None, [20, "invalid request: not a JSON object", None])
        return
    msg_id, method, params = message.get("id"), message.get("method"), message.get("params", [])
    if not _valid_id(msg_id):
        session.bad += 1
        session.reply(None, None, [20, "invalid request: id must be a finite number, a string or null", None])
        return
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
        if not pool.stats.connected(name, +1, session.address):
            session.reply(
                msg_id, False, [24, f"too many worker names from {session.address} ({NAMES_PER_ADDRESS})", None]
            )
            session.failed_logins += 1
            return
        session.workers.add(name)
        pool.stats.set_difficulty(name, session.difficulty)
    session.reply(msg_id, True)
    # The name's tally, so a miner that restarted counts on from the pool's figure (the Class tab's).
    session.show_message(tally_message(name, pool.stats.blocks_of(name)))
    if first and session.subscribed:
        pool._send_work(session)


def configure(pool: Pool, session: Session, msg_id, params) -> None:
    extensions = params[0] if params and isinstance(params[0], list) else []
    options = params[1] if len(params) > 1 and isinstance(params[1], dict) else {}
    result: dict[str, bool | str] = {}
    for extension in extensions:
        if extension == "version-rolling":  # BIP310
            raw = hex_bytes(options.get("version-rolling.mask", "ffffffff"), 4)
            asked = int.from_bytes(raw, "big") if raw is not None else 0
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
    now_s = time.monotonic()
    session.count_share(difficulty, now_s)
    # the flood bucket counts work: a share from an older, easier job costs its part of one
    session.tokens += 1 - min(1.0, difficulty / session.difficulty)
    session.reply(msg_id, True)
    if value <= job.template.target:
        extranonce2 = bytes.fromhex(params[2])
        pool._started_loop.run_in_executor(
            pool._submitter, pool._submit_block, name, job, session.extranonce1, extranonce2, header
        )
    pool._vardiff(session, now_s)


def get_transactions(pool: Pool, session: Session, msg_id, params) -> None:
    """Stratum v1 mining.get_transactions: the job's transactions (hex), so a miner can show what
    it mines (ours says how many); the coinbase is the miner's own coinb1 + extranonces + coinb2."""
    job = pool._jobs.get(params[0]) if params and isinstance(params[0], str) else None
    if job is None:
        session.reply(msg_id, None, [21, "unknown-job", None])
        return
    if sum(len(t.data) for t in job.template.transactions) > LIST_TRANSACTIONS_BYTES:
        session.reply(msg_id, None, [20, f"transactions over {LIST_TRANSACTIONS_BYTES} bytes are not listed", None])
        return
    session.reply(msg_id, [t.data.hex() for t in job.template.transactions])


METHODS = {
    "mining.subscribe": subscribe,
    "mining.authorize": authorize,
    "mining.configure": configure,
    "mining.extranonce.subscribe": extranonce_subscribe,
    "mining.suggest_difficulty": suggest_difficulty,
    "mining.submit": submit,
    "mining.get_transactions": get_transactions,
}
