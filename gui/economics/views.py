"""The three views of the Economics tab's right side, one idea each: the site (what a grid kWh earns,
the site's day), the network (if miners leave: retarget, survivors, 51% attack) and the decisions
(BTC-price and power-price sweeps with the crossover marked, and a keep-mining-or-convert horizon).
Each view builds its widgets and shows a `compute_figures` dict; it holds no state of its own (the
decisions view's horizon spin box shows the scenario's `decision_horizon_months`; the panel turns its
edits into that parameter's)."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.economy.scenario_params import PARAMETERS
from gui.economics.text import TIPS, difficulty_text, ratio_text
from gui.economics.widgets import BarChart, ParameterSpinBox
from gui.formats import MINUS, minutes_text, money, usd
from gui.i18n import num, tr
from gui.qt import QFrame, QGridLayout, QHBoxLayout, QLabel, QSlider, Qt, QVBoxLayout, QWidget, pg
from gui.widgets.card import WrapLabel
from gui.widgets.charts import PALETTE, Chart

# The panel's own accents (text and frames); the charts colour by palette role (Chart.themed).
COLORS = {
    "colocation": PALETTE["ai"],
    "error": "#EF476F",
}


def _below_legend(chart: Chart, *curves: np.ndarray) -> None:
    """The y range of `curves` with a band on top for the legend's row (a sixth of the height), so
    no line runs under the legend, whatever the figures (a flat AI line sat on the top edge)."""
    ys = np.concatenate([np.asarray(c, dtype=float).ravel() for c in curves])
    ys = ys[np.isfinite(ys)]
    if not len(ys):
        return
    low, high = float(ys.min()), float(ys.max())
    span = high - low or abs(high) or 1.0
    chart.plot_item.setYRange(low - 0.05 * span, high + 0.25 * span, padding=0)


def _still(chart: Chart) -> None:
    chart.plot_item.setMouseEnabled(x=False, y=False)
    chart.plot_item.setMenuEnabled(False)
    chart.plot_item.hideButtons()


class SiteView(QWidget):
    """What a grid kWh earns three ways, and the site's day split between mining and AI."""

    def __init__(self, parent=None):
        super().__init__(parent)
        # Short titles, the unit on the axis: a title wider than its chart pushes the plot past the
        # chart's right edge (1366x768 in presenter mode, French).
        self.revenue_chart = BarChart(
            tr("What a grid kWh earns"),
            tr(TIPS["revenue_chart"]),
            [tr("Mining"), tr("AI lease"), tr("GPU cloud")],
            y_label=tr("USD per kWh"),
        )
        self.pnl_chart = BarChart(
            tr("The site's day"),
            tr(TIPS["pnl_chart"]),
            [tr("Revenue"), tr("Costs"), tr("Profit")],
            legend=True,
            y_label=tr("million USD"),
        )
        sv = QHBoxLayout(self)
        sv.setContentsMargins(0, 8, 0, 0)
        sv.setSpacing(8)
        sv.addWidget(self.revenue_chart, 1)
        sv.addWidget(self.pnl_chart, 1)

    def show_figures(self, fig: dict[str, Any]) -> None:
        w, site = fig["world"], fig["site"]
        r = fig["revenue_per_kwh"]
        self.revenue_chart.set_bars(
            [("revenue", ["mining", "ai", "gpu_cloud"], 0.0, 0.6)],  # palette roles: 3:1 on every theme
            {"revenue": [r["mining_usd"], r["colocation_usd"], r["gpu_cloud_usd"]]},
            {
                "revenue": [
                    usd(r["mining_usd"], 3),
                    f"{usd(r['colocation_usd'], 2)} · {ratio_text(r['colocation_vs_mining'])}",
                    f"{usd(r['gpu_cloud_usd'], 2)} · {ratio_text(r['gpu_cloud_vs_mining'])}",
                ]
            },
        )

        mining_side = [
            site["mining_revenue_usd_per_day"] + site["mining_curtailment_credit_usd_per_day"],
            site["mining_power_cost_usd_per_day"] + site["mining_capex_usd_per_day"],
            site["mining_profit_usd_per_day"],
        ]
        ai_side = [
            site["ai_revenue_usd_per_day"],
            site["ai_sla_penalty_usd_per_day"] + site["ai_opex_usd_per_day"] + site["ai_capex_usd_per_day"],
            site["ai_profit_usd_per_day"],
        ]
        mining_name = tr("Mining {mw} MW").format(mw=num(w["mining_mw"]))
        ai_name = tr("AI {mw} MW").format(mw=num(w["ai_mw"]))
        self.pnl_chart.set_bars(
            [("mining", "mining", -0.19, 0.36), ("ai", "ai", 0.19, 0.36)],
            {"mining": [v / 1e6 for v in mining_side], "ai": [v / 1e6 for v in ai_side]},
            {"mining": [money(v) for v in mining_side], "ai": [money(v) for v in ai_side]},
        )
        self.pnl_chart.rename({"mining": mining_name, "ai": ai_name})


