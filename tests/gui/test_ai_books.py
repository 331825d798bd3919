"""The AI jobs' SLA totals are the whole run's: when the app reopens itself (a language switch, a
kernel choice: a new process), the runner carries on from the books saved beside the chain, so
the AI card, the Lesson tab and `snapshot --facts` do not fall back to zero. A new chain (a new
lesson) starts new books; a broken books file is said, not raised."""

from __future__ import annotations

import json
import time

import pytest

from engine.ai.billing import BillingRate, Ledger, load_books, save_books
from gui.formats import usd
from tests.helpers.windows import window_with_settings

SLA_KEYS = ("sla_contracted_core_s", "sla_downtime_core_s", "ai_requests_done", "ai_billed_usd", "sla_penalty_usd")


def run_some_ai(controller) -> None:
    """A second of AI work on one core, then 0.4 s with the core taken back: billed and down."""
    ai = controller.ai
    ai.set_contracted_slots(1)
    ai.set_slots(1)
    deadline = time.monotonic() + 20
    while ai.snapshot().jobs_done < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    ai.set_slots(0)  # taken back for mining: downtime on a contracted core
    time.sleep(0.4)


def facts_after_report(window, controller) -> dict:
    window.on_ai_report(controller.ai.snapshot())
    return window.lab.facts()


def test_the_sla_totals_carry_across_the_apps_restart(qapp, tmp_path):
    controller, window = window_with_settings(tmp_path)
    controller.billing = BillingRate(usd_per_core_s=2.0, sla_availability=0.99982)
    controller.ai = controller._make_ai()
    run_some_ai(controller)
    before = facts_after_report(window, controller)
    assert before["ai_requests_done"] >= 2 and before["sla_downtime_core_s"] > 0.3 and before["sla_penalty_usd"] > 0
    window.close()  # the window closes to reopen (MainWindow.restart): the controller shuts down
    saved = load_books(controller.ai_books_path())  # the contract ran on until the close
    assert saved is not None and saved["jobs_done"] >= before["ai_requests_done"]

    controller, window = window_with_settings(tmp_path)  # the new process, on the same chain
    try:
        controller.billing = BillingRate(usd_per_core_s=2.0, sla_availability=0.99982)
        controller.ai = controller._make_ai()
        after = facts_after_report(window, controller)
        # nothing ran since: the figures the closed window had, not zeros
        assert after["sla_contracted_core_s"] == saved["contracted_slot_s"]
        assert after["sla_downtime_core_s"] == saved["downtime_slot_s"]
        assert after["ai_requests_done"] == saved["jobs_done"] and after["ai_billed_usd"] == saved["billed_usd"]
        for key in SLA_KEYS:
            assert after[key] >= before[key] > 0, key
        assert after["sla_delivered"] < 1.0 and after["sla_penalty_usd"] > 0
        assert usd(after["ai_billed_usd"]) in window.ai_caption.text()  # the AI card shows the carried bill
    finally:
        window.close()


def test_a_new_chain_starts_new_books_and_a_broken_file_is_said(qapp, tmp_path):
    controller, window = window_with_settings(tmp_path)
    try:
        problems: list[str] = []
        controller.problem.connect(problems.append)
        path = controller.ai_books_path()
        path.parent.mkdir(parents=True)
        path.write_text("{not json", encoding="utf-8")
        controller.ai = controller._make_ai()
        assert problems and "start from zero" in problems[-1] and str(path) in problems[-1]
        assert controller.ai.snapshot().jobs_done == 0
        controller.ai.close()
        controller.chain_name = "regtest"  # another chain: its own books, none yet
        assert controller.ai_books_path() != path
        controller.ai = controller._make_ai()
        assert controller.ai.snapshot().contracted_slot_s == 0
    finally:
        window.close()


def test_ledger_books_round_trip_and_are_checked(tmp_path):
    clock = [0.0]
    ledger = Ledger(BillingRate(usd_per_core_s=1.0), clock=lambda: clock[0])
    ledger.set_capacity(0, 2)
    clock[0] = 10.0
    ledger.record_job(10**9, 3.0)
    books = ledger.books()
    assert books["contracted_slot_s"] == 20.0 and books["downtime_slot_s"] == 20.0 and books["billed_usd"] == 3.0
    save_books(tmp_path / "b.json", books)
    carried = Ledger(BillingRate(usd_per_core_s=1.0), clock=lambda: clock[0])
    carried.carry(load_books(tmp_path / "b.json"))
    report = carried.report(0, 0)
    assert (report.jobs_done, report.billed_usd, report.downtime_slot_s) == (1, 3.0, 20.0)
    assert load_books(tmp_path / "none.json") is None
    for bad in ({**books, "billed_usd": -1}, {**books, "downtime_slot_s": 99.0}, {"jobs_done": 1}):
        (tmp_path / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
        with pytest.raises(ValueError, match="AI books"):
            load_books(tmp_path / "bad.json")
