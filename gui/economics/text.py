"""Words and number formats of the Economics tab: tooltips a teacher can read, parameter groups,
how each parameter is shown in its spin box, and ratio/difficulty/time-compression words (money
and the other quantities: gui/formats.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.economy.scenario_params import PARAMETERS
from gui.formats import MINUS, difficulty_value
from gui.i18n import locale, num, tr
from gui.qt import QT_TRANSLATE_NOOP

# The parameters' names as the engine labels them (engine/economy/scenario_params.py), marked for
# translation here; tests/test_i18n.py checks the two lists agree.
PARAMETER_LABELS = {
    "difficulty": QT_TRANSLATE_NOOP("", "network difficulty"),
    "subsidy_btc": QT_TRANSLATE_NOOP("", "block subsidy"),
    "fees_btc_per_block": QT_TRANSLATE_NOOP("", "fees per block"),
    "btc_price_usd": QT_TRANSLATE_NOOP("", "BTC price"),
    "efficiency_j_per_th": QT_TRANSLATE_NOOP("", "ASIC efficiency"),
    "power_price_usd_per_kwh": QT_TRANSLATE_NOOP("", "power price"),
    "mining_mw": QT_TRANSLATE_NOOP("", "mining power"),
    "ai_mw": QT_TRANSLATE_NOOP("", "power converted to AI (facility)"),
    "mining_capex_usd_per_mw": QT_TRANSLATE_NOOP("", "mining site capex (no machines)"),
    "mining_amortisation_years": QT_TRANSLATE_NOOP("", "mining site write-off"),
    "asic_life_years": QT_TRANSLATE_NOOP("", "ASIC machines' write-off"),
    "mining_uptime": QT_TRANSLATE_NOOP("", "share of time mining runs"),
    "curtailment_credit_usd_per_mwh": QT_TRANSLATE_NOOP("", "credit for curtailed MWh"),
    "pue": QT_TRANSLATE_NOOP("", "PUE of the AI hall"),
    "ai_shell_capex_usd_per_mw_it": QT_TRANSLATE_NOOP("", "AI data-centre shell capex"),
    "ai_shell_amortisation_years": QT_TRANSLATE_NOOP("", "AI shell write-off"),
    "lease_usd_per_mw_it_year": QT_TRANSLATE_NOOP("", "colocation lease"),
    "lease_operating_margin": QT_TRANSLATE_NOOP("", "lease operating margin"),
    "gpu_capex_usd_per_mw_it": QT_TRANSLATE_NOOP("", "GPU capex"),
    "gpu_amortisation_years": QT_TRANSLATE_NOOP("", "GPU write-off"),
    "gpu_price_usd_per_gpu_hour": QT_TRANSLATE_NOOP("", "GPU rental price"),
    "power_per_gpu_kw": QT_TRANSLATE_NOOP("", "power per GPU, all-in"),
    "gpu_utilisation": QT_TRANSLATE_NOOP("", "share of GPU-hours sold"),
    "gpu_other_opex_fraction": QT_TRANSLATE_NOOP("", "other GPU-cloud costs, share of revenue"),
    "ai_availability": QT_TRANSLATE_NOOP("", "availability the AI hall achieves"),
    "sla_availability": QT_TRANSLATE_NOOP("", "availability promised to the AI tenant"),
    "sla_penalty_multiplier": QT_TRANSLATE_NOOP("", "hours of revenue refunded per hour below the SLA"),
    "conversion_months": QT_TRANSLATE_NOOP("", "conversion time"),
    "share_leaving": QT_TRANSLATE_NOOP("", "share of network hashrate that switches off"),
    "asic_price_usd_per_th": QT_TRANSLATE_NOOP("", "ASIC machines' price"),
    "difficulty_growth_per_month": QT_TRANSLATE_NOOP("", "difficulty growth per month"),
    "btc_price_change_per_year": QT_TRANSLATE_NOOP("", "BTC price change per year"),
    "months_to_next_halving": QT_TRANSLATE_NOOP("", "months to the next real halving"),
    "decision_horizon_months": QT_TRANSLATE_NOOP("", "horizon of the keep-mining-or-convert decision"),
    "discount_rate_per_year": QT_TRANSLATE_NOOP("", "discount rate for NPV"),
    "rental_premium": QT_TRANSLATE_NOOP("", "rented hashrate's premium over hashprice"),
}


def parameter_label(name: str) -> str:
    """A parameter's name in the language shown, capitalised."""
    label = tr(PARAMETER_LABELS[name]) if name in PARAMETER_LABELS else PARAMETERS[name].label
    return label[:1].upper() + label[1:]


