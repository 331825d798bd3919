"""The Lesson tab in the window (steps moved by the controller's signals, the feed with this run's
numbers, chart marks, the SLA explanation, presenter mode), New lesson, the worksheet PDF and
`mine2compute snapshot`."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest

from engine.capacity import Allocation
from engine.economy.halvings import subsidies_btc
from engine.lesson import tracker as t
from gui.chain.service import BlockRow
from gui.qt import QSettings
from gui.window.controller import LabController
from tests.helpers.lab_reports import ai_report
from tests.helpers.windows import snapshot_cli

CONSENSUS = {
    "pow_target_spacing": 5,
    "difficulty_adjustment_interval": 24,
    "subsidy_halving_interval": 50,
    "start_difficulty": 1.0,
}


def rows(n, seconds=lambda h: 3):
    out, t, d = [], 1_700_000_000, 1.0
    for h in range(n + 1):
        t += seconds(h) if h else 0
        if h > 24 and h % 24 == 0:  # the lab skips the window that starts at genesis
            d = d * 120 / (out[h - 1].time - out[h - 24].time)
        out.append(
            BlockRow(h, f"{h:064x}", t, "1d00ffff", d, float(subsidies_btc(h, 50)), seconds(h) if h > 1 else None)
        )
    return out


def report(penalty):
    return ai_report(
        elapsed_s=60,
        contracted_slots=1,
        jobs_done=40,
        jobs_interrupted=2,
        gflop_done=10,
        gflop_lost=1,
        gflop_s_per_slot=1,
        latency_ms_mean=5,
        latency_ms_p95=9,
        billed_usd=1234.0,
        contracted_slot_s=60,
        downtime_slot_s=6,
        availability=0.9,
        sla_availability=0.99999,
        sla_penalty_usd=penalty,
    )


@pytest.fixture
def window(qtbot, tmp_path):
    from gui.window.main_window import MainWindow

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    controller = LabController(datadir=tmp_path / "data", settings=settings, total_cores=2)
    w = MainWindow(controller)
    qtbot.addWidget(w)
    info = {
        "chain": "lab",
        "blocks": 0,
        "bestblockhash": "00" * 32,
        "difficulty": 1.0,
        "time": 0,
        "consensus": CONSENSUS,
    }
    controller.chain_info.emit(info)
    return w


def test_the_lesson_follows_the_runs_events(window):
    lesson, c = window.tab("lesson"), window.controller
    assert any(window.tabs.tabText(i) == "Lesson" for i in range(window.tabs.count()))
    assert "1" in lesson.step_number.text() and lesson.step_title.text() == "A real Bitcoin chain on this computer"
    chain = rows(100, lambda h: 3 if h <= 49 else 9)
    c.blocks.emit(chain[:26], False)
    assert lesson.tracker.step.key == "retarget"  # none at 24: that window starts at the 2011 genesis
    c.blocks.emit(chain[26:50], False)
    assert lesson.tracker.step.key == "move_to_ai"
    feed = [lesson.feed.item(i).text() for i in range(lesson.feed.count())]
    assert any(
        f.startswith(
            "retarget at 48: the last blocks took 3.0 s on average against 5 s (Core's timespan / interval: 2.9 s), "
            "so the difficulty rose ×1.74"
        )
        for f in feed
    ), feed
    c.allocation.emit(Allocation(total_cores=2, mining_slots=1, ai_slots=1))
    c.blocks.emit(chain[50:], False)
    feed = [lesson.feed.item(i).text() for i in range(lesson.feed.count())]
    assert any(
        "halving at 50: the lab's reward 50 -> 25 BTC; it stands for the real halving of 2028: 3.125 -> 1.5625 BTC" in f
        for f in feed
    ), feed
    assert any(f.startswith("after the exodus (cores moved to AI at 49)") for f in feed)
    marks = [i for i in window.tab("chain").difficulty_chart.plot_item.items if type(i).__name__ == "InfiniteLine"]
    assert {round(m.value()) for m in marks} >= {48, 50, 72, 96, 100}
    assert lesson.sla_box.isHidden()
    c.ai_report.emit(report(0.0))
    c.ai_report.emit(report(432.1))
    assert not lesson.sla_box.isHidden() and "$432.10" in lesson.sla_box.text() and "99.999%" in lesson.sla_box.text()
    timeline = [lesson.timeline.item(i).text() for i in range(lesson.timeline.count())]
    assert any("lab block 100" in x and "2032" in x for x in timeline)
    # the default preset flips at a lab halving: the first, or the second when the exodus (here
    # after block 49) lowered the lab's difficulty, and so raised mining's revenue, enough
    flip = lesson.tracker.first(t.CROSSOVER)
    feed = [lesson.feed.item(i).text() for i in range(lesson.feed.count())]
    assert flip is not None and flip.height in (50, 100), flip
    assert any(f.startswith(f"crossover at block {flip.height}") for f in feed), feed
    while lesson.tracker.step.key != "crossover":
        lesson.next_button.click()
    assert f"crossover at block {flip.height}" in lesson.step_watch.text()  # shown when the step comes


def test_the_timelines_halving_lines_read_on_every_theme(window):
    """The lab's halvings in the timeline were #e0a030 on every theme: 2.0:1 on the light
    theme's white (text needs 4.5:1)."""
    from gui.widgets.charts import contrast_ratio
    from gui.window.theme import THEMES

    lesson, c = window.tab("lesson"), window.controller
    c.blocks.emit(rows(60), False)  # a halving at 50
    lesson._fill_timeline()
    for name in ("dark", "light"):
        if window.theme_name != name:
            window.toggle_theme()
        items = [lesson.timeline.item(i) for i in range(lesson.timeline.count())]
        halvings = [it for it in items if "halving 1 of the lab" in it.text()]
        assert halvings, [it.text() for it in items]
        for it in halvings:
            colour = it.foreground().color().name()
            assert contrast_ratio(colour, THEMES[name].panel) >= 4.5, (name, colour)


