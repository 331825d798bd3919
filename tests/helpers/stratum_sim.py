"""A plain-socket Stratum v1 client for tests: it speaks what cpuminer speaks and finds shares
with hashlib (at the tiny difficulties tests give it)."""

from __future__ import annotations

import json
import socket
import time

from engine.mining.stratum import Notify
from engine.primitives.hashes import sha256d
from engine.primitives.pow import target_for_difficulty


class SimMiner:
    def __init__(self, port: int, host: str = "127.0.0.1", timeout_s: float = 10.0, source: str | None = None):
        """`source`: connect from this local address (127.0.0.2...: another computer to the pool)."""
        self.sock = socket.create_connection(
            (host, port), timeout=timeout_s, source_address=(source, 0) if source else None
        )
        self.buffer = b""
        self.next_id = 100
        self.notifies: list[Notify] = []
        self.difficulty: float | None = None
        self.messages: list[dict] = []
        self.extranonce1 = b""
        self.extranonce2_size = 0
        self.counter = 0

    def send(self, obj) -> int:
        if isinstance(obj, dict) and "id" not in obj:
            obj = dict(obj, id=self.next_id)
            self.next_id += 1
        self.sock.sendall((json.dumps(obj) + "\n").encode())
        return obj["id"] if isinstance(obj, dict) else None

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read(self, timeout_s: float = 10.0) -> dict | None:
        """The next message, or None when the pool closed the connection."""
        deadline = time.monotonic() + timeout_s
        while b"\n" not in self.buffer:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                return None
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        message = json.loads(line)
        self.messages.append(message)
        if message.get("method") == "mining.notify":
            self.notifies.append(Notify.from_params(message["params"]))
        elif message.get("method") == "mining.set_difficulty":
            self.difficulty = message["params"][0]
        return message

    def call(self, method: str, params: list, timeout_s: float = 10.0) -> dict:
        msg_id = self.send({"method": method, "params": params})
        while True:
            message = self.read(timeout_s)
            if message is None:
                raise ConnectionError("pool closed the connection")
            if message.get("id") == msg_id and "method" not in message:
                return message

    def closed(self, timeout_s: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                if self.read(deadline - time.monotonic()) is None:
                    return True
            except TimeoutError:
                return False
            except OSError:
                return True
        return False

    def join(self, name: str = "alice", password: str = "CLASS") -> dict:
        result = self.call("mining.subscribe", ["sim/1"])["result"]
        self.extranonce1, self.extranonce2_size = bytes.fromhex(result[1]), result[2]
        answer = self.call("mining.authorize", [name, password])
        if answer["result"] is True:
            self.wait_notify()
        return answer

    def wait_notify(self, timeout_s: float = 10.0) -> Notify:
        count = len(self.notifies)
        deadline = time.monotonic() + timeout_s
        while len(self.notifies) == count:
            if self.read(max(0.01, deadline - time.monotonic())) is None:
                raise ConnectionError("pool closed the connection")
        return self.notifies[-1]

    def solve(self, notify: Notify | None = None, max_tries: int = 8_000_000, easier_than: int | None = None):
        """(extranonce2, nonce, hash) of a share meeting the current difficulty (or, with
        `easier_than`, one that fails a target: a low-difficulty share). `max_tries` is about 20
        times the tries a share takes at the class pool's starting difficulty (~400,000: a
        1,000,000 bound failed about one run in twelve)."""
        notify = notify or self.notifies[-1]
        target = target_for_difficulty(self.difficulty)
        self.counter += 1
        extranonce2 = self.counter.to_bytes(self.extranonce2_size, "big")
        header76 = notify.header76(self.extranonce1, extranonce2)
        for nonce in range(max_tries):
            value = int.from_bytes(sha256d(header76 + nonce.to_bytes(4, "little")), "little")
            if (easier_than is None and value <= target) or (easier_than is not None and value > easier_than):
                return extranonce2, nonce, value
        raise AssertionError("no share found")

    def submit(
        self, name: str, notify: Notify, extranonce2: bytes, nonce: int, ntime: int | None = None, *extra
    ) -> dict:
        return self.call(
            "mining.submit",
            [
                name,
                notify.job_id,
                extranonce2.hex(),
                f"{notify.ntime if ntime is None else ntime:08x}",
                f"{nonce:08x}",
                *extra,
            ],
        )

    def close(self) -> None:
        self.sock.close()
