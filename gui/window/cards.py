"""The window's metric cards and its node chip, drawn from one snapshot of what the window knows
(chain info, miner stats, the core split, the AI report, the node's state), so no two figures on
screen disagree. A mixin of MainWindow, which owns the labels."""

from __future__ import annotations

import time

from engine.primitives.subsidy import COIN, subsidy_after_halvings_sat
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
        "New bitcoins paid to whoever finds the next block (the subsidy). It halves every "
        "halving interval: on this lab chain every few minutes, on Bitcoin every four years.",
    ),
    "ai": QT_TRANSLATE_NOOP(
        "",
        "The cores given to AI run real matrix multiplications, like an AI model answering "
        "requests. GFLOP/s is billions of calculations per second; the bill is what a site of "
        "this size would earn for the same share of its power.",
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
    """`refresh_cards()` redraws every card from the window's current state."""

    def refresh_cards(self) -> None:
        self._refresh_chain_cards()
        self._refresh_hashrate_card()
        self._refresh_ai_card()

    def _set_chip(self, text: str) -> None:
        """The node chip keeps one width (the subtitle beside it must not re-wrap as the text
        changes); longer text is elided, and the whole of it is in the tooltip."""
        metrics = self.node_chip.fontMetrics()
        room = self.node_chip.width() - 24
        self.node_chip.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, room) if room > 0 else text)
        self.node_chip.setToolTip(f"{text}\n\n{tr(NODE_TIP)}")

    def _refresh_chain_cards(self) -> None:
        info = self.info
        stopped = self.node_state == "stopped"
        if not info:
            self._set_chip(tr("node: stopped") if stopped else tr("node: starting…"))
            return
        consensus = info.get("consensus") or {}
        spacing = consensus.get("pow_target_spacing", 600)
        retarget = consensus.get("difficulty_adjustment_interval", 2016)
        halving = consensus.get("subsidy_halving_interval", 150)
        height = info["blocks"]
        if stopped:
            self._set_chip(tr("node: stopped · height {height}").format(height=integer(height)))
        else:
            self._set_chip(
                tr("● {chain} · height {height}").format(chain=info["chain"], height=integer(height))
                + ("" if self.presenter else f" · {self.controller.url or ''}")
            )
        self.height_value.setText(integer(height))
        tip_time = info.get("time") or (self.chain.rows[-1].time if self.chain.rows else None)
        if stopped:
            self.height_caption.setText(tr("node stopped: no new blocks"))
        else:
            age = (
                ""
                if tip_time is None
                else tr("last block {age} ago · ").format(age=fmt_duration(time.time() - tip_time))
            )
            self.height_caption.setText(age + tr("target every {n} s").format(n=spacing))
        self.difficulty_value.setText(difficulty_value(info["difficulty"]))
        if consensus.get("pow_no_retargeting"):
            self.difficulty_caption.setText(tr("fixed on regtest (no retargeting)"))
        else:
            self.difficulty_caption.setText(
                tr("retarget in {blocks}").format(blocks=blocks_text(retarget - height % retarget))
            )
        subsidy = subsidy_after_halvings_sat((height + 1) // halving) / COIN  # the next block's reward
        self.reward_value.setText(f"{btc_value(subsidy)} BTC")
        blocks_left = halving - height % halving
        self.reward_caption.setText(
            tr("halving in {blocks}").format(blocks=blocks_text(blocks_left))
            + ("" if self.presenter else f" · ≈ {fmt_duration(blocks_left * spacing)}")
        )

    def _refresh_hashrate_card(self) -> None:
        s, a = self.last_stats, self.last_allocation
        found = tr("%Ln block(s) found", "", self.blocks_accepted)
        if self.node_state == "stopped":
            self.hashrate_value.setText(tr("stopped"))
            self.hashrate_caption.setText(tr("the node is stopped · {found}").format(found=found))
            return
        if s is None:
            self.hashrate_value.setText("–")
            self.hashrate_caption.setText(tr("starting the miner…"))
            return
        if s.paused:
            self.hashrate_value.setText(tr("paused"))
            self.hashrate_caption.setText(tr("mining paused · {found}").format(found=found))
            return
        if not s.connected:
            self.hashrate_value.setText(tr("waiting"))
            self.hashrate_caption.setText(tr("waiting for the node · {found}").format(found=found))
            return
        mining = a.mining_slots if a else s.slots
        total = a.total_cores if a else self.controller.total_cores
        ai = tr(" · {n} on AI").format(n=a.ai_slots) if a and a.ai_slots else ""
        self.hashrate_value.setText(mhs_text(s.hashrate_hs))
        self.hashrate_caption.setText(
            tr("{mining} of {total} mining").format(mining=mining, total=cores_text(total))
            + ai
            + f" · {found} · "
            + tr("kernel {name}").format(name=s.kernel or "…")
        )

    def _refresh_ai_card(self) -> None:
        r = self.last_ai_report
        if r is None:
            return
        self.ai_value.setText(f"{num(r.gflop_s, 1)} GFLOP/s")
        # Two lines at most (the card keeps room for two): the work and its bill, then the uptime.
        self.ai_caption.setText(
            tr("%Ln request(s)", "", r.jobs_done)
            + " · "
            + tr("{billed} billed").format(billed=usd(r.billed_usd))
            + (tr(" · penalty {usd}").format(usd=usd(r.sla_penalty_usd)) if r.sla_penalty_usd else "")
            + "\n"
            + tr("uptime {uptime}% (SLA {sla}%)").format(
                uptime=num(r.availability * 100, 3), sla=num(r.sla_availability * 100, 3)
            )
        )
