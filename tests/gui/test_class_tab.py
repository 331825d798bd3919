"""The Class tab draws a pool snapshot (hashrates, tallies, luck, payouts) and Join a class
stores what the student's window needs, refusing bad input with a message."""

from __future__ import annotations

import pytest

from engine.pool.stats import PoolStats
from gui.classroom.tab import ClassTab, JoinClassDialog
from gui.qt import QSettings


def test_class_tab_shows_workers_blocks_and_both_payouts(qtbot):
    clock = [100.0]
    stats = PoolStats(clock=lambda: clock[0])
    stats.port = 3333
    for name in ("alice", "bob"):
        stats.connected(name, +1)
    for _ in range(30):
        clock[0] += 0.5
        stats.share("alice", 0.001, "accepted")
    stats.block("alice", 4, "11" * 32, "accepted", None, 5_000_000_000, block_difficulty=0.01)  # closes the round
    for _ in range(10):
        clock[0] += 0.5
        stats.share("bob", 0.001, "accepted")
    stats.share("bob", 0.001, "rejected", "low-difficulty")
    stats.block("bob", 5, "00" * 32, "accepted", None, 5_000_000_000, block_difficulty=0.01)
    stats.connected("bob", -1)
    tab = ClassTab()
    qtbot.addWidget(tab)
    tab.on_snapshot(stats.snapshot())
    rows = {
        tab.workers.item(r, 0).text(): [tab.workers.item(r, c).text() for c in range(tab.workers.columnCount())]
        for r in range(tab.workers.rowCount())
    }
    assert rows["alice"][1] == "mining" and rows["bob"][1] == "left"
    assert rows["bob"][7] == "1" and rows["bob"][9] == "1" and rows["bob"][11] == "50.0%"
    assert rows["alice"][10] == f"{30 / 40:.1%}"  # its part of the accepted work
    # block 5: its round holds only bob's shares; PPLNS pays the last 0.02 of difficulty
    # (20 shares: bob's 10 and alice's last 10), rounds ignored
    assert tab.blocks.item(0, 0).text() == "5"
    assert tab.blocks.item(0, 4).text() == "bob 50.0000"
    assert tab.blocks.item(0, 5).text() in ("alice 25.0000, bob 25.0000", "bob 25.0000, alice 25.0000")
    assert "3333" in tab.summary.text()


