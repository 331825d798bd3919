"""The window's metric cards and its node chip, drawn from the lab state's facts (LabState.facts:
every figure worked out once in engine/lab_figures.py), so no two figures on screen disagree. Each
card says which block it speaks for: the tip's difficulty and reward, the next halving and
retarget labelled as such. A mixin of MainWindow, which owns the labels."""

from __future__ import annotations

from gui.formats import blocks_text, btc_value, cores_text, difficulty_value, fmt_duration, mhs_text, usd
from gui.i18n import integer, num, tr
from gui.qt import QT_TRANSLATE_NOOP, Qt

# What each card and the capacity control say to a teacher who hovers over them.
TIPS = {
    "hashrate": QT_TRANSLATE_NOOP(
        "",
        "How many SHA-256d hashes this laptop tries per second, in millions (MH/s). "
        "Each hash is one lottery ticket for the next block.",
    ),
    "blocks": QT_TRANSLATE_NOOP(
        "", "Blocks this chain has. A new block comes when someone's hash is below the target."
    ),
    "difficulty": QT_TRANSLATE_NOOP(
        "",
        "How hard it is to find a block, as a multiple of Bitcoin's easiest difficulty. "
        "It is retuned every few blocks so that blocks keep coming at the target pace.",
    ),
    "reward": QT_TRANSLATE_NOOP(
        "",
        "New bitcoins paid to whoever found the last block (the subsidy; the card says which block). "
        "It halves every halving interval: on this lab chain every few minutes, on Bitcoin every four years.",
    ),
    "ai": QT_TRANSLATE_NOOP(
        "",
        "The cores given to AI run real matrix multiplications, like an AI model answering "
        "requests. GFLOP/s is billions of calculations per second, measured on this computer; "
        "the price of a core-second comes from the scenario: what a site of this size would earn "
        "for the same share of its power.",
    ),
    "capacity": QT_TRANSLATE_NOOP(
        "",
        "Drag to move CPU cores from mining to AI jobs. Fewer mining cores means a lower "
        "hashrate; after the next retarget the difficulty follows.",
    ),
    "throttle": QT_TRANSLATE_NOOP(
        "", "How many of this computer's cores the lab may use at all, so a laptop stays cool."
    ),
}

NODE_TIP = QT_TRANSLATE_NOOP(
    "", "The node keeps the chain. It runs as its own process and speaks Bitcoin Core's JSON-RPC."
)


