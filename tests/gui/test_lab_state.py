"""One lab state (LabState.facts) that every card, tab, feed and worksheet reads: the SLA over the
whole run, the block each card speaks for, the start-up figures, the difficulty axis agreeing
with the card after theme and presenter toggles."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from engine.ai.billing import AIReport
from engine.capacity import Allocation
from engine.economy.halvings import subsidies_btc
from engine.primitives.params import ConsensusParams
from gui.chain.service import BlockRow
from gui.qt import QSettings
from gui.window.controller import LabController
from tests.helpers.lab_reports import ai_report

LESSON = ConsensusParams(
    halving_interval=48, target_spacing_s=5, retarget_interval=24, no_retargeting=False, start_bits=0x1E0FFFFF
)
GENESIS_TIME = 1296688602  # regtest's genesis, 2011


@pytest.fixture
def window(qtbot, tmp_path):
    from gui.window.main_window import MainWindow

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    controller = LabController(datadir=tmp_path / "data", settings=settings, total_cores=2)
    w = MainWindow(controller)
    qtbot.addWidget(w)
    w.show()
    w.on_node_ready("http://127.0.0.1:1")
    yield w
    w.close()


def info(height: int, difficulty: float, time: int) -> dict:
    return {
        "chain": "lab",
        "blocks": height,
        "bestblockhash": f"{height:064x}",
        "difficulty": difficulty,
        "time": time,
        "consensus": LESSON.to_consensus(),
    }


def chain_rows(n: int, difficulty=lambda h: 0.0418, gap=lambda h: 5) -> list[BlockRow]:
    out, t = [], 1_790_000_000
    for h in range(n + 1):
        t += gap(h) if h > 1 else 0
        out.append(
            BlockRow(
                h, f"{h:064x}", t, "1e0fffff", difficulty(h), float(subsidies_btc(h, 48)), gap(h) if h > 1 else None
            )
        )
    return out


def show_chain(window, n: int, **kw) -> list[BlockRow]:
    """The chain up to `n` as the controller hands it to the window and every tab."""
    rows = chain_rows(n, **kw)
    window.controller.chain_info.emit(info(n, rows[-1].difficulty, rows[-1].time))
    window.controller.blocks.emit(rows, False)
    window.redraw()
    return rows


def report(penalty: float, availability: float, downtime: float, cut: int) -> AIReport:
    return ai_report(
        elapsed_s=90,
        contracted_slots=1,
        jobs_done=400,
        jobs_interrupted=cut,
        gflop_done=100,
        gflop_lost=1,
        gflop_s=12.5,
        gflop_s_per_slot=6.25,
        latency_ms_mean=5,
        latency_ms_p95=9,
        billed_usd=30_000.0,
        contracted_slot_s=1000,
        downtime_slot_s=downtime,
        availability=availability,
        sla_availability=0.99982,
        sla_penalty_usd=penalty,
    )


def test_one_sla_figure_on_the_card_the_lesson_the_feed_the_worksheet_and_the_export(window, tmp_path):
    """The lesson used to keep the first report after the cores came back ($38.29) while the AI
    card went on to the run's figure ($24,789)."""
    from gui.lesson.worksheet import worksheet_html

    c, lesson = window.controller, window.tab("lesson")
    show_chain(window, 30)
    c.allocation.emit(Allocation(total_cores=2, mining_slots=1, ai_slots=1))
    c.ai_report.emit(report(0.0, 1.0, 0.0, 0))
    c.ai_report.emit(report(38.29, 0.99975, 0.25, 1))  # the first report after the cores came back
    c.ai_report.emit(report(24_789.0, 0.95405, 45.95, 3))  # the lease ran on: the run's figure
    window.redraw()
    assert "penalty $24,789.00" in window.ai_caption.text() and "95.405%" in window.ai_caption.text()
    box = lesson.sla_box.text()
    assert "$24,789.00" in box and "95.405%" in box and "46 core-seconds" in box and "3 requests" in box
    feed = [lesson.feed.item(i).text() for i in range(lesson.feed.count())]
    sla_lines = [f for f in feed if f.startswith("SLA penalty")]
    assert sla_lines == ["SLA penalty: $24,789.00 (uptime 95.405% against 99.982% promised)"], feed
    facts = window.lab.facts()
    assert facts["sla_penalty_usd"] == 24_789.0 and facts["sla_delivered"] == 0.95405
    page = worksheet_html(lesson.tracker, None, None, lesson.sla())
    assert "$24,789.00" in page and "95.405" in page and "38.29" not in page
    # and the export: the lab state's figures beside the charts
    window.export_all(tmp_path / "export")
    exported = json.loads((tmp_path / "export" / "lab_state.json").read_text())
    now = json.loads(json.dumps(window.lab.facts()))
    assert {k: v for k, v in exported.items() if k != "last_block_age_s"} == {
        k: v for k, v in now.items() if k != "last_block_age_s"
    }
    assert exported["sla_penalty_usd"] == 24_789.0


