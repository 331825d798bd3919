"""The window's metric cards, its node chip and the Node tab's summary, drawn from one snapshot
of what the window knows (chain info, miner stats, the core split, the AI report, the node's
state), so no two figures on screen disagree. A mixin of MainWindow, which owns the labels."""
from __future__ import annotations

import time

from gui.i18n import integer, locale, num, tr, usd
from gui.qt import QT_TRANSLATE_NOOP, Qt

NODE_TIP = QT_TRANSLATE_NOOP("", "The node keeps the chain. It runs as its own process and speaks Bitcoin Core's JSON-RPC.")


def blocks_text(n: int) -> str:
    """'1 block', '2 blocks', '1,024 blocks' (French: '1 bloc', '1 024 blocs')."""
    return tr("%Ln block(s)", "", n)


def cores_text(n: int) -> str:
    return tr("%Ln core(s)", "", n)


def fmt_duration(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    if seconds < 90:
        return tr("{n} s").format(n=seconds)
    if seconds < 5400:
        return tr("{n} min").format(n=round(seconds / 60))
    return tr("{h} h {m:02d} min").format(h=seconds // 3600, m=seconds % 3600 // 60)


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
            self._set_chip(tr("● {chain} · height {height}").format(chain=info['chain'], height=integer(height))
                           + ("" if self.presenter else f" · {self.controller.url or ''}"))
        self.height_value.setText(integer(height))
        tip_time = info.get("time") or (self.rows[-1].time if self.rows else None)
        if stopped:
            self.height_caption.setText(tr("node stopped: no new blocks"))
        else:
            age = "" if tip_time is None else tr("last block {age} ago · ").format(
                age=fmt_duration(time.time() - tip_time))
            self.height_caption.setText(age + tr("target every {n} s").format(n=spacing))
        self.difficulty_value.setText(locale().toString(float(info['difficulty']), "g", 4))
        if consensus.get("pow_no_retargeting"):
            self.difficulty_caption.setText(tr("fixed on regtest (no retargeting)"))
        else:
            self.difficulty_caption.setText(tr("retarget in {blocks}").format(
                blocks=blocks_text(retarget - height % retarget)))
        subsidy = float(consensus.get("subsidy", 50 / 2 ** ((height + 1) // halving)))
        self.reward_value.setText(f"{locale().toString(subsidy, 'g', 8)} BTC")
        blocks_left = halving - height % halving
        self.reward_caption.setText(tr("halving in {blocks}").format(blocks=blocks_text(blocks_left)) + (
            "" if self.presenter else f" · ≈ {fmt_duration(blocks_left * spacing)}"))
        uptime = "–" if info.get("uptime") is None or stopped else fmt_duration(info["uptime"])
        share = self.controller.class_address()
        self.node_details.setText(
            tr("<b>Chain</b> {chain} &nbsp; <b>Height</b> {height} &nbsp; <b>RPC</b> {url} &nbsp; "
               "<b>Node up</b> {uptime}<br><b>Best block</b> {best}<br><b>Target spacing</b> {spacing} s "
               "&nbsp; <b>Retarget every</b> {retarget} &nbsp; <b>Halving every</b> {halving} &nbsp; "
               "<b>Network hashrate</b> {mhs} MH/s").format(
                chain=info['chain'], height=integer(height), url=self.controller.url, uptime=uptime,
                best=info['bestblockhash'], spacing=spacing, retarget=blocks_text(retarget),
                halving=blocks_text(halving), mhs=num(float(info.get('networkhashps') or 0) / 1e6, 2))
            + (tr("<br><b>Shared with the class:</b> {address}").format(address=share) if share else ""))

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
        self.hashrate_value.setText(f"{num(s.hashrate_hs / 1e6, 1)} MH/s")
        self.hashrate_caption.setText(tr("{mining} of {total} mining").format(mining=mining, total=cores_text(total))
                                      + ai + f" · {found} · " + tr("kernel {name}").format(name=s.kernel or '…'))

    def _refresh_ai_card(self) -> None:
        r = self.last_ai_report
        if r is None:
            return
        self.ai_value.setText(f"{num(r.gflop_s, 1)} GFLOP/s")
        # Two lines at most (the card keeps room for two): the work and its bill, then the uptime.
        self.ai_caption.setText(tr("%Ln request(s)", "", r.jobs_done) + " · " + tr("{billed} billed").format(
            billed=usd(r.billed_usd))
            + (tr(" · penalty {usd}").format(usd=usd(r.sla_penalty_usd)) if r.sla_penalty_usd else "")
            + "\n" + tr("uptime {uptime}% (SLA {sla}%)").format(uptime=num(r.availability * 100, 3),
                                                                 sla=num(r.sla_availability * 100, 3)))
