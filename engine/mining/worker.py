"""A miner's worker thread: when worker `index` may hash (may_mine) and its loop (worker_loop): header jobs
from the source, nonce chunks through the kernel, blocks and shares found. The Miner is engine.mining.miner.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from engine.mining.events import BlockFound
from engine.mining.jobs import HeaderWork

if TYPE_CHECKING:
    from engine.mining.miner import Miner


def may_mine(miner: Miner, index: int) -> bool:
    """True while worker `index` should hash: running, not paused, within the slots, a kernel, fresh work."""
    template = miner._template
    return (
        not miner._stop.is_set()
        and not miner._paused
        and index < miner._slots
        and miner._kernel is not None
        and template is not None
        and miner._solved_template_id != miner._template_id
        and time.monotonic() >= miner._resume_at_s
        # regtest at full speed pushes the median time past toward the node's two-hour
        # future limit: then wait for the clock rather than build refused headers
        and template.time_in_bounds()
    )


def worker_loop(miner: Miner, index: int) -> None:
    """Worker `index`'s thread: build a header job, hash it in ~chunk_s chunks, hand on what it finds."""
    job: HeaderWork | None = None
    job_template_id = -1
    jobs_built = 0  # never reset: every header a worker builds has a fresh extranonce
    nonce = 0
    chunks: dict[str, int] = {}  # per kernel: switching between kernels of unlike speeds keeps ~chunk_s calls
    tally = miner._tallies[index]
    lanes_out = None
    params = None
    while not miner._stop.is_set():
        if not may_mine(miner, index):
            miner._worker_active[index] = False
            with miner._changed:
                miner._changed.wait_for(lambda: may_mine(miner, index) or miner._stop.is_set(), timeout=0.5)
            continue
        miner._worker_active[index] = True
        kernel = miner._kernel
        assert kernel is not None  # _may_mine checked it, and a kernel once set is never unset
        if lanes_out is None:
            lanes_out = kernel.new_lanes_buffer()
        template_id = miner._template_id
        if job is None or template_id != job_template_id or nonce >= miner.nonces_per_header:
            # a new template, or the nonce space is exhausted: new extranonce, new merkle root
            work = miner._template
            if work is None:  # withdrawn (a pool lost) since _may_mine: wait for new work
                continue
            jobs_built += 1
            job = miner.source.make_job(work, index, jobs_built)
            params = job.params()
            job_template_id = template_id
            nonce = 0
        end = min(nonce + chunks.get(kernel.name, 1 << 12), miner.nonces_per_header)
        c0, t0 = time.thread_time(), time.perf_counter()
        assert params is not None  # set with job
        found, hashes = kernel.search(params, job.header76, job.target, nonce, end, lanes_out)
        t1, c1 = time.perf_counter(), time.thread_time()
        tally.add(kernel.name, hashes, t1 - t0, c1 - c0)  # the kernel trials time kernels with it
        miner._worker_hashes[index] += hashes
        miner._meters[index].add(t1, hashes, t1 - t0)
        if miner._first_hash_s is None:
            assert miner._start_s is not None  # set by start() before any worker runs
            miner._first_hash_s = t1 - miner._start_s
        # size chunks so each call takes ~chunk_s: slots/pause/new jobs apply within that
        if hashes == end - nonce and t1 > t0:
            chunks[kernel.name] = int(min(max(hashes / (t1 - t0) * miner.chunk_s, 1 << 10), 1 << 28))
        nonce = end
        if found is not None and miner.source.shares:  # a share: send it, hash on
            miner.source.submit(job, found, index)
            nonce = found + 1
        elif found is not None:
            with miner._changed:
                # another worker already solved this template: a second block would only
                # compete with our own, so drop it
                ours_already = miner._solved_template_id == job_template_id
                if miner._template_id == job_template_id:
                    miner._solved_template_id = job_template_id
            if ours_already:
                continue
            with miner._counts_lock:
                miner._found += 1
            miner.emit(BlockFound(job.template.height, job.block_hash(found), found, index))
            # a solution for a template the tip has since left is submitted too: the
            # node's answer ("inconclusive") counts it as stale
            miner.source.submit(job, found, index)
    miner._worker_active[index] = False
