"""The Class tab draws a pool snapshot (hashrates, tallies, luck, payouts) and Join a class
stores what the student's window needs, refusing bad input with a message."""
from __future__ import annotations

from engine.pool.stats import PoolStats
from gui.class_tab import ClassTab, JoinClassDialog
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
    rows = {tab.workers.item(r, 0).text(): [tab.workers.item(r, c).text() for c in range(tab.workers.columnCount())]
            for r in range(tab.workers.rowCount())}
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
