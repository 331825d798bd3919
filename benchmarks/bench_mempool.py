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
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from engine.primitives.subsidy import block_subsidy_sat  # noqa: E402
from regtest.chainparams import REGTEST  # noqa: E402
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


if __name__ == "__main__":
    main()
