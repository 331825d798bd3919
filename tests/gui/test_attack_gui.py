"""The Attack tab against a real node: the window pays a merchant (the teacher's wallet) on the
public chain, mines the private branch with the conflicting spend, and releases it when longer;
the node reorganises and the panel reports the depth and the vanished payment. The odds shown are
engine/wallet/odds.py's for the live numbers (pytest-qt, offscreen, a real node process)."""

from __future__ import annotations

from engine.rpc import RPCClient
from engine.wallet.odds import attacker_success_probability, catch_up_probability
from engine.wallet.wallet import Wallet
from gui.attack.service import AttackService, RaceStatus
from gui.attack.tab import AttackPanel
from gui.formats import percent
from gui.window.tabs import LabState, TabContext
from tests.helpers import ROOT
from tests.helpers.windows import attached_window

SHOTS = ROOT / "screenshots"
TIMEOUT_MS = 120_000


def shown_odds(panel: AttackPanel, s: RaceStatus) -> None:
    """The panel's odds line equals odds.py's for the status's own numbers."""
    q = s.attacker_hs / (s.attacker_hs + s.honest_hs) if s.attacker_hs + s.honest_hs else 0.0
    text = panel.odds.text()
    assert f"q = {percent(q)}" in text
    assert f"P = {percent(attacker_success_probability(q, panel.confirmations.value()))}" in text
    deficit = s.public_blocks - s.private_blocks
    assert f"with <b>{percent(catch_up_probability(q, deficit))}</b>" in text


def test_released_branch_reorganises_the_node_and_the_payment_vanishes(qapp, qtbot, tmp_path, regtest_node):
    (tmp_path / "a").mkdir()
    controller, window = attached_window(tmp_path / "a", regtest_node)
    teacher = Wallet.open(tmp_path / "teacher")
    rpc = RPCClient(regtest_node.url, cookie_file=regtest_node.cookie_file)
    panel = window.tab("attack")
    try:
        regtest_node.rpc("generatetoaddress", 101, controller.wallet.wallet.mining_address)
        with qtbot.waitSignal(controller.node_ready, timeout=10_000):
            controller.start()
        qtbot.waitUntil(
            lambda: window.tab("wallet").last_state and window.tab("wallet").last_state.confirmed_sat > 0,
            timeout=TIMEOUT_MS,
        )
        window.tabs.setCurrentWidget(panel)
        panel.merchant.setText(teacher.receive_address())
        panel.amount.setText("10")
        panel.confirmations.setValue(2)
        panel.cores.setValue(1)
        with qtbot.waitSignal(panel.service.paid, timeout=30_000) as paid:
            panel.start_button.click()
        payment = paid.args[0]
        assert controller.miner.paused  # our cores left the public chain
        assert "Paid 10.00000000 BTC" in panel.message.text()
        qtbot.waitUntil(lambda: panel.shown is not None and panel.shown.private_blocks > 0, timeout=30_000)
        live = panel.shown
        assert not live.released and live.payment_confirmations == 0  # not released before z confirmations
        shown_odds(panel, live)

        # the honest chain (the teacher) confirms the payment twice: the merchant hands over the goods
        rpc.call("generatetoaddress", 2, teacher.mining_address)
        assert [(e.kind, e.confirmations) for e in teacher.refresh(rpc).history if e.kind == "received"] == [
            ("received", 2)
        ]
        qtbot.waitUntil(lambda: panel.shown.released, timeout=TIMEOUT_MS)
        final = panel.shown
        shown_odds(panel, final)
        # earlier blocks may be 'inconclusive' (valid, not yet the most work); the last one must connect
        assert final.release_results[-1] is None and final.reorg_depth >= 2, final.release_results
        tips = rpc.call("getchaintips")
        assert any(t["status"] == "valid-fork" and t["branchlen"] == final.reorg_depth for t in tips)
        # the private tip is on the active chain (our miner, resumed, may already build on it)
        assert rpc.call("getblockheader", panel.service.fork.blocks[-1][0])["confirmations"] >= 1
        assert f"reorganised {final.reorg_depth} blocks deep" in panel.result.text()
        assert "payment <b>vanished</b>" in panel.result.text() and final.payment_vanished
        # the teacher's wallet marks it: neither in the chain nor in the mempool
        assert [(e.txid, e.confirmations) for e in teacher.refresh(rpc).history if e.kind == "received"] == [
            (payment.txid, -1)
        ]
        assert "Cost in the lab" in panel.cost.text() and "1 core for" in panel.cost.text()
        qtbot.waitUntil(lambda: not controller.miner.paused, timeout=10_000)  # mining publicly again
        assert panel.start_button.isEnabled() and not panel.release_button.isEnabled()
        SHOTS.mkdir(exist_ok=True)
        window.banner.hide()  # the kernel's transient notice would cover the panel
        assert window.grab().save(str(SHOTS / "attack.png"))
    finally:
        window.close()


def test_minority_odds_and_world_cost_shown_for_the_live_numbers(qapp, qtbot, tmp_path):
    """No node: a status with q = 0.3 is shown with odds.py's numbers and the 'usually fails' line."""

    class controller:
        total_cores = 4
        wallet = None
        miner = None

    lab = LabState(lambda: {"chain_info": {"consensus": {"pow_target_spacing": 5}}, "ai_slots": 0})
    panel = AttackPanel(AttackService(controller), TabContext(controller, lab))
    qtbot.addWidget(panel)
    status = RaceStatus(
        fork_height=200,
        private_blocks=1,
        public_blocks=3,
        cores=2,
        attacker_hs=3e6,
        honest_hs=7e6,
        network_hs_at_start=1e7,
        confirmations_wanted=2,
        payment_confirmations=2,
        elapsed_s=30,
        hashes=9 * 10**7,
        payment_txid="ab" * 32,
        refund_txid="cd" * 32,
    )
    panel.confirmations.setValue(2)
    panel.on_status(status)
    shown_odds(panel, status)
    assert abs(status.attacker_share - 0.3) < 1e-12
    assert percent(attacker_success_probability(0.3, 2)) in panel.odds.text()
    assert "usually fails" in panel.odds.text()
    assert "getnetworkhashps" in panel.cost.text()
