"""The Economics tab: the scenario presets, their parameters, and what the laptop's chain and
capacity split would mean in dollars for a real site and for the Bitcoin network.

The panel only displays `engine.economics` (pure, fast functions) through `engine.scenarios` and
`engine.lab_mapping`; it never calls RPC or kernels and polls nothing. The controller feeds it
`on_lab_state(state)`; the panel emits `values_changed(dict)` so the controller can price the AI
runner's work with the scenario the class is looking at.
"""
from __future__ import annotations

import csv
import dataclasses
import inspect
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from engine import economics as econ
from engine.lab_mapping import TEACHER_SENTENCES, ChainState, LabMapping, site_pnl_from_lab, world_from_lab
from engine.scenarios import PARAMETERS, ParameterSpec, Scenario, ScenarioSet, check_parameter, load_scenarios
from gui.charts import PALETTE, Chart
from gui.qt import (QCheckBox, QComboBox, QDoubleSpinBox, QFont, QFrame, QGridLayout, QHBoxLayout,
                    QLabel, QPushButton, QScrollArea, QSizePolicy, QSlider, QSplitter, Qt, QTabWidget, QTimer,
                    QValidator, QVBoxLayout, QWidget, Signal, pg)
from gui.theme import DARK, Theme, font_pt
from gui.widgets import card_row

DEFAULT_SCENARIO = "corsicana-split"  # a 1 GW site split between mining and AI: maps onto cores
DEFAULT_SITE_MW = 1000.0  # the site the cores stand for when a scenario has no MW at all
COLORS = {"mining": PALETTE["mining"], "colocation": PALETTE["ai"], "gpu_cloud": "#118AB2",
          "before": PALETTE["target"], "marker": PALETTE["halving"], "error": "#EF476F"}
EXODUS_SHARES = np.round(np.linspace(0.0, 0.95, 96), 4)  # the slider's range, 1% steps
_SITE_PNL_ARGS = frozenset(inspect.signature(econ.site_pnl).parameters) - {"ai_mode"}

# --- words an educator can read to a class --------------------------------------------------
TIPS = {
    "picker": "Each scenario is a real moment of the 2024-2025 story, with every number citing "
              "where it comes from. Pick one, read its explanation aloud, then change the numbers.",
    "reload": "Read the scenario files again (after you edited your own copy).",
    "reset": "Put every number back to the scenario's published values.",
    "follow": "When ticked, the lab drives the site: every halving on this laptop's chain halves "
              "the block subsidy, its difficulty moves the network's difficulty by the same ratio, "
              "and the cores you give to AI convert the same share of the site's megawatts.",
    "live": TEACHER_SENTENCES,
    "hashprice": "Hashprice: how many dollars one petahash per second of mining machines earns in "
                 "a day. It falls when the block reward halves or the difficulty rises, and rises "
                 "with the bitcoin price.",
    "breakeven": "Break-even power price: the electricity price at which these machines earn "
                 "exactly their power bill. A miner paying more than this loses money on every "
                 "block it tries to find.",
    "profit": "The whole site's profit per day: what the mining half and the AI half earn, minus "
              "power, running costs and the cost of the buildings and machines spread over their "
              "lifetime.",
    "network": "The whole Bitcoin network: its total computing power in exahashes per second "
               "(a billion billion guesses every second), worked out from the difficulty.",
    "revenue_chart": "What one kilowatt-hour of electricity earns: burnt in mining machines, rented "
                     "to an AI tenant as a colocation lease, or sold as GPU hours in your own AI "
                     "cloud. AI pays 2 to 5 times more, up to 25 times, which is why miners convert.",
    "pnl_chart": "The site's money per day, split between the megawatts still mining (orange) and "
                 "the megawatts converted to AI (teal). Costs include power, running costs and "
                 "the buildings and machines spread over their lifetime.",
    "exodus_chart": "If a share of the world's miners switch off, the next difficulty adjustment "
                    "makes the puzzle easier, so the miners who stay earn more per hash. The "
                    "adjustment can ease at most 4 times at once: beyond 75% leaving the curve is flat.",
    "exodus_slider": "Drag to choose the share of the world's hashrate that switches off, for "
                     "example because miners turned their power over to AI.",
    "block_time": "Until the next difficulty adjustment the puzzle stays as hard, so with fewer "
                  "machines blocks come more slowly than every 10 minutes.",
    "difficulty_after": "The difficulty after the next adjustment: Bitcoin makes the puzzle easier "
                        "so that blocks come every 10 minutes again (at most 4 times easier at once).",
    "survivors": "What the miners who stay earn per petahash per day, before and after the "
                 "adjustment: the same reward is shared among fewer machines.",
    "network_after": "The whole network's computing power before and after the miners leave, in "
                     "exahashes per second (a billion billion guesses every second).",
    "attack_rental": "To rewrite recent blocks an attacker needs more computing power than everyone "
                     "else together (a 51% attack). Renting that much for one hour costs about this. "
                     "Right after miners leave it is cheaper, because there is less to beat.",
    "attack_hardware": "Buying machines as powerful as the whole honest network, plus a day of "
                       "electricity to run them. When miners leave, an attacker needs less hardware.",
    "params": "Every number the model uses. Hover over one to see where it comes from. Values "
              "outside the sensible range are refused with a message.",
}

# Parameter groups as shown; anything PARAMETERS gains later lands in "More".
GROUPS = (
    ("Bitcoin network", ("difficulty", "subsidy_btc", "fees_btc_per_block", "btc_price_usd")),
    ("Mining", ("mining_mw", "efficiency_j_per_th", "power_price_usd_per_kwh", "mining_capex_usd_per_mw",
                "mining_amortisation_years", "mining_uptime", "curtailment_credit_usd_per_mwh")),
    ("AI hall", ("ai_mw", "pue", "lease_usd_per_mw_it_year", "lease_operating_margin",
                 "ai_shell_capex_usd_per_mw_it", "ai_shell_amortisation_years", "conversion_months",
                 "ai_availability", "sla_availability", "sla_penalty_multiplier")),
    ("GPU cloud", ("gpu_price_usd_per_gpu_hour", "gpu_utilisation", "power_per_gpu_kw",
                   "gpu_capex_usd_per_mw_it", "gpu_amortisation_years", "gpu_other_opex_fraction")),
    ("Network view", ("share_leaving", "asic_price_usd_per_th", "rental_premium")),
)


@dataclass(frozen=True)
class Display:
    """How a parameter is shown in its spin box: model value = shown value * scale."""
    scale: float = 1.0
    decimals: int = 2
    prefix: str = ""
    suffix: str = ""
    step: float = 1.0

    def to_model(self, shown: float) -> float:
        # 12 significant digits drop the float noise of the scaling (0.95 stays 0.95, not 0.9500000000000001).
        return float(f"{shown * self.scale:.12g}")

    def to_shown(self, value: float) -> float:
        return value / self.scale


def _percent(decimals: int = 1, step: float = 1.0) -> Display:
    return Display(0.01, decimals, "", " %", step)