def test_join_a_class_stores_the_pool_and_refuses_bad_input(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    dialog = JoinClassDialog(settings)
    qtbot.addWidget(dialog)
    dialog.address.setText("192.168.1.20:3334")
    dialog.name.setText("")
    dialog.password.setText("secret-class")
    dialog.accept()
    assert "name" in dialog.error.text() and not settings.value("class/joined", False, type=bool)
    dialog.name.setText("alice")
    dialog.accept()
    assert settings.value("class/joined", False, type=bool)
    assert settings.value("class/host") == "192.168.1.20" and int(settings.value("class/pool_port")) == 3334
    assert settings.value("node/mode") == "attach" and settings.value("node/url") == "http://192.168.1.20:18449"


def test_sharing_the_node_opens_the_class_pool(qtbot, tmp_path, node_factory, monkeypatch):
    """The controller's path: a shared node's connection opens the pool (3333, or the next free
    port when 3333 is taken), the Class tab's snapshots start, the class password (kept as a
    salted hash) lets a student in, and shutdown closes the pool."""
    import socket

    from engine.primitives.rpcauth import make_rpcauth
    from gui.classroom.tab import POOL_PORT
    from gui.window.class_login import SHARE_USER
    from gui.window.controller import LabController
    from tests.helpers.stratum_sim import SimMiner

    node = node_factory("lab", extra_args=("--lab-hashrate", "1e9")).start()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("node/share", True)
    settings.setValue("node/share_rpcauth", make_rpcauth(SHARE_USER, "CLASS"))
    controller = LabController(datadir=tmp_path / "data", settings=settings, total_cores=1)
    monkeypatch.setattr(controller, "_start_engine", lambda: None)  # the pool is under test, not the miner
    statuses: list[str] = []
    controller.status.connect(statuses.append)
    blocker_sock = socket.socket()
    try:
        blocker_sock.bind(("0.0.0.0", POOL_PORT))  # 3333 taken (by us, or already by someone else)
        blocker_sock.listen()
    except OSError:
        pass
    try:
        with qtbot.waitSignal(controller.classroom.stats, timeout=5000) as first:
            controller._connect(node.url, str(node.cookie_file), None, None)
        pool = controller.classroom.pool
        assert pool is not None and first.args[0].port == pool.port
        assert POOL_PORT < pool.port < POOL_PORT + 10 or pool.port > 1024
        assert f"Class pool open on port {pool.port}" in statuses
        wrong = SimMiner(pool.port)
        assert wrong.join("alice", "not the password")["result"] is False
        student = SimMiner(pool.port)
        assert student.join("alice", "CLASS")["result"] is True
        en2, nonce, _ = student.solve()  # at the pool's start difficulty: ~400,000 hashlib hashes
        assert student.submit("alice", student.notifies[-1], en2, nonce)["result"] is True

        def alice_seen(snapshot) -> bool:
            return any(row.name == "alice" and row.connected and row.accepted == 1 for row in snapshot.workers)

        qtbot.waitSignal(controller.classroom.stats, timeout=5000, check_params_cb=alice_seen).wait()
        for sim in (wrong, student):
            sim.close()
        port = pool.port
        controller.shutdown()
        assert controller.classroom.pool is None
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
    finally:
        blocker_sock.close()
        if controller.classroom.pool is not None:
            controller.classroom.pool.stop()


def test_the_teachers_window_mines_through_its_own_pool(qtbot, tmp_path, node_factory):
    """Sharing the node: the teacher's miner is a worker of the class pool (a row like any
    student's) while its MinerStats, the hashrate card's, stay this laptop's own."""
    from engine.mining.events import MinerStats
    from engine.mining.stratum_client import StratumSource
    from engine.primitives.rpcauth import make_rpcauth
    from gui.classroom.service import TEACHER_NAME
    from gui.window.class_login import SHARE_USER
    from gui.window.controller import LabController

    node = node_factory("lab", extra_args=("--lab-hashrate", "1e9")).start()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("node/share", True)
    settings.setValue("node/share_rpcauth", make_rpcauth(SHARE_USER, "CLASS"))
    controller = LabController(datadir=tmp_path / "data", settings=settings, total_cores=1)
    own: list[MinerStats] = []
    controller.miner_stats.connect(own.append)
    try:
        controller._connect(node.url, str(node.cookie_file), None, None)
        pool = controller.classroom.pool
        source = controller.miner.source
        assert isinstance(source, StratumSource) and (source.port, source.user) == (pool.port, TEACHER_NAME)

        def teacher_mining(snapshot) -> bool:
            return any(r.name == TEACHER_NAME and r.connected and r.accepted >= 1 for r in snapshot.workers)

        qtbot.waitSignal(controller.classroom.stats, timeout=60_000, check_params_cb=teacher_mining).wait()
        qtbot.waitUntil(lambda: any(s.hashrate_hs > 0 for s in own), timeout=10_000)
    finally:
        controller.shutdown()
        if controller.classroom.pool is not None:
            controller.classroom.pool.stop()


def test_a_node_not_shared_opens_no_pool(qtbot, tmp_path, node_factory, monkeypatch):
    from gui.window.controller import LabController

    node = node_factory("lab", extra_args=("--lab-hashrate", "1e9")).start()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    controller = LabController(datadir=tmp_path / "data", settings=settings, total_cores=1)
    monkeypatch.setattr(controller, "_start_engine", lambda: None)
    controller._connect(node.url, str(node.cookie_file), None, None)
    assert controller.classroom.pool is None
    controller.shutdown()