# --- words an educator can read to a class --------------------------------------------------
TIPS = {
    "picker": QT_TRANSLATE_NOOP(
        "",
        "Each scenario is a real moment of the 2024-2025 story, with every number citing "
        "where it comes from. Pick one, read its explanation aloud, then change the numbers.",
    ),
    "reload": QT_TRANSLATE_NOOP("", "Read the scenario files again (after you edited your own copy)."),
    "reset": QT_TRANSLATE_NOOP("", "Put every number back to the scenario's published values."),
    "follow": QT_TRANSLATE_NOOP(
        "",
        "When ticked, the lab chain is the Bitcoin network in miniature: its halvings are real "
        "halvings (2028, 2032, ...) and its difficulty, against its own start, scales the world's. "
        "Every core mining on it is an equal share of the world's hashrate.",
    ),
    "site_follows": QT_TRANSLATE_NOOP(
        "",
        "When ticked, your site's mining/AI split follows the cores: the lab is then "
        "everyone converting like us. When not, the site keeps the scenario's split and "
        "moving cores is the rest of the industry converting.",
    ),
    # engine.economy.lab_mapping.TEACHER_SENTENCES, marked for translation (a test keeps them equal)
    "live": QT_TRANSLATE_NOOP(
        "",
        "The lab chain is the Bitcoin network in miniature: every core mining on it stands for an equal "
        "share of the world's hashrate, so moving cores to AI is the whole industry converting, and the "
        "retarget that follows lowers the world's difficulty so the miners who stay earn more per hash. "
        "Your site is one named actor of fixed size inside that world (1 GW is about 4% of it), so its own "
        "choice moves world difficulty only by its share, and its profit is shown both in the world as it "
        "is today and in a world that shrank like the lab.",
    ),
    "hashprice": QT_TRANSLATE_NOOP(
        "",
        "Hashprice: how many dollars one petahash per second of mining machines earns in "
        "a day. It falls when the block reward halves or the difficulty rises, and rises "
        "with the bitcoin price.",
    ),
    "breakeven": QT_TRANSLATE_NOOP(
        "",
        "Break-even power price: the electricity price at which these machines earn "
        "exactly their power bill. A miner paying more than this loses money on every "
        "block it tries to find.",
    ),
    "profit": QT_TRANSLATE_NOOP(
        "",
        "The whole site's profit per day: what the mining half and the AI half earn, minus "
        "power, running costs and the cost of the buildings and machines spread over their "
        "lifetime.",
    ),
    "network": QT_TRANSLATE_NOOP(
        "",
        "The whole Bitcoin network: its total computing power in exahashes per second "
        "(a billion billion guesses every second), worked out from the difficulty.",
    ),
    "revenue_chart": QT_TRANSLATE_NOOP(
        "",
        "What one kilowatt-hour drawn from the grid earns: burnt in mining machines, rented "
        "to an AI tenant as a colocation lease (the tenant pays the power on top), or sold "
        "as GPU hours. The AI hall loses some power to cooling (PUE), so its figures are "
        "per grid kWh too; the bars' labels give this scenario's multiples of mining.",
    ),
    "pnl_chart": QT_TRANSLATE_NOOP(
        "",
        "The site's money per day, split between the megawatts still mining (orange) and "
        "the megawatts converted to AI (teal). Costs include power, running costs and "
        "the buildings and machines spread over their lifetime.",
    ),
    "exodus_chart": QT_TRANSLATE_NOOP(
        "",
        "If a share of the world's miners switch off, the next difficulty adjustment "
        "makes the puzzle easier, so the miners who stay earn more per hash. The "
        "adjustment can ease at most 4 times at once: beyond 75% leaving the curve is flat.",
    ),
    "exodus_slider": QT_TRANSLATE_NOOP(
        "",
        "Drag to choose the share of the world's hashrate that switches off, for "
        "example because miners turned their power over to AI.",
    ),
    "block_time": QT_TRANSLATE_NOOP(
        "",
        "Until the next difficulty adjustment the puzzle stays as hard, so with fewer "
        "machines blocks come more slowly than every 10 minutes.",
    ),
    "difficulty_after": QT_TRANSLATE_NOOP(
        "",
        "The difficulty after the next adjustment: Bitcoin makes the puzzle easier "
        "so that blocks come every 10 minutes again (at most 4 times easier at once).",
    ),
    "survivors": QT_TRANSLATE_NOOP(
        "",
        "What the miners who stay earn per petahash per day, before and after the "
        "adjustment: the same reward is shared among fewer machines.",
    ),
    "network_after": QT_TRANSLATE_NOOP(
        "",
        "The whole network's computing power before and after the miners leave, in "
        "exahashes per second (a billion billion guesses every second).",
    ),
    "attack_rental": QT_TRANSLATE_NOOP(
        "",
        "To rewrite recent blocks an attacker needs more computing power than everyone "
        "else together (a 51% attack). Renting that much for one hour costs about this: "
        "right after miners leave it is cheaper, but once difficulty retargets it costs "
        "the same as before. No market rents a majority of Bitcoin's hashrate: a bound.",
    ),
    "attack_hardware": QT_TRANSLATE_NOOP(
        "",
        "Buying machines as powerful as the whole honest network, plus a day of "
        "electricity to run them. When miners leave, an attacker needs less hardware.",
    ),
    "btc_sweep": QT_TRANSLATE_NOOP(
        "",
        "Profit per megawatt-year for mining and for AI as the bitcoin price changes; the line "
        "marks the price at which mining earns what AI earns.",
    ),
    "power_sweep": QT_TRANSLATE_NOOP(
        "",
        "Profit per megawatt-year as the power price changes. A colocation tenant pays its "
        "own power, so the lease does not move; mining falls as power gets dearer.",
    ),
    "horizon": QT_TRANSLATE_NOOP(
        "",
        "One megawatt over the coming months: buy new machines and keep mining, or build an "
        "AI hall and lease it. Difficulty keeps growing, the next real halving cuts the "
        "reward; the lines show the cash after the upfront spend.",
    ),
    "params": QT_TRANSLATE_NOOP(
        "",
        "Every number the model uses. Hover over one to see where it comes from. Values "
        "outside the sensible range are refused with a message.",
    ),
}