_YEARS = Display(1, 1, "", " years", 0.5)
DISPLAY: dict[str, Display] = {
    "difficulty": Display(1e12, 2, "", " T", 1.0),
    "subsidy_btc": Display(1, 4, "", " BTC", 0.5),
    "fees_btc_per_block": Display(1, 3, "", " BTC", 0.01),
    "btc_price_usd": Display(1, 0, "$", "", 1000),
    "efficiency_j_per_th": Display(1, 1, "", " J/TH", 0.5),
    "power_price_usd_per_kwh": Display(1, 3, "$", " /kWh", 0.005),
    "mining_mw": Display(1, 0, "", " MW", 50),
    "ai_mw": Display(1, 0, "", " MW", 50),
    "mining_capex_usd_per_mw": Display(1e6, 2, "$", " M /MW", 0.05),
    "mining_amortisation_years": _YEARS,
    "mining_uptime": _percent(),
    "curtailment_credit_usd_per_mwh": Display(1, 0, "$", " /MWh", 5),
    "pue": Display(1, 2, "", "", 0.05),
    "ai_shell_capex_usd_per_mw_it": Display(1e6, 2, "$", " M /MW-IT", 0.5),
    "ai_shell_amortisation_years": _YEARS,
    "lease_usd_per_mw_it_year": Display(1e6, 2, "$", " M /MW-IT/yr", 0.05),
    "lease_operating_margin": _percent(),
    "gpu_capex_usd_per_mw_it": Display(1e6, 1, "$", " M /MW-IT", 1),
    "gpu_amortisation_years": _YEARS,
    "gpu_price_usd_per_gpu_hour": Display(1, 2, "$", " /GPU-h", 0.1),
    "power_per_gpu_kw": Display(1, 3, "", " kW", 0.05),
    "gpu_utilisation": _percent(),
    "gpu_other_opex_fraction": _percent(),
    "ai_availability": _percent(3, 0.001),
    "sla_availability": _percent(3, 0.001),
    "sla_penalty_multiplier": Display(1, 1, "", " h", 1),
    "conversion_months": Display(1, 0, "", " months", 1),
    "share_leaving": _percent(0, 5),
    "asic_price_usd_per_th": Display(1, 1, "$", " /TH", 1),
    "rental_premium": _percent(0, 5),
}


def display_for(name: str) -> Display:
    spec = PARAMETERS[name]
    return DISPLAY.get(name) or Display(1, 3, "", f" {spec.unit}" if spec.unit else "", 1)


# --- formatting -------------------------------------------------------------------------------
MINUS = "\u2212"  # a real minus sign reads better than a hyphen on a projector


def money(value: float, cents: bool = False) -> str:
    """$1.35M, $160k, $35.10 (cents=True), with a true minus sign."""
    if value is None or not math.isfinite(value):
        return "–"
    sign = MINUS if value < 0 else ""
    v = abs(value)
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if v >= size * 0.9995:
            return f"{sign}${v / size:,.2f}{suffix}"
    if v >= 1e4:
        return f"{sign}${v / 1e3:,.0f}k"
    return f"{sign}${v:,.2f}" if cents or v < 100 else f"{sign}${v:,.0f}"


def signed_money(value: float) -> str:
    return ("+" if value >= 0 else "") + money(value)


def ratio_text(ratio: float | None) -> str:
    if ratio is None or not math.isfinite(ratio):
        return "–"
    if ratio >= 1000:
        return "over 999×"
    return f"{ratio:.1f}×" if ratio < 10 else f"{ratio:.0f}×"


def difficulty_text(difficulty: float) -> str:
    return f"{difficulty / 1e12:,.1f} T" if difficulty >= 1e11 else f"{difficulty:,.4g}"


