"""What the window says and how it fits, read through gui/window/facts.py (what `snapshot --facts`
writes): every control, card, table, list and chart has an accessible name, Tab order follows the
visual order, the focus ring and the disabled look are visible in every theme, and no tab scrolls
sideways at 1280x720 or 1366x768, in English and French, Presenter on and off."""

from __future__ import annotations

import dataclasses
import json

import pytest

from engine.ai.billing import AIReport
from engine.capacity import Allocation
from engine.mining.events import MinerStats
from engine.wallet.state import HistoryEntry, WalletState
from gui import i18n
from gui.formats import usd
from gui.qt import QSettings, QTimer
from gui.window import facts
from gui.window.controller import LabController
from gui.window.main_window import MainWindow
from gui.window.tabs import TABS
from tests.helpers.lab_reports import ai_report
from tests.helpers.windows import snapshot_cli

CONSENSUS = {
    "pow_target_spacing": 5,
    "difficulty_adjustment_interval": 24,
    "subsidy_halving_interval": 48,
    "start_difficulty": 0.03,
}


OPEN: list[MainWindow] = []  # deleted after each test (the `english` fixture)


def lab_window(tmp_path, lang="en", presenter=False, theme="dark", size=(1280, 720)) -> MainWindow:
    """A shown window (no node: the test feeds it what the controller would) at `size`."""
    assert i18n.install(lang) == lang
    settings = QSettings(str(tmp_path / f"{lang}{presenter}{theme}.ini"), QSettings.Format.IniFormat)
    settings.setValue("ui/presenter", presenter)
    settings.setValue("ui/theme", theme)
    controller = LabController(datadir=tmp_path / "data", settings=settings, total_cores=2)
    window = MainWindow(controller)
    OPEN.append(window)
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
    window.on_ai_report(jobs_report(jobs=1, interrupted=1))
    window.redraw()
    return window


def jobs_report(jobs: int, interrupted: int) -> AIReport:
    return ai_report(
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
    )


@pytest.fixture
def english(qapp):
    """English again after the test, and the test's windows deleted now rather than whenever
    Python's collector gets to them (a window collected while the next one was being built
    crashed pyqtgraph one run in two)."""
    import gc

    yield
    while OPEN:
        window = OPEN.pop()
        window.close()
        window.deleteLater()
    qapp.processEvents()
    gc.collect()
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


def test_facts_are_read_from_one_moment_of_a_running_lab(english, qtbot, tmp_path):
    """The lab keeps running while the facts are collected (an AI report arrives, the redraw
    timer is due): every widget and the state must still speak for one moment, not the AI card
    for one report and the Lesson's SLA box (redrawn every 500 ms) for the one before."""
    window = lab_window(tmp_path)
    qtbot.addWidget(window)
    lesson = window.tab("lesson")
    lesson.sla_box.show()  # as after the lesson's SLA event
    window.redraw()
    before = usd(24789.0, 2)
    assert before in lesson.sla_box.text() and before in window.ai_caption.text()
    later = dataclasses.replace(jobs_report(jobs=2, interrupted=2), sla_penalty_usd=30000.0)
    QTimer.singleShot(0, lambda: window.on_ai_report(later))  # arrives while the tabs are shown
    found = facts.collect(window)
    penalty = found["state"]["sla_penalty_usd"]
    shown = [w["text"] for w in found["widgets"] if before in w["text"] or usd(30000.0, 2) in w["text"]]
    assert len(shown) >= 2, shown  # the AI card and the Lesson's SLA box
    assert all(usd(penalty, 2) in text for text in shown), (penalty, shown)
    qtbot.waitUntil(lambda: window.lab.facts()["sla_penalty_usd"] == 30000.0, timeout=2000)  # held, not lost


def test_blocks_found_never_run_ahead_of_the_height(english, qtbot, tmp_path):
    """The wallet reads the chain on its own thread and may see block 96 before the window's
    getblockchaininfo does: at height 95 the lab cannot have found 96 blocks."""
    window = lab_window(tmp_path)
    qtbot.addWidget(window)
    mined = tuple(HistoryEntry(f"{h:064x}", "mined", 50, 0, "bcrt1q", 0.0, 96 - h + 1, h) for h in range(96, 0, -1))
    window.on_wallet_state(WalletState("lab", 96, "cc" * 32, 0, 0, 0, 0, 96, "bcrt1q", (), mined))
    state = facts.collect(window)["state"]
    assert (state["height"], state["blocks_found"]) == (95, 95)
    assert "95 blocks found" in window.hashrate_caption.text()