def test_each_card_names_the_block_it_speaks_for_from_start_up_on(window):
    """At height 0 the genesis is from 2011 (difficulty 4.657e-10, "138809 h ago"): the cards speak
    for block 1. At height 95 (halving every 48) block 95 paid 25 BTC; the 12.5 is the next block's."""
    window.controller.chain_info.emit(info(0, 4.656542373906925e-10, GENESIS_TIME))
    window.controller.blocks.emit(chain_rows(0), False)
    window.redraw()
    assert "e-10" not in window.difficulty_value.text() and window.difficulty_value.text() == "0.0002441"
    assert window.difficulty_caption.text().startswith("block 1 · ")
    assert " h " not in window.height_caption.text() and "ago" not in window.height_caption.text()
    assert window.reward_caption.text().startswith("block 1 · ")
    # The first window (24) does not retarget: at 23 the next retarget is at 48.
    show_chain(window, 23)
    assert "retarget at 48, in 25 blocks" in window.difficulty_caption.text()
    assert window.lab.facts()["retarget_in_blocks"] == 25
    show_chain(window, 95)
    facts = window.lab.facts()
    assert (facts["reward_btc"], facts["reward_block"], facts["next_reward_btc"]) == (25.0, 95, 12.5)
    assert window.reward_value.text() == "25 BTC"
    caption = window.reward_caption.text()
    assert caption.startswith("block 95 · ") and "next block 12.5 BTC" in caption
    assert window.difficulty_value.text() == "0.0418" and window.difficulty_caption.text().startswith("block 95 · ")
    show_chain(window, 100)
    assert window.reward_value.text() == "12.5 BTC" and "halving at 144, in 44 blocks" in window.reward_caption.text()


def test_difficulty_axis_agrees_with_the_card_after_theme_and_presenter_toggles(window):
    """pyqtgraph's SI prefix used to lock a milli scale (ticks 20, 40 for 0.02, 0.04) after a toggle."""
    show_chain(window, 60, difficulty=lambda h: 0.0418 if h < 48 else 0.0209)
    chart = window.tab("chain").difficulty_chart
    axis = chart.plot_item.getAxis("left")
    for toggle in (window.toggle_theme, lambda: window.presenter_button.setChecked(True)):
        toggle()
        window.redraw()
        assert axis.autoSIPrefixScale == 1.0 and axis.labelString().find("x") < 0
        ticks = [v for _, values in axis.tickValues(*axis.range, 400) for v in values]
        labels = axis.tickStrings(ticks, axis.autoSIPrefixScale * axis.scale, ticks[1] - ticks[0])
        assert all(float(label.replace(",", "")) < 0.1 for label in labels), labels


def test_ai_card_speed_measured_price_from_the_scenario_and_the_real_mean_gap(window):
    from engine.economy.scenario_params import PARAMETERS

    values = {name: spec.default for name, spec in PARAMETERS.items()}
    window.lab.publish_scenario(dict(values, site_mw=1000.0))
    window.on_ai_report(report(0.0, 1.0, 0.0, 0))
    price = window.lab.facts()["ai_usd_per_core_s"]
    assert price == pytest.approx(values["lease_usd_per_mw_it_year"] / 8760 / 3600 * 500 / values["pue"])
    assert window.ai_value.text() == "12.5 GFLOP/s" and window.ai_caption.text().startswith("measured · ")
    # the key's "mean time between blocks" is the real mean of the gaps, not Core's timespan / interval
    show_chain(window, 24, gap=lambda h: 12 if h % 2 else 13)
    gaps = [12 if h % 2 else 13 for h in range(2, 25)]
    assert window.lab.facts()["mean_block_interval_s"] == pytest.approx(sum(gaps) / len(gaps))
    # a reorg replaces the last blocks: their gaps leave the mean with them
    rows = chain_rows(24, gap=lambda h: 12 if h % 2 else 13)
    window.on_blocks([replace(rows[24], hash="ff" * 32, interval_s=40)], True)
    gaps[-1] = 40
    assert window.lab.facts()["mean_block_interval_s"] == pytest.approx(sum(gaps) / len(gaps))


def drawn_labels(chart) -> list[tuple[str, object]]:
    """(text, scene rectangle) of every vertical line's label drawn on `chart`, as painted."""
    chart.grab()  # pyqtgraph places a label's text when it paints
    out = []
    for item in chart.plot_item.items:
        if type(item).__name__ == "InfiniteLine" and item.label is not None and item.label.isVisible():
            out.append((item.label.toPlainText(), item.label.sceneBoundingRect()))
    return out