def minutes_text(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


# --- the lab's state, parsed once -------------------------------------------------------------
@dataclass(frozen=True)
class LabView:
    """The parts of the controller's lab state the economics use."""
    start: ChainState
    now: ChainState
    mining_slots: int
    ai_slots: int
    total_cores: int
    hashrate_hs: float
    ai_availability: float | None

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> "LabView":
        """Raises KeyError/TypeError/ValueError on a state it cannot use."""
        info = state["chain_info"]
        start_info = state.get("start_info") or info
        consensus = info.get("consensus") or {}
        interval = int(consensus.get("subsidy_halving_interval") or econ.HALVING_INTERVAL_REGTEST_BLOCKS)
        mining, ai = int(state["mining_slots"]), int(state["ai_slots"])
        # Cores the throttle leaves idle stand for idle MW; never fewer cores than are in use.
        total = max(int(state["total_cores"]), mining + ai, 1)
        report = state.get("ai_report")
        availability = None
        if report is not None and getattr(report, "contracted_slot_s", 0) > 0:
            availability = min(max(float(report.availability), 0.0), 1.0)
        return cls(ChainState.from_blockchaininfo(start_info, interval),
                   ChainState.from_blockchaininfo(info, interval), mining, ai, total,
                   float(state.get("hashrate_hs") or 0.0), availability)


def site_mw_of(values: Mapping[str, float]) -> float:
    """The site the laptop's cores stand for: the scenario's mining plus AI megawatts."""
    total = float(values["mining_mw"]) + float(values["ai_mw"])
    return total if total > 0 else DEFAULT_SITE_MW


def compute_figures(values: Mapping[str, float], ai_mode: str, lab: LabView | None = None) -> dict[str, Any]:
    """Every number the panel shows, from a scenario's values and (optionally) the live lab.

    With `lab`, the subsidy and difficulty follow the lab chain (lab_mapping.world_from_lab) and
    the site's MW split follows the cores. Raises ValueError on a combination the model rejects.
    """
    world = dict(values)
    mapping: LabMapping | None = None
    moved: dict[str, float] = {"lab_halvings": 0.0, "lab_difficulty_ratio": 1.0}
    if lab is not None:
        moved = world_from_lab(values["subsidy_btc"], values["difficulty"], lab.start, lab.now)
        world["subsidy_btc"], world["difficulty"] = moved["subsidy_btc"], moved["difficulty"]
        mapping = LabMapping(site_mw_of(values), lab.total_cores)
        world["mining_mw"], world["ai_mw"] = mapping.split_mw(lab.mining_slots, lab.ai_slots)
        if lab.ai_availability is not None:
            world["ai_availability"] = lab.ai_availability
        pnl = site_pnl_from_lab(values, mapping, lab.mining_slots, lab.ai_slots, lab.start, lab.now,
                                ai_mode=ai_mode, ai_availability=lab.ai_availability)
    else:
        pnl = econ.site_pnl(ai_mode=ai_mode, **{k: v for k, v in world.items() if k in _SITE_PNL_ARGS})

    d, s, f, p = world["difficulty"], world["subsidy_btc"], world["fees_btc_per_block"], world["btc_price_usd"]
    e, power = world["efficiency_j_per_th"], world["power_price_usd_per_kwh"]
    hp_btc = econ.hashprice_btc_per_ph_day(d, s, f)
    hp_usd = econ.hashprice_usd_per_ph_day(d, s, f, p)
    hashcost = econ.hashcost_usd_per_ph_day(e, power)
    mining_kwh = econ.mining_revenue_usd_per_kwh(hp_usd, e)
    colocation_kwh = econ.colocation_revenue_usd_per_kwh(world["lease_usd_per_mw_it_year"])
    gpu_kwh = econ.gpu_cloud_revenue_usd_per_kwh(world["gpu_price_usd_per_gpu_hour"], world["power_per_gpu_kw"],
                                                 world["gpu_utilisation"])

    share = world["share_leaving"]
    market = dict(difficulty=d, subsidy_btc=s, fees_btc_per_block=f, btc_price_usd=p)
    exodus = econ.hashrate_exodus(share_leaving=share, **market)
    sweep = econ.hashrate_exodus(share_leaving=EXODUS_SHARES, **market)

    def attack(share_left: float) -> dict[str, float]:
        # As engine.scenarios' report: right after the exodus, at the hashprice before the retarget.
        hashrate = econ.network_hashrate_h_s(d) * (1.0 - share_left)
        rental_price = hp_usd * (1.0 + world["rental_premium"])
        return {"network_hashrate_eh_s": hashrate / 1e18,
                "rental_usd_per_hour": econ.attack_cost_rental_usd_per_hour(hashrate, rental_price),
                "hardware_usd": econ.attack_cost_hardware_usd(hashrate, world["asic_price_usd_per_th"], e, power)}

    return {
        "world": world, "site_mw": site_mw_of(values), "mw_per_core": mapping.mw_per_core if mapping else None,
        "lab_halvings": moved["lab_halvings"], "lab_difficulty_ratio": moved["lab_difficulty_ratio"],
        "network": {"difficulty": d, "subsidy_btc": s, "network_hashrate_eh_s": econ.network_hashrate_eh_s(d),
                    "hashprice_btc_per_ph_day": hp_btc, "hashprice_usd_per_ph_day": hp_usd},
        "mining": {"hashcost_usd_per_ph_day": hashcost, "margin_usd_per_ph_day": hp_usd - hashcost,
                   "breakeven_power_price_usd_per_kwh": econ.breakeven_power_price_usd_per_kwh(hp_usd, e)},
        "revenue_per_kwh": {"mining_usd": mining_kwh, "colocation_usd": colocation_kwh, "gpu_cloud_usd": gpu_kwh,
                            "colocation_vs_mining": colocation_kwh / mining_kwh if mining_kwh else None,
                            "gpu_cloud_vs_mining": gpu_kwh / mining_kwh if mining_kwh else None},
        "site": pnl.as_dict(),
        "exodus": {"share_leaving": share, **exodus.as_dict()},
        "exodus_sweep": {"share_leaving": EXODUS_SHARES, "hashprice_usd_per_ph_day_after":
                         np.asarray(sweep.hashprice_usd_per_ph_day_after),
                         "block_time_s_until_retarget": np.asarray(sweep.block_time_s_until_retarget)},
        "attack": attack(0.0), "attack_after": attack(share),
    }


# --- widgets ----------------------------------------------------------------------------------
class ParameterSpinBox(QDoubleSpinBox):
    """A spin box over one parameter's range that says why it refuses what was typed."""

    refused = Signal(str)

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.name = name
        self.spec: ParameterSpec = PARAMETERS[name]
        self.display = display_for(name)
        d = self.display
        self.setDecimals(d.decimals)
        self.setRange(d.to_shown(self.spec.low), d.to_shown(self.spec.high))
        self.setSingleStep(d.step)
        self.setPrefix(d.prefix)
        self.setSuffix(d.suffix)
        self.setKeyboardTracking(False)  # apply on Enter, focus loss or the arrows, not per keystroke
        self.setGroupSeparatorShown(True)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setAccessibleName(self.spec.label)
        self._last_refusal = ""

    def range_text(self, between: str = "to") -> str:
        d = self.display
        return (f"{d.prefix}{self.minimum():,.{d.decimals}f} {between} {d.prefix}{self.maximum():,.{d.decimals}f}"
                f"{d.suffix}")

    def validate(self, text: str, pos: int):  # noqa: D401 - Qt's virtual
        result = super().validate(text, pos)
        state = result[0] if isinstance(result, tuple) else result
        if state == QValidator.State.Invalid:
            message = self.why_refused(text)
            if message != self._last_refusal:  # Qt validates the same keystroke more than once
                self._last_refusal = message
                self.refused.emit(message)
        else:
            self._last_refusal = ""
        return result

    def why_refused(self, text: str) -> str:
        label = self.spec.label[:1].upper() + self.spec.label[1:]
        core = text.strip()
        for affix in (self.prefix(), self.suffix()):
            core = core.replace(affix.strip(), "") if affix.strip() else core
        core = core.replace(",", "").replace(" ", "")
        try:
            float(core)
        except ValueError:
            return f"{label}: “{text.strip()}” is not a number."
        return f"{label} must be between {self.range_text('and')}; “{text.strip()}” was refused."


class BarChart(Chart):
    """A calm, fixed bar chart (no mouse zoom) with the value written above each bar."""

    def __init__(self, title: str, tooltip: str, categories: list[str], legend: bool = False):
        super().__init__(title, tooltip, legend=legend)
        self.categories = categories
        self.plot_item.showGrid(x=False, y=True, alpha=0.15)
        self.plot_item.setMouseEnabled(x=False, y=False)
        self.plot_item.setMenuEnabled(False)
        self.plot_item.hideButtons()
        self.plot_item.getAxis("bottom").setTicks([list(enumerate(categories))])
        self.plot_item.setXRange(-0.6, len(categories) - 0.4, padding=0)
        self.bars: dict[str, pg.BarGraphItem] = {}
        self.labels: dict[tuple[str, int], pg.TextItem] = {}
        self.text_color = DARK.text
        self.font_size = font_pt(False)
        self.rows: list[tuple[str, str, float]] = []  # (series, category, value) as drawn, for CSV
        if self.legend is not None:
            # One row across the top right, above the head-room left for it in set_bars.
            self.legend.setColumnCount(4)
            self.legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-8, 4))

    def set_bars(self, series: list[tuple[str, str | list[str], float, float]], values: dict[str, list[float]],
                 labels: dict[str, list[str]]) -> None:
        """`series`: (name, colour or one per bar, x offset, width); `values`/`labels`: per name, one per category."""
        self.rows = []
        low, high = 0.0, 0.0
        for name, color, offset, width in series:
            heights = np.asarray(values[name], dtype=float)
            xs = np.arange(len(heights)) + offset
            brush = {"brushes": color} if isinstance(color, list) else {"brush": color}
            if name not in self.bars:
                bar = pg.BarGraphItem(x=xs, height=heights, width=width, pen=pg.mkPen(None), **brush)
                self.plot_item.addItem(bar)
                if self.legend is not None:
                    self.legend.addItem(bar, name)
                self.bars[name] = bar
            else:
                self.bars[name].setOpts(x=xs, height=heights, width=width, **brush)
            for i, (x, h, text, category) in enumerate(zip(xs, heights, labels[name], self.categories)):
                self.rows.append((name, category, float(h)))
                # Made once and moved: removing TextItems from a live scene and letting Python
                # collect them later crashed PySide6 at exit (a refcount error on shutdown).
                label = self.labels.get((name, i))
                if label is None:
                    label = pg.TextItem(text, color=self.text_color)
                    label.setFont(self._font())
                    self.plot_item.addItem(label)
                    self.labels[(name, i)] = label
                label.setText(text, color=self.text_color)
                label.setAnchor((0.5, 1.0 if h >= 0 else 0.0))
                label.setPos(float(x), float(h))
            low, high = min(low, float(heights.min(initial=0))), max(high, float(heights.max(initial=0)))
        span = (high - low) or 1.0
        # Head-room for the value labels above (and below) the bars, and for the legend.
        room = 0.38 if self.legend is not None else 0.2
        self.plot_item.setYRange(low - (0.16 if low < 0 else 0.03) * span, high + room * span, padding=0)

    def rename(self, names: dict[str, str]) -> None:
        """Relabel series in the legend (e.g. "Mining 400 MW" as the split moves)."""
        if self.legend is None:
            return
        for sample, label in self.legend.items:
            for key, bar in self.bars.items():
                if sample.item is bar and label.text != names.get(key, label.text):
                    label.setText(names[key])

    def _font(self) -> QFont:
        font = QFont()
        font.setPointSize(self.font_size)
        font.setBold(True)
        return font

    def set_theme(self, background: str, foreground: str, font_pt_: int) -> None:
        super().set_theme(background, foreground, font_pt_)
        self.text_color, self.font_size = foreground, font_pt_
        for label in self.labels.values():
            label.setColor(foreground)
            label.setFont(self._font())