def test_a_chart_drawn_with_an_si_prefix_says_what_its_labels_stand_for(english, qtbot, tmp_path):
    """pyqtgraph's SI prefix draws 20 for 0.020 (x0.001): the facts say so, and the window's
    charts never take one (their difficulty axis agrees with the card)."""
    window = lab_window(tmp_path)
    qtbot.addWidget(window)
    axis = facts.pg.AxisItem("left")
    axis.setLabel("difficulty")
    axis.enableAutoSIPrefix(True)
    axis.setRange(0.02, 0.045)
    assert facts.unit_scale(axis) == pytest.approx(0.001)
    axis.enableAutoSIPrefix(False)
    axis.setRange(0.02, 0.045)
    assert facts.unit_scale(axis) == 1.0
    window.toggle_theme()  # the toggle that locked pyqtgraph's milli scale (issue 18, item 2)
    chart = window.chain.difficulty_chart
    chart.append("difficulty", 95, 0.0418)
    window.redraw()
    assert facts.unit_scale(chart.getPlotItem().getAxis("left")) == 1.0


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
        done = snapshot_cli(*args)
        assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)


@pytest.mark.node  # the snapshot command runs the whole lab, node included, in a child process
@pytest.mark.slow  # ~12 s; test_lesson_panel's snapshot test runs the command in the default suite
def test_snapshot_writes_the_facts_of_the_window_it_saved(tmp_path):
    out, out_facts = tmp_path / "light.png", tmp_path / "light.json"
    done = snapshot_cli(
        *("--tab", "economics", "--size", "1280x720", "--theme", "light", "--after", "8"),
        *("--ai-cores", "1", "--ai-back-after", "6", "--lab-hashrate", "2e6"),
        *("--facts", str(out_facts), str(out)),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    found = json.loads(out_facts.read_text(encoding="utf-8"))
    assert found["size"] == [1280, 720] and found["current_tab"] == "economics"
    assert found["state"]["height"] >= 1 and found["state"]["ai_cores"] == 0, "the AI cores were taken back"
    assert {p["tab"] for p in found["pages"]} == {entry.name for entry in TABS}
    assert any(w["text"] == "Dark" for w in found["widgets"]), "the light theme's button offers Dark"


# --- accessibility ---------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_control_card_table_list_and_chart_has_an_accessible_name_in_tab_order(english, qtbot, tmp_path, lang):
    """All of them, on every tab and sub-tab, shown or not (a screen reader reaches them all), and
    the Tab key visits them in the order they are on screen."""
    from gui.qt import QWidget

    window = lab_window(tmp_path, lang)
    qtbot.addWidget(window)
    unnamed = [
        (type(w).__name__, w.objectName(), w.toolTip()[:60])
        for w in window.findChildren(QWidget)
        if facts.needs_name(w) and not facts.accessible(w)[0].strip()
    ]
    assert not unnamed, "\n".join(map(str, unnamed))
    pages = facts.collect(window)["pages"]
    tab_stops = [s for page in pages for s in page["tab_order"]]
    assert tab_stops and all(s["name"].strip() for s in tab_stops), [s for s in tab_stops if not s["name"]]
    # Tab order follows the visual order, the language picker (bottom right) last
    for page in pages:
        stops = page["tab_order"]
        assert stops[-1]["kind"] == "QComboBox" and stops[-1]["y"] > window.height() - 60, "the language picker is last"
        assert not _visits_against_the_eye(stops), (page["tab"], _visits_against_the_eye(stops))


def test_cards_say_title_value_and_caption_and_charts_their_latest_value(english, qtbot, tmp_path):
    window = lab_window(tmp_path)
    qtbot.addWidget(window)
    found = facts.collect(window)
    cards = {w["name"] for w in found["widgets"] if w["object"] == "card" and w["tab"] is None}
    blocks = next(name for name in cards if name.startswith("Blocks"))
    assert blocks.startswith("Blocks: 95. ") and "target every 5 s" in blocks
    assert any(name.startswith("AI jobs: 2.5 GFLOP/s. ") and "penalty" in name for name in cards), cards
    window.chain.difficulty_chart.append("difficulty", 95, 0.0418)
    window.chain.difficulty_chart.redraw()
    name = facts.accessible(window.chain.difficulty_chart)[0]
    assert name.startswith(window.chain.difficulty_chart.title) and "0.0418" in name, name


def _visits_against_the_eye(stops: list[dict]) -> list[tuple[str, str]]:
    """Consecutive Tab stops where the second is left of the first on the same row, or above it
    without moving to a column further right."""
    wrong = []
    for a, b in zip(stops, stops[1:]):
        same_row = b["y"] < a["y"] + a["h"] and a["y"] < b["y"] + b["h"]
        left_on_its_row = same_row and b["x"] + b["w"] <= a["x"]
        up_in_its_column = b["y"] + b["h"] <= a["y"] and b["x"] < a["x"] + a["w"]
        if left_on_its_row or up_in_its_column:
            wrong.append((a["name"], b["name"]))
    return wrong


def _contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme,presenter", [("dark", False), ("light", False), ("dark", True)])
def test_focus_ring_and_disabled_look_are_visible_in_every_theme(english, qtbot, tmp_path, theme, presenter):
    from gui.qt import QColor
    from gui.window.theme import PRESENTER_DARK, THEMES

    look = PRESENTER_DARK if presenter and theme == "dark" else THEMES[theme]
    assert _contrast(look.focus, look.window) >= 3 and _contrast(look.focus, look.panel) >= 3
    window = lab_window(tmp_path, theme=theme, presenter=presenter)
    qtbot.addWidget(window)
    window.activateWindow()
    button = window.export_button
    plain = button.grab().toImage()
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    focused = button.grab().toImage()
    ring = QColor(look.focus)

    def ring_pixels(image) -> int:
        return sum(
            1
            for x in range(image.width())
            for y in (1, image.height() // 2, image.height() - 2)
            if QColor(image.pixel(x, y)) == ring
        ) + sum(1 for y in range(image.height()) if QColor(image.pixel(1, y)) == ring)

    assert ring_pixels(plain) == 0
    assert ring_pixels(focused) >= image_edges(focused) * 0.5, "a 2 px ring round the focused button"
    button.clearFocus()
    window.pause_button.setEnabled(False)
    disabled = window.pause_button.grab().toImage()
    window.pause_button.setEnabled(True)
    enabled = window.pause_button.grab().toImage()
    assert disabled != enabled, "a disabled button looks different from an enabled one"


def image_edges(image) -> int:
    """Pixels ring_pixels can find on a full ring: the top and bottom rows, and the left column."""
    return 2 * image.width() + image.height()


# --- layout ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "lang,size,presenter",
    [("fr", (1280, 720), True), ("fr", (1280, 720), False), ("en", (1280, 720), True), ("fr", (1366, 768), True)],
)
def test_every_tab_fits_the_window_without_sideways_scrolling(english, qtbot, tmp_path, lang, size, presenter):
    window = lab_window(tmp_path, lang, presenter=presenter, size=size)
    qtbot.addWidget(window)
    found = facts.collect(window)
    assert found["size"] == list(size), "the window grew past the size asked"
    assert window.minimumSizeHint().width() <= size[0]
    assert [p["tab"] for p in found["pages"] if p["scrolls_sideways"]] == []
    assert [(w["tab"], w["text"]) for w in found["widgets"] if w["clipped"]] == [], "a button's words cut"


def test_the_card_row_keeps_its_height_whatever_the_captions_say(english, qtbot, tmp_path):
    window = lab_window(tmp_path, "fr")
    qtbot.addWidget(window)
    qtbot.wait(10)
    row_top = window.capacity_slider.mapTo(window, window.capacity_slider.rect().topLeft()).y()
    long = jobs_report(jobs=1234, interrupted=56)
    window.on_ai_report(long)
    window.ai_caption.setText(window.ai_caption.text() + " · " + window.ai_caption.text())
    window.redraw()
    qtbot.wait(10)
    assert window.capacity_slider.mapTo(window, window.capacity_slider.rect().topLeft()).y() == row_top
    from gui.qt import QLabel

    shown = QLabel.text(window.ai_caption)  # what is drawn; text() is the whole caption
    assert shown.endswith("…") and window.ai_caption.toolTip() == window.ai_caption.text()
    assert "5\u00a0s" in QLabel.text(window.height_caption), "a number keeps its unit on its line"


def test_the_chain_table_shows_both_ends_of_each_hash(english, qtbot, tmp_path):
    from gui.chain.service import BlockRow
    from gui.qt import Qt

    window = lab_window(tmp_path, "fr", presenter=True)
    qtbot.addWidget(window)
    hashes = ["0000" + "ab" * 28 + "1111", "0000" + "ab" * 28 + "2222"]
    rows = [
        BlockRow(
            height=h,
            hash=hashes[h - 1],
            time=1_700_000_000 + h,
            bits="1f00ffff",
            difficulty=0.04,
            subsidy_btc=50,
            interval_s=5,
        )
        for h in (1, 2)
    ]
    window.chain.add_blocks(rows)
    window.redraw()
    table = window.chain.table
    assert table.textElideMode() == Qt.TextElideMode.ElideMiddle
    assert {table.item(i, 1).text() for i in range(2)} == set(hashes), "the whole hash, elided in the middle"


def test_a_worksheet_question_is_never_split_by_a_page_foot(qapp):
    from gui.lesson.worksheet import keep_blocks_whole
    from gui.qt import QSizeF, QTextDocument

    doc = QTextDocument()
    line = "<br><br>" + "_" * 40 + "<br>"
    doc.setHtml("<ol>" + "".join(f"<li><b>Question {i}</b><br>Why?{line}</li>" for i in range(1, 13)) + "</ol>")
    doc.setPageSize(QSizeF(400, 230))
    height, layout = doc.pageSize().height(), doc.documentLayout()

    def straddling() -> list[int]:
        out, block, i = [], doc.begin(), 0
        while block.isValid():
            rect = layout.blockBoundingRect(block)
            if int(rect.top() // height) != int((rect.bottom() - 1) // height):
                out.append(i)
            block, i = block.next(), i + 1
        return out

    assert straddling(), "the test's questions must straddle page feet to begin with"
    assert keep_blocks_whole(doc) > 0
    assert straddling() == []


def test_cut_texts_read_whole(english):
    """Item 12's cut texts: the node banner's sentence, the wallet's address and txid, the unit of
    the merchant's wait."""
    from gui.formats import grouped, short_id
    from gui.window.node_process import unexpected_stop_text

    for crashed in (True, False):
        text = unexpected_stop_text(9, crashed)
        assert "exit code" not in text and text.endswith("restart it to carry on.")
    address = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"
    assert grouped(address).replace(" ", "") == address and max(map(len, grouped(address).split())) == 4
    txid = "ab" * 32
    assert short_id(txid) == txid[:16] + "…" + txid[-8:]


def test_the_merchant_waits_for_blocks_not_a_bare_number(english, qtbot, tmp_path):
    window = lab_window(tmp_path)
    qtbot.addWidget(window)
    attack = window.tab("attack")
    spin = attack.confirmations
    spin.setValue(2)
    assert spin.text() == "2 blocks"
    spin.setValue(1)
    assert spin.text() == "1 block"


def test_french_charts_write_their_ticks_and_text_alternative_the_french_way(english, qtbot, tmp_path):
    window = lab_window(tmp_path, "fr")
    qtbot.addWidget(window)
    chart = window.chain.difficulty_chart
    for height, difficulty in ((90, 0.0209), (95, 0.0418)):
        chart.append("difficulty", height, difficulty)
    window.redraw()
    found = next(c for c in facts.collect(window)["charts"] if c["title"] == chart.title)
    decimals = [t for t in found["y_ticks"] if not t.isdigit()]
    assert decimals and all("," in t and "." not in t for t in decimals), found["y_ticks"]
    assert found["name"].endswith("0,0418") and "difficulty" not in found["name"], found["name"]