def test_chart_marks_never_overlap_grow_in_presenter_and_read_on_every_theme(window):
    """The lesson's retarget marks merged ("×1.79×1.56×0.4…"), halvings read "1…5", and the
    light theme's marks were 2.3:1 against white."""
    from gui.window.theme import LIGHT, PRESENTER_DARK, THEMES

    # the lesson marks every retarget (every 24 blocks after the first window) and halving (48)
    show_chain(window, 480, difficulty=lambda h: 0.04 * (1.1 if (h // 24) % 2 else 1.0))
    chain = window.tab("chain")
    assert len(drawn_labels(chain.difficulty_chart)) >= 3
    for chart in (chain.difficulty_chart, chain.reward_chart):
        labels = drawn_labels(chart)
        assert labels, chart.title
        for i, (text_a, a) in enumerate(labels):
            for text_b, b in labels[i + 1 :]:
                assert not a.intersects(b), (chart.title, text_a, text_b)
    halvings = sorted(text for text, _ in drawn_labels(chain.reward_chart))
    assert halvings and all(text.startswith("halving ") for text in halvings), halvings
    height = max(r.height() for _, r in drawn_labels(chain.difficulty_chart))
    window.presenter_button.setChecked(True)
    window.redraw()
    big = drawn_labels(chain.difficulty_chart)
    assert max(r.height() for _, r in big) > height * 1.2
    big = drawn_labels(chain.difficulty_chart)
    for _, r in big:  # still apart with the larger font
        assert sum(r.intersects(o) for _, o in big) == 1
    # every line and mark colour, 3:1 on its theme's chart background (WCAG 1.4.11)
    from gui.widgets.charts import PALETTES, contrast_ratio

    for theme, palette in PALETTES.items():
        backgrounds = [THEMES[theme].chart_bg] + ([PRESENTER_DARK.chart_bg] if theme == "dark" else [])
        colours = [c for v in palette.values() for c in (v if isinstance(v, list) else [v])]
        for bg in backgrounds:
            assert all(contrast_ratio(c, bg) >= 3.0 for c in colours), (theme, bg)
    window.presenter_button.setChecked(False)
    window.toggle_theme()
    window.redraw()
    for line in (i for i in chain.difficulty_chart.plot_item.items if type(i).__name__ == "InfiniteLine"):
        assert contrast_ratio(line.pen.color().name(), LIGHT.chart_bg) >= 3.0
        assert contrast_ratio(line.label.color.name(), LIGHT.chart_bg) >= 3.0


def test_the_legend_does_not_veil_the_hashrate_line(window):
    chain = window.tab("chain")
    for t in range(30):
        chain.add_hashrate(float(t), 2e7, (1e7, 1e7))
    window.redraw()
    chart = chain.hashrate_chart
    brush = chart.legend.brush()
    assert brush.style() == brush.style().NoBrush or brush.color().alpha() == 0
    # the line's highest point is drawn below the legend's row
    vb = chart.plot_item.vb
    top_of_line = vb.mapViewToScene(pg_point(0.0, 20.0)).y()
    legend_bottom = chart.legend.mapRectToScene(chart.legend.boundingRect()).bottom()
    assert top_of_line > legend_bottom


def pg_point(x: float, y: float):
    from gui.qt import QPointF

    return QPointF(x, y)


def item_colours(item) -> list[str]:
    """The colours a plot item draws with: its pen (curves, lines), or its brushes (dots, bars)."""
    import pyqtgraph as pg

    if isinstance(item, pg.PlotDataItem):
        return [pg.mkPen(item.opts["pen"]).color().name()]
    if isinstance(item, pg.InfiniteLine):
        label = getattr(item, "label", None)
        return [item.pen.color().name()] + ([label.color.name()] if label is not None else [])
    if isinstance(item, pg.ScatterPlotItem):
        return [pg.mkBrush(item.opts["brush"]).color().name()]
    if isinstance(item, pg.BarGraphItem):
        brushes = item.opts.get("brushes") or [item.opts.get("brush")]
        return [pg.mkBrush(b).color().name() for b in brushes if b is not None]
    return []


def test_every_chart_line_and_mark_reads_3_to_1_in_every_theme(window):
    """WCAG 1.4.11: the Economics tab's curves, bars and markers kept the dark theme's colours on
    the light background (orange 2.3:1, teal 2.2:1)."""
    from gui.widgets.charts import Chart, contrast_ratio

    show_chain(window, 60)
    checked = 0
    for toggle in (lambda: None, window.toggle_theme, lambda: window.presenter_button.setChecked(True)):
        toggle()
        window.redraw()
        background = window.tab("chain").hashrate_chart.backgroundBrush().color().name()
        for chart in window.findChildren(Chart):
            bg = chart.backgroundBrush().color().name()
            assert bg == background, chart.title
            for item in chart.plot_item.items:
                for colour in item_colours(item):
                    assert contrast_ratio(colour, bg) >= 3.0, (chart.title, type(item).__name__, colour, bg)
                    checked += 1
    assert checked > 60
