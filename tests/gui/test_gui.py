"""The lab window, offscreen, with a real node process and the real miner (pytest-qt)."""

from __future__ import annotations

import csv
import threading
import time

import pytest

from gui.qt import QImage, QProcess, QSettings
from gui.window.controller import LabController
from gui.window.main_window import MainWindow
from tests.helpers import ROOT
from tests.helpers.node import starts_node_process
from tests.helpers.windows import window_with_settings

SHOTS = ROOT / "screenshots"
TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
@starts_node_process
def lab_window(qapp, tmp_path_factory):
    """(controller, window): one started window on its own lab node, shared by the module."""
    tmp = tmp_path_factory.mktemp("gui")
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    # 2 MH/s sizes the lab chain so the miner (tens of MH/s) finds blocks several times a second.
    controller = LabController(datadir=tmp / "data", settings=settings, lab_hashrate_hs=2e6)
    window = MainWindow(controller)
    window.show()
    controller.start()
    yield controller, window
    if window.isVisible():
        window.close()


def test_blocks_appear_in_the_table(lab_window, qtbot):
    controller, window = lab_window
    qtbot.waitUntil(lambda: window.tab("chain").table.rowCount() >= 3, timeout=TIMEOUT_MS)
    assert window.tab("chain").rows[-1].height >= 2
    # blocks found: the wallet's coinbases on the active chain, the same figure the Wallet tab shows
    qtbot.waitUntil(lambda: (window.lab.facts().get("blocks_found") or 0) >= 1, timeout=TIMEOUT_MS)
    # (counted up to the height the cards show: the wallet may have read a newer tip)
    facts, wallet = window.lab.facts(), window.wallet_state
    assert facts["blocks_found"] == sum(1 for h in wallet.mined_heights if h <= facts["height"])
    assert facts["blocks_found"] <= wallet.blocks_mined == len(wallet.mined_heights)
    assert window.node_chip.text().startswith("● lab")
    window.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: window.tab("chain").hashrate_chart.series["total"][0].size >= 3, timeout=TIMEOUT_MS)
    window.redraw()
    SHOTS.mkdir(exist_ok=True)
    assert window.grab().save(str(SHOTS / "chain.png"))


def test_moving_capacity_to_ai_changes_workers_and_hashrate(lab_window, qtbot):
    controller, window = lab_window
    total = controller.total_cores
    window.capacity_slider.setValue(1)
    qtbot.waitUntil(lambda: controller.miner.slots == total - 1, timeout=2000)
    qtbot.waitUntil(lambda: controller.ai.busy_workers == 1, timeout=2000)
    points_before = window.tab("chain").hashrate_chart.series["total"][0].size
    with qtbot.waitSignal(controller.ai_report, timeout=5000):
        pass
    qtbot.waitUntil(lambda: window.last_stats.active_workers <= total - 1, timeout=3000)
    qtbot.waitUntil(lambda: window.tab("chain").hashrate_chart.series["total"][0].size > points_before, timeout=5000)
    assert window.ai_value.text().endswith("GFLOP/s") and not window.ai_value.text().startswith("0.0")
    assert "AI: 1 core" in window.ai_label.text()
    window.capacity_slider.setValue(0)
    qtbot.waitUntil(lambda: controller.miner.slots == total, timeout=2000)


def test_pause_and_resume_mining(lab_window, qtbot):
    controller, window = lab_window
    window.pause_button.setChecked(True)
    qtbot.waitUntil(lambda: window.last_stats is not None and window.last_stats.paused, timeout=5000)
    qtbot.waitUntil(lambda: window.last_stats.active_workers == 0, timeout=5000)
    window.pause_button.setChecked(False)
    qtbot.waitUntil(lambda: window.last_stats.active_workers > 0, timeout=5000)


def test_export_writes_png_and_csv(lab_window, tmp_path):
    _, window = lab_window
    written = window.export_all(tmp_path / "export")
    pngs = [p for p in written if p.suffix == ".png"]
    assert len(pngs) >= 4
    for p in pngs:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert not QImage(str(p)).isNull() and QImage(str(p)).width() >= 800
    with open(tmp_path / "export" / "blocks.csv") as f:
        rows = list(csv.DictReader(f))
    assert rows and int(rows[-1]["height"]) == window.tab("chain").rows[-1].height
    assert all(len(r["hash"]) == 64 for r in rows)
    with open(tmp_path / "export" / "hashrate.csv") as f:
        assert len(list(csv.reader(f))) > 1


def test_presenter_and_light_theme_screenshots(lab_window, qtbot):
    _, window = lab_window
    window.presenter_button.setChecked(True)
    window.redraw()
    qtbot.wait(300)  # let the layouts settle on the new fonts, as the event loop would
    assert window.grab().save(str(SHOTS / "presenter.png"))
    window.presenter_button.setChecked(False)
    window.toggle_theme()
    window.tabs.setCurrentIndex(1)
    qtbot.wait(300)
    assert window.grab().save(str(SHOTS / "economics_light.png"))
    window.toggle_theme()
    window.tabs.setCurrentIndex(2)
    assert window.grab().save(str(SHOTS / "node.png"))
    window.tabs.setCurrentIndex(0)


