"""A miner stopped by the node's refusals shows as an error banner naming the reason (pytest-qt)."""

from __future__ import annotations

from engine.mining.refusals import MiningRefused, refusal_message
from gui.qt import QSettings
from gui.window.controller import LabController
from gui.window.main_window import MainWindow


def test_mining_refused_shows_an_error_banner_with_the_reason(qapp, qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    controller = LabController(datadir=tmp_path / "data", settings=settings, lab_hashrate_hs=2e6)
    window = MainWindow(controller)
    window.show()
    try:
        event = MiningRefused("unexpected-witness", 3, refusal_message("unexpected-witness", 3))
        with qtbot.waitSignal(controller.node_failed, timeout=2000) as signal:
            controller._on_miner_event(event)  # as the miner's submit thread delivers it
        assert signal.args == [event.message]
        qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=2000)
        assert "unexpected-witness" in window.banner.label.text()
        assert "mining has stopped" in window.banner.label.text()
    finally:
        window.close()
