"""What the window says and how it fits, read through gui/window/facts.py (what `snapshot --facts`
writes): every control, card, table, list and chart has an accessible name, Tab order follows the
visual order, the focus ring and the disabled look are visible in every theme, and no tab scrolls
sideways at 1280x720 or 1366x768, in English and French, Presenter on and off."""

from __future__ import annotations

import json

import pytest

from engine.ai.billing import AIReport
from engine.capacity import Allocation
from engine.mining.events import MinerStats
from gui import i18n
from gui.qt import QSettings
from gui.window import facts
from gui.window.controller import LabController
from gui.window.main_window import MainWindow
from gui.window.tabs import TABS

CONSENSUS = {
    "pow_target_spacing": 5,
    "difficulty_adjustment_interval": 24,
    "subsidy_halving_interval": 48,
    "start_difficulty": 0.03,
}


def lab_window(tmp_path, lang="en", presenter=False, theme="dark", size=(1280, 720)) -> MainWindow:
    """A shown window (no node: the test feeds it what the controller would) at `size`."""
    assert i18n.install(lang) == lang
    settings = QSettings(str(tmp_path / f"{lang}{presenter}{theme}.ini"), QSettings.Format.IniFormat)
    settings.setValue("ui/presenter", presenter)
    settings.setValue("ui/theme", theme)
    controller = LabController(datadir=tmp_path / "data", settings=settings, total_cores=2)
    window = MainWindow(controller)
    window.show()
    window.setMaximumSize(16_777_215, 16_777_215)  # as snapshot does: the size asked wins
    window.resize(*size)
    window.on_chain_info(
        {
            "chain": "lab",
            "blocks": 95,
            "bestblockhash": "00" * 32,
            "difficulty": 0.0418,
            "time": 0,
            "consensus": CONSENSUS,
        }
    )
    window.on_allocation(Allocation(total_cores=2, mining_slots=1, ai_slots=1))
    window.on_miner_stats(
        MinerStats(
            elapsed_s=30.0,
            hashes=10**8,
            hashrate_hs=3.4e6,
            worker_hashrates_hs=(3.4e6,),
            blocks_found=1,
            blocks_accepted=1,
            blocks_rejected=0,
            blocks_stale=0,
            slots=1,
            active_workers=1,
            paused=False,
            kernel="lanes16",
            height=96,
            connected=True,
            first_hash_s=0.1,
        )
    )
    window.on_ai_report(ai_report(jobs=1, interrupted=1))
    window.redraw()
    return window


def ai_report(jobs: int, interrupted: int) -> AIReport:
    return AIReport(
        elapsed_s=30.0,
        slots=1,
        contracted_slots=1,
        busy_workers=1,
        jobs_done=jobs,
        jobs_interrupted=interrupted,
        gflop_done=12.0,
        gflop_lost=1.0,
        gflop_s=2.5,
        gflop_s_per_slot=2.5,
        latency_ms_mean=40.0,
        latency_ms_p95=60.0,
        billed_usd=1234.5,
        contracted_slot_s=30.0,
        downtime_slot_s=1.5,
        availability=0.95,
        sla_availability=0.999,
        sla_penalty_usd=24789.0,
        net_usd=-23554.5,
    )


@pytest.fixture
def english(qapp):
    yield
    i18n.install("en")


def test_facts_list_every_tab_widget_chart_and_the_lab_state(english, qtbot, tmp_path):
    window = lab_window(tmp_path)
    qtbot.addWidget(window)
    window.tabs.setCurrentIndex(2)
    found = facts.collect(window)
    assert [p["tab"] for p in found["pages"]] == [entry.name for entry in TABS]
    assert window.tabs.currentIndex() == 2, "the tab shown before is shown again"
    keys = {"name", "role", "text", "x", "y", "w", "h", "tab"}
    assert found["widgets"] and all(keys <= set(w) for w in found["widgets"])
    tabs_seen = {w["tab"] for w in found["widgets"]}
    assert set(tabs_seen) >= {None, *[entry.name for entry in TABS]}
    height = next(w for w in found["widgets"] if w["object"] == "cardValue" and w["text"] == "95")
    assert height["tab"] is None and height["w"] > 0 and 0 <= height["x"] < window.width()
    titles = {c["title"] for c in found["charts"]}
    assert len(found["charts"]) >= 10 and "Difficulty" in " ".join(titles)
    drawn = [c for c in found["charts"] if c["y_ticks"]]
    assert drawn and all(c["y_unit_scale"] > 0 for c in drawn)
    state = found["state"]
    assert (state["height"], state["difficulty"], state["sla_penalty_usd"]) == (95, 0.0418, 24789.0)
    assert "blocks_found" in state
    json.dumps(found)  # what --facts writes


def test_a_chart_drawn_with_an_si_prefix_says_what_its_labels_stand_for(english, qtbot, tmp_path):
    window = lab_window(tmp_path)
    qtbot.addWidget(window)
    chart = window.chain.difficulty_chart if hasattr(window.chain, "difficulty_chart") else None
    chart = chart or next(c for c in window.findChildren(facts.pg.PlotWidget) if c.series)
    axis = chart.getPlotItem().getAxis("left")
    axis.enableAutoSIPrefix(True)
    axis.setLabel("difficulty")
    axis.setRange(0.02, 0.045)
    assert facts.unit_scale(axis) == pytest.approx(0.001)
    axis.enableAutoSIPrefix(False)
    axis.setRange(0.02, 0.045)
    assert facts.unit_scale(axis) == 1.0


def _snapshot(*args, timeout=240):
    import subprocess
    import sys

    from gui.i18n import ROOT

    return subprocess.run(
        [sys.executable, "-c", "import sys; from gui.cli import main; sys.exit(main(sys.argv[1:]))", "snapshot", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_snapshot_refuses_bad_facts_theme_and_ai_back_after_clearly(tmp_path):
    png = str(tmp_path / "a.png")
    for args, words in (
        (["--facts", str(tmp_path / "f.txt"), png], "--facts must end in .json"),
        (["--facts", str(tmp_path / "nowhere" / "f.json"), png], "no such folder"),
        (["--ai-back-after", "50", png], "--ai-back-after needs --ai-cores"),
        (["--ai-cores", "1", "--after", "60", "--ai-back-after", "20", png], "--ai-back-after must be after"),
        (["--ai-cores", "1", "--after", "60", "--ai-back-after", "61", png], "at most --after"),
        (["--theme", "pink", png], "invalid choice"),
    ):
        done = _snapshot(*args)
        assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)


@pytest.mark.node  # the snapshot command runs the whole lab, node included, in a child process
def test_snapshot_writes_the_facts_of_the_window_it_saved(tmp_path):
    out, out_facts = tmp_path / "light.png", tmp_path / "light.json"
    done = _snapshot(
        *("--tab", "economics", "--size", "1280x720", "--theme", "light", "--after", "8"),
        *("--ai-cores", "1", "--ai-back-after", "6", "--lab-hashrate", "2e6"),
        *("--facts", str(out_facts), str(out)),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    found = json.loads(out_facts.read_text(encoding="utf-8"))
    assert found["size"] == [1280, 720] and found["current_tab"] == "economics"
    assert found["state"]["height"] >= 1 and found["state"]["ai_slots"] == 0, "the AI cores were taken back"
    assert {p["tab"] for p in found["pages"]} == {entry.name for entry in TABS}
    assert any(w["text"] == "Dark" for w in found["widgets"]), "the light theme's button offers Dark"
