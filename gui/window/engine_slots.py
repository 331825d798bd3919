"""The window's slots for the controller's signals (node up or down, build progress, chain info,
blocks, miner stats, block results, AI report, core split). A mixin of MainWindow, which owns the
widgets and what the window knows; cards.py draws it."""

from __future__ import annotations

import time

from engine.ai.jobs import AIReport
from engine.capacity import Allocation
from engine.mining.events import BlockResult, MinerStats
from gui.formats import cores_text
from gui.i18n import integer, tr


class EngineSlots:
    """What the window does when the controller reports: keep its figures and the Chain tab's
    blocks in step, show the banner when the node stops, and redraw the cards."""

    def on_problem(self, message: str) -> None:
        if self.node_state != "stopped":  # the banner says it all; a late "retrying" note would not
            self.statusBar().showMessage(message, 8000)

    def on_compile_progress(self, message: str, percent: int) -> None:
        if self.banner.is_error and self.banner.isVisible():
            return  # an error (node stopped) stays until it is dealt with
        self.banner.show_message(message, error=False, percent=percent)
        if percent >= 100:
            self.banner.timer.start()  # one timer, restarted: a stale one must not hide an error
        else:
            self.banner.timer.stop()

    def on_node_ready(self, url: str) -> None:
        self.node_state = "running"
        self._lab_dirty = True
        if self.banner.is_error:
            self.banner.hide()
        self.refresh_cards()

    def on_node_failed(self, message: str) -> None:
        self.banner.timer.stop()
        if self.node_state == "running":
            self.chain.mark_outage(time.monotonic() - self.t0)
        self.node_state = "stopped"
        self._lab_dirty = True
        self.statusBar().clearMessage()  # a passing "retrying" note from before the stop is stale now
        self.banner.show_message(f"⚠  {message}", error=True, can_restart=self.controller.node is not None)
        self.refresh_cards()

    def restart_node(self) -> None:
        self.banner.hide()
        self.node_state = "starting"
        self._lab_dirty = True
        self.refresh_cards()
        self.controller.restart_node()

    def on_chain_info(self, info: dict) -> None:
        self.info = info
        consensus = info.get("consensus") or {}
        self.chain.set_consensus(
            consensus.get("pow_target_spacing", 600), consensus.get("subsidy_halving_interval", 150)
        )
        self._lab_dirty = True
        self.refresh_cards()

    def on_blocks(self, rows: list, replaced: bool) -> None:
        added, removed = self.chain.add_blocks(rows)
        for sign, changed in ((-1, removed), (1, added)):
            gaps = [r.interval_s for r in changed if r.interval_s is not None]
            self.gap_sum_s += sign * sum(gaps)
            self.gaps += sign * len(gaps)
        if added or removed:
            self._lab_dirty = True
        self._announce_own(added)

    def _announce_own(self, rows) -> None:
        """A block of ours is announced once the chain the window shows has it; the count of blocks
        found is the wallet's (coinbases paying it on the active chain), asked for at once."""
        for r in rows:
            if r.hash in self.own_hashes:
                self.statusBar().showMessage(
                    tr("Block {height} found by this laptop!").format(height=integer(r.height)), 5000
                )
                self.controller.wallet.refresh_now()
        if rows:
            self.refresh_cards()

    def on_wallet_state(self, state) -> None:
        """The wallet read the chain: its mined coinbases on the active chain are the blocks this
        lab found (stored with the chain, so they survive a restart; a private branch's count
        once it is the chain)."""
        self.wallet_state = state
        self._lab_dirty = True
        self.refresh_cards()

    def on_miner_stats(self, s: MinerStats) -> None:
        self.last_stats = s
        if self.node_state == "running":
            self.chain.add_hashrate(time.monotonic() - self.t0, s.hashrate_hs, s.worker_hashrates_hs)
        self.refresh_cards()

    def on_block_result(self, result: BlockResult) -> None:
        if result.status == "accepted":
            self.own_hashes.add(result.block_hash)
            if self.chain.rows and any(r.hash == result.block_hash for r in self.chain.rows[-8:]):
                self._announce_own([r for r in self.chain.rows[-8:] if r.hash == result.block_hash])
        elif result.status == "rejected":
            self.statusBar().showMessage(
                tr("Block {height} rejected: {reason}").format(height=integer(result.height), reason=result.reason),
                8000,
            )

    def on_ai_report(self, r: AIReport) -> None:
        self.last_ai_report = r
        self._lab_dirty = True
        self.refresh_cards()

    def on_allocation(self, a: Allocation) -> None:
        self.last_allocation = a
        self._lab_dirty = True
        self.mining_label.setText(tr("Mining: {cores}").format(cores=cores_text(a.mining_slots)))
        self.ai_label.setText(tr("AI: {cores}").format(cores=cores_text(a.ai_slots)))
        if self.capacity_slider.value() != a.ai_slots and not self.capacity_slider.isSliderDown():
            self.capacity_slider.blockSignals(True)
            self.capacity_slider.setValue(a.ai_slots)
            self.capacity_slider.blockSignals(False)
        self.refresh_cards()