def test_node_crash_is_shown_and_restart_works(lab_window, qtbot):
    controller, window = lab_window
    with qtbot.waitSignal(controller.node_failed, timeout=10_000):
        controller.node.proc.kill()
    assert window.banner.isVisible() and window.banner.button.isVisible()
    assert "stopped unexpectedly" in window.banner.label.text()
    assert window.hashrate_value.text() == "stopped"
    height_before = window.tab("chain").rows[-1].height
    found_before = window.lab.facts()["blocks_found"]
    ai = controller.ai
    with qtbot.waitSignal(controller.node_ready, timeout=30_000):
        window.banner.button.click()
    qtbot.waitUntil(lambda: window.tab("chain").rows[-1].height > height_before, timeout=TIMEOUT_MS)
    # The charts carry on cleanly: every height once, in order; the tallies carry on too.
    window.redraw()
    for chart, series in (
        (window.tab("chain").difficulty_chart, "difficulty"),
        (window.tab("chain").interval_chart, "interval"),
    ):
        x, _ = chart.series[series][0].view()
        assert all(a < b for a, b in zip(x, x[1:])), series
    assert [r.height for r in window.tab("chain").rows] == list(
        range(window.tab("chain").rows[0].height, window.tab("chain").rows[-1].height + 1)
    )
    assert window.lab.facts()["blocks_found"] >= found_before and controller.ai is ai
    # The Node tab shows each line the node wrote once, across the restart.
    qtbot.waitUntil(lambda: f"height={height_before + 1} " in window.tab("node").node_log.toPlainText(), timeout=10_000)
    tips = [line for line in window.tab("node").node_log.toPlainText().splitlines() if "UpdateTip" in line]
    assert len(tips) == len(set(tips)) >= height_before + 1


def test_shutdown_leaves_no_process_thread_or_window(lab_window, qtbot):
    controller, window = lab_window
    node = controller.node
    cookie = node.cookie_file
    t0 = time.monotonic()
    window.close()
    close_s = time.monotonic() - t0
    assert close_s < 3.0, f"closing took {close_s:.1f} s after a node restart"  # was 22 s
    assert node.proc.state() == QProcess.ProcessState.NotRunning
    assert not cookie.exists()
    lingering = [
        t.name
        for t in threading.enumerate()
        if t.name.startswith(("miner-worker", "miner-submit", "miner-stats", "ai-worker", "chain-poller", "calibrate"))
    ]
    assert lingering == []
    assert controller.miner is None and controller.ai is None


def test_blocks_found_survive_the_app_restarting_itself(lab_window, qtbot):
    """A language switch restarts the window and its controller on the same chain: the blocks
    found are the chain's (the wallet's coinbases), so the new window starts from them, not 0."""
    controller, window = lab_window  # closed by the test before: its chain and wallet are on disk
    found = window.lab.facts()["blocks_found"]
    assert found >= 1
    again = LabController(datadir=controller.datadir, settings=controller.settings, lab_hashrate_hs=2e6)
    window2 = MainWindow(again)
    try:
        window2.show()
        again.start()
        with qtbot.waitSignal(again.wallet.state, timeout=TIMEOUT_MS) as first:
            pass
        assert first.args[0].blocks_mined >= found
        qtbot.waitUntil(lambda: (window2.lab.facts().get("blocks_found") or 0) >= found, timeout=5000)
        assert f"{window2.lab.facts()['blocks_found']} blocks found" in window2.hashrate_caption.text() or (
            window2.hashrate_caption.text() == "starting the miner…"
        )
    finally:
        window2.close()


def test_attach_to_a_running_node_by_url_and_cookie(qapp, qtbot, tmp_path, regtest_node):
    controller, window = window_with_settings(
        tmp_path, **{"node/mode": "attach", "node/url": regtest_node.url, "node/cookie": str(regtest_node.cookie_file)}
    )
    try:
        start = regtest_node.rpc("getblockcount")
        with qtbot.waitSignal(controller.node_ready, timeout=10_000):
            controller.start()
        assert controller.node is None  # nothing launched: the node belongs to someone else
        qtbot.waitUntil(lambda: regtest_node.rpc("getblockcount") >= start + 2, timeout=TIMEOUT_MS)
        qtbot.waitUntil(lambda: window.info.get("chain") == "regtest", timeout=10_000)
    finally:
        window.close()
    assert regtest_node.proc.poll() is None  # closing the window leaves an attached node running


@pytest.mark.node
def test_rpc_port_in_use_is_shown_with_what_to_do(qapp, qtbot, tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        controller, window = window_with_settings(tmp_path, **{"node/rpcport": s.getsockname()[1]})
        try:
            with qtbot.waitSignal(controller.node_failed, timeout=30_000) as blocker:
                controller.start()
            assert "Unable to bind RPC" in blocker.args[0] and "--rpcport" in blocker.args[0]
            assert window.banner.isVisible() and "Unable to bind RPC" in window.banner.label.text()
        finally:
            window.close()


@pytest.mark.node
def test_sharing_with_the_class_listens_with_a_password(qapp, qtbot, tmp_path):
    import socket

    import bitcoin.rpc

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller, window = window_with_settings(
        tmp_path, **{"node/share": True, "node/rpcport": port, "node/share_password": "satoshi21"}
    )
    try:
        with qtbot.waitSignal(controller.node_ready, timeout=30_000):
            controller.start()
        assert any(f"RPC listening on 0.0.0.0:{port}" in line for line in controller.node.log)
        student = bitcoin.rpc.RawProxy(service_url=f"http://class:satoshi21@127.0.0.1:{port}")
        assert student.getblockchaininfo()["chain"] == "lab"
        wrong = bitcoin.rpc.RawProxy(service_url=f"http://class:wrong@127.0.0.1:{port}")
        with pytest.raises(bitcoin.rpc.JSONRPCError, match="401"):
            wrong.getblockcount()
        qtbot.waitUntil(lambda: "Shared with the class" in window.tab("node").node_details.text(), timeout=10_000)
        assert f":{port}" in window.tab("node").node_details.text()
    finally:
        window.close()
