"""The Attack tab: the 51% double-spend, live, on one laptop. The lab mines the honest network's
share on some cores while the attacker's cores mine a private branch holding a spend of the same
coins back to the attacker; the merchant (the teacher's address) is paid on the public chain and
waits for its confirmations; the branch is published when strictly longer, and the verdict is what
the node did (the payment out of the active chain, the coins back with the attacker), beside
Nakamoto's odds for q measured from the two miners' hashes. What it cost is shown in lab hashrate
and, through the Economics tab's scenario, in the world's money. It observes an AttackService
(engine.wallet.race underneath, as `mine2compute attack`)."""

from __future__ import annotations

import re

from engine.economy.attack_cost import lab_attack_cost
from engine.economy.lab_mapping import LabClock
from gui.attack.service import AttackService, RaceStatus
from gui.formats import blocks_text, btc_amount, cores_text, hashrate_text, percent, usd
from gui.i18n import integer, num, tr
from gui.qt import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
)
from gui.widgets.charts import Chart
from gui.window.tabs import Look, Tab, TabContext

RED, GREEN = "#c0392b", "#27ae60"


class AttackPanel(Tab, QWidget):
    def __init__(self, service: AttackService, ctx: TabContext, parent=None):
        super().__init__(parent)
        self.service, self.lab = service, ctx.lab
        self.total_cores = ctx.controller.total_cores
        self.shown: RaceStatus | None = None  # the status on screen now
        outer = QHBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        split = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(split)

        setup = QGroupBox(tr("51% attack: double-spend a payment"))
        form = QFormLayout(setup)
        # a short placeholder (a long one was cut in a narrow column); the words are in the tooltip
        self.merchant = QLineEdit(placeholderText="bcrt1q…")
        self.merchant.setToolTip(tr("the merchant's address (the teacher's bcrt1q…)"))
        self.amount = QLineEdit("1", placeholderText="1")
        self.fee_rate = QDoubleSpinBox(decimals=1, minimum=1.0, maximum=1000, value=2.0, suffix=" sat/vB")
        self.confirmations = QSpinBox(minimum=1, maximum=20, value=2)
        # "Merchant waits for 2 blocks": the unit, in the number's plural
        self.confirmations.valueChanged.connect(self._confirmations_unit)
        self._confirmations_unit(self.confirmations.value())
        self.confirmations.setToolTip(
            tr(
                "How many blocks the merchant waits before handing over the goods "
                "(z in Nakamoto's formula). The branch is released only after that."
            )
        )
        cores = max(2, self.total_cores)
        self.cores = QSpinBox(minimum=1, maximum=cores - 1, value=max(1, cores // 2))
        self.cores.setToolTip(tr("This window's public mining pauses; these cores mine the private branch"))
        self.honest_cores = QSpinBox(minimum=1, maximum=cores - 1, value=max(1, cores - cores // 2))
        self.honest_cores.setToolTip(
            tr("The honest network, played by the lab: these cores mine the public chain and confirm the payment")
        )
        self.auto_release = QCheckBox(tr("Release as soon as it is longer"), checked=True)
        self.auto_release.toggled.connect(service.set_auto_release)
        self.start_button = QPushButton(tr("Pay the merchant and start the private branch"))
        self.release_button = QPushButton(tr("Release the branch now"), enabled=False)
        self.stop_button = QPushButton(tr("Give up"), enabled=False)
        self.start_button.clicked.connect(self.start)
        self.release_button.clicked.connect(service.release_now)
        self.stop_button.clicked.connect(self.give_up)
        self.message = QLabel("", wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(tr("Pay to"), self.merchant)
        form.addRow(tr("Amount (BTC)"), self.amount)
        form.addRow(tr("Fee rate"), self.fee_rate)
        form.addRow(tr("Merchant waits for"), self.confirmations)
        form.addRow(tr("Cores attacking"), self.cores)
        form.addRow(tr("Cores mining honestly"), self.honest_cores)
        form.addRow(self.auto_release)
        buttons = QHBoxLayout()
        buttons.addWidget(self.release_button)
        buttons.addWidget(self.stop_button)
        form.addRow(self.start_button)
        form.addRow(buttons)
        form.addRow(self.message)
        split.addWidget(setup)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        self.branches = QLabel("–", objectName="attackBranches", textFormat=Qt.TextFormat.RichText, wordWrap=True)
        rl.addWidget(self.branches)
        self.chart = Chart(
            tr("The race"),
            tr("Blocks since the fork on each branch"),
            legend=True,
            integer_x=False,
            x_label=tr("seconds since the fork"),
            y_label=tr("blocks since the fork"),
        )
        self.chart.add_series("private", "mining", level=True, label=tr("private branch (yours)"))
        self.chart.add_series("public", "target", level=True, label=tr("public chain"))
        self.chart.setMinimumHeight(130)
        rl.addWidget(self.chart, 1)
        self.odds = QLabel("", objectName="attackOdds", textFormat=Qt.TextFormat.RichText, wordWrap=True)
        self.cost = QLabel("", objectName="attackCost", textFormat=Qt.TextFormat.RichText, wordWrap=True)
        self.result = QLabel("", objectName="attackResult", textFormat=Qt.TextFormat.RichText, wordWrap=True)
        for label in (self.odds, self.cost, self.result):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            rl.addWidget(label)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 5)

        service.status.connect(self.on_status)
        service.paid.connect(self.on_paid)
        service.failed.connect(self.on_failed)

    # --- actions ---------------------------------------------------------------------------
    def _confirmations_unit(self, n: int) -> None:
        """The spin box's unit in its number's plural: "2 blocks", "1 block" ("2 blocs")."""
        self.confirmations.setSuffix(re.sub(r"^[\d\s\u00a0\u202f,.]+", " ", blocks_text(n)))

    def start(self) -> None:
        self.chart.clear_data()
        self.chart.redraw(force=True)
        self.result.setText("")
        self.message.setStyleSheet("")
        self.message.setText(tr("Paying the merchant and forking…"))
        self._set_running(True)
        self.service.auto_release = self.auto_release.isChecked()
        self.service.start(
            self.merchant.text().strip(),
            self.amount.text(),
            self.fee_rate.value(),
            self.confirmations.value(),
            self.cores.value(),
            self.honest_cores.value(),
        )

    def give_up(self) -> None:
        self.service.stop()
        self._set_running(False)
        self.message.setText(tr("Given up: the private branch was dropped unpublished."))

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.release_button.setEnabled(running)
        self.stop_button.setEnabled(running)

    # --- what the service reports ----------------------------------------------------------
    def on_paid(self, payment) -> None:
        self.message.setStyleSheet("")
        self.message.setText(
            tr(
                "Paid {amount} BTC to the merchant (transaction {txid}). Mining the private "
                "branch with the same coins sent back to you…"
            ).format(amount=btc_amount(payment.amount_sat), txid=payment.txid[:16] + "…")
        )

    def on_failed(self, message: str) -> None:
        self._set_running(self.service.running)
        self.message.setStyleSheet(f"color: {RED}")
        self.message.setText(message)

    def on_status(self, s: RaceStatus) -> None:
        self.shown = s
        self.chart.append("private", s.elapsed_s, s.private_blocks)
        self.chart.append("public", s.elapsed_s, s.public_blocks)
        self.chart.redraw()
        lead = f"+{s.lead}" if s.lead > 0 else str(s.lead)
        self.branches.setText(
            tr(
                "<b>Private branch</b> (yours, unpublished): {private} blocks, height {private_height} &nbsp;·&nbsp; "
                "<b>Public chain</b>: {public} blocks, height {public_height} &nbsp;·&nbsp; lead <b>{lead}</b> "
                "&nbsp;·&nbsp; the payment has {conf} of {z} confirmations"
            ).format(
                private=s.private_blocks,
                private_height=s.fork_height + s.private_blocks,
                public=s.public_blocks,
                public_height=s.fork_height + s.public_blocks,
                lead=lead,
                conf=s.payment_confirmations,
                z=s.confirmations_wanted,
            )
        )
        q = s.attacker_share
        p = s.success_probability
        if q >= 0.5:
            verdict = tr("With half the hashrate or more the attacker catches up in the end, given the time.")
        elif p >= 0.5:
            verdict = tr("At these odds the attack usually succeeds.")
        else:
            verdict = tr("At these odds the attack usually fails: the honest chain pulls away.")
        if s.through_class:  # the honest side is the class, through the class pool (gui.attack.service)
            odds = tr(
                "Your share of the hashes <b>q = {q}</b> ({cores}, {attacker} against the class's {honest}, "
                "counted from the shares the class pool accepted). Nakamoto (whitepaper §11): a merchant "
                "waiting z = {z} confirmations is double-spent with <b>P = {p}</b>. From here ({deficit} blocks "
                "behind) the private branch gets ahead with <b>{catch_up}</b>. {verdict}"
            )
        else:
            odds = tr(
                "Your share of the hashes <b>q = {q}</b> ({cores}, {attacker} against the honest miner's {honest} "
                "on {honest_cores}, both counted by the miners themselves). Nakamoto (whitepaper §11): a merchant "
                "waiting z = {z} confirmations is double-spent with <b>P = {p}</b>. From here ({deficit} blocks "
                "behind) the private branch gets ahead with <b>{catch_up}</b>. {verdict}"
            )
        self.odds.setText(
            odds.format(
                q=percent(q),
                cores=cores_text(s.cores),
                attacker=hashrate_text(s.attacker_hs),
                honest=hashrate_text(s.honest_hs),
                honest_cores=cores_text(s.honest_cores),
                z=s.confirmations_wanted,
                p=percent(p),
                deficit=max(0, -s.lead),
                catch_up=percent(s.catch_up_probability),
                verdict=verdict,
            )
        )
        self.cost.setText(self.cost_text(s))
        if s.result is not None:
            self._set_running(False)
            self.message.setText("")
            self.result.setText(self.result_text(s))

    def result_text(self, s: RaceStatus) -> str:
        """The verdict is what the node did: success = the payment left the active chain and the
        coins are back with the attacker (engine.wallet.race)."""
        if s.result == "succeeded":
            return (
                f"<span style='color:{RED}'>"
                + tr(
                    "<b>The attack succeeded: the node reorganised {depth} blocks deep</b> to your branch "
                    "({blocks} blocks against {public}). The merchant's payment <b>vanished</b> from the chain and "
                    "the coins are back with you; the merchant's wallet marks it vanished."
                ).format(depth=s.reorg_depth, blocks=s.private_blocks, public=s.public_blocks)
                + "</span>"
            )
        if s.released:
            why = tr("the branch was published, but the node kept the public chain")
        else:
            why = tr("the private branch fell {n} blocks behind and was dropped unpublished").format(n=max(0, -s.lead))
        return (
            f"<span style='color:{GREEN}'>"
            + tr(
                "<b>The attack failed:</b> {why} ({blocks} private blocks against {public}). The payment stands."
            ).format(why=why, blocks=s.private_blocks, public=s.public_blocks)
            + "</span>"
        )

    def cost_text(self, s: RaceStatus) -> str:
        if s.through_class:
            lab = tr(
                "<b>Cost in the lab:</b> {cores} for {seconds} s, {hashes} hashes against the class's "
                "{honest}: {q} of all the hashes."
            )
        else:
            lab = tr(
                "<b>Cost in the lab:</b> {cores} for {seconds} s, {hashes} hashes against the honest miner's "
                "{honest}: {q} of all the hashes."
            )
        lab = lab.format(
            cores=cores_text(s.cores),
            seconds=num(s.elapsed_s, 0),
            hashes=integer(s.attacker_hashes),
            honest=integer(s.honest_hashes),
            q=percent(s.attacker_share),
        )
        figures = self.lab.figures  # the Economics tab's, published on the lab state
        if not figures or s.attacker_share >= 1.0:
            return lab
        state = self.lab.snapshot()
        clock = LabClock.from_consensus((state.get("chain_info") or {}).get("consensus"))
        cost = lab_attack_cost(s.attacker_share, s.elapsed_s, clock.block_spacing_s, figures["world"])
        ai = state.get("ai_slots", 0)
        return (
            lab
            + "<br>"
            + tr(
                "<b>In the world</b> (the Economics tab's scenario): your share is {attacker}; for {hours} h of world "
                "time, renting it costs {rental} and buying it {hardware}. A majority now means out-hashing the "
                "honest {honest}: {rent_hour} an hour rented, {buy} bought. {ai} of {total} cores here are on AI: "
                "when miners leave, buying a majority's machines gets cheaper; renting does not once the "
                "difficulty has retargeted (hashrate times hashprice is fixed by the block reward), and no "
                "market rents that much."
            ).format(
                attacker=hashrate_text(cost.attacker_world_h_s),
                hours=num(cost.world_hours, 1),
                rental=usd(cost.rental_usd),
                hardware=usd(cost.hardware_usd),
                honest=hashrate_text(cost.honest_world_h_s),
                rent_hour=usd(cost.majority_rental_usd_per_hour),
                buy=usd(cost.majority_hardware_usd),
                ai=ai,
                total=self.total_cores,
            )
        )

    def apply_theme(self, look: Look) -> None:
        self.chart.set_theme(look.theme.chart_bg, look.theme.text, look.font_pt, look.palette)

    def shutdown(self) -> None:
        self.service.stop()


def build(ctx: TabContext) -> AttackPanel:
    """The Attack tab with its own AttackService; the service stops with the window."""
    panel = AttackPanel(AttackService(ctx.controller), ctx)
    panel.service.setParent(panel)
    return panel