class NetworkView(QWidget):
    """If miners leave: the slider, the retarget, the survivors' hashprice and the 51% attack."""

    def __init__(self, parent=None):
        super().__init__(parent)
        network = QFrame(objectName="card")
        network.setAccessibleName(tr("Network view: if miners leave"))
        n = QVBoxLayout(network)
        n.setContentsMargins(14, 10, 14, 12)
        n.setSpacing(6)
        n.addWidget(QLabel(tr("Network view: if miners leave"), objectName="cardTitle"))
        slider_row = QHBoxLayout()
        self.exodus_slider = QSlider(
            Qt.Orientation.Horizontal,
            minimum=0,
            maximum=int(round(PARAMETERS["share_leaving"].high * 100)),
            pageStep=5,
            singleStep=1,
            tickInterval=10,
        )
        self.exodus_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.exodus_slider.setToolTip(tr(TIPS["exodus_slider"]))
        self.exodus_slider.setAccessibleName(tr("Share of hashrate that leaves"))
        self.exodus_value = QLabel(tr("{n}%").format(n=0), objectName="econBig")
        self.exodus_value.setMinimumWidth(70)
        self.exodus_value.setToolTip(tr(TIPS["exodus_slider"]))
        leave_label = QLabel(tr("Hashrate that leaves"))
        leave_label.setToolTip(tr(TIPS["exodus_slider"]))
        slider_row.addWidget(leave_label)
        slider_row.addWidget(self.exodus_slider, 1)
        slider_row.addWidget(self.exodus_value)
        n.addLayout(slider_row)
        # Short values under their names, two columns.
        facts = QGridLayout()
        facts.setHorizontalSpacing(18)
        facts.setVerticalSpacing(10)
        self.network_facts: dict[str, tuple[QLabel, QLabel]] = {}
        for i, (key, title) in enumerate(
            (
                ("block_time", tr("Block time until the retarget")),
                ("difficulty_after", tr("Difficulty after the retarget")),
                ("survivors", tr("Survivors' hashprice")),
                ("network_after", tr("Network hashrate")),
                ("attack_rental", tr("51% attack: rent, per hour (now → after retarget)")),
                ("attack_hardware", tr("51% attack: buy machines")),
            )
        ):
            cell = QVBoxLayout()
            cell.setSpacing(0)
            # wrapped: a long French title must not widen the tab past the window
            name = WrapLabel(title, objectName="econMuted")
            value = WrapLabel("–", objectName="econFact")
            for w in (name, value):
                w.setToolTip(tr(TIPS[key]))
                cell.addWidget(w)
            facts.addLayout(cell, i // 2, i % 2)
            self.network_facts[key] = (name, value)
        facts.setColumnStretch(0, 1)
        facts.setColumnStretch(1, 1)
        n.addSpacing(4)
        n.addLayout(facts)
        note = WrapLabel(
            tr(
                "Every 2016 blocks Bitcoin retunes its puzzle so that blocks come every 10 minutes. "
                "When miners leave it gets easier: those who stay earn more per hash, and an "
                "attacker needs less hardware. Renting is cheaper only until the retarget; no "
                "market rents a majority of Bitcoin's hashrate, so that figure is a bound."
            ),
            objectName="econMuted",
        )
        note.setWordWrap(True)
        n.addSpacing(6)
        n.addWidget(note)
        n.addStretch(1)
        nv = QHBoxLayout(self)
        nv.setContentsMargins(0, 8, 0, 0)
        nv.setSpacing(8)
        nv.addWidget(network, 1)
        self.exodus_chart = Chart(
            tr("Survivors' hashprice"),
            tr(TIPS["exodus_chart"]),
            y_from_zero=True,
            legend=True,
            y_label=tr("$/PH/day"),
        )
        # one name a row: side by side they ran past the chart's edge (presenter mode); the curve
        # rises to the right, under the 15% head room (show_figures), clear of the top left
        self.exodus_chart.legend.setColumnCount(1)
        self.exodus_chart.plot_item.getAxis("bottom").setTicks([[(v, f"{v}%") for v in range(0, 100, 20)]])
        _still(self.exodus_chart)
        chart = self.exodus_chart  # its items coloured by palette role: 3:1 on every theme
        self.exodus_before = chart.themed(
            chart.plot_item.plot(name=tr("before anyone leaves")), "target", width=2, dash=True
        )
        self.exodus_after = chart.themed(chart.plot_item.plot(name=tr("after the retarget")), "mining", width=3.5)
        # The slider's choice: a line and a dot on the curve (its numbers are in the card beside).
        self.exodus_marker = chart.themed(pg.InfiniteLine(angle=90), "halving", width=2)
        self.exodus_dot = chart.themed(pg.ScatterPlotItem(size=14, pen=pg.mkPen(None)), "halving")
        self.exodus_chart.plot_item.addItem(self.exodus_marker)
        self.exodus_chart.plot_item.addItem(self.exodus_dot)
        self.exodus_chart.plot_item.setXRange(-1, 98, padding=0)
        self.exodus_chart.setMinimumWidth(260)
        nv.addWidget(self.exodus_chart, 1)

    def show_figures(self, fig: dict[str, Any]) -> None:
        net = fig["network"]
        x, before_attack, after_attack = fig["exodus"], fig["attack"], fig["attack_after"]
        share = x["share_leaving"]
        facts = self.network_facts
        facts["block_time"][1].setText(
            tr("{time}, for {days} days").format(
                time=minutes_text(x["block_time_s_until_retarget"]), days=num(x["hours_until_retarget"] / 24)
            )
        )
        facts["difficulty_after"][1].setText(
            f"{difficulty_text(x['new_difficulty'])} ({x['difficulty_change'] * 100:+.0f}%)".replace("-", MINUS)
        )

        def moved(before: str, after: str) -> str:
            return f"{before} → {after}" if share > 0 else before

        facts["survivors"][1].setText(
            moved(
                money(x["hashprice_usd_per_ph_day_before"], cents=True),
                money(x["hashprice_usd_per_ph_day_after"], cents=True),
            )
        )
        facts["network_after"][1].setText(
            moved(num(net["network_hashrate_eh_s"]), num(x["network_hashrate_eh_s_after"])) + " EH/s"
        )
        facts["attack_rental"][1].setText(
            moved(money(after_attack["rental_usd_per_hour"]), money(after_attack["rental_usd_per_hour_after_retarget"]))
        )
        facts["attack_hardware"][1].setText(
            moved(money(before_attack["hardware_usd"]), money(after_attack["hardware_usd"]))
        )

        sweep = fig["exodus_sweep"]
        shares_pct = sweep["share_leaving"] * 100
        self.exodus_after.setData(shares_pct, sweep["hashprice_usd_per_ph_day_after"])
        self.exodus_before.setData(shares_pct, np.full(len(shares_pct), x["hashprice_usd_per_ph_day_before"]))
        self.exodus_marker.setValue(share * 100)
        self.exodus_dot.setData([share * 100], [x["hashprice_usd_per_ph_day_after"]])
        top = float(np.max(sweep["hashprice_usd_per_ph_day_after"]))
        self.exodus_chart.plot_item.setYRange(0, top * 1.15 if top > 0 else 1, padding=0)


class DecisionsView(QWidget):
    """Decisions a class can make: mining vs AI per MW-year over a BTC-price range and a power-price
    range (crossover marked), and 1 MW kept mining or converted over the scenario's decision horizon
    (`decision_horizon_months`, the one the lesson's verdict is taken over; `months_spin` shows it)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 8, 0, 0)
        row.setSpacing(8)
        # The title names what moves, the axes carry the units: a title wider than its chart pushes
        # the plot past the chart's right edge (1366x768 in presenter mode, French).
        self.btc_chart = self._sweep_chart(tr("BTC price", "chart title"), tr(TIPS["btc_sweep"]), tr("$k per BTC"))
        self.power_chart = self._sweep_chart(tr("Power price"), tr(TIPS["power_sweep"]), tr("cents/kWh"))
        self.horizon_chart = Chart(
            tr("1 MW: cash"), tr(TIPS["horizon"]), legend=True, x_label=tr("month"), y_label=tr("$M")
        )
        _still(self.horizon_chart)
        horizon = self.horizon_chart  # its items coloured by palette role: 3:1 on every theme
        # The sweeps' short names: "keep mining / convert to AI" ran past the chart's edge (presenter
        # mode); the text under the chart says keep and convert.
        self.horizon_mining = horizon.themed(horizon.plot_item.plot(name=tr("mining")), "mining", width=3)
        self.horizon_ai = horizon.themed(horizon.plot_item.plot(name=tr("AI")), "ai", width=3)
        horizon.plot_item.addItem(horizon.themed(pg.InfiniteLine(angle=0, pos=0), "target", width=1))
        self.halving_line = horizon.themed(pg.InfiniteLine(angle=90), "halving", width=1.5, dash=True)
        self.horizon_chart.plot_item.addItem(self.halving_line)
        right = QVBoxLayout()
        months_row = QHBoxLayout()
        months_row.addWidget(QLabel(tr("Horizon")))
        # The scenario's decision horizon (its range and step from the ParameterSpec), not a horizon of its own.
        self.months_spin = ParameterSpinBox("decision_horizon_months")
        self.months_spin.setToolTip(tr(TIPS["horizon"]))
        self.months_spin.setAccessibleName(tr("Horizon"))
        months_row.addWidget(self.months_spin)
        months_row.addStretch(1)
        right.addLayout(months_row)
        right.addWidget(self.horizon_chart, 1)
        self.horizon_text = WrapLabel("", objectName="econMuted")
        right.addWidget(self.horizon_text)
        self.sweep_text = WrapLabel("", objectName="econMuted")
        left = QVBoxLayout()
        charts = QHBoxLayout()
        charts.addWidget(self.btc_chart, 1)
        charts.addWidget(self.power_chart, 1)
        left.addLayout(charts, 1)
        left.addWidget(self.sweep_text)
        row.addLayout(left, 2)
        row.addLayout(right, 1)
        self.charts = (self.btc_chart, self.power_chart, self.horizon_chart)

    @staticmethod
    def _sweep_chart(title: str, tip: str, x_label: str) -> Chart:
        chart = Chart(title, tip, legend=True, x_label=x_label, y_label=tr("$M per MW-year"))
        _still(chart)
        chart.mining_curve = chart.themed(chart.plot_item.plot(name=tr("mining")), "mining", width=3)
        chart.ai_curve = chart.themed(chart.plot_item.plot(name=tr("AI")), "ai", width=3)
        chart.crossover = chart.themed(pg.InfiniteLine(angle=90), "halving", width=2)
        chart.plot_item.addItem(chart.crossover)
        chart.setMinimumWidth(220)
        return chart

    @staticmethod
    def _show_sweep(chart: Chart, x: np.ndarray, sweep: Any) -> None:
        chart.mining_curve.setData(x, sweep.mining_usd_per_mw_year / 1e6)
        chart.ai_curve.setData(x, sweep.ai_usd_per_mw_year / 1e6)
        _below_legend(chart, sweep.mining_usd_per_mw_year / 1e6, sweep.ai_usd_per_mw_year / 1e6)
        inside = bool(sweep.crossover is not None and sweep.x[0] <= sweep.crossover <= sweep.x[-1])
        chart.crossover.setVisible(inside)
        if inside:
            chart.crossover.setValue(sweep.crossover * (x[-1] / sweep.x[-1]))

    def show_figures(self, fig: dict[str, Any]) -> None:
        btc, power, h, w = fig["btc_sweep"], fig["power_sweep"], fig["horizon"], fig["world"]
        self.months_spin.blockSignals(True)  # the horizon these figures were drawn over
        self.months_spin.setValue(self.months_spin.display.to_shown(w["decision_horizon_months"]))
        self.months_spin.blockSignals(False)
        self._show_sweep(self.btc_chart, btc.x / 1000, btc)
        self._show_sweep(self.power_chart, power.x * 100, power)
        btc_words = (
            tr("mining never matches AI at any BTC price")
            if btc.crossover is None
            else tr("mining matches AI at {price} per BTC").format(price=money(btc.crossover))
        )
        power_words = (
            tr("mining never matches AI at any power price")
            if power.crossover is None
            else tr("mining matches AI at {price}/kWh").format(price=usd(power.crossover, 3))
        )
        self.sweep_text.setText(
            tr(
                "At {difficulty} and {power}/kWh, {btc}; at {price}, {power_words}. Per MW of grid power, machines "
                "and site written off over their lives; the AI hall once built."
            ).format(
                difficulty=difficulty_text(w["difficulty"]),
                power=usd(w["power_price_usd_per_kwh"], 3),
                btc=btc_words,
                price=money(w["btc_price_usd"]),
                power_words=power_words,
            )
        )
        self.horizon_mining.setData(h.months, h.mining_cash_usd / 1e6)
        self.horizon_ai.setData(h.months, h.ai_cash_usd / 1e6)
        _below_legend(self.horizon_chart, h.mining_cash_usd / 1e6, h.ai_cash_usd / 1e6, [0.0])  # 0: the line drawn
        self.halving_line.setVisible(h.halving_month is not None)
        if h.halving_month is not None:
            self.halving_line.setValue(h.halving_month)

        def payback(month: int | None) -> str:
            return tr("pays back in month {n}").format(n=month) if month else tr("does not pay back")

        def signed(value: float, decimals: int) -> str:
            return ("+" if value >= 0 else "") + num(value, decimals)

        self.horizon_text.setText(
            tr(
                "Keep mining: machines {mining_capex}, {mining_payback}, NPV {mining_npv}. Convert: shell {ai_capex}, "
                "{ai_payback}, NPV {ai_npv} (over {months} months; difficulty {growth}%/month, BTC {btc}%/yr"
            ).format(
                mining_capex=money(h.mining_capex_usd),
                mining_payback=payback(h.mining_payback_month),
                mining_npv=money(h.mining_npv_usd),
                ai_capex=money(h.ai_capex_usd),
                ai_payback=payback(h.ai_payback_month),
                ai_npv=money(h.ai_npv_usd),
                months=len(h.months),
                growth=signed(w["difficulty_growth_per_month"] * 100, 1),
                btc=signed(w["btc_price_change_per_year"] * 100, 0),
            )
            + (tr(", halving in month {n}").format(n=h.halving_month) if h.halving_month else "")
            + ")."
        )
