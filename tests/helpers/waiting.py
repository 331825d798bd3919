"""Polling for a condition another thread or process makes true."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(predicate: Callable[[], object], timeout_s: float = 20.0, interval_s: float = 0.01) -> bool:
    """Poll `predicate` every `interval_s` until it is true or `timeout_s` has passed; returns
    whether it became true (never raises), so call sites read `assert wait_until(...), why`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval_s)
    return bool(predicate())
