"""Mempool throughput and reorg time, in-process through the node's RPC dispatch table.

    .venv/bin/python benchmarks/bench_mempool.py [--txs 2000]

1. sendrawtransaction: independent signed P2WPKH payments accepted per second (decode, policy,
   UTXO checks, Core's script interpreter via libbitcoinkernel, insertion), against
   decoderawtransaction of the same hex (the decode + RPC floor).
2. getblocktemplate with the whole mempool in it, and generatetoaddress mining it (the block's
   connect finds the scripts already verified in the script cache).
3. reorg: a two-block branch replaces the block holding every payment: disconnect it (undo),
   connect the branch, return the payments to the mempool. Timed as the submitblock of the
   branch's second block.
4. reopen: the node opened again, its UTXO set read from the database (no block replayed).
5. -maxmempool=5 (issue 20): payments of rising fee rate offered past the bound; the pool's usage,
   mempoolminfee against the relay floor, and the acceptance rate against the same payments into
   the default 300 MB pool (the trimming's cost); then mempool.dat written and read back.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from engine.primitives.subsidy import block_subsidy_sat  # noqa: E402
from regtest.chainparams import REGTEST  # noqa: E402
from regtest.mempool_persist import dump_mempool, load_mempool  # noqa: E402
from tests.helpers.blockmaker import make_block  # noqa: E402
from tests.helpers.txmaker import ALICE, BOB, GBT, LocalNode, outputs_of, spend  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--txs", type=int, default=2000)
    args = parser.parse_args()
    n = args.txs
    with tempfile.TemporaryDirectory() as tmp:
        node = LocalNode(Path(tmp) / "node")
        node.mine(101)
        coin = node.coinbase_utxo(1)
        fanout = spend([coin], [(ALICE.p2wpkh, (coin.value - 100_000) // n)] * n)
        node.send(fanout)
        node.mine()
        payments = [spend([u], [(BOB.p2wpkh, u.value - 500)]).serialize().hex() for u in outputs_of(fanout, ALICE)]
        _, decode_s = timed(lambda: [node("decoderawtransaction", h) for h in payments])
        _, send_s = timed(lambda: [node("sendrawtransaction", h) for h in payments])
        assert len(node("getrawmempool")) == n
        print(
            f"1. sendrawtransaction: {n / send_s:,.0f} tx/s accepted ({send_s * 1e3 / n:.2f} ms each);"
            f" decoderawtransaction alone {n / decode_s:,.0f} tx/s"
        )
        template, gbt_s = timed(lambda: node("getblocktemplate", GBT))
        assert len(template["transactions"]) == n
        _, cached_s = timed(lambda: node("getblocktemplate", GBT))
        fork = node.chain.tip
        (block_hash,), mine_s = timed(lambda: node.mine())
        assert node("getrawmempool") == []
        print(
            f"2. getblocktemplate with {n} txs: {gbt_s * 1e3:.0f} ms (cached: {cached_s * 1e3:.1f} ms);"
            f" generatetoaddress mining them: {mine_s * 1e3:.0f} ms"
        )
        blocks = []
        prev = fork
        for i in range(2):
            height = prev.height + 1
            blocks.append(
                make_block(
                    prev.hash,
                    height,
                    prev.mtp + 1 + i,
                    prev.bits,
                    block_subsidy_sat(height, REGTEST),
                    extranonce=10 + i,
                )
            )
            prev = type("P", (), {"hash": blocks[-1].GetHash(), "height": height, "mtp": prev.mtp, "bits": prev.bits})
        assert node("submitblock", blocks[0].serialize().hex()) == "inconclusive"
        _, reorg_s = timed(lambda: node("submitblock", blocks[1].serialize().hex()))
        assert node("getbestblockhash") == blocks[1].GetHash()[::-1].hex()
        assert len(node("getrawmempool")) == n
        print(
            f"3. reorg (disconnect a {n}-tx block, connect 2 blocks, {n} txs back to the mempool):"
            f" {reorg_s * 1e3:.0f} ms"
        )
        node.chain.store.close()
        reopened, reopen_s = timed(lambda: LocalNode(Path(tmp) / "node"))
        print(
            f"4. reopen: {reopened.chain.height() + 1} stored blocks and a UTXO set of"
            f" {len(reopened.chain.utxo):,} coins opened in {reopen_s * 1e3:.0f} ms"
        )
        assert block_hash
    maxmempool(n)


def maxmempool(n: int) -> None:
    """Section 5: the same payments (~880 vB, 25 outputs, fee rates rising) into a 5 MB pool
    and into the default one; then the 5 MB pool written to mempool.dat and read back."""
    with tempfile.TemporaryDirectory() as tmp:
        node = LocalNode(Path(tmp) / "node")
        node.mine(100 + (n + 299) // 300)
        outs = []
        for height in range(1, 1 + (n + 299) // 300):
            coin = node.coinbase_utxo(height)
            fan = spend([coin], [(ALICE.p2wpkh, (coin.value - 200_000) // 300)] * 300)
            node.send(fan)
            outs += outputs_of(fan, ALICE)
        node.mine()
        outs = outs[:n]
        payments = [
            spend([u], [(BOB.p2wpkh, 2_000)] * 24 + [(BOB.p2wpkh, u.value - 48_000 - 900 - 6 * i)]).serialize().hex()
            for i, u in enumerate(outs)
        ]
        pool = node.chain.mempool

        def offer() -> int:
            refused = 0
            for h in payments:
                try:
                    node("sendrawtransaction", h)
                except Exception:
                    refused += 1
            return refused

        node.chain.script_cache.__init__()
        _, free_s = timed(offer)  # the default 300 MB: nothing trimmed
        free_count = len(pool.entries)
        for txid in list(pool.entries):
            pool._remove_one(txid)
        pool.max_bytes = 5_000_000
        node.chain.script_cache.__init__()  # both rounds verify every script
        refused, bounded_s = timed(offer)
        info = node("getmempoolinfo")
        print(
            f"5. -maxmempool=5: {n} payments of ~880 vB offered, {info['size']} kept ({refused} refused,"
            f" {n - refused - info['size']} trimmed after entering),"
            f" usage {info['usage']:,} B <= {info['maxmempool']:,}; mempoolminfee {info['mempoolminfee']:.8f}"
            f" BTC/kvB vs relay floor {info['minrelaytxfee']:.8f}; {n / bounded_s:,.0f} tx/s offered vs"
            f" {n / free_s:,.0f} tx/s into the 300 MB pool ({free_count} kept), ratio {free_s / bounded_s:.2f};"
            f" load {os.getloadavg()[0]:.2f}"
        )
        path = Path(tmp) / "mempool.dat"
        written, dump_s = timed(lambda: dump_mempool(pool, path))
        kept = set(pool.entries)
        for txid in list(pool.entries):
            pool._remove_one(txid)
        pool.rolling_min_fee = 0.0  # as a restarted node's
        (ok, failed, expired), load_s = timed(lambda: load_mempool(pool, path))
        assert set(pool.entries) == kept
        print(
            f"   mempool.dat: {written} txs ({path.stat().st_size:,} B) written in {dump_s * 1e3:.0f} ms,"
            f" read back in {load_s * 1e3:.0f} ms ({ok} accepted, {failed} failed, {expired} expired)"
        )


if __name__ == "__main__":
    main()
