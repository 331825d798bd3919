"""Node performance against the goals of the node issue, each with a baseline from the same run.

    .venv/bin/python benchmarks/bench_node.py [--blocks 3000] [--reopen-blocks 10000,100000,1000000]

1. validate + store: blocks/s through Chain.process_block (full validation, one fsynced SQLite
   commit per block), against the bare fsynced insert of the same bytes (the storage floor).
2. getblocktemplate over HTTP with python-bitcoinlib's client: median and p99 latency, against
   getblockcount (the RPC round-trip floor).
3. reopen chains of 10k, 100k and 1M blocks (--reopen-blocks): the block index and the chain
   state loaded as the node opens (Chain(...)), against the header-rows floor (reading the same
   header rows from SQLite and doing nothing with them). Goals: 100k < 3 s, 1M < 20 s, and
   linear or better (the ratio to the floor does not grow with the chain). The chains are
   written straight into the database by tests/helpers/bulkchain.py (coinbase-only regtest
   blocks, with the rows the node itself writes; about 1 min for 1M blocks, against hours
   through full validation), cached in --cache-dir; tests/regtest/test_chainstate.py checks
   that full validation accepts such a chain and finds the same chain state.

Every timing is printed with os.getloadavg(): the 2-core machine is shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bitcoin.rpc  # noqa: E402

from regtest.chain import Chain  # noqa: E402
from regtest.chainparams import REGTEST, REGTEST_GENESIS_TIME  # noqa: E402
from regtest.mining import generate_block  # noqa: E402
from regtest.node import Node  # noqa: E402
from regtest.storage import BlockStore  # noqa: E402
from tests.helpers.bulkchain import build_bulk_chain  # noqa: E402

PAYOUT = bytes.fromhex("0014751e76e8199196d454941c45d1b3a323f1433bd6")


class SimClock:
    """A clock one second per block after genesis, so any number of blocks stays in bounds."""

    def __init__(self):
        self.t = REGTEST_GENESIS_TIME

    def __call__(self):
        self.t += 1
        return self.t


def build_chain(path: Path, count: int, batch: int = 1000):
    """Mine `count` regtest blocks into a store at `path`; returns the blocks in order."""
    chain = Chain(BlockStore(path), REGTEST, clock=SimClock())
    blocks = []
    while len(blocks) < count:
        chain.store.begin()
        for _ in range(min(batch, count - len(blocks))):
            block, _ = generate_block(chain, PAYOUT, 1_000_000)
            chain.process_block(block, commit=False)
            blocks.append(block)
        chain.store.commit()
    chain.store.close()
    return blocks


def bench_validate_store(n_blocks: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        blocks = build_chain(Path(tmp) / "source.sqlite", n_blocks)
        raws = [b.serialize() for b in blocks]

        floor = BlockStore(Path(tmp) / "floor.sqlite")
        t0 = time.perf_counter()
        for i, (b, raw) in enumerate(zip(blocks, raws)):
            floor.add_block(b.GetHash(), i + 1, raw, 1, len(raw), len(raw) * 4)
        floor_s = time.perf_counter() - t0
        floor.close()

        clock = SimClock()
        chain = Chain(BlockStore(Path(tmp) / "target.sqlite"), REGTEST, clock=clock)
        t0 = time.perf_counter()
        for block in blocks:
            outcome, _ = chain.process_block(block)
            assert outcome == "connected"
        full_s = time.perf_counter() - t0
        chain.store.close()
    rate = n_blocks / full_s
    print(
        f"validate+store: {rate:,.0f} blocks/s ({n_blocks} blocks, one fsynced commit each); "
        f"bare fsynced insert {n_blocks / floor_s:,.0f} blocks/s; validation costs "
        f"{full_s / floor_s:.2f}x the storage floor; goal >= 500 blocks/s: "
        f"{'met' if rate >= 500 else 'MISSED'} ({rate / 500:.1f}x)"
    )


def bench_getblocktemplate(calls: int = 1000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        node = Node(datadir=Path(tmp), chain="regtest", rpcport=0)
        node.start()
        try:
            node.methods("generatetoaddress", [10, "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"])
            proxy = bitcoin.rpc.RawProxy(service_url=f"http://{node.cookie_file.read_text()}@127.0.0.1:{node.rpc_port}")

            def timed(fn):
                samples = []
                for _ in range(calls):
                    t0 = time.perf_counter()
                    fn()
                    samples.append((time.perf_counter() - t0) * 1000)
                samples.sort()
                return statistics.median(samples), samples[int(len(samples) * 0.99)]

            floor_med, floor_p99 = timed(proxy.getblockcount)
            gbt_med, gbt_p99 = timed(lambda: proxy.getblocktemplate({"rules": ["segwit"]}))
        finally:
            node.shutdown()
    print(
        f"getblocktemplate: median {gbt_med:.2f} ms, p99 {gbt_p99:.2f} ms over HTTP; getblockcount "
        f"median {floor_med:.2f} ms (p99 {floor_p99:.2f}); ratio {gbt_med / floor_med:.2f}x; "
        f"goal median < 5 ms: {'met' if gbt_med < 5 else 'MISSED'}"
    )


def load() -> str:
    return "load avg " + "/".join(f"{x:.2f}" for x in os.getloadavg())


def bench_reopen(n_blocks: int, cache_dir: Path) -> tuple[float, float]:
    """(reopen s, floor s) for a cached bulk chain of `n_blocks` blocks."""
    path = cache_dir / f"bulk-{n_blocks}.sqlite"
    if not path.exists():
        t0 = time.perf_counter()
        tmp = path.with_suffix(".tmp")
        for suffix in ("", "-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        build_bulk_chain(tmp, n_blocks)
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(tmp) + suffix)
            if src.exists():
                src.rename(Path(str(path) + suffix))
        print(f"(built a {n_blocks:,}-block chain in {time.perf_counter() - t0:.0f} s, {load()}; cached at {path})")
    Chain(BlockStore(path), REGTEST).store.close()  # warm the page cache the same way for both
    store = BlockStore(path)
    t0 = time.perf_counter()
    for _row in store.header_rows():
        pass
    rows_s = time.perf_counter() - t0
    store.close()
    t0 = time.perf_counter()
    chain = Chain(BlockStore(path), REGTEST)
    open_s = time.perf_counter() - t0
    height, coins = chain.height(), len(chain.utxo)
    chain.store.close()
    goal = {100_000: 3.0, 1_000_000: 20.0}.get(n_blocks)
    verdict = f"; goal < {goal:.0f} s: {'met' if open_s < goal else 'MISSED'}" if goal else ""
    print(
        f"reopen: {height:,}-block chain ({coins:,} coins) in {open_s:.2f} s ({open_s / height * 1e6:.1f} us/block); "
        f"header-rows floor {rows_s:.2f} s; ratio {open_s / rows_s:.1f}x{verdict}; {load()}"
    )
    return open_s, rows_s


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--blocks", type=int, default=3000)
    p.add_argument(
        "--reopen-blocks",
        default="10000,100000,1000000",
        help="comma-separated chain lengths to reopen (default 10000,100000,1000000)",
    )
    p.add_argument("--only-reopen", action="store_true", help="skip the validation and getblocktemplate parts")
    p.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "mine2compute-bench")
    args = p.parse_args()
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    if not args.only_reopen:
        bench_validate_store(args.blocks)
        bench_getblocktemplate()
    results = {n: bench_reopen(n, args.cache_dir) for n in (int(x) for x in args.reopen_blocks.split(","))}
    if len(results) > 1:
        (small, (small_s, small_floor)), (large, (large_s, large_floor)) = min(results.items()), max(results.items())
        growth = (large_s / large) / (small_s / small)
        print(
            f"reopen scaling {small:,} -> {large:,} blocks: time per block x{growth:.2f}, ratio to the floor "
            f"{small_s / small_floor:.1f}x -> {large_s / large_floor:.1f}x "
            f"({'linear or better' if growth <= 1.25 else 'WORSE than linear'})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