def test_steps_by_hand_and_presenter(window):
    lesson = window.tab("lesson")
    lesson.next_button.click()
    assert lesson.tracker.step.key == "retarget" and lesson.previous_button.isEnabled()
    lesson.previous_button.click()
    assert lesson.tracker.step.key == "start" and not lesson.previous_button.isEnabled()
    small = lesson.step_title.fontInfo().pointSize()
    window.presenter_button.setChecked(True)
    assert lesson.step_title.fontInfo().pointSize() > small and lesson.timeline.parentWidget().isHidden()


def test_new_lesson_uses_a_fresh_folder_at_lesson_pace(qtbot, tmp_path):
    from gui.window.main_window import MainWindow

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    own = tmp_path / "data" / "lab"
    own.mkdir(parents=True)
    (own / "chainparams.json").write_text("{}")
    controller = LabController(datadir=tmp_path / "data", settings=settings, total_cores=2, lab_hashrate_hs=1e6)
    folder = controller.new_lesson()
    assert folder.parent == tmp_path / "data" / "lessons"
    again = LabController(datadir=tmp_path / "data", settings=settings, total_cores=2, lab_hashrate_hs=1e6)
    launched = []
    again._launch = launched.append
    again.start()
    node = launched[0]
    assert again.lesson and node.datadir == folder
    assert node.extra_args[-2:] == ("--pace", "lesson") and "--lab-hashrate" in node.extra_args
    assert (own / "chainparams.json").exists()
    window = MainWindow(again)
    qtbot.addWidget(window)
    assert window.tab("lesson").leave_button.isVisibleTo(window.tab("lesson"))  # a way back to the user's own chain
    again.leave_lesson()
    back = LabController(datadir=tmp_path / "data", settings=settings, total_cores=2)
    back._launch = launched.append
    back.start()
    assert not back.lesson and launched[-1].datadir == tmp_path / "data" and "--pace" not in launched[-1].extra_args


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler) is not installed")
def test_worksheet_pdf_has_questions_and_this_runs_key(window, tmp_path):
    from gui.lesson.worksheet import write_worksheet

    lesson = window.tab("lesson")
    window.controller.blocks.emit(rows(60), False)
    out = write_worksheet(tmp_path / "w.pdf", lesson.tracker, lesson.values_source(), lesson.start_difficulty)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(unicodedata.normalize("NFKC", text).split())  # wrapped lines, ligatures (ﬁ)
    assert "Why does nobody decide who finds the next block?" in text
    assert "Answer key (this run)" in text and "Blocks on the chain: 60" in text
    assert "48" in text and "×1.74" in text
    assert "2028" in text and "break-even price" in text
    with pytest.raises(OSError, match="no such folder"):
        write_worksheet(tmp_path / "missing" / "w.pdf", lesson.tracker, None, None)


def test_snapshot_refuses_bad_input_clearly(tmp_path):
    for args, words in (
        (["--size", "big", str(tmp_path / "a.png")], "--size must look like 1366x768"),
        (["--after", "-1", str(tmp_path / "a.png")], "--after must be between"),
        ([str(tmp_path / "a.jpg")], "OUT must end in .png"),
        ([str(tmp_path / "nowhere" / "a.png")], "no such folder"),
    ):
        done = snapshot_cli(*args)
        assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr


