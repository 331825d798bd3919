"""The miner loop (on an in-process fake node), the RPC client, the CLI, and end to end on our node."""

from __future__ import annotations

import functools
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from bitcoin.core import b2lx

from engine.mining import jobs
from engine.mining.cli import bench_main, mine_main
from engine.mining.events import (
    BlockFound,
    BlockResult,
    ConnectionProblem,
    ConnectionRestored,
    KernelProgress,
    MinerStats,
    NewJob,
)
from engine.mining.meter import HashrateMeter
from engine.mining.refusals import MiningRefused
from engine.primitives.rpc_errors import RPC_METHOD_NOT_FOUND
from engine.rpc import RPCAuthError, RPCClient, RPCConnectionError, RPCError, RPCStopped
from tests.helpers import ROOT
from tests.helpers.fake_node import GENESIS, PAYOUT, FakeNode
from tests.helpers.waiting import wait_until


# ----------------------------------------------------------------------------- miner loop
def test_mines_valid_blocks_paying_our_script(make_miner):
    node = FakeNode(target=(1 << 256) // 20_000)  # ~20k hashes a block: the kernel does real work
    miner, events = make_miner(node, max_slots=2)
    miner.start()
    assert wait_until(lambda: len(node.blocks) >= 5)
    miner.stop()
    for height, block in enumerate(node.blocks[:5], start=1):
        cb = block.vtx[0]
        assert cb.vout[0].scriptPubKey == PAYOUT and cb.vout[0].nValue == 5_000_000_000
        assert cb.vin[0].scriptSig.startswith(jobs.CScript([height])) and jobs.COINBASE_TAG in cb.vin[0].scriptSig
        assert int.from_bytes(block.GetHash(), "little") <= node.target
    hashes = {b2lx(b.GetHash()) for b in node.blocks}
    assert {e.block_hash for e in events.accepted()} == hashes
    stats = miner.stats()
    assert stats.blocks_accepted == len(node.blocks) and stats.blocks_rejected == 0
    assert stats.blocks_found == len(events.of(BlockFound)) >= len(node.blocks)
    assert stats.hashes > 5 * 1000  # the expected ~20k hashes a block, with wide slack
    assert stats.first_hash_s is not None and stats.first_hash_s < 10
    assert [e.reason for e in events.of(NewJob)][0] == "start"


QUICK_FIRST_SCRIPT = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from tests.helpers.fake_node import FakeNode
from engine.mining.events import KernelProgress
from engine.mining.miner import Miner
active = []
miner = Miner(FakeNode(target=0), max_slots=1, kernel="lanes16",
              on_event=lambda e: active.append(e.kernel) if isinstance(e, KernelProgress) and e.stage == "active" else None)
miner.start()
deadline = time.monotonic() + 120
while len(active) < 2 and time.monotonic() < deadline:
    time.sleep(0.01)
hashes = miner.stats().hashes
while miner.stats().hashes < hashes + 1_000_000 and time.monotonic() < deadline:
    time.sleep(0.01)
print(",".join(active), miner.stats().kernel, miner.stats().hashes > hashes)
miner.stop()
"""


def test_quick_kernel_mines_first_then_the_slow_compiling_one_takes_over():
    # a fresh interpreter: in this one the 16-lane kernel may already be loaded by other tests
    out = subprocess.run(
        [sys.executable, "-c", QUICK_FIRST_SCRIPT, str(ROOT)], cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["scalar,lanes16", "lanes16", "True"]


@pytest.mark.parametrize("kernel", ["lanes16", "shani"])
def test_no_quick_kernel_when_the_chosen_one_is_loaded_or_compiles_fast(make_miner, kernel):
    from engine.mining.kernels import available_kernels, get_kernel

    if kernel not in available_kernels():
        pytest.skip(f"this CPU cannot run the {kernel} kernel")
    if kernel == "lanes16":
        get_kernel(kernel)  # as after measure_hashrate
    miner, events = make_miner(FakeNode(target=0), max_slots=1, kernel=kernel)
    miner.start()
    assert wait_until(lambda: miner.stats().hashes > 0)
    assert [e.kernel for e in events.of(KernelProgress) if e.stage == "active"] == [kernel]


def test_set_slots_and_pause_take_effect_within_a_tenth_of_a_second(make_miner):
    node = FakeNode(target=0)
    miner, events = make_miner(node, max_slots=2, slots=2)
    assert (miner.max_slots, miner.slots) == (2, 2)
    miner.start()
    assert wait_until(lambda: miner.stats().active_workers == 2)
    start = time.perf_counter()
    miner.set_slots(1)
    assert wait_until(lambda: miner.stats().active_workers == 1, interval_s=0.002)
    assert time.perf_counter() - start < 0.5  # chunks are ~50 ms (goal 100 ms); slack for a loaded CI
    assert miner.slots == 1
    before = list(miner._worker_hashes)
    time.sleep(0.3)
    after = list(miner._worker_hashes)
    assert after[0] > before[0] and after[1] == before[1]  # worker 1 idles, worker 0 hashes

    miner.pause()
    assert wait_until(lambda: miner.stats().active_workers == 0, interval_s=0.002)
    frozen = miner.stats().hashes
    time.sleep(0.2)
    assert miner.stats().hashes == frozen and miner.stats().paused and miner.slots == 1
    miner.resume()
    assert wait_until(lambda: miner.stats().hashes > frozen)

    miner.set_slots(0)
    assert wait_until(lambda: miner.stats().active_workers == 0)
    miner.set_slots(2)
    assert wait_until(lambda: miner.stats().active_workers == 2)
    for bad in (-1, 3, 1.5, True):
        with pytest.raises(ValueError):
            miner.set_slots(bad)


def test_the_capacity_allocator_moves_the_real_miners_cores(make_miner):
    from engine.capacity import CapacityAllocator, CapacityConsumer

    class OtherConsumer:  # stands in for the AI runner
        max_slots = 2
        slots = 0

        def set_slots(self, n):
            self.slots = n

    miner, _ = make_miner(FakeNode(target=0), max_slots=2)
    assert isinstance(miner, CapacityConsumer)
    miner.start()
    allocator = CapacityAllocator(miner, OtherConsumer(), 2)
    assert wait_until(lambda: miner.stats().active_workers == 2)
    allocator.set_ai_slots(1)
    assert miner.slots == 1 and wait_until(lambda: miner.stats().active_workers == 1)
    allocator.set_ai_slots(2)
    assert miner.slots == 0 and wait_until(lambda: miner.stats().active_workers == 0)
    allocator.set_ai_slots(0)
    assert wait_until(lambda: miner.stats().active_workers == 2)


def test_stats_events_report_hashrate_per_worker(make_miner):
    node = FakeNode(target=0)
    miner, events = make_miner(node, max_slots=2)
    miner.start()
    assert wait_until(
        lambda: any(s.hashrate_hs > 0 and all(r > 0 for r in s.worker_hashrates_hs) for s in events.of(MinerStats))
    )
    s = [s for s in events.of(MinerStats) if s.hashrate_hs > 0][-1]
    assert s.hashrate_hs == pytest.approx(sum(s.worker_hashrates_hs))
    assert s.hashrate_hs < 10 * s.hashes / s.elapsed_s + 1  # a moving average, not a made-up number
    assert len(s.worker_hashrates_hs) == 2 and s.slots == 2 and s.connected


@pytest.mark.parametrize("longpoll", [True, False])
def test_a_new_tip_from_elsewhere_gives_new_work_at_once(make_miner, longpoll):
    node = FakeNode(target=0, longpoll=longpoll)
    miner, events = make_miner(node, max_slots=1, poll_interval_s=0.05)
    miner.start()
    assert wait_until(lambda: miner.stats().hashes > 0)
    node.mine_elsewhere()
    start = time.perf_counter()
    assert wait_until(lambda: any(e.reason == "new tip" for e in events.of(NewJob)), interval_s=0.005)
    assert time.perf_counter() - start < 1.0  # slack for a loaded CI machine
    job = [e for e in events.of(NewJob) if e.reason == "new tip"][0]
    assert (job.height, job.previous_block_hash) == (2, node.tip)
    assert ("getblocktemplate" if longpoll else "getbestblockhash") in node.calls


def test_a_node_answering_longpolls_at_once_is_not_hammered(make_miner):
    node = FakeNode(target=0, hold_longpoll_s=0.0)
    miner, _ = make_miner(node, max_slots=1, poll_interval_s=0.1)
    miner.start()
    time.sleep(1.0)
    assert 2 <= node.calls.count("getblocktemplate") <= 15  # ~10 at 0.1 s; not hundreds


def test_connection_loss_is_reported_and_retried(make_miner):
    node = FakeNode(target=(1 << 256) // 2000, longpoll=False)
    node.fail_calls = 4
    # RPCClient's back-off from 0.02 s rather than 0.25 s: its shape is tested, not its first step
    node.call_retrying = functools.partial(node.call_retrying, first_delay_s=0.02)
    miner, events = make_miner(node, max_slots=1, poll_interval_s=0.05)
    miner.start()
    assert wait_until(lambda: len(node.blocks) >= 2)
    problems = events.of(ConnectionProblem)
    assert len(problems) >= 3 and "connection refused" in problems[0].message
    assert [p.retry_in_s for p in problems[:3]] == sorted(p.retry_in_s for p in problems[:3])  # back-off grows
    assert events.of(ConnectionRestored)
    count = len(node.blocks)
    node.fail_calls = 3  # lose it again mid-run
    assert wait_until(lambda: len(node.blocks) >= count + 2)
    assert miner.running


def test_rejected_and_stale_blocks_are_counted_with_their_reason(make_miner):
    node = FakeNode(target=(1 << 256) // 2000)
    node.answers = ["bad-cb-height", "inconclusive"]
    miner, events = make_miner(node, max_slots=1)
    miner.start()
    assert wait_until(lambda: len(node.blocks) >= 2)
    results = events.of(BlockResult)
    assert (results[0].status, results[0].reason) == ("rejected", "bad-cb-height")
    assert (results[1].status, results[1].reason) == ("stale", "inconclusive")
    stats = miner.stats()
    assert (stats.blocks_rejected, stats.blocks_stale) == (1, 1) and stats.blocks_accepted >= 2


def test_a_refused_block_is_not_resubmitted_in_a_hot_loop(make_miner):
    """A node that keeps refusing (e.g. time-too-new) gets one block per poll interval, not
    hundreds a second."""
    node = FakeNode(target=(1 << 256) // 200)  # a block in ~200 hashes: instant
    node.answers = ["time-too-new", "bad-diffbits"] * 500  # never one reason twice in a row: no stop
    miner, events = make_miner(node, max_slots=1, poll_interval_s=0.5)
    miner.start()
    assert wait_until(lambda: len(events.of(BlockResult)) >= 1)
    time.sleep(2.0)
    rejected = [r for r in events.of(BlockResult) if r.status == "rejected"]
    assert 2 <= len(rejected) <= 7, len(rejected)  # ~one per 0.5 s, with slack for a slow machine
    assert miner.running and events.of(MiningRefused) == []


def test_no_header_is_built_while_the_chain_time_is_past_the_future_limit(make_miner):
    """Regtest mined at full speed runs its median time past ahead of the clock; a header time
    must stay within Core's two-hour limit, so the miner waits instead of submitting."""
    node = FakeNode(target=(1 << 256) // 200)
    ahead = int(time.time()) + jobs.MAX_FUTURE_BLOCK_TIME_S + 600
    node.template = lambda real=node.template: dict(real(), mintime=ahead)
    miner, events = make_miner(node, max_slots=1)
    miner.start()
    # once it has a kernel and the template it would hash at once; ~200 hashes a block
    assert wait_until(lambda: events.of(NewJob) and any(e.stage == "active" for e in events.of(KernelProgress)))
    time.sleep(0.3)
    assert events.of(BlockResult) == [] and node.blocks == []
    assert miner.stats().active_workers == 0
    template = jobs.BlockTemplate.from_rpc(node.template())
    assert not template.time_in_bounds() and template.time_in_bounds(now_s=ahead)


def test_extranonce_rolls_when_the_nonce_space_is_used_up(make_miner):
    node = FakeNode(target=(1 << 256) // 3000)
    miner, _ = make_miner(node, max_slots=1, nonces_per_header=256, kernel="scalar")
    miner.start()
    assert wait_until(lambda: len(node.blocks) >= 3)
    extranonces = set()
    for block in node.blocks[:3]:
        assert block.nNonce < 256
        script = block.vtx[0].vin[0].scriptSig
        extranonces.add(
            next(op for op in list(script)[1:] if isinstance(op, bytes) and len(op) == jobs.EXTRANONCE_SIZE)
        )
    assert len(extranonces) == 3
    # ~3000 hashes a block in 256-nonce headers: some blocks needed several extranonces
    assert max(int.from_bytes(e[4:], "little") for e in extranonces) >= 3


def test_a_failing_listener_does_not_stop_the_miner(make_miner):
    node = FakeNode(target=(1 << 256) // 2000)
    miner, _ = make_miner(node, max_slots=1)

    def broken(event):
        raise RuntimeError("listener bug")

    miner.add_listener(broken)
    miner.start()
    assert wait_until(lambda: len(node.blocks) >= 2)


def test_hashrate_meter_is_a_moving_average():
    meter = HashrateMeter(window_s=2.0)
    assert meter.rate_hs(0.0) == 0.0
    for i in range(1, 11):  # 1000 hashes every 0.1 s = 10 kH/s
        meter.add(i * 0.1, 1000, 0.1)
    assert meter.rate_hs(1.0) == pytest.approx(10_000)
    for i in range(11, 41):  # then 4000 per 0.1 s
        meter.add(i * 0.1, 4000, 0.1)
    assert meter.rate_hs(4.0) == pytest.approx(40_000, rel=0.06)
    assert meter.rate_hs(10.0) == 0.0  # nothing in the window any more


# ----------------------------------------------------------------------------- RPC client
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_rpc_connection_refused_is_a_typed_error_and_retries_back_off():
    client = RPCClient(f"http://127.0.0.1:{free_port()}", user="u", password="p")
    with pytest.raises(RPCConnectionError):
        client.call("getblockcount")
    stop = threading.Event()
    delays = []

    def on_retry(error, delay_s):
        delays.append(delay_s)
        if len(delays) == 4:
            stop.set()

    with pytest.raises(RPCStopped):
        client.call_retrying("getblockcount", stop=stop, on_retry=on_retry, first_delay_s=0.01)
    assert delays == [0.01, 0.02, 0.04, 0.08]


def test_a_kept_alive_connection_the_server_closed_is_reopened_silently():
    """Core closes idle keep-alive connections (-rpcservertimeout); the next call must just work."""
    import json
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class OneRequestPerConnection(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # advertises keep-alive...

        def do_POST(self):
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            body = json.dumps({"result": request["method"], "error": None, "id": request["id"]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True  # ...then hangs up, as an idle timeout would

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), OneRequestPerConnection)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = RPCClient(f"http://127.0.0.1:{server.server_address[1]}", user="u", password="p")
        assert [client.call(m) for m in ("getblockcount", "getbestblockhash", "getblockcount")] == [
            "getblockcount",
            "getbestblockhash",
            "getblockcount",
        ]
    finally:
        server.shutdown()
        server.server_close()


def test_rpc_against_the_node_cookie_user_password_and_core_error_codes(regtest_node):
    client = RPCClient(regtest_node.url, cookie_file=regtest_node.cookie_file)
    assert client.call("getblockcount") == 0
    with pytest.raises(RPCError) as info:
        client.call("nosuchmethod")
    assert info.value.code == RPC_METHOD_NOT_FOUND and not info.value.transient
    with pytest.raises(RPCError):  # non-transient errors are not retried
        client.call_retrying("nosuchmethod")
    user, password = regtest_node.cookie_file.read_text().strip().split(":", 1)
    assert RPCClient(regtest_node.url, user=user, password=password).call("getblockcount") == 0
    embedded = regtest_node.url.replace("http://", f"http://{user}:{password}@")
    assert RPCClient(embedded).call("getbestblockhash") == GENESIS
    with pytest.raises(RPCAuthError):
        RPCClient(regtest_node.url, user=user, password="wrong").call("getblockcount")
    # one proxy per thread: concurrent calls from several threads all succeed
    results = []
    threads = [
        threading.Thread(target=lambda: results.extend(client.call("getblockcount") for _ in range(20)))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [0] * 80


# ----------------------------------------------------------------------------- end to end
def coinbase_of(node, height: int) -> dict:
    return node.rpc("getblock", node.rpc("getblockhash", height), 2)["tx"][0]


def test_miner_mines_n_blocks_on_the_node_with_our_coinbase(regtest_node, make_miner):
    start_height = regtest_node.rpc("getblockcount")
    client = RPCClient(regtest_node.url, cookie_file=regtest_node.cookie_file)
    miner, events = make_miner(client, max_slots=2)
    blocks = 6
    miner.start()
    assert wait_until(lambda: len(events.accepted()) >= blocks, timeout_s=60)
    miner.stop()
    height = regtest_node.rpc("getblockcount")
    accepted = events.accepted()
    assert height == start_height + len(accepted) >= start_height + blocks
    ours = {e.block_hash for e in accepted}
    for h in range(start_height + 1, height + 1):
        assert regtest_node.rpc("getblockhash", h) in ours
        cb = coinbase_of(regtest_node, h)
        assert cb["vout"][0]["scriptPubKey"]["hex"] == PAYOUT.hex()
        assert jobs.COINBASE_TAG.hex() in cb["vin"][0]["coinbase"]


def test_miner_mines_on_the_lab_chain_with_retargeting(node_factory, make_miner):
    # a low start hashrate gives an easy start difficulty; the lab chain retargets every 24 blocks
    node = node_factory("lab", extra_args=("--lab-hashrate", "2e5")).start()
    client = RPCClient(node.url, cookie_file=node.cookie_file)
    miner, events = make_miner(client, max_slots=2)
    miner.start()
    assert wait_until(lambda: len(events.accepted()) >= 5, timeout_s=60)
    miner.stop()
    assert miner.stats().blocks_rejected == 0
    assert node.rpc("getblockcount") == len(events.accepted())


def test_miner_survives_a_node_restart_with_a_new_cookie(node_factory, tmp_path, make_miner):
    port = free_port()
    node = node_factory("regtest", datadir=tmp_path / "restart", rpcport=port).start()
    client = RPCClient(node.url, cookie_file=node.cookie_file)
    miner, events = make_miner(client, max_slots=1, poll_interval_s=0.05)
    miner.start()
    assert wait_until(lambda: len(events.accepted()) >= 2, timeout_s=60)
    old_cookie = node.cookie_file.read_text()
    node.stop()
    assert wait_until(lambda: events.of(ConnectionProblem), timeout_s=30)
    node.start()
    assert node.cookie_file.read_text() != old_cookie
    before = len(events.accepted())
    assert wait_until(lambda: len(events.accepted()) >= before + 2, timeout_s=60)
    assert events.of(ConnectionRestored)
    assert node.rpc("getblockcount") >= 4


def test_mine_command_mines_blocks_and_prints_them(regtest_node, capsys):
    rc = mine_main(
        [
            "--rpc-url",
            regtest_node.url,
            "--rpc-cookie",
            str(regtest_node.cookie_file),
            "--blocks",
            "3",
            "--threads",
            "1",
            "--address",
            "bcrt1qft5p2uhsdcdc3l2ua4ap5qqfg4pjaqlp250x7us7a8qqhrxrxfsqseac85",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0
    assert out.count(" accepted") >= 3 and "done:" in out
    assert regtest_node.rpc("getblockcount") >= 3
    assert mine_main(["--rpc-url", regtest_node.url, "--address", "not-an-address", "--duration", "1"]) == 2


def test_first_hash_within_3_s_with_a_cold_cache(regtest_node, tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"), MINE2COMPUTE_CACHE_DIR=str(tmp_path / "kernels"))
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "gui.cli",
            "mine",
            "--rpc-url",
            regtest_node.url,
            "--rpc-cookie",
            str(regtest_node.cookie_file),
            "--blocks",
            "1",
            "--threads",
            "1",
            "--quiet",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    after_launch_s = float(out.stdout.split("first hash after ")[1].split("(")[1].split(" s after launch")[0])
    # The quick scalar kernel compiles in ~1 s and mines while the lanes kernels compile behind it
    # (>= 13 s each on an idle core): well under 8 s even on a loaded machine, far over it if the
    # miner waited for them. (~1-2 s on an idle machine; 4.7 s was seen at load 7 on 2 cores.)
    assert after_launch_s < 8.0


def test_bench_command_measures_baseline_and_kernels(capsys):
    assert bench_main(["--seconds", "0.2", "--threads", "2", "--kernels", "scalar"]) == 0
    out = capsys.readouterr().out
    assert "hashlib (baseline)" in out and "scalar" in out and "MH/s" in out
    assert bench_main(["--kernels", "nosuch"]) == 2


@pytest.mark.slow
def test_performance_goals():
    """Issue 3's goals: >= 25 MH/s per core, >= 25x hashlib, >= 1.9x on two threads (needs two idle cores)."""
    from engine.mining.cli import hashlib_hs
    from engine.mining.kernels import best_kernel_name, get_kernel

    kernel = get_kernel(best_kernel_name())
    base_hs = hashlib_hs(2.0)
    one_hs = kernel.measure_hs(3.0, 1)
    assert one_hs >= 25e6
    assert one_hs >= 25 * base_hs
    if (os.cpu_count() or 1) >= 2:
        assert kernel.measure_hs(3.0, 2) >= 1.9 * one_hs
