"""What the window shows is what the chain says: the charts' plotted points (on screen and in the
exported PNGs) against getblockheader and the subsidy rule at every height, dates, counters,
axes, and a window that fits the screen."""

from __future__ import annotations

import csv
import math
from types import SimpleNamespace

import pytest

from engine.capacity import Allocation
from engine.mining.events import BlockResult, MinerStats
from engine.rpc import RPCClient
from engine.wallet.state import WalletState
from gui.chain.service import BlockRow, ChainPoller
from gui.chain.tab import fmt_block_time
from gui.qt import QImage, QPointF, QRect, QSettings
from gui.widgets.charts import PALETTES
from gui.window.controller import LabController
from gui.window.main_window import MainWindow

HALVING = 20
RETARGET = 8


def make_window(tmp_path) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    controller = LabController(datadir=tmp_path / "data", settings=settings, total_cores=2)
    window = MainWindow(controller)  # not started: the test feeds it
    window.show()
    return window


@pytest.fixture
def lab_chain_node(node_factory):
    """A lab chain mined at full speed: every retarget after the first raises the difficulty
    4x (Core's clamp: at 16 and 24), and the subsidy halves at 20."""
    node = node_factory(
        "lab",
        extra_args=("--lab-hashrate", "1000", "--halving-interval", str(HALVING), "--retarget-interval", str(RETARGET)),
    ).start()
    address = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"
    node.rpc("generatetoaddress", 30, address, 10**9)  # maxtries is for all blocks together (Core)
    return node


