"""One hostile laptop against the class pool (issue 21), for benchmarks/bench_pool.py --hostile:
from one source address it tries to hold 2,000 sockets (half silent, half subscribed and chatting,
never authorised; whatever the pool closes is opened again every 2 s), logs in 20,000 worker
names, and floods every kind of bad share and message on the connections it could authorise.

    python -m tests.helpers.stratum_hostile --port 3333 --seconds 60 --source 127.0.0.2

Prints one JSON line of counts at the end. Loopback only; every loop is bounded in time."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time

from engine.mining.stratum import Notify
from engine.primitives.hashes import sha256d
from engine.primitives.pow import target_for_difficulty
from tests.helpers.hostile_clients import raise_fd_limit

PASSWORD = "CLASS"
EASY = 2.0**-24  # asked with mining.suggest_difficulty: ~256 hashes a share, so duplicates can be real


class Hostile:
    def __init__(self, port: int, source: str, seconds: float, sockets: int, names: int, floods: int):
        self.port, self.source, self.sockets, self.names, self.floods = port, source, sockets, names, floods
        self.stop_at = time.monotonic() + seconds
        self.names_until = self.stop_at
        self.counts: dict[str, int] = {}

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    @property
    def running(self) -> bool:
        return time.monotonic() < self.stop_at

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        try:
            return await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", self.port, local_addr=(self.source, 0), limit=1 << 20), 5
            )
        except (TimeoutError, OSError):
            self.count("connect failed")
            return None

    # ------------------------------------------------------------------ 2,000 sockets
    async def lurkers(self) -> None:
        held: set[asyncio.Task] = set()
        n = 0
        while self.running:
            while len(held) < self.sockets and self.running:
                n += 1
                task = asyncio.create_task(self._lurk(n % 2 == 0))
                held.add(task)
                task.add_done_callback(held.discard)
                if n % 100 == 0:
                    await asyncio.sleep(0)
            await asyncio.sleep(2.0)
        for task in list(held):
            task.cancel()

    async def _lurk(self, chatty: bool) -> None:
        conn = await self.connect()
        if conn is None:
            return
        reader, writer = conn
        self.count("sockets opened")
        try:
            if chatty:
                writer.write(b'{"id":1,"method":"mining.subscribe","params":["lurker"]}\n')
            while self.running:
                try:
                    line = await asyncio.wait_for(reader.readline(), 1.0)
                except TimeoutError:
                    if chatty:  # any line renewed a lurker for 600 s before
                        writer.write(b'{"id":2,"method":"mining.extranonce.subscribe","params":[]}\n')
                    continue
                if not line:
                    self.count("sockets closed by the pool")
                    return
                if b"show_message" in line:
                    self.count("told why")
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    # ------------------------------------------------------------------ 20,000 names
    async def logins(self) -> None:
        """Batches of 50 names per connection, sent at once (the pool closes a connection after
        three refused logins, so the names after those in a batch are sent but never read)."""
        i = 0
        while self.running and i < self.names and time.monotonic() < self.names_until:
            conn = await self.connect()
            if conn is None:
                await asyncio.sleep(0.05)
                continue
            reader, writer = conn
            batch = [b'{"id":1,"method":"mining.subscribe","params":["names"]}\n']
            for j in range(i, min(i + 50, self.names)):
                batch.append(
                    b'{"id":%d,"method":"mining.authorize","params":["n%d","%s"]}\n' % (10 + j, j, PASSWORD.encode())
                )
            i = min(i + 50, self.names)
            try:
                writer.write(b"".join(batch))
                while True:
                    line = await asyncio.wait_for(reader.readline(), 10)
                    if not line:
                        break
                    if b'"result":true' in line and b'"id":1,' not in line:
                        self.count("names accepted")
                    elif b"worker names" in line:
                        self.count("names refused")
            except (TimeoutError, OSError, ValueError):
                pass
            finally:
                writer.close()
        self.count("names sent", i)

    async def _answer(self, reader: asyncio.StreamReader, msg_id) -> dict | None:
        while True:
            try:
                line = await asyncio.wait_for(reader.readline(), 10)
            except (TimeoutError, OSError, ValueError):
                return None
            if not line:
                return None
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if message.get("id") == msg_id and "method" not in message:
                return message

    # ------------------------------------------------------------------ floods of bad shares
    async def flood(self, k: int, kinds: tuple[int, ...]) -> None:
        while self.running:
            conn = await self.connect()
            if conn is None:
                await asyncio.sleep(0.2)
                continue
            reader, writer = conn
            state: dict = {"notify": None, "extranonce1": b"", "replies": 0}
            reading = asyncio.create_task(self._drain(reader, state))
            try:
                writer.write(b'{"id":1,"method":"mining.subscribe","params":["flood"]}\n')
                writer.write(b'{"id":2,"method":"mining.suggest_difficulty","params":[%r]}\n' % EASY)
                writer.write(
                    b'{"id":3,"method":"mining.authorize","params":["flood%d","%s"]}\n' % (k, PASSWORD.encode())
                )
                for _ in range(50):
                    if state["notify"] is not None or reading.done():
                        break
                    await asyncio.sleep(0.1)
                rng = random.Random(k)
                counter = 0
                while self.running and not reading.done():
                    batch = []
                    for _ in range(20):
                        counter += 1
                        batch.append(self._bad(state, f"flood{k}", kinds[counter % len(kinds)], counter, rng))
                    writer.write(b"".join(batch))
                    self.count("bad lines sent", len(batch))
                    await writer.drain()
                    await asyncio.sleep(0.01)
            except OSError:
                pass
            finally:
                reading.cancel()
                writer.close()
                self.count("flood connections closed by the pool")

    async def _drain(self, reader: asyncio.StreamReader, state: dict) -> None:
        while True:
            line = await reader.readline()
            if not line:
                return
            try:
                message = json.loads(line)
            except ValueError:
                self.count("replies not JSON")  # an id of 1e999 echoed as Infinity was one
                continue
            if message.get("method") == "mining.notify":
                state["notify"] = Notify.from_params(message["params"])
            elif message.get("id") == 1 and isinstance(message.get("result"), list):
                state["extranonce1"] = bytes.fromhex(message["result"][1])
            elif message.get("error"):
                self.count(f"refused: {str(message['error'][1])[:30]}")

    def _bad(self, state: dict, name: str, kind: int, counter: int, rng: random.Random) -> bytes:
        n: Notify | None = state["notify"]
        job = n.job_id if n else "1"
        ntime = f"{n.ntime:08x}" if n else "00000000"
        en2 = counter.to_bytes(4, "big").hex()
        if kind == 0 and n is not None:  # a real share, then the same again: a duplicate
            header76 = n.header76(state["extranonce1"], bytes.fromhex(en2))
            target = target_for_difficulty(EASY)
            nonce = next(
                (
                    i
                    for i in range(4096)
                    if int.from_bytes(sha256d(header76 + i.to_bytes(4, "little")), "little") <= target
                ),
                0,
            )
            share = [name, job, en2, ntime, f"{nonce:08x}"]
            line = json.dumps({"id": counter, "method": "mining.submit", "params": share})
            return (line + "\n" + line + "\n").encode()
        params = {
            1: [name, job, en2, ntime, f"{rng.getrandbits(32):08x}"],  # low difficulty (most likely)
            2: [name, "deadbeef", en2, ntime, "00000000"],  # unknown job
            3: [name, job, en2, ntime, "12 34 56"],  # spaces in hex
            4: [name, job, "zz", ntime, "00000000"],  # bad extranonce2
            5: [name, job, en2, "00000000", "00000000"],  # time too old
            6: [name, job, en2, "ffffffff", "00000000"],  # time too new
            7: [name, job, en2, ntime, "00000000", "ffffffff"],  # version bits outside the mask
            8: ["somebody-else", job, en2, ntime, "00000000"],  # a name it did not authorise
        }.get(kind)
        if params is not None:
            return json.dumps({"id": counter, "method": "mining.submit", "params": params}).encode() + b"\n"
        if kind == 9:
            return b"{not json\n"
        if kind == 10:
            return b'{"id":1e999,"method":"mining.submit","params":[]}\n'
        if kind == 11:
            return b'{"id":1,"method":"mining.submit","params":' + b"[" * 3000 + b"]" * 3000 + b"}\n"
        if kind == 12:
            return b'{"id":1,"method":"mining.suggest_difficulty","params":[NaN]}\n'
        if kind == 13:
            return b'{"id":1,"method":"mining.steal","params":[]}\n'
        if kind == 14:
            return b'{"id":1,"method":"mining.configure","params":[["version-rolling"],{"version-rolling.mask":"ff ff"}]}\n'
        return b'{"id":1,"method":"mining.submit","params":["' + b"x" * 20_000 + b'"]}\n'  # over the line limit

    async def run(self) -> None:
        """Floods all along: most of them send bad shares only (the pool answers each and keeps the
        connection), two every kind of bad message (closed, and back at once). The names go first,
        the 2,000 sockets after them: held sockets take the address's connections, so names sent
        meanwhile would mostly be refused at the door, before any login."""
        sticky = (0, 1, 2, 3, 4, 5, 6, 7, 8, 14)  # refused shares: the connection stays
        floods = [
            asyncio.create_task(self.flood(k, sticky if k < self.floods - 2 else tuple(range(16))))
            for k in range(self.floods)
        ]
        await asyncio.sleep(1.0)  # the floods authorise before the names take the address's share
        names_for_s = 0.4 * (self.stop_at - time.monotonic())
        self.names_until = time.monotonic() + names_for_s
        await asyncio.gather(self.logins(), self._later(self.lurkers(), names_for_s), *floods)

    async def _later(self, work, delay_s: float) -> None:
        await asyncio.sleep(delay_s)
        await work


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--source", default="127.0.0.2")
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--sockets", type=int, default=2000)
    p.add_argument("--names", type=int, default=20_000)
    p.add_argument("--floods", type=int, default=8)
    args = p.parse_args(argv)
    raise_fd_limit(args.sockets * 2 + 256)
    hostile = Hostile(args.port, args.source, args.seconds, args.sockets, args.names, args.floods)
    started_s = time.monotonic()

    async def bounded() -> None:  # writes the pool does not read (it paces them) must not outlive the run
        try:
            await asyncio.wait_for(hostile.run(), args.seconds + 1.0)
        except TimeoutError:
            pass

    try:
        asyncio.run(bounded())
    except KeyboardInterrupt:
        pass
    hostile.counts["seconds"] = round(time.monotonic() - started_s, 1)
    hostile.counts["pid"] = os.getpid()
    print(json.dumps(hostile.counts, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
