"""The one interface between the Miner and where its work comes from: a node
(engine.mining.node_source.NodeSource: getblocktemplate, longpoll, submitblock) or a pool
(engine.mining.stratum_client.StratumSource: mining.notify, mining.submit)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from engine.mining.jobs import HeaderWork
    from engine.mining.miner import Miner


JobT = TypeVar("JobT", bound="HeaderWork")


class JobSource(Protocol[JobT]):
    """Feeds a Miner work (`miner.publish`) from its own threads and takes what the workers find.

    `work` is what the source published: an engine.mining.jobs.MinerWork (height,
    previous_block_hash, transactions, target, time_in_bounds()) of the source's own type, handed
    back to its `make_job`; `JobT` is the job type its `make_job` builds and its `submit` takes.
    """

    shares: bool
    """True: a found nonce is a share and the worker hashes on through the job (a pool); False:
    a block, and the workers stop on that work until it is replaced or the block refused."""

    def loops(self, miner: Miner) -> list[tuple[str, Callable[[], None]]]:
        """The source's threads as (name, loop); each loop returns once `miner.stopping` is set."""
        ...

    def make_job(self, work: Any, worker: int, n: int) -> JobT:
        """The `n`-th header worker `worker` hashes for `work`; no two (worker, n) share a header."""
        ...

    def submit(self, job: JobT, nonce: int, worker: int) -> None:
        """Hand on a nonce that met `job.target`; called on the worker's thread, so it must not block."""
        ...