# Parameter groups as shown; anything PARAMETERS gains later lands in "More".
GROUPS = (
    (QT_TRANSLATE_NOOP("", "Bitcoin network"), ("difficulty", "subsidy_btc", "fees_btc_per_block", "btc_price_usd")),
    (
        QT_TRANSLATE_NOOP("", "Mining"),
        (
            "mining_mw",
            "efficiency_j_per_th",
            "power_price_usd_per_kwh",
            "mining_capex_usd_per_mw",
            "mining_amortisation_years",
            "asic_price_usd_per_th",
            "asic_life_years",
            "mining_uptime",
            "curtailment_credit_usd_per_mwh",
        ),
    ),
    (
        QT_TRANSLATE_NOOP("", "AI hall"),
        (
            "ai_mw",
            "pue",
            "lease_usd_per_mw_it_year",
            "lease_operating_margin",
            "ai_shell_capex_usd_per_mw_it",
            "ai_shell_amortisation_years",
            "conversion_months",
            "ai_availability",
            "sla_availability",
            "sla_penalty_multiplier",
        ),
    ),
    (
        QT_TRANSLATE_NOOP("", "GPU cloud"),
        (
            "gpu_price_usd_per_gpu_hour",
            "gpu_utilisation",
            "power_per_gpu_kw",
            "gpu_capex_usd_per_mw_it",
            "gpu_amortisation_years",
            "gpu_other_opex_fraction",
        ),
    ),
    (QT_TRANSLATE_NOOP("", "Network view"), ("share_leaving", "rental_premium")),
    (
        QT_TRANSLATE_NOOP("", "Decisions"),
        (
            "difficulty_growth_per_month",
            "btc_price_change_per_year",
            "months_to_next_halving",
            "decision_horizon_months",
            "discount_rate_per_year",
        ),
    ),
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


_YEARS = Display(1, 1, "", QT_TRANSLATE_NOOP("", " years"), 0.5)
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
    "conversion_months": Display(1, 0, "", QT_TRANSLATE_NOOP("", " months"), 1),
    "share_leaving": _percent(0, 5),
    "asic_price_usd_per_th": Display(1, 1, "$", " /TH", 1),
    "rental_premium": _percent(0, 5),
    "asic_life_years": _YEARS,
    "difficulty_growth_per_month": _percent(1, 0.5),
    "btc_price_change_per_year": _percent(0, 10),
    "months_to_next_halving": Display(1, 0, "", QT_TRANSLATE_NOOP("", " months"), 1),
    "decision_horizon_months": Display(1, 0, "", QT_TRANSLATE_NOOP("", " months"), 6),
    "discount_rate_per_year": _percent(0, 1),
}


