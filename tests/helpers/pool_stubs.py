"""Stand-ins for the pool's vardiff tests: a connection with only what Pool._vardiff reads and
writes (the real Session's vardiff methods on it), and a pool holding a current job."""

from __future__ import annotations

from types import SimpleNamespace

from engine.pool import server
from engine.pool.session import Session
from engine.rpc import RPCClient


class VardiffSession:
    """What Pool._vardiff reads and writes on a connection, recording what would be sent."""

    count_share = Session.count_share
    restart_vardiff = Session.restart_vardiff

    def __init__(self, difficulty: float, now_s: float):
        self.difficulty, self.difficulty_sent = difficulty, True
        self.vd_start_s, self.vd_shares, self.vd_work = now_s, 0, 0.0
        self.vd_first_s = self.vd_last_s = self.vd_eased_s = now_s
        self.vd_first_work = 0.0
        self.workers = {"w"}
        self.sent: list = []
        self.jobs: list[tuple[str, bool]] = []

    def send(self, obj) -> None:
        self.sent.append(obj)

    def send_job(self, job, clean: bool, line: bytes | None = None) -> None:
        self.jobs.append((job.job_id, clean))


def pool_with_current_job(block_target: int = 1 << 180) -> server.Pool:
    """A pool (its node never called) whose current job has this block target and clones itself
    for vardiff's new jobs."""
    pool = server.Pool(
        RPCClient("http://127.0.0.1:1", user="u", password="p"), min_difficulty=2.0**-40, shares_per_s=4.0
    )
    clones = iter(range(1, 1000))
    pool._current = SimpleNamespace(
        template=SimpleNamespace(target=block_target),
        stale=False,
        clone=lambda: SimpleNamespace(job_id=f"clone{next(clones)}"),
    )
    return pool