def truth(node) -> dict[int, tuple[float, float]]:
    """height -> (difficulty from the block's header, subsidy by GetBlockSubsidy's rule)."""
    out = {}
    for h in range(node.rpc("getblockcount") + 1):
        header = node.rpc("getblockheader", node.rpc("getblockhash", h))
        out[h] = (float(header["difficulty"]), 50.0 / 2 ** (h // HALVING))
    return out


def feed(window: MainWindow, node) -> None:
    """One poll of the real chain poller, delivered to the window as the controller would."""
    rpc = RPCClient(node.url, cookie_file=str(node.cookie_file))
    poller = ChainPoller(rpc, window.on_chain_info, window.on_blocks, pytest.fail)
    poller.poll_once()
    window.redraw()


def plotted_path(chart, series: str) -> list[tuple[float, float]]:
    """The vertices of the curve pyqtgraph draws for `series`, in drawing order."""
    path = chart.series[series][1].curve.getPath()
    return [(path.elementAt(i).x, path.elementAt(i).y) for i in range(path.elementCount())]


def value_drawn_at(vertices, x: float) -> float | None:
    """The y the drawn line holds at x: the last vertex at or left of x (after a vertical step)."""
    value = None
    for px, py in vertices:
        if px <= x + 1e-9:
            value = py
    return value


def test_step_charts_draw_each_value_from_the_height_where_it_takes_effect(qapp, qtbot, tmp_path, lab_chain_node):
    window = make_window(tmp_path)
    try:
        feed(window, lab_chain_node)
        chain = truth(lab_chain_node)
        tip = max(chain)
        difficulties = [chain[h][0] for h in range(1, tip + 1)]
        changes = sum(1 for a, b in zip(difficulties, difficulties[1:]) if a != b)
        assert changes >= 2 and tip >= HALVING + 1  # two retargets and a halving to get right
        diff_path = plotted_path(window.tab("chain").difficulty_chart, "difficulty")
        reward_path = plotted_path(window.tab("chain").reward_chart, "subsidy")
        for h in range(1, tip + 1):
            assert value_drawn_at(diff_path, h) == pytest.approx(chain[h][0], rel=1e-9), f"difficulty at {h}"
            assert value_drawn_at(reward_path, h) == pytest.approx(chain[h][1]), f"reward at {h}"
            # and across the block, up to the next one
            assert value_drawn_at(diff_path, h + 0.5) == pytest.approx(chain[h][0], rel=1e-9) or h == tip
        assert max(x for x, _ in diff_path) == tip  # drawn up to the tip, not beyond
        # the cards speak for the tip, with the one reward figure the chain's rows carry
        facts = window.lab.facts()
        assert facts["reward_block"] == facts["difficulty_block"] == tip
        assert facts["reward_btc"] == chain[tip][1] == window.tab("chain").rows[-1].subsidy_btc
        assert facts["difficulty"] == pytest.approx(chain[tip][0], rel=1e-9)
        assert window.reward_value.text() == f"{chain[tip][1]:g} BTC"
    finally:
        window.close()


def exported_line_row(image: QImage, column: int, colour: str) -> float | None:
    """Mean row of the pixels of `colour` in one column of an exported chart."""
    want = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    rows = []
    for y in range(image.height()):
        c = image.pixelColor(column, y)
        if abs(c.red() - want[0]) + abs(c.green() - want[1]) + abs(c.blue() - want[2]) < 40:
            rows.append(y)
    return sum(rows) / len(rows) if rows else None


@pytest.mark.parametrize("chart_name, series, index", [("difficulty", "difficulty", 0), ("block_reward", "subsidy", 1)])
def test_exported_charts_show_the_chain_truth(qapp, qtbot, tmp_path, lab_chain_node, chart_name, series, index):
    window = make_window(tmp_path)
    try:
        feed(window, lab_chain_node)
        chain = truth(lab_chain_node)
        chart = window.tab("chain").charts[chart_name]
        qtbot.wait(50)
        path = tmp_path / f"{chart_name}.png"
        width_px = 1600
        chart.export_png(str(path), width_px)
        image = QImage(str(path))
        assert not image.isNull()
        source = chart.plot_item.sceneBoundingRect()
        scale = width_px / source.width()
        vb = chart.plot_item.vb
        line_px = 3 * scale + 3
        checked = 0
        for h in range(1, max(chain)):
            x = h + 0.5  # the middle of block h's stretch, away from the vertical steps
            expected = vb.mapViewToScene(QPointF(x, chain[h][index]))
            column = round((expected.x() - source.left()) * scale)
            row = exported_line_row(image, column, chart.colour(series))
            assert row is not None, f"no line at height {h}"
            assert abs(row - (expected.y() - source.top()) * scale) <= line_px, f"{chart_name} at {h}"
            checked += 1
        assert checked == max(chain) - 1 >= 29
    finally:
        window.close()


def test_table_and_csv_dates_and_intervals(qapp, qtbot, tmp_path, lab_chain_node):
    window = make_window(tmp_path)
    try:
        feed(window, lab_chain_node)
        table = window.tab("chain").table
        genesis_row = table.rowCount() - 1
        assert table.item(genesis_row, 0).text() == "0"
        assert table.item(genesis_row, 2).text().startswith("2011-02-02")  # regtest genesis, with its date
        assert table.item(genesis_row - 1, 5).text() == ""  # block 1: no interval back to 2011
        assert table.item(0, 2).text().count(":") == 2 and "-" not in table.item(0, 2).text()  # today: time
        window.export_all(tmp_path / "export")
        with open(tmp_path / "export" / "blocks.csv") as f:
            rows = {int(r["height"]): r for r in csv.DictReader(f)}
        assert rows[0]["interval_s"] == "" and rows[1]["interval_s"] == ""
        assert rows[2]["interval_s"] != "" and int(rows[2]["interval_s"]) < 3600
        assert rows[0]["time_utc"].startswith("2011-02-02")
    finally:
        window.close()


def test_block_time_shows_the_date_unless_today():
    now = 1_790_000_000
    assert fmt_block_time(now - 60, now).count(":") == 2
    assert fmt_block_time(1296688602, now).startswith("2011-02-02")


def stats(hashrate_hs=2e7, slots=1, active=1, paused=False, connected=True) -> MinerStats:
    return MinerStats(
        1.0,
        100,
        hashrate_hs,
        (hashrate_hs / 2, hashrate_hs / 2),
        0,
        0,
        0,
        0,
        slots,
        active,
        paused,
        "lanes16",
        5,
        connected,
        0.1,
    )


def row(height: int, block_hash: str) -> BlockRow:
    return BlockRow(height, block_hash, 1_790_000_000 + height, "207fffff", 1.0, 50.0, 5 if height > 1 else None)


def wallet_state(blocks_mined: int) -> WalletState:
    return WalletState("lab", 3, "cc" * 32, 0, 0, 0, 0, blocks_mined, "bcrt1q", (), ())


def test_counters_come_from_one_snapshot_with_plurals(qapp, qtbot, tmp_path, monkeypatch):
    window = make_window(tmp_path)
    asked = []
    monkeypatch.setattr(window.controller.wallet, "refresh_now", lambda: asked.append(1))
    try:
        window.on_node_ready("http://127.0.0.1:1")
        window.on_allocation(Allocation(1, 1, 2))
        window.on_miner_stats(stats())
        caption = window.hashrate_caption.text()
        assert "1 of 2 cores mining" in caption and "1 on AI" in caption and "found" not in caption
        assert window.mining_label.text() == "Mining: 1 core" and window.ai_label.text() == "AI: 1 core"
        window.on_wallet_state(wallet_state(0))
        assert "0 blocks found" in window.hashrate_caption.text()
        # The node accepts our block: the status bar says so once the chain shows it, and the
        # wallet (whose coinbases on the active chain are the count) is asked to look at once.
        window.on_blocks([row(1, "aa" * 32)], False)
        window.on_block_result(BlockResult(2, "bb" * 32, "accepted", None))
        assert "found" not in window.statusBar().currentMessage() and not asked
        window.on_blocks([row(2, "bb" * 32)], False)
        assert "Block 2 found" in window.statusBar().currentMessage() and asked
        # The count is the chain's (the wallet's mined coinbases), not a counter of this window.
        window.on_wallet_state(wallet_state(1))
        assert "1 block found" in window.hashrate_caption.text()
        assert window.lab.facts()["blocks_found"] == 1
        window.on_wallet_state(wallet_state(210))
        assert "210 blocks found" in window.hashrate_caption.text()
        window.on_node_failed("The node stopped unexpectedly")
        assert window.hashrate_value.text() == "stopped" and "stopped" in window.node_chip.text()
        window.on_miner_stats(stats(paused=True))
        assert window.hashrate_value.text() == "stopped"  # a late stats event cannot revive it
    finally:
        window.close()


def test_chart_axes_have_titles_and_no_ticks_before_data(qapp, tmp_path):
    window = make_window(tmp_path)
    try:
        units = {
            "hashrate": ("seconds since start", "MH/s"),
            "block_interval": ("block height", "seconds"),
            "difficulty": ("block height", "difficulty"),
            "block_reward": ("block height · red lines: halvings", "BTC"),
        }
        for name, chart in window.tab("chain").charts.items():
            bottom, left = (chart.plot_item.getAxis(a) for a in ("bottom", "left"))
            assert bottom.labelText == units[name][0] and left.labelText == units[name][1], name
            assert not bottom.style["showValues"] and not left.style["showValues"], name
        window.on_blocks([row(1, "aa" * 32), row(2, "bb" * 32)], False)
        window.redraw()
        assert window.tab("chain").difficulty_chart.plot_item.getAxis("left").style["showValues"]
    finally:
        window.close()


def colour_distance(a: str, b: str) -> int:
    return sum(abs(int(a[i : i + 2], 16) - int(b[i : i + 2], 16)) for i in (1, 3, 5))


def test_presenter_and_themes_keep_lines_readable(qapp, tmp_path):
    window = make_window(tmp_path)
    try:
        chart = window.tab("chain").hashrate_chart
        pen = lambda name: chart.series[name][1].opts["pen"]  # noqa: E731
        normal_width = pen("total").widthF()
        assert normal_width > pen("core 1").widthF()  # the total stands out by width
        for theme in ("dark", "light"):
            palette = PALETTES[theme]
            cores = [palette["workers"][0], palette["workers"][1]]
            assert colour_distance(cores[0], cores[1]) > 150
            assert all(colour_distance(c, palette["mining"]) > 150 for c in cores)
        assert colour_distance(PALETTES["light"]["reward"], "#FFFFFF") > 250  # readable on white
        tick_pt = chart.plot_item.getAxis("left").style["tickFont"].pointSize()
        window.presenter_button.setChecked(True)
        assert pen("total").widthF() > normal_width * 1.5
        assert chart.plot_item.getAxis("left").style["tickFont"].pointSize() > tick_pt
        window.presenter_button.setChecked(False)
        window.toggle_theme()
        assert pen("total").color().name().upper() == PALETTES["light"]["mining"].upper()
    finally:
        window.close()


@pytest.mark.parametrize("width, height", [(1366, 768), (1280, 720)])
def test_window_fits_the_screen_in_every_mode(qapp, qtbot, tmp_path, monkeypatch, width, height):
    window = make_window(tmp_path)
    monkeypatch.setattr(window, "_available_area", lambda: QRect(0, 0, width, height))
    try:
        window.resize(1440, 900)
        window.fit_to_screen()
        for presenter in (True, False, True):
            window.presenter_button.setChecked(presenter)
            qtbot.wait(50)
            hint = window.minimumSizeHint()
            assert hint.width() <= width and hint.height() <= height, (presenter, hint)
            assert window.width() <= width and window.height() <= height, (presenter, window.size())
        window.toggle_theme()
        window.presenter_button.setChecked(False)
        qtbot.wait(50)
        assert window.width() <= width and window.height() <= height
        for widget in (window.export_button, window.tab("chain").reward_chart, window.throttle):
            corner = widget.mapTo(window, widget.rect().bottomRight())
            assert corner.x() <= window.width() and corner.y() <= window.height(), widget
    finally:
        window.close()


def test_banners_do_not_move_the_layout(qapp, qtbot, tmp_path, monkeypatch):
    window = make_window(tmp_path)
    monkeypatch.setattr(window, "_available_area", lambda: QRect(0, 0, 1280, 720))
    try:
        window.fit_to_screen()
        window.resize(1280, 720)
        qtbot.wait(50)
        before = [w.geometry() for w in (window.tabs, window.capacity_slider, window.hashrate_value)]
        window.on_compile_progress("Compiling the lanes16 kernel…", -1)
        qtbot.wait(50)
        window.on_node_failed(
            "The node stopped unexpectedly (exit code 9). Its chain is safe on disk; restart it to carry on. " * 3
        )
        qtbot.wait(50)
        window.controller.node = SimpleNamespace(running=lambda: False)  # a node to restart: the button shows
        window.on_node_failed("The node stopped unexpectedly (exit code 9).")
        qtbot.wait(50)
        assert [w.geometry() for w in (window.tabs, window.capacity_slider, window.hashrate_value)] == before
        button = window.banner.button
        assert button.isVisible()
        corner = button.mapTo(window, button.rect().bottomRight())
        assert 0 < corner.x() <= window.width() and 0 < corner.y() <= window.height()
        window.banner.hide()
        qtbot.wait(50)
        assert [w.geometry() for w in (window.tabs, window.capacity_slider, window.hashrate_value)] == before
        window.controller.node = None
    finally:
        window.close()


def test_restarted_poller_does_not_draw_blocks_twice(qapp, tmp_path):
    window = make_window(tmp_path)
    try:
        first = [row(h, f"{h:064x}") for h in range(0, 30)]
        window.on_blocks(first, False)
        window.on_blocks(first[5:] + [row(30, f"{30:064x}")], False)  # a new poller re-sends the recent ones
        window.redraw()
        x, _ = window.tab("chain").difficulty_chart.series["difficulty"][0].view()
        assert list(x) == sorted(x) and x[-1] == 30
        ix, _ = window.tab("chain").interval_chart.series["interval"][0].view()
        assert len(ix) == len(set(ix)) == 29  # heights 2..30, each once
        assert [r.height for r in window.tab("chain").rows] == list(range(31))
        window.on_node_ready("http://127.0.0.1:1")
        window.on_miner_stats(stats())
        window.on_node_failed("The node stopped unexpectedly")
        window.on_node_ready("http://127.0.0.1:1")
        window.on_miner_stats(stats())
        _, y = window.tab("chain").hashrate_chart.series["total"][0].view()
        assert any(math.isnan(v) for v in y)  # the outage is a gap, not a straight line
    finally:
        window.close()
