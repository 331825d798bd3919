"""The Economics tab's four figure cards (hashprice, break-even power price, site profit, the
Bitcoin network): built once, filled from compute_figures' dict by `show(fig)`. Each caption keeps
CAPTION_LINES lines whatever it says (longer text cut with "…", whole in its tooltip), so the
cards and the charts under them stay where they are as the figures change."""

from __future__ import annotations

from typing import Any

from gui.economics.text import TIPS, difficulty_text
from gui.formats import money, signed_money, usd
from gui.i18n import locale, num, tr
from gui.widgets.card import card_row, reserve_lines

# Three lines hold "world today: $34.95 / like the lab: $35.91" whole in a 1366-wide window.
CAPTION_LINES = 3


class FigureCards:
    """The card row (`layout`) and its value and caption labels; the panel places the row."""

    def __init__(self) -> None:
        self.layout, labels = card_row(
            [
                (tr("Hashprice"), tr(TIPS["hashprice"])),
                (tr("Break-even power price"), tr(TIPS["breakeven"])),
                (tr("Site profit per day"), tr(TIPS["profit"])),
                (tr("Bitcoin network"), tr(TIPS["network"])),
            ],
            spacing=8,
        )
        (
            (self.hashprice_value, self.hashprice_caption),
            (self.breakeven_value, self.breakeven_caption),
            (self.profit_value, self.profit_caption),
            (self.network_value, self.network_caption),
        ) = labels

    def set_presenter(self, presenter: bool) -> None:
        """Captions hidden in presenter mode; else held to CAPTION_LINES lines of the font now set
        (call after a theme or font change)."""
        for caption in (self.hashprice_caption, self.breakeven_caption, self.profit_caption, self.network_caption):
            caption.setVisible(not presenter)  # presenter mode keeps what a room reads from the back
            reserve_lines(caption, CAPTION_LINES)

    def show(self, fig: dict[str, Any]) -> None:
        """The figures shown; after following the lab, each caption says the world today beside it."""
        w, net, mining, lab = fig["world"], fig["network"], fig["mining"], fig["lab"]
        hp = net["hashprice_usd_per_ph_day"]
        self.hashprice_value.setText(money(hp, cents=True))
        caption = tr("per PH/s per day ({sats} sats)").format(sats=num(net["hashprice_btc_per_ph_day"] * 1e8))
        if lab is not None:
            caption = tr("world today: {today} / like the lab: {lab}").format(
                today=money(net["hashprice_usd_per_ph_day_world_today"], cents=True), lab=money(hp, cents=True)
            )
        self.hashprice_caption.setText(caption)

        self.breakeven_value.setText(usd(mining["breakeven_power_price_usd_per_kwh"], 3) + "/kWh")
        margin = mining["margin_usd_per_ph_day"]
        words = (
            tr("for {eff} J/TH machines; at {price} /kWh a PH/s earns {margin} a day after power")
            if margin >= 0
            else tr("for {eff} J/TH machines; at {price} /kWh a PH/s loses {margin} a day after power")
        )
        self.breakeven_caption.setText(
            words.format(
                eff=num(w["efficiency_j_per_th"], 1),
                price=usd(w["power_price_usd_per_kwh"], 3),
                margin=money(abs(margin), cents=True),
            )
        )

        site, per_mw, per_mw_today = fig["site"], fig["per_mw_year"], fig["per_mw_year_world_today"]
        self.profit_value.setText(money(site["profit_usd_per_day"]))

        def mw(v: float | None) -> str:
            return "–" if v is None else signed_money(v)

        text = tr("per MW-year: mining {mining}, AI {ai}").format(mining=mw(per_mw["mining"]), ai=mw(per_mw["ai"]))
        if lab is not None:
            text = tr(
                "per MW-year, world today: mining {mining_today}, AI {ai_today} / like the lab: mining {mining}, "
                "AI {ai}"
            ).format(
                mining_today=mw(per_mw_today["mining"]),
                ai_today=mw(per_mw_today["ai"]),
                mining=mw(per_mw["mining"]),
                ai=mw(per_mw["ai"]),
            )
        if w["ai_mw"] > 0 and site["ai_online_fraction_year_one"] < 1:
            text += tr("; AI earns after {n} months of building").format(n=num(w["conversion_months"]))
        self.profit_caption.setText(text)

        self.network_value.setText(f"{num(net['network_hashrate_eh_s'])} EH/s")
        difficulty = difficulty_text(net["difficulty"])
        if lab is not None:  # both difficulties first: the rest may end in "…" (three lines)
            difficulty = tr("{today} today / {lab} like the lab").format(
                today=difficulty_text(fig["today"]["difficulty"]), lab=difficulty
            )
        caption = tr("difficulty {difficulty} · subsidy {subsidy} + fees {fees} BTC · BTC {price}").format(
            difficulty=difficulty,
            subsidy=locale().toString(net["subsidy_btc"], "g", 6),
            fees=locale().toString(w["fees_btc_per_block"], "g", 6),
            price=money(w["btc_price_usd"]),
        )
        self.network_caption.setText(caption)
