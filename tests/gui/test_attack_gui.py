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
    """The panel's odds line equals odds.py's for q measured from the two miners' hashes."""
    q = s.attacker_hashes / (s.attacker_hashes + s.honest_hashes) if s.attacker_hashes + s.honest_hashes else 0.0
    text = panel.odds.text()
    assert f"q = {percent(q)}" in text
    assert f"P = {percent(attacker_success_probability(q, panel.confirmations.value()))}" in text
    deficit = s.public_blocks - s.private_blocks
    assert f"with <b>{percent(catch_up_probability(q, deficit))}</b>" in text


def test_the_race_runs_with_an_honest_miner_and_its_verdict_is_what_the_node_did(qapp, qtbot, tmp_path, node_factory):
    # a lab chain at a tiny difficulty: blocks in a blink, each found by hashing (regtest's would be found at once)
    regtest_node = node_factory("lab", extra_args=("--lab-hashrate", "3e5", "--retarget-interval", "100000")).start()
    (tmp_path / "a").mkdir()
    controller, window = attached_window(tmp_path / "a", regtest_node)
    teacher = Wallet.open(tmp_path / "teacher")
    rpc = RPCClient(regtest_node.url, cookie_file=regtest_node.cookie_file)
    panel = window.tab("attack")
    try:
        regtest_node.rpc("generatetoaddress", 101, controller.wallet.wallet.mining_address, 2**31 - 1)
        with qtbot.waitSignal(controller.node_ready, timeout=10_000):
            controller.start()
        qtbot.waitUntil(
            lambda: window.tab("wallet").last_state and window.tab("wallet").last_state.confirmed_sat > 0,
            timeout=TIMEOUT_MS,
        )
        window.tabs.setCurrentWidget(panel)
        panel.merchant.setText(teacher.receive_address())
        panel.amount.setText("10")
        panel.confirmations.setValue(1)
        panel.cores.setValue(1)
        panel.honest_cores.setValue(1)
        with qtbot.waitSignal(panel.service.paid, timeout=60_000) as paid:
            panel.start_button.click()
        payment = paid.args[0]
        assert controller.miner.paused  # our cores are the two sides of the race now
        qtbot.waitUntil(lambda: panel.shown is not None and panel.shown.result is not None, timeout=TIMEOUT_MS)
        final = panel.shown
        shown_odds(panel, final)
        try:
            in_chain = int(rpc.call("getrawtransaction", payment.txid, True).get("confirmations", 0)) > 0
        except Exception:
            in_chain = False
        assert (final.result == "succeeded") == (not in_chain), final
        if final.result == "succeeded":
            assert f"reorganised {final.reorg_depth} blocks deep" in panel.result.text()
            assert "payment <b>vanished</b>" in panel.result.text() and final.payment_vanished
            seen = teacher.refresh(rpc)  # the merchant's wallet: nothing received stands
            assert seen.confirmed_sat == 0 and all(e.confirmations <= 0 for e in seen.history if e.kind == "received")
        else:
            assert "The attack failed" in panel.result.text()
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
        honest_cores=2,
        attacker_hashes=3 * 10**7,
        honest_hashes=7 * 10**7,
        confirmations_wanted=2,
        payment_confirmations=2,
        elapsed_s=30,
        payment_txid="ab" * 32,
    )
    panel.confirmations.setValue(2)
    panel.on_status(status)
    shown_odds(panel, status)
    assert abs(status.attacker_share - 0.3) < 1e-12
    assert percent(attacker_success_probability(0.3, 2)) in panel.odds.text()
    assert "usually fails" in panel.odds.text()  # P = 44.6% at q = 0.3, z = 2
    assert "getnetworkhashps" not in panel.cost.text() and "70,000,000" in panel.cost.text()
    likely = RaceStatus(200, 1, 1, 2, 2, 45 * 10**6, 55 * 10**6, 1, 1, 30)
    panel.confirmations.setValue(1)
    panel.on_status(likely)
    assert attacker_success_probability(0.45, 1) > 0.5 and "usually succeeds" in panel.odds.text()
    # the verdict is the outcome: a released branch the node did not take is a failure, and success names the reorg
    from dataclasses import replace

    panel.on_status(replace(likely, released=True, result="failed", reorg_depth=0, payment_vanished=False))
    assert "The attack failed" in panel.result.text() and "node kept the public chain" in panel.result.text()
    panel.on_status(replace(likely, private_blocks=3, released=True, result="succeeded", reorg_depth=1))
    assert "The attack succeeded" in panel.result.text() and "reorganised 1 blocks deep" in panel.result.text()
