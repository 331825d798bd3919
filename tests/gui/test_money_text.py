"""What a class reads on the Economics and Lesson tabs, in English and French: money with a minus
sign in front when negative (never QLocale's accounting brackets "($960,101)", read as a positive
figure), the same text on the Lesson feed, the worksheet's key and the Economics tab
(gui/formats.py `usd` and `money`); every Economics chart's title and legend inside its chart at
1366x768, presenter mode or not; and cards that keep their height as their captions change."""

from __future__ import annotations

import pytest

from engine.economy.conversion import conversion_decision
from engine.economy.scenarios import load_scenario, preset_dir
from engine.lesson import tracker as t
from gui import i18n
from gui.economics.panel import EconomicsPanel
from gui.lesson.tab import LessonTab
from gui.lesson.text import crossover_text
from gui.lesson.worksheet import _task_decision
from gui.qt import QPointF

# What the language writes for −$1,234,568 (French: a narrow no-break space between thousands and a
# no-break space before "$", as QLocale fr writes a currency).
KEEP_NPV = -1_234_567.8
SHOWN = {"en": "\u2212$1,234,568", "fr": "\u22121\u202f234\u202f568\u00a0$"}


@pytest.fixture
def user_dir(tmp_path, monkeypatch):
    """An empty folder for the user's scenario copies, so the real one never leaks in."""
    monkeypatch.setenv("MINE2COMPUTE_SCENARIO_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def language(qapp, request):
    assert i18n.install(request.param) == request.param
    yield request.param
    i18n.install("en")


def crossover(keep_npv: float) -> dict:
    """A real decision of the default preset, with keeping 1 MW mining now worth `keep_npv`."""
    scenario = load_scenario(preset_dir() / "corsicana-split.toml")  # the Economics tab's default
    decision = conversion_decision(scenario.values(), 1, 1.0, scenario.ai_mode).as_dict()
    return dict(decision, height=50, difficulty_ratio=1.0, keep_npv_usd=keep_npv)


@pytest.mark.parametrize("language", ["en", "fr"], indirect=True)
def test_a_negative_npv_in_the_lesson_feed_has_a_minus_sign(qtbot, language):
    lesson = LessonTab()
    qtbot.addWidget(lesson)
    lesson._show([t.LessonEvent(t.CROSSOVER, 50, crossover(KEEP_NPV))])
    shown = lesson.feed.item(0).text()
    assert SHOWN[language] in shown, shown
    assert "($" not in shown and "$)" not in shown, shown
    assert crossover_text(crossover(KEEP_NPV)) == shown  # the crossover step's text is the feed's


@pytest.mark.parametrize("language", ["en", "fr"], indirect=True)
def test_a_negative_npv_in_the_worksheets_key_has_a_minus_sign(qapp, language):
    shown = _task_decision({"decisions": [crossover(KEEP_NPV)], "crossover": None})
    assert SHOWN[language] in shown, shown
    assert "($" not in shown and "$)" not in shown, shown


@pytest.mark.parametrize("language", ["en", "fr"], indirect=True)
def test_a_negative_npv_on_the_economics_tab_has_a_minus_sign(qtbot, user_dir, language):
    panel = EconomicsPanel()
    qtbot.addWidget(panel)
    panel.set_parameter("btc_price_usd", 5_000.0)  # mining at a loss: keeping the machines is worth less than nothing
    text = panel.decisions_view.horizon_text.text()
    npv = text.split("NPV " if language == "en" else "VAN ")[1]
    assert npv.startswith("\u2212"), text
    assert "(" not in npv.split(".")[0].split(",")[0], text


# --- the Economics tab at a classroom's screen size ------------------------------------------------
def economics_window(tmp_path, presenter: bool):
    """The window (no node) at 1366x768 on the Economics tab, as a teacher shows it."""
    from gui.qt import QSettings
    from gui.window.controller import LabController
    from gui.window.main_window import MainWindow
    from gui.window.tabs import TABS

    settings = QSettings(str(tmp_path / f"{presenter}.ini"), QSettings.Format.IniFormat)
    settings.setValue("ui/presenter", presenter)
    window = MainWindow(LabController(datadir=tmp_path / "data", settings=settings, total_cores=2))
    window.tabs.setCurrentIndex([entry.name for entry in TABS].index("economics"))
    window.show()
    window.setMaximumSize(16_777_215, 16_777_215)  # as snapshot does: the size asked wins
    window.resize(1366, 768)
    return window


@pytest.mark.parametrize("presenter", [True, False], ids=["presenter", "normal"])
@pytest.mark.parametrize("language", ["en", "fr"], indirect=True)
def test_every_economics_chart_title_and_legend_fit_at_1366x768(qtbot, user_dir, tmp_path, language, presenter):
    window = economics_window(tmp_path, presenter)
    qtbot.addWidget(window)
    panel = window.tab("economics")
    cut = []
    for index in range(panel.views.count()):
        panel.views.setCurrentIndex(index)
        qtbot.wait(20)
        for name, chart in panel.charts.items():
            if not chart.isVisible():
                continue
            plot, title = chart.plot_item, chart.plot_item.titleLabel
            drawn = title.itemRect().width()  # the title as drawn, at the chart's font
            # the plot (axes and title) inside the chart's widget, the title inside the plot's area
            if plot.geometry().right() > chart.viewport().width() + 1 or drawn > plot.vb.width() + 1:
                cut.append((name, chart.title, round(drawn), round(plot.vb.width()), chart.width()))
            # a legend is not laid out: one wider than the plot runs past the chart's edge
            legend = chart.legend.boundingRect().width() if chart.legend is not None else 0
            if legend > plot.vb.width():
                cut.append((name, "legend", round(legend), round(plot.vb.width())))
            if chart.legend is not None:  # and no line runs under it
                box = chart.legend.sceneBoundingRect()
                for item in plot.listDataItems():
                    xs, ys = item.getData()
                    for x, y in zip(xs if xs is not None else (), ys if ys is not None else ()):
                        if box.contains(plot.vb.mapViewToScene(QPointF(float(x), float(y)))):
                            cut.append((name, "under the legend", item.name()))
                            break
                for label in getattr(chart, "labels", {}).values():  # a bar's value
                    if label.isVisible() and label.sceneBoundingRect().intersects(box):
                        cut.append((name, "under the legend", label.textItem.toPlainText()))
    assert not cut, cut
    bar = panel.views.tabBar()  # the three views' names all shown: none scrolled off the bar's edge
    shown = [bar.tabRect(i) for i in range(bar.count())]
    assert shown[0].left() >= 0 and shown[-1].right() <= bar.width(), [bar.tabText(i) for i in range(bar.count())]


@pytest.mark.parametrize("language", ["en", "fr"], indirect=True)
def test_the_economics_cards_keep_their_height_as_their_captions_change(qtbot, user_dir, language):
    panel = EconomicsPanel()
    qtbot.addWidget(panel)
    panel.resize(1366, 620)
    panel.show()
    cards = panel.cards
    frames = [c.parentWidget() for c in (cards.hashprice_caption, cards.profit_caption)]
    charts_top = panel.views.mapTo(panel, panel.views.rect().topLeft()).y()

    def heights() -> list[int]:
        qtbot.wait(20)
        return [f.height() for f in frames] + [panel.views.mapTo(panel, panel.views.rect().topLeft()).y()]

    short = heights()
    assert short[-1] == charts_top
    whole = " ".join([cards.profit_caption.text()] * 4)  # four times as long: five lines and more
    for caption in (cards.hashprice_caption, cards.profit_caption):
        caption.setText("$1")
    assert heights() == short, "a one-line caption moved the cards"
    cards.profit_caption.setText(whole)
    assert heights() == short, "a long caption moved the cards and the charts under them"
    from gui.qt import QLabel

    drawn = QLabel.text(cards.profit_caption)  # what is drawn; text() is the whole caption
    assert drawn.endswith("…") and cards.profit_caption.toolTip() == whole


def test_snapshot_facts_say_the_feeds_money_as_the_feed_does(qtbot, user_dir, tmp_path):
    from gui.window import facts

    window = economics_window(tmp_path, presenter=False)
    qtbot.addWidget(window)
    lesson = window.tab("lesson")
    lesson._show([t.LessonEvent(t.CROSSOVER, 50, crossover(KEEP_NPV))])
    feed = [w for w in facts.collect(window)["widgets"] if w["name"] == lesson.feed.accessibleName()]
    lists = [w["text"] for w in feed if w["kind"] == "QListWidget"]
    assert lists == [lesson.feed.item(0).text()] and SHOWN["en"] in lists[0], lists


@pytest.mark.parametrize("language", ["en", "fr"], indirect=True)
def test_a_chart_axis_writes_negative_ticks_with_a_minus_sign(qtbot, language):
    """The Decisions charts' cash axis goes below zero: its ticks read as the cards' money does."""
    from gui.widgets.charts import PlainAxis

    axis = PlainAxis("left")
    labels = axis.tickStrings([-1.5, -0.5, 0.0, 0.5], 1.0, 0.5)
    point = "," if language == "fr" else "."
    assert labels == [f"\u22121{point}5", f"\u22120{point}5", "0", f"0{point}5"], labels