class EconomicsPanel(QWidget):
    """Scenario picker, editable parameters, and the figures: hashprice, revenue per kWh, the
    site's P&L split, the hashrate exodus and the cost of a 51% attack.

    `values_changed(dict)`: the scenario's parameter values with the user's edits, plus `site_mw`
    (the MW the laptop's cores stand for); emitted on every change and once after construction.
    `on_lab_state(state)`: the live lab (chain info, capacity split, AI report); see LabView.
    """

    values_changed = Signal(dict)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scenario_set: ScenarioSet = ScenarioSet({}, [])
        self.scenario: Scenario | None = None
        self.overrides: dict[str, float] = {}
        self.lab: LabView | None = None
        self.figures: dict[str, Any] | None = None
        self.spins: dict[str, ParameterSpinBox] = {}
        self.param_labels: dict[str, QLabel] = {}
        self.theme: Theme = DARK
        self.presenter = False
        self._last_emitted: dict | None = None
        self._difficulty_base: tuple[tuple[float, int], float | None] | None = None
        self._build()
        self.reload_scenarios()
        self.set_theme(DARK, False)
        # After construction, once the controller has connected: the AI runner gets its price.
        QTimer.singleShot(0, self, self._emit_initial)

    # --- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(8)

        top = QHBoxLayout()
        picker_label = QLabel("Scenario")
        picker_label.setObjectName("econStrong")
        self.picker = QComboBox()
        self.picker.setToolTip(TIPS["picker"])
        self.picker.setAccessibleName("Scenario")
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.picker.setMinimumContentsLength(30)
        self.reload_button = QPushButton("Reload")
        self.reload_button.setToolTip(TIPS["reload"])
        self.reset_button = QPushButton("Reset to preset")
        self.reset_button.setToolTip(TIPS["reset"])
        self.follow_box = QCheckBox("Follow the lab")
        self.follow_box.setChecked(True)
        self.follow_box.setToolTip(TIPS["follow"])
        top.addWidget(picker_label)
        top.addWidget(self.picker)
        top.addWidget(self.reload_button)
        top.addWidget(self.reset_button)
        top.addStretch(1)
        top.addWidget(self.follow_box)
        outer.addLayout(top)

        self.error_label = QLabel("", objectName="econError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        outer.addWidget(self.error_label)
        # Refused input is said here, above both columns, so it shows wherever the user scrolled.
        self.refused_label = QLabel("", objectName="econError")
        self.refused_label.setWordWrap(True)
        self.refused_label.hide()
        outer.addWidget(self.refused_label)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._build_left())
        self.splitter.addWidget(self._build_right())
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([400, 1000])
        outer.addWidget(self.splitter, 1)

        self.picker.currentIndexChanged.connect(self._on_pick)
        self.reload_button.clicked.connect(self.reload_scenarios)
        self.reset_button.clicked.connect(self.reset_to_preset)
        self.follow_box.toggled.connect(lambda _: self._refresh())

    @staticmethod
    def _scroll(content: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setWidget(content)
        return area

    def _build_left(self) -> QWidget:
        content = QWidget()
        v = QVBoxLayout(content)
        v.setContentsMargins(0, 0, 6, 0)
        v.setSpacing(8)

        story = QFrame(objectName="card")
        s = QVBoxLayout(story)
        s.setContentsMargins(14, 10, 14, 12)
        heading = QLabel("Read aloud", objectName="cardTitle")
        heading.setToolTip("The scenario's story in words a class can follow.")
        self.summary_label = QLabel("", objectName="econSummary")
        self.summary_label.setWordWrap(True)
        self.explanation_label = QLabel("", objectName="econExplanation")
        self.explanation_label.setWordWrap(True)
        self.explanation_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for w in (heading, self.summary_label, self.explanation_label):
            s.addWidget(w)
        v.addWidget(story)

        params = QFrame(objectName="card")
        params.setToolTip(TIPS["params"])
        p = QVBoxLayout(params)
        p.setContentsMargins(14, 10, 14, 12)
        p.setSpacing(6)
        p.addWidget(QLabel("Parameters", objectName="cardTitle"))
        self._refused_timer = QTimer(self, singleShot=True, interval=10_000, timeout=self.refused_label.hide)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(0, 1)
        row = 0
        placed = {n for _, names in GROUPS for n in names}
        groups = list(GROUPS) + [("More", tuple(n for n in PARAMETERS if n not in placed))]
        for title, names in groups:
            names = tuple(n for n in names if n in PARAMETERS)
            if not names:
                continue
            group_label = QLabel(title, objectName="econGroup")
            grid.addWidget(group_label, row, 0, 1, 2)
            row += 1
            for name in names:
                spec = PARAMETERS[name]
                label = QLabel(spec.label[:1].upper() + spec.label[1:])
                label.setWordWrap(True)
                spin = ParameterSpinBox(name)
                spin.setMinimumWidth(150)
                spin.valueChanged.connect(lambda shown, n=name: self._on_edit(n, shown))
                spin.refused.connect(self._show_refusal)
                grid.addWidget(label, row, 0)
                grid.addWidget(spin, row, 1)
                self.spins[name] = spin
                self.param_labels[name] = label
                row += 1
        p.addLayout(grid)
        v.addWidget(params)
        v.addStretch(1)
        area = self._scroll(content)
        area.setMinimumWidth(300)
        return area

    def _build_right(self) -> QWidget:
        content = QWidget()
        grid = QGridLayout(content)
        grid.setContentsMargins(6, 0, 0, 0)
        grid.setSpacing(8)

        self.live_label = QLabel("Preset figures: the lab has not reported yet.", objectName="econLive")
        self.live_label.setWordWrap(True)
        self.live_label.setToolTip(TIPS["live"])
        grid.addWidget(self.live_label, 0, 0, 1, 2)

        cards, labels = card_row([("Hashprice", TIPS["hashprice"]),
                                  ("Break-even power price", TIPS["breakeven"]),
                                  ("Site profit per day", TIPS["profit"]),
                                  ("Bitcoin network", TIPS["network"])], spacing=8)
        ((self.hashprice_value, self.hashprice_caption), (self.breakeven_value, self.breakeven_caption),
         (self.profit_value, self.profit_caption), (self.network_value, self.network_caption)) = labels
        grid.addLayout(cards, 1, 0, 1, 2)

        self.revenue_chart = BarChart("What a kWh earns (USD)", TIPS["revenue_chart"],
                                      ["Mining", "AI lease", "GPU cloud"])
        self.pnl_chart = BarChart("The site's day (million USD)", TIPS["pnl_chart"],
                                  ["Revenue", "Costs", "Profit"], legend=True)
        self.views = QTabWidget()
        self.views.setDocumentMode(True)
        site_view = QWidget()
        sv = QHBoxLayout(site_view)
        sv.setContentsMargins(0, 8, 0, 0)
        sv.setSpacing(8)
        sv.addWidget(self.revenue_chart, 1)
        sv.addWidget(self.pnl_chart, 1)
        self.views.addTab(site_view, "The site: mining or AI")
        self.views.setTabToolTip(0, TIPS["pnl_chart"])
        grid.addWidget(self.views, 2, 0, 1, 2)

        network = QFrame(objectName="card")
        n = QVBoxLayout(network)
        n.setContentsMargins(14, 10, 14, 12)
        n.setSpacing(6)
        n.addWidget(QLabel("Network view: if miners leave", objectName="cardTitle"))
        slider_row = QHBoxLayout()
        self.exodus_slider = QSlider(Qt.Orientation.Horizontal, minimum=0,
                                     maximum=int(round(PARAMETERS["share_leaving"].high * 100)),
                                     pageStep=5, singleStep=1, tickInterval=10)
        self.exodus_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.exodus_slider.setToolTip(TIPS["exodus_slider"])
        self.exodus_slider.setAccessibleName("Share of hashrate that leaves")
        self.exodus_value = QLabel("0%", objectName="econBig")
        self.exodus_value.setMinimumWidth(70)
        self.exodus_value.setToolTip(TIPS["exodus_slider"])
        leave_label = QLabel("Hashrate that leaves")
        leave_label.setToolTip(TIPS["exodus_slider"])
        slider_row.addWidget(leave_label)
        slider_row.addWidget(self.exodus_slider, 1)
        slider_row.addWidget(self.exodus_value)
        n.addLayout(slider_row)
        # Short values under their names, two columns: nothing wraps, even in presenter mode.
        facts = QGridLayout()
        facts.setHorizontalSpacing(18)
        facts.setVerticalSpacing(10)
        self.network_facts: dict[str, tuple[QLabel, QLabel]] = {}
        for i, (key, title) in enumerate((("block_time", "Block time until the retarget"),
                                          ("difficulty_after", "Difficulty after the retarget"),
                                          ("survivors", "Survivors' hashprice"),
                                          ("network_after", "Network hashrate"),
                                          ("attack_rental", "51% attack: rent, per hour"),
                                          ("attack_hardware", "51% attack: buy machines"))):
            cell = QVBoxLayout()
            cell.setSpacing(0)
            name = QLabel(title, objectName="econMuted")
            value = QLabel("–", objectName="econFact")
            for w in (name, value):
                w.setToolTip(TIPS[key])
                cell.addWidget(w)
            facts.addLayout(cell, i // 2, i % 2)
            self.network_facts[key] = (name, value)
        facts.setColumnStretch(0, 1)
        facts.setColumnStretch(1, 1)
        n.addSpacing(4)
        n.addLayout(facts)
        note = QLabel("Every 2016 blocks Bitcoin retunes its puzzle so that blocks come every 10 minutes. "
                      "When miners leave it gets easier: those who stay earn more per hash, and an "
                      "attacker needs less hardware to out-mine everyone else.", objectName="econMuted")
        note.setWordWrap(True)
        n.addSpacing(6)
        n.addWidget(note)
        n.addStretch(1)
        network_view = QWidget()
        nv = QHBoxLayout(network_view)
        nv.setContentsMargins(0, 8, 0, 0)
        nv.setSpacing(8)
        nv.addWidget(network, 1)
        self.views.addTab(network_view, "The network: if miners leave")
        self.views.setTabToolTip(1, TIPS["exodus_chart"])

        self.exodus_chart = Chart("Survivors' hashprice, $/PH/day",
                                  TIPS["exodus_chart"], y_from_zero=True, legend=True)
        self.exodus_chart.plot_item.getAxis("bottom").setTicks([[(v, f"{v}%") for v in range(0, 100, 20)]])
        self.exodus_chart.plot_item.setMouseEnabled(x=False, y=False)
        self.exodus_chart.plot_item.setMenuEnabled(False)
        self.exodus_chart.plot_item.hideButtons()
        self.exodus_before = self.exodus_chart.plot_item.plot(
            name="before anyone leaves", pen=pg.mkPen(COLORS["before"], width=2, style=Qt.PenStyle.DashLine))
        self.exodus_after = self.exodus_chart.plot_item.plot(
            name="after the retarget", pen=pg.mkPen(COLORS["mining"], width=3.5))
        # The slider's choice: a line and a dot on the curve (its numbers are in the card beside).
        self.exodus_marker = pg.InfiniteLine(angle=90, pen=pg.mkPen(COLORS["marker"], width=2))
        self.exodus_dot = pg.ScatterPlotItem(size=14, brush=pg.mkBrush(COLORS["marker"]), pen=pg.mkPen(None))
        self.exodus_chart.plot_item.addItem(self.exodus_marker)
        self.exodus_chart.plot_item.addItem(self.exodus_dot)
        self.exodus_chart.plot_item.setXRange(-1, 98, padding=0)
        self.exodus_chart.setMinimumWidth(260)
        nv.addWidget(self.exodus_chart, 1)

        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(2, 1)
        self.charts = {"economics_revenue_per_kwh": self.revenue_chart, "economics_site_pnl": self.pnl_chart,
                       "economics_exodus": self.exodus_chart}
        for chart in self.charts.values():
            chart.setMinimumHeight(250)
            chart.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.exodus_slider.valueChanged.connect(self._on_slider)
        # No scroll area here: with word-wrapped captions it would size the figures to their
        # preferred height and push the charts below the fold; the minimum sizes fit a laptop.
        return content

    # --- scenarios ----------------------------------------------------------------------------
    def reload_scenarios(self) -> None:
        """Load the presets and the user's copies; a broken file is shown, the others still load."""
        keep = self.scenario.name if self.scenario else None
        self.scenario_set = load_scenarios()
        errors = self.scenario_set.errors
        self.error_label.setText("\n".join(f"⚠  Could not load {e}" for e in errors))
        self.error_label.setToolTip("\n".join(str(e.path) for e in errors))
        self.error_label.setVisible(bool(errors))
        names = self.scenario_set.names()
        self.picker.blockSignals(True)
        self.picker.clear()
        for name, sc in self.scenario_set.scenarios.items():
            self.picker.addItem(sc.title + ("  (your copy)" if sc.origin == "user" else ""), name)
            self.picker.setItemData(self.picker.count() - 1, sc.summary, Qt.ItemDataRole.ToolTipRole)
        self.picker.blockSignals(False)
        if not names:
            self.scenario = None
            self._show_message("No scenario could be loaded; see the errors above.")
            return
        pick = keep if keep in names else (DEFAULT_SCENARIO if DEFAULT_SCENARIO in names else names[0])
        if self.picker.currentIndex() == names.index(pick):
            self._on_pick(names.index(pick))
        else:
            self.picker.setCurrentIndex(names.index(pick))  # -> _on_pick

    def select_scenario(self, name: str) -> None:
        self.picker.setCurrentIndex(self.scenario_set.names().index(name))

    def _on_pick(self, index: int) -> None:
        name = self.picker.itemData(index)
        if name is None:
            return
        self.scenario = self.scenario_set.scenarios[name]
        self.overrides = {}
        self.summary_label.setText(self.scenario.summary)
        self.explanation_label.setText(self.scenario.explanation)
        self._fill_spins()
        self._refresh()
        self._emit_values()

    def reset_to_preset(self) -> None:
        if self.scenario is None:
            return
        self.overrides = {}
        self._fill_spins()
        self._refresh()
        self._emit_values()

    def _fill_spins(self) -> None:
        values = self.current_values()
        for name, spin in self.spins.items():
            spin.blockSignals(True)
            spin.setValue(spin.display.to_shown(values[name]))
            spin.blockSignals(False)
        self._sync_slider(values["share_leaving"])
        self._mark_edited()

    def _mark_edited(self) -> None:
        if self.scenario is None:
            return
        for name, label in self.param_labels.items():
            edited = name in self.overrides
            label.setProperty("edited", edited)
            label.style().unpolish(label)
            label.style().polish(label)
            spec, spin = PARAMETERS[name], self.spins[name]
            source = self.scenario.parameters[name].source
            preset = spin.display.to_shown(self.scenario.parameters[name].value)
            d = spin.display
            tip = (f"{spec.label[:1].upper() + spec.label[1:]}: allowed {spin.range_text()}.\n"
                   f"Source: {source}")
            if edited:
                tip += f"\nYou changed it; the preset says {d.prefix}{preset:,.{d.decimals}f}{d.suffix}."
            label.setToolTip(tip)
            spin.setToolTip(tip)
        self.reset_button.setEnabled(bool(self.overrides))

    def current_values(self) -> dict[str, float]:
        """The scenario's parameter values with the user's edits (empty without a scenario)."""
        return self.scenario.values(self.overrides) if self.scenario else {}

    def values(self) -> dict[str, float]:
        """What `values_changed` carries: the current values plus `site_mw` for the lab mapping."""
        values = self.current_values()
        if values:
            values["site_mw"] = site_mw_of(values)
        return values

    @property
    def ai_mode(self) -> str:
        return self.scenario.ai_mode if self.scenario else "colocation"

    # --- edits ----------------------------------------------------------------------------------
    def _on_edit(self, name: str, shown: float) -> None:
        if self.scenario is None:
            return
        spin = self.spins[name]
        try:
            value = check_parameter(name, spin.display.to_model(shown))
        except ValueError:
            self._show_refusal(spin.why_refused(spin.textFromValue(shown)))
            spin.blockSignals(True)
            spin.setValue(spin.display.to_shown(self.current_values()[name]))
            spin.blockSignals(False)
            return
        previous = dict(self.overrides)
        preset = self.scenario.parameters[name].value
        if math.isclose(value, preset, rel_tol=1e-9, abs_tol=1e-15):
            self.overrides.pop(name, None)
        else:
            self.overrides[name] = value
        if not self._refresh():  # a combination the model rejects: undo it
            self.overrides = previous
            spin.blockSignals(True)
            spin.setValue(spin.display.to_shown(self.current_values()[name]))
            spin.blockSignals(False)
            self._refresh()
            return
        self.refused_label.hide()
        if name == "share_leaving":
            self._sync_slider(value)
        self._mark_edited()
        self._emit_values()

    def set_parameter(self, name: str, value: float) -> None:
        """Set one parameter in model units, as if typed (refused with a message if out of range)."""
        spin = self.spins[name]
        try:
            check_parameter(name, value)
        except ValueError:
            self._show_refusal(spin.why_refused(f"{spin.display.to_shown(value):g}"))
            return
        spin.setValue(spin.display.to_shown(value))

    def _on_slider(self, percent: int) -> None:
        self.exodus_value.setText(f"{percent}%")
        spin = self.spins["share_leaving"]
        if abs(spin.value() - percent) > 1e-9:
            spin.setValue(percent)  # -> _on_edit

    def _sync_slider(self, share: float) -> None:
        self.exodus_slider.blockSignals(True)
        self.exodus_slider.setValue(int(round(share * 100)))
        self.exodus_slider.blockSignals(False)
        self.exodus_value.setText(f"{share * 100:.0f}%")

    def _show_refusal(self, message: str) -> None:
        self.refused_label.setText(f"⚠  {message}")
        self.refused_label.show()
        self._refused_timer.start()

    def _show_message(self, message: str) -> None:
        self.live_label.setText(message)

    # --- signals out ------------------------------------------------------------------------------
    def _emit_initial(self) -> None:
        if self.scenario is not None:
            self._last_emitted = None
            self._emit_values()

    def _emit_values(self) -> None:
        values = self.values()
        if values and values != self._last_emitted:
            self._last_emitted = dict(values)
            self.values_changed.emit(values)

    # --- live hook ------------------------------------------------------------------------------
    def on_lab_state(self, state: dict) -> None:
        """The controller's view of the lab (see LabView.from_state); cheap, call it every second."""
        try:
            lab = LabView.from_state(state)
        except (KeyError, TypeError, ValueError) as exc:
            self.live_label.setText(f"The lab's state could not be read ({exc}); showing the preset figures.")
            return
        lab = self._rebase(lab)
        previous, self.lab = self.lab, lab
        if previous is not None and self._same_economics(previous, lab):
            self._show_live()  # only the hashrate moved: the words change, the figures do not
            return
        self._refresh()

    def _rebase(self, lab: LabView) -> LabView:
        """Measure difficulty from the lab's first mined block when the lesson began at genesis.

        The genesis block carries regtest's pow-limit difficulty (nBits 0x207fffff, ~4.7e-10),
        while the lab chain's own start difficulty, matched to this computer, begins at block 1:
        against genesis the ratio would read millions.
        """
        if lab.start.height > 0:
            return lab
        key = (lab.start.difficulty, lab.start.halving_interval_blocks)
        if self._difficulty_base is None or self._difficulty_base[0] != key or lab.now.height == 0:
            # A new session (or a chain reset to genesis): take the next mined block's difficulty.
            self._difficulty_base = (key, lab.now.difficulty if lab.now.height >= 1 else None)
        elif self._difficulty_base[1] is None:
            self._difficulty_base = (key, lab.now.difficulty)
        base = self._difficulty_base[1] or lab.now.difficulty
        return dataclasses.replace(lab, start=ChainState(0, base, lab.start.halving_interval_blocks))

    @staticmethod
    def _same_economics(a: LabView, b: LabView) -> bool:
        return (a.start == b.start and a.now == b.now and a.mining_slots == b.mining_slots
                and a.ai_slots == b.ai_slots and a.total_cores == b.total_cores
                and (a.ai_availability is None) == (b.ai_availability is None)
                and (a.ai_availability is None or abs(a.ai_availability - b.ai_availability) < 1e-7))

    @property
    def following_lab(self) -> bool:
        return self.lab is not None and self.follow_box.isChecked()

    # --- figures ----------------------------------------------------------------------------------
    def _refresh(self) -> bool:
        """Recompute and show every figure; False (and a message) if the model rejects the values."""
        if self.scenario is None:
            return False
        try:
            figures = compute_figures(self.current_values(), self.ai_mode, self.lab if self.following_lab else None)
        except ValueError as exc:
            self._show_refusal(f"The model cannot use these numbers: {exc}")
            return False
        self.figures = figures
        self._show(figures)
        return True

    def _show(self, fig: dict[str, Any]) -> None:
        w, net, mining = fig["world"], fig["network"], fig["mining"]
        preset = self.current_values()
        hp = net["hashprice_usd_per_ph_day"]
        self.hashprice_value.setText(money(hp, cents=True))
        caption = f"per PH/s per day ({net['hashprice_btc_per_ph_day'] * 1e8:,.0f} sats)"
        if self.following_lab and (fig["lab_halvings"] or abs(fig["lab_difficulty_ratio"] - 1) > 1e-9):
            base = econ.hashprice_usd_per_ph_day(preset["difficulty"], preset["subsidy_btc"],
                                                 preset["fees_btc_per_block"], preset["btc_price_usd"])
            caption += f"; the scenario alone: {money(base, cents=True)}"
        self.hashprice_caption.setText(caption)

        self.breakeven_value.setText(f"${mining['breakeven_power_price_usd_per_kwh']:.3f}/kWh")
        margin = mining["margin_usd_per_ph_day"]
        verdict = "earns" if margin >= 0 else "loses"
        self.breakeven_caption.setText(
            f"for {w['efficiency_j_per_th']:g} J/TH machines; at ${w['power_price_usd_per_kwh']:.3f} /kWh "
            f"a PH/s {verdict} {money(abs(margin), cents=True)} a day after power")

        site = fig["site"]
        self.profit_value.setText(money(site["profit_usd_per_day"]))
        text = (f"mining {signed_money(site['mining_profit_usd_per_day'])} · "
                f"AI {signed_money(site['ai_profit_usd_per_day'])}")
        if w["ai_mw"] > 0 and site["ai_online_fraction_year_one"] < 1:
            text += (f"; the first year {money(site['profit_usd_year_one'])}, while the AI hall is built "
                     f"({w['conversion_months']:g} months)")
        self.profit_caption.setText(text)

        self.network_value.setText(f"{net['network_hashrate_eh_s']:,.0f} EH/s")
        self.network_caption.setText(f"difficulty {difficulty_text(net['difficulty'])} · subsidy "
                                     f"{net['subsidy_btc']:g} BTC + fees {w['fees_btc_per_block']:g} BTC · "
                                     f"BTC ${w['btc_price_usd']:,.0f}")

        r = fig["revenue_per_kwh"]
        self.revenue_chart.set_bars(
            [("revenue", [COLORS["mining"], COLORS["colocation"], COLORS["gpu_cloud"]], 0.0, 0.6)],
            {"revenue": [r["mining_usd"], r["colocation_usd"], r["gpu_cloud_usd"]]},
            {"revenue": [f"${r['mining_usd']:.3f}", f"${r['colocation_usd']:.2f} · {ratio_text(r['colocation_vs_mining'])}",
                         f"${r['gpu_cloud_usd']:.2f} · {ratio_text(r['gpu_cloud_vs_mining'])}"]})

        mining_side = [site["mining_revenue_usd_per_day"] + site["mining_curtailment_credit_usd_per_day"],
                       site["mining_power_cost_usd_per_day"] + site["mining_capex_usd_per_day"],
                       site["mining_profit_usd_per_day"]]
        ai_side = [site["ai_revenue_usd_per_day"],
                   site["ai_sla_penalty_usd_per_day"] + site["ai_opex_usd_per_day"] + site["ai_capex_usd_per_day"],
                   site["ai_profit_usd_per_day"]]
        mining_name = f"Mining {w['mining_mw']:,.0f} MW"
        ai_name = f"AI {w['ai_mw']:,.0f} MW"
        self.pnl_chart.set_bars(
            [("mining", COLORS["mining"], -0.19, 0.36), ("ai", COLORS["colocation"], 0.19, 0.36)],
            {"mining": [v / 1e6 for v in mining_side], "ai": [v / 1e6 for v in ai_side]},
            {"mining": [money(v) for v in mining_side], "ai": [money(v) for v in ai_side]})
        self.pnl_chart.rename({"mining": mining_name, "ai": ai_name})

        x, before_attack, after_attack = fig["exodus"], fig["attack"], fig["attack_after"]
        share = x["share_leaving"]
        facts = self.network_facts
        facts["block_time"][1].setText(
            f"{minutes_text(x['block_time_s_until_retarget'])}, for {x['hours_until_retarget'] / 24:.0f} days")
        facts["difficulty_after"][1].setText(
            f"{difficulty_text(x['new_difficulty'])} ({x['difficulty_change'] * 100:+.0f}%)".replace("-", MINUS))

        def moved(before: str, after: str) -> str:
            return f"{before} → {after}" if share > 0 else before

        facts["survivors"][1].setText(moved(money(x["hashprice_usd_per_ph_day_before"], cents=True),
                                            money(x["hashprice_usd_per_ph_day_after"], cents=True)))
        facts["network_after"][1].setText(moved(f"{net['network_hashrate_eh_s']:,.0f}",
                                                f"{x['network_hashrate_eh_s_after']:,.0f}") + " EH/s")
        facts["attack_rental"][1].setText(moved(money(before_attack["rental_usd_per_hour"]),
                                                money(after_attack["rental_usd_per_hour"])))
        facts["attack_hardware"][1].setText(moved(money(before_attack["hardware_usd"]),
                                                  money(after_attack["hardware_usd"])))

        sweep = fig["exodus_sweep"]
        shares_pct = sweep["share_leaving"] * 100
        self.exodus_after.setData(shares_pct, sweep["hashprice_usd_per_ph_day_after"])
        self.exodus_before.setData(shares_pct, np.full(len(shares_pct), x["hashprice_usd_per_ph_day_before"]))
        self.exodus_marker.setValue(share * 100)
        self.exodus_dot.setData([share * 100], [x["hashprice_usd_per_ph_day_after"]])
        top = float(np.max(sweep["hashprice_usd_per_ph_day_after"]))
        self.exodus_chart.plot_item.setYRange(0, top * 1.15 if top > 0 else 1, padding=0)
        self._show_live()

    def _show_live(self) -> None:
        lab, fig = self.lab, self.figures
        if lab is None:
            self.live_label.setText("Preset figures: the lab has not reported yet. Once it runs, its "
                                    "halvings, difficulty and capacity split drive the site.")
            return
        if not self.follow_box.isChecked():
            self.live_label.setText("Preset figures: following the lab is switched off.")
            return
        if fig is None:
            return
        halvings = int(fig["lab_halvings"])
        w = fig["world"]
        mw = fig["mw_per_core"] or 0.0
        parts = [f"● Live from the lab: height {lab.now.height:,}",
                 (f"{halvings} halving{'s' if halvings != 1 else ''} since the lesson began "
                  f"(subsidy {w['subsidy_btc']:g} BTC)") if halvings else
                 f"next halving in {lab.now.halving_interval_blocks - lab.now.height % lab.now.halving_interval_blocks} blocks",
                 f"difficulty ×{fig['lab_difficulty_ratio']:.2f} since the start"]
        split = (f"{lab.mining_slots} of {lab.total_cores} cores mine ({w['mining_mw']:,.0f} MW), "
                 f"{lab.ai_slots} run AI ({w['ai_mw']:,.0f} MW); each core is {mw:,.0f} MW of the "
                 f"{fig['site_mw']:,.0f} MW site")
        text = " · ".join(parts) + ".  " + split
        if lab.hashrate_hs > 0 and fig["site"]["mining_hashrate_ph_s"]:
            text += (f". This laptop's {lab.hashrate_hs / 1e6:,.1f} MH/s stands for the site's "
                     f"{fig['site']['mining_hashrate_ph_s']:,.0f} PH/s")
        if lab.ai_availability is not None and lab.ai_slots:
            text += f"; the AI hall's measured uptime {lab.ai_availability * 100:.3f}%"
        self.live_label.setText(text + ".")

    # --- appearance -------------------------------------------------------------------------------
    def set_theme(self, theme: Theme, presenter: bool) -> None:
        """Colours and font sizes; the app's stylesheet (gui.theme.stylesheet) does the rest."""
        self.theme, self.presenter = theme, presenter
        base = font_pt(presenter)
        self.setStyleSheet(f"""
            QLabel#econError {{ color: {COLORS['error']}; font-weight: 600; }}
            QLabel#econGroup {{ color: {theme.accent}; font-weight: 700; padding-top: 8px; }}
            QLabel#econSummary {{ font-weight: 600; }}
            QLabel#econStrong {{ font-weight: 700; }}
            QLabel#econMuted {{ color: {theme.muted}; }}
            QLabel#econFact {{ font-size: {base + 2}pt; font-weight: 700; }}
            QLabel#econBig {{ font-size: {base + 6}pt; font-weight: 700; color: {theme.accent}; }}
            QLabel#econLive {{ background: {theme.panel}; border: 1px solid {theme.border};
                               border-left: 4px solid {COLORS['colocation']}; border-radius: 8px;
                               padding: 6px 10px; }}
            QLabel[edited="true"] {{ color: {theme.accent}; font-weight: 700; }}
            QScrollArea {{ border: none; }}
        """)
        for chart in self.charts.values():
            chart.set_theme(theme.chart_bg, theme.text, base)
            chart.setMinimumHeight(300 if presenter else 250)
        for chart in self.charts.values():
            # Room for the category names under the bars at every font size.
            chart.plot_item.getAxis("bottom").setHeight(int(base * 3.2))
            # Legend labels take a new colour and size only when their text is set again.
            for _, label in (chart.legend.items if chart.legend is not None else ()):
                label.setText(label.text)
        for caption in (self.hashprice_caption, self.breakeven_caption, self.profit_caption,
                        self.network_caption):
            caption.setVisible(not presenter)  # presenter mode keeps what a room reads from the back
        self.splitter.setSizes([340, 1000] if presenter else [400, 1000])

    # --- export ------------------------------------------------------------------------------------
    def export(self, folder: Path) -> list[Path]:
        """Each chart as PNG and the figures shown (with the parameters and sources) as CSV."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        for name, chart in self.charts.items():
            path = folder / f"{name}.png"
            chart.export_png(str(path))
            written.append(path)
        path = folder / "economics_figures.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(["section", "metric", "value", "unit", "note"])
            for section, metric, value, unit, note in self.figure_rows():
                out.writerow([section, metric, value, unit, note])
        written.append(path)
        if self.figures is not None:
            path = folder / "economics_exodus.csv"
            sweep = self.figures["exodus_sweep"]
            with open(path, "w", newline="", encoding="utf-8") as f:
                out = csv.writer(f)
                out.writerow(["share_leaving", "block_time_s_until_retarget", "hashprice_usd_per_ph_day_after"])
                for row in zip(sweep["share_leaving"], sweep["block_time_s_until_retarget"],
                               sweep["hashprice_usd_per_ph_day_after"]):
                    out.writerow([f"{v:.6g}" for v in row])
            written.append(path)
        return written

    def figure_rows(self) -> list[tuple[str, str, Any, str, str]]:
        """The figures shown, one row each: (section, metric, value, unit, note)."""
        rows: list[tuple[str, str, Any, str, str]] = []
        if self.scenario is None or self.figures is None:
            return rows
        fig = self.figures
        rows.append(("scenario", "name", self.scenario.name, "", self.scenario.title))
        rows.append(("scenario", "ai_mode", self.ai_mode, "", ""))
        rows.append(("scenario", "following_lab", self.following_lab, "", ""))
        if self.following_lab:
            lab = self.lab
            rows += [("lab", "height", lab.now.height, "blocks", ""),
                     ("lab", "halvings_since_start", fig["lab_halvings"], "", ""),
                     ("lab", "difficulty_ratio", fig["lab_difficulty_ratio"], "", ""),
                     ("lab", "mining_slots", lab.mining_slots, "cores", ""),
                     ("lab", "ai_slots", lab.ai_slots, "cores", ""),
                     ("lab", "total_cores", lab.total_cores, "cores", ""),
                     ("lab", "hashrate_hs", lab.hashrate_hs, "H/s", "")]
        values = self.current_values()
        for name, spec in PARAMETERS.items():
            source = "set for this run" if name in self.overrides else self.scenario.parameters[name].source
            rows.append(("parameter", name, values[name], spec.unit, source))
        units = {"usd_per_ph_day": "USD/PH/s/day", "usd_per_kwh": "USD/kWh", "_btc": "BTC", "eh_s": "EH/s",
                 "usd_per_day": "USD/day", "usd_per_year": "USD/year", "usd_per_hour": "USD/hour", "_usd": "USD",
                 "_mw": "MW", "ph_s": "PH/s", "_s": "s"}

        def unit_of(metric: str) -> str:
            return next((u for suffix, u in units.items() if metric.endswith(suffix)), "")

        for section in ("network", "mining", "revenue_per_kwh", "site", "exodus", "attack", "attack_after"):
            for metric, value in fig[section].items():
                rows.append((section, metric, value, unit_of(metric), ""))
        for metric in ("mining_mw", "ai_mw", "subsidy_btc", "difficulty"):
            rows.append(("shown", metric, fig["world"][metric], unit_of(metric), "after the lab's moves"))
        return rows
