"""The RPC server's work queues and their worker threads (httpserver.cpp WorkQueue, -rpcthreads and
-rpcworkqueue): the server keeps one lane for the cookie and one for password logins."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any


class Lane:
    """A bounded queue of requests and the workers that take them one at a time to `work`."""

    def __init__(self, name: str, threads: int, depth: int, work: Callable[[Any], None]):
        self.name = name
        self.queue: queue.Queue = queue.Queue(maxsize=max(depth, 1))
        self.threads = [
            threading.Thread(target=self._serve, args=(work,), name=f"rpc-{name}-{i}", daemon=True)
            for i in range(max(threads, 1))
        ]

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def submit(self, item: Any) -> bool:
        """Queue a request; False when the queue is full (Core answers 503)."""
        try:
            self.queue.put_nowait(item)
        except queue.Full:
            return False
        return True

    def ask_to_stop(self) -> None:
        """One stop mark per worker, as far as the queue has room."""
        for _ in self.threads:
            try:
                self.queue.put_nowait(None)
            except queue.Full:
                pass

    def join(self, deadline: float) -> None:
        """Wait for the workers until `deadline` (time.monotonic)."""
        for t in self.threads:
            if t.is_alive():
                t.join(max(deadline - time.monotonic(), 0))

    def _serve(self, work: Callable[[Any], None]) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            work(item)
