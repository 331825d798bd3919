"""Two windows on one chain pay each other through their Wallet tabs and see the fee reach the
miner (pytest-qt, offscreen, a real node process and the real miners)."""

from __future__ import annotations

from engine.wallet.tx import parse_btc
from gui.wallet.tab import qr_image
from tests.helpers import ROOT
from tests.helpers.windows import attached_window

SHOTS = ROOT / "screenshots"
TIMEOUT_MS = 120_000


def fees_earned(*windows) -> int:
    return sum(w.tab("wallet").last_state.fees_earned_sat for w in windows if w.tab("wallet").last_state)


def history(window, kind):
    state = window.tab("wallet").last_state
    return [e for e in state.history if e.kind == kind] if state else []


def test_two_windows_pay_each_other_and_fees_reach_the_miner(qapp, qtbot, tmp_path, regtest_node):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    ca, wa = attached_window(tmp_path / "a", regtest_node)
    cb, wb = attached_window(tmp_path / "b", regtest_node)
    try:
        # the coinbase pays to each window's wallet; 101 blocks to A make its first coins mature
        regtest_node.rpc("generatetoaddress", 101, ca.wallet.wallet.mining_address)
        for c in (ca, cb):
            with qtbot.waitSignal(c.node_ready, timeout=10_000):
                c.start()
        assert ca.miner.payout_script == ca.wallet.wallet.mining_script
        qtbot.waitUntil(
            lambda: wa.tab("wallet").last_state and wa.tab("wallet").last_state.confirmed_sat > 0, timeout=TIMEOUT_MS
        )
        qtbot.waitUntil(lambda: wb.tab("wallet").receive_address.startswith("bcrt1q"), timeout=TIMEOUT_MS)
        assert not wa.tab("wallet").qr.pixmap().isNull()

        # A pays B from its Wallet tab
        wa.tab("wallet").pay_to.setText(wb.tab("wallet").receive_address)
        wa.tab("wallet").amount.setText("1.25")
        wa.tab("wallet").fee_rate.setValue(3.0)
        with qtbot.waitSignal(ca.wallet.sent, timeout=30_000) as sent:
            wa.tab("wallet").send_button.click()
        payment = sent.args[0]
        assert "Sent 1.25000000 BTC" in wa.tab("wallet").send_status.text()
        qtbot.waitUntil(
            lambda: any(e.amount_sat == parse_btc("1.25") and e.confirmations >= 1 for e in history(wb, "received")),
            timeout=TIMEOUT_MS,
        )
        # the fee is in the coinbase of the block that confirmed it, mined by one of the two windows
        qtbot.waitUntil(lambda: fees_earned(wa, wb) == payment.fee_sat, timeout=TIMEOUT_MS)

        # B pays part of it back; a refusal first: more than B has, in words
        wb.tab("wallet").pay_to.setText(wa.tab("wallet").receive_address)
        wb.tab("wallet").amount.setText("20000000")  # more than all the coins there are
        with qtbot.waitSignal(cb.wallet.failed, timeout=30_000) as failed:
            wb.tab("wallet").send_button.click()
        assert "Not enough spendable coins" in failed.args[0] == wb.tab("wallet").send_status.text()
        wb.tab("wallet").amount.setText("0.5")
        with qtbot.waitSignal(cb.wallet.sent, timeout=30_000) as back:
            wb.tab("wallet").send_button.click()
        qtbot.waitUntil(
            lambda: any(e.amount_sat == parse_btc("0.5") and e.confirmations >= 1 for e in history(wa, "received")),
            timeout=TIMEOUT_MS,
        )
        qtbot.waitUntil(lambda: fees_earned(wa, wb) == payment.fee_sat + back.args[0].fee_sat, timeout=TIMEOUT_MS)
        sent_rows = history(wa, "sent")
        assert [(e.amount_sat, e.fee_sat) for e in sent_rows] == [(parse_btc("1.25"), payment.fee_sat)]
        wa.tabs.setCurrentWidget(wa.tab("wallet"))
        SHOTS.mkdir(exist_ok=True)
        assert wa.grab().save(str(SHOTS / "wallet.png"))
    finally:
        wa.close()
        wb.close()


def test_qr_code_encodes_the_address():
    image = qr_image("bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080")
    assert image.width() == image.height() and image.width() >= 25 * 3
    # the quiet zone is white and the finder pattern's corner black
    assert image.pixelColor(0, 0).lightness() == 255 and image.pixelColor(13, 13).lightness() == 0