class LabCards:
    """`refresh_cards()` redraws every card from the lab state's facts."""

    def refresh_cards(self) -> None:
        facts = self.lab.facts()
        self._refresh_chain_cards(facts)
        self._refresh_hashrate_card(facts)
        self._refresh_ai_card(facts)

    def _set_chip(self, text: str) -> None:
        """The node chip keeps one width (the subtitle beside it must not re-wrap as the text
        changes); longer text is elided, and the whole of it is in the tooltip."""
        metrics = self.node_chip.fontMetrics()
        room = self.node_chip.width() - 24
        self.node_chip.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, room) if room > 0 else text)
        self.node_chip.setToolTip(f"{text}\n\n{tr(NODE_TIP)}")

    def _refresh_chain_cards(self, f: dict) -> None:
        stopped = f.get("node_state") == "stopped"
        height = f.get("height")
        if height is None:
            self._set_chip(tr("node: stopped") if stopped else tr("node: starting…"))
            return
        if stopped:
            self._set_chip(tr("node: stopped · height {height}").format(height=integer(height)))
        else:
            self._set_chip(
                tr("● {chain} · height {height}").format(chain=f["chain"], height=integer(height))
                + ("" if self.presenter else f" · {self.controller.url or ''}")
            )
        self.height_value.setText(integer(height))
        target = tr("target every {n} s").format(n=f["target_spacing_s"])
        if stopped:
            self.height_caption.setText(tr("node stopped: no new blocks"))
        elif f["last_block_age_s"] is None:
            self.height_caption.setText((tr("no block yet · ") if height == 0 else "") + target)
        else:
            self.height_caption.setText(
                tr("last block {age} ago · ").format(age=fmt_duration(f["last_block_age_s"])) + target
            )
        self.difficulty_value.setText(difficulty_value(f["difficulty"]))
        block = tr("block {height}").format(height=integer(f["difficulty_block"]))
        if not f["retargets"]:
            self.difficulty_caption.setText(block + " · " + tr("fixed on regtest (no retargeting)"))
        else:
            self.difficulty_caption.setText(
                block
                + " · "
                + tr("retarget at {height}, in {blocks}").format(
                    height=integer(f["next_retarget_height"]), blocks=blocks_text(f["retarget_in_blocks"])
                )
            )
        self.reward_value.setText(f"{btc_value(f['reward_btc'])} BTC")
        block = tr("block {height}").format(height=integer(f["reward_block"]))
        if f["next_reward_btc"] != f["reward_btc"] and f["reward_block"] == height:
            nxt = tr("next block {reward} BTC (halving)").format(reward=btc_value(f["next_reward_btc"]))
        else:
            nxt = tr("halving at {height}, in {blocks}").format(
                height=integer(f["next_halving_height"]), blocks=blocks_text(f["halving_in_blocks"])
            ) + ("" if self.presenter else f" · ≈ {fmt_duration(f['halving_in_blocks'] * f['target_spacing_s'])}")
        self.reward_caption.setText(block + " · " + nxt)

    def _refresh_hashrate_card(self, f: dict) -> None:
        s, a = self.last_stats, self.last_allocation
        found_n = f.get("blocks_found")
        found = "" if found_n is None else tr("%Ln block(s) found", "", found_n)
        if f.get("node_state") == "stopped":
            self.hashrate_value.setText(tr("stopped"))
            self.hashrate_caption.setText(tr("the node is stopped · {found}").format(found=found).rstrip(" ·"))
            return
        if s is None:
            self.hashrate_value.setText("–")
            self.hashrate_caption.setText(tr("starting the miner…"))
            return
        if s.paused:
            self.hashrate_value.setText(tr("paused"))
            self.hashrate_caption.setText(tr("mining paused · {found}").format(found=found).rstrip(" ·"))
            return
        if not s.connected:
            self.hashrate_value.setText(tr("waiting"))
            self.hashrate_caption.setText(tr("waiting for the node · {found}").format(found=found).rstrip(" ·"))
            return
        mining = a.mining_slots if a else s.slots
        total = a.total_cores if a else self.controller.total_cores
        ai = tr(" · {n} on AI").format(n=a.ai_slots) if a and a.ai_slots else ""
        self.hashrate_value.setText(mhs_text(s.hashrate_hs))
        self.hashrate_caption.setText(
            tr("{mining} of {total} mining").format(mining=mining, total=cores_text(total))
            + ai
            + (f" · {found}" if found else "")
            + " · "
            + tr("kernel {name}").format(name=s.kernel or "…")
        )

    def _refresh_ai_card(self, f: dict) -> None:
        if self.last_ai_report is None:
            return
        self.ai_value.setText(f"{num(f['ai_gflop_s'], 1)} GFLOP/s")
        # Two short lines (the card keeps room for two): the speed is measured, the bill is at the
        # scenario's price; then the penalty first (the figure the Lesson tab explains, to the
        # cent as there), or the uptime against the SLA while none is due.
        if f["sla_penalty_usd"]:
            second = (
                tr("penalty {usd}").format(usd=usd(f["sla_penalty_usd"], 2))
                + " · "
                + tr("uptime {uptime}%").format(uptime=num(f["sla_delivered"] * 100, 3))
            )
        else:
            second = tr("uptime {uptime}% (SLA {sla}%)").format(
                uptime=num(f["sla_delivered"] * 100, 3), sla=num((f["sla_promised"] or 0) * 100, 3)
            )
        self.ai_caption.setText(tr("measured · {billed} billed").format(billed=usd(f["ai_billed_usd"])) + "\n" + second)
