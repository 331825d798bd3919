"""A student who mines through the class pool: the blocks found on their card are the blocks the
pool credits to their name (its per-worker statistics, their row in the teacher's Class tab), not
their wallet's coinbases (the pool's blocks pay the teacher's wallet), and a window that starts
again gets the pool's tally back at login. A real pool on a lab node, our miner through it."""

from __future__ import annotations

import time

import pytest

from engine.mining.miner import Miner
from engine.mining.stratum_client import StratumSource
from engine.pool.server import Pool
from engine.rpc import RPCClient
from gui.classroom.tab import ClassTab
from gui.window.tabs import LabState
from tests.helpers.windows import window_with_settings

CONSENSUS = {"pow_target_spacing": 5, "difficulty_adjustment_interval": 24, "subsidy_halving_interval": 48}


def wait_for(check, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def credited(pool: Pool) -> int:
    """Alice's blocks by the pool's per-worker statistics (0 before she logs in)."""
    return next((r.blocks for r in pool.stats.snapshot().workers if r.name == "alice"), 0)


def student_miner(port: int, slots: int) -> Miner:
    source = StratumSource(f"stratum+tcp://127.0.0.1:{port}", "alice", "CLASS")
    return Miner(None, max_slots=1, slots=slots, source=source).start()


@pytest.mark.node
def test_a_students_blocks_found_are_the_ones_the_class_pool_credits(qtbot, tmp_path, node_factory):
    # a lab chain sized for 200 kH/s: our miner's one core finds a block every second or so
    node = node_factory("lab", extra_args=("--lab-hashrate", "2e5")).start()
    pool = Pool(
        RPCClient(node.url, cookie_file=node.cookie_file), port=0, password="CLASS", start_difficulty=1e-5
    ).start()
    miners: list[Miner] = []
    controller = window = None
    try:
        miner = student_miner(pool.port, 1)
        miners.append(miner)
        wait_for(lambda: credited(pool) >= 2, 90, "two blocks credited to alice")
        miner.set_slots(0)  # no more shares
        time.sleep(1.5)  # a share in flight may still become a block
        blocks = credited(pool)

        # The teacher's Class tab row for alice.
        tab = ClassTab()
        qtbot.addWidget(tab)
        tab.on_snapshot(pool.stats.snapshot())
        columns = [tab.workers.horizontalHeaderItem(c).text() for c in range(tab.workers.columnCount())]
        row = next(r for r in range(tab.workers.rowCount()) if tab.workers.item(r, 0).text() == "alice")
        assert tab.workers.item(row, columns.index("Blocks")).text() == str(blocks)

        # The student's window, joined to the class: its card reads the same figure.
        controller, window = window_with_settings(
            tmp_path,
            **{
                "node/mode": "attach",
                "class/joined": True,
                "class/host": "127.0.0.1",
                "class/pool_port": pool.port,
                "class/name": "alice",
                "class/password": "CLASS",
            },
        )
        window.on_chain_info(
            {"chain": "lab", "blocks": int(node.rpc("getblockcount")), "bestblockhash": "00" * 32, "time": 0}
            | {"difficulty": 1e-5, "consensus": CONSENSUS}
        )

        def card_says(m: Miner) -> str:
            controller.miner = m
            window.on_miner_stats(m.stats())
            window.redraw()
            return window.hashrate_caption.text()

        qtbot.waitUntil(lambda: f"{blocks} blocks found" in card_says(miner), timeout=10_000)
        facts = window.lab.facts()
        assert facts["blocks_found"] == blocks and facts["blocks_found_by"] == "class pool"

        # The window starts again (a language switch, a kernel choice): a new miner, the same
        # name, no block found in this run; the pool's tally comes back at login.
        miner.stop()
        again = student_miner(pool.port, 0)
        miners.append(again)
        qtbot.waitUntil(lambda: f"{blocks} blocks found" in card_says(again), timeout=10_000)
        assert again.stats().blocks_found == 0 and window.lab.facts()["blocks_found"] == blocks == credited(pool)
    finally:
        for m in miners:
            m.stop()
        if window is not None:
            window.close()
        pool.stop()


def test_a_window_not_in_a_class_counts_its_wallets_blocks():
    """Solo (or the teacher): the wallet's coinbases on the chain, as before."""
    lab = LabState(snapshot=lambda: {"chain_info": {}, "blocks_found": 3, "class_blocks": None})
    assert lab.facts()["blocks_found"] == 3 and lab.facts()["blocks_found_by"] == "wallet"
    lab = LabState(snapshot=lambda: {"chain_info": {}, "blocks_found": 0, "class_blocks": 5})
    assert lab.facts()["blocks_found"] == 5 and lab.facts()["blocks_found_by"] == "class pool"