def display_for(name: str) -> Display:
    spec = PARAMETERS[name]
    return DISPLAY.get(name) or Display(1, 3, "", f" {spec.unit}" if spec.unit else "", 1)


def ratio_text(ratio: float | None) -> str:
    if ratio is None or not math.isfinite(ratio):
        return "–"
    if ratio >= 1000:
        return tr("over 999×")
    return f"{num(ratio, 1)}×" if ratio < 10 else f"{num(ratio, 0)}×"


def difficulty_text(difficulty: float) -> str:
    return f"{num(difficulty / 1e12, 1)} T" if difficulty >= 1e11 else difficulty_value(difficulty)


def compression_text(clock) -> str:
    """engine.economy.lab_mapping.LabClock.compression_text in the language shown."""
    retarget = (
        tr("a lab retarget = {blocks} blocks for {real}").format(
            blocks=num(clock.retarget_interval_blocks), real=num(2016)
        )
        if clock.retargets
        else tr("no retargets on this chain")
    )
    return tr("a lab block = {s} s for 10 min, {retarget}, a lab halving = {blocks} blocks for {real}").format(
        s=num(clock.block_spacing_s), retarget=retarget, blocks=num(clock.halving_interval_blocks), real=num(210000)
    )


def live_text(lab, fig, following: bool, site_follows: bool) -> str | None:
    """The live line above the figures: what the lab chain stands for now (None: leave it as it is)."""
    if lab is None:
        return tr(
            "Preset figures: the lab has not reported yet. Once it runs, its chain "
            "stands for the Bitcoin network and your site lives inside it."
        )
    if not following:
        return tr("Preset figures: following the lab is switched off.")
    if fig is None or fig["lab"] is None:
        return None
    chain, w, side = lab.chain, fig["world"], fig["lab"]
    halvings = int(fig["lab_halvings"])
    years = ", ".join(str(y) for y in side["halving_years_passed"])
    low, high = side["luck_ratio_range"]
    head = tr("● The lab chain is the network in miniature ({compression}). Height {height}: ").format(
        compression=compression_text(chain.clock), height=num(chain.height)
    )
    if halvings:
        head += tr("%n halving(s) so far (the {years} halving(s); subsidy {subsidy} BTC)", "", halvings).format(
            years=years, subsidy=locale().toString(w["subsidy_btc"], "g", 6)
        )
    else:
        head += tr("next halving ({year}) in %n block(s)", "", chain.blocks_to_next_halving).format(
            year=side["next_halving_year"]
        )
    parts = [
        head,
        tr("difficulty ×{ratio} since the chain's start (luck alone: ×{low}–{high}, ±{sigma}% per retarget)").format(
            ratio=num(fig["lab_difficulty_ratio"], 2),
            low=num(low, 2),
            high=num(high, 2),
            sigma=num(side["luck_sigma"] * 100),
        ),
    ]
    who = (
        tr("everyone converting like us")
        if site_follows
        else tr("the rest of the industry; your site keeps its own split")
    )
    split = (
        tr(
            "{mining} of {total} cores mine, {ai} run AI: {who}. Your {site} MW site ({share}% of the "
            "world) mines {mining_mw} MW, AI {ai_mw} MW; on its own that moves world difficulty {change}%"
        )
        .format(
            mining=lab.mining_slots,
            total=lab.total_cores,
            ai=lab.ai_slots,
            who=who,
            site=num(fig["site_mw"]),
            share=num(fig["site_share_of_world"] * 100, 1),
            mining_mw=num(w["mining_mw"]),
            ai_mw=num(w["ai_mw"]),
            change=("+" if fig["site_difficulty_change"] >= 0 else "") + num(fig["site_difficulty_change"] * 100, 1),
        )
        .replace("-", MINUS)
    )
    text = " · ".join(parts) + ".  " + split
    if lab.ai_availability is not None and lab.ai_slots:
        text += tr("; the AI hall's measured uptime {uptime}%").format(uptime=num(lab.ai_availability * 100, 3))
    return text + "."
