"""A worker's hashrate as a moving average over the last few seconds (the Miner keeps one per worker)."""

from __future__ import annotations

from collections import deque


class HashrateMeter:
    """Moving-average hashrate of one worker over the last `window_s` seconds."""

    def __init__(self, window_s: float):
        self.window_s = window_s
        self._samples: deque[tuple[float, int]] = deque()  # (end time, hashes) per chunk
        self._since_s: float | None = None

    def add(self, now_s: float, hashes: int, chunk_s: float) -> None:
        if self._since_s is None or not self._samples:
            self._since_s = now_s - chunk_s
        self._samples.append((now_s, hashes))
        self._trim(now_s)

    def _trim(self, now_s: float) -> None:
        while self._samples and self._samples[0][0] < now_s - self.window_s:
            self._samples.popleft()

    def rate_hs(self, now_s: float) -> float:
        samples = list(self._samples)  # a worker may append meanwhile
        recent = [h for t, h in samples if t >= now_s - self.window_s]
        if not recent or self._since_s is None:
            return 0.0
        span_s = min(self.window_s, now_s - self._since_s)
        return sum(recent) / span_s if span_s > 0 else 0.0