@pytest.mark.node  # the snapshot command runs the whole lab, node included, in a child process
def test_snapshot_runs_the_lab_and_saves_the_window(tmp_path):
    from gui.qt import QImage

    out = tmp_path / "fr.png"
    done = snapshot_cli(
        "--lang", "fr", "--tab", "lesson", "--size", "1280x720", "--after", "12", "--lab-hashrate", "2e6", str(out)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 720)
    assert "tab lesson" in done.stdout and "height " in done.stdout


def test_the_lesson_in_french_with_events_shows_no_english(qtbot, tmp_path):
    from gui import i18n
    from gui.window.main_window import MainWindow
    from tests.helpers.visible_text import english_words, visible_texts

    assert i18n.install("fr") == "fr"
    try:
        settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
        controller = LabController(datadir=tmp_path / "data", settings=settings, total_cores=2)
        window = MainWindow(controller)
        qtbot.addWidget(window)
        controller.chain_info.emit(
            {
                "chain": "lab",
                "blocks": 0,
                "bestblockhash": "00" * 32,
                "difficulty": 1.0,
                "time": 0,
                "consensus": CONSENSUS,
            }
        )
        chain = rows(100, lambda h: 3 if h <= 49 else 9)
        controller.blocks.emit(chain[:50], False)
        controller.allocation.emit(Allocation(total_cores=2, mining_slots=1, ai_slots=1))
        controller.blocks.emit(chain[50:], False)
        controller.ai_report.emit(report(432.1))
        lesson = window.tab("lesson")
        feed = [lesson.feed.item(i).text() for i in range(lesson.feed.count())]
        assert any("ajustement à 48" in f and "×1,74" in f for f in feed), feed
        assert any(
            "halving à 50 : la récompense du labo 50 -> 25 BTC ; elle représente le vrai "
            "halving de 2028 : 3,125 -> 1,5625 BTC" in f
            for f in feed
        ), feed
        found = [
            (where, sorted(w), text[:90])
            for where, text in visible_texts(lesson)
            for w in [english_words(text or "")]
            if w
        ]
        assert not found, found
    finally:
        i18n.install("en")


def test_a_heading_never_sits_alone_at_a_page_foot(qapp):
    from gui.lesson.worksheet import keep_headings_with_next
    from gui.qt import QSizeF, QTextDocument

    def pages(doc, height):
        layout, block, out = doc.documentLayout(), doc.begin(), []
        while block.isValid():
            out.append((block.blockFormat().headingLevel(), int(layout.blockBoundingRect(block).top() // height)))
            block = block.next()
        return out

    height = 300.0
    for n in range(1, 60):  # find a filler length that leaves the heading at a page's foot
        doc = QTextDocument()
        doc.setPageSize(QSizeF(400, height))
        doc.setHtml("<p>filler line</p>" * n + "<h3>Halvings</h3><table border='1'><tr><td>50</td></tr></table>")
        before = pages(doc, height)
        heading = next(i for i, (level, _) in enumerate(before) if level)
        if before[heading][1] != before[heading + 1][1]:
            break
    else:
        pytest.fail("no filler length put the heading at a page's foot")
    assert keep_headings_with_next(doc, height) == 1
    after = pages(doc, height)
    assert after[heading][1] == after[heading + 1][1] == before[heading + 1][1]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler) is not installed")
def test_worksheet_tasks_and_their_key_from_the_run(window, tmp_path):
    from engine.lesson.answers import answer_key
    from gui.lesson.worksheet import write_worksheet

    lesson = window.tab("lesson")
    window.controller.blocks.emit(rows(120, lambda h: 3 if h <= 49 else 6), False)
    values = lesson.values_source()
    assert values, "the Economics tab publishes the scenario"
    out = write_worksheet(tmp_path / "w.pdf", lesson.tracker, values, lesson.start_difficulty)
    raw = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(unicodedata.normalize("NFKC", raw).split())
    assert "Tasks: numbers from the screen" in text and "the difficulty before ________" in text
    key = answer_key(lesson.tracker, values, lesson.start_difficulty)
    r, h = key["retargets"][0], key["halvings"][0]
    assert f"Task 1: at block {r['height']} the difficulty went from" in text
    assert f"Task 2: at block {h['height']} the lab's reward went from 50 to 25 BTC" in text
    assert f"${h['hashprice_before']:,.2f} -> ${h['hashprice_after']:,.2f}" in text
    assert h["hashprice_before"] / 2 < h["hashprice_after"] < h["hashprice_before"]  # fees do not halve
    d = key["decisions"][-1]
    assert f"{d['lead_months']:.0f} months before the first AI revenue" in text and "Task 3" in text
    headings = {"Retargets", "Halvings", "Task 1: a retarget", "Task 2: a halving", "Task 3: the conversion decision"}
    for page in raw.split("\f")[:-1]:
        lines = [x.strip() for x in page.splitlines() if x.strip()]
        assert lines and lines[-1] not in headings, lines[-3:]
