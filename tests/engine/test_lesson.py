"""The guided lesson's logic (engine/lesson): events from block rows, allocations and AI reports,
the steps they advance, the answer key and the timeline."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from engine.economy.halvings import subsidies_btc
from engine.lesson import tracker as t
from engine.lesson.answers import answer_key
from engine.lesson.figures import halving_real_year, mining_vs_ai
from engine.lesson.timeline import load_timeline


@dataclass
class Row:
    height: int
    time: int
    difficulty: float
    subsidy_btc: float


def chain(n, interval_s, retarget=24, halving=48, start=1000, difficulty=1.0):
    """Rows 0..n with blocks `interval_s(h)` apart and the difficulty set as the retarget rule would."""
    rows, t_now, d = [], start, difficulty
    for h in range(n + 1):
        if h > 0:
            t_now += interval_s(h)
        if h > retarget and h % retarget == 0:  # the lab skips the window that starts at genesis
            span = rows[h - 1].time - rows[h - retarget].time
            d = d * (retarget * 5) / span
        rows.append(Row(h, t_now, d, float(subsidies_btc(h, halving))))
    return rows


def test_retarget_event_has_this_runs_numbers():
    tr = t.LessonTracker(24, 48, 5)
    events = tr.on_blocks(chain(50, lambda h: 3))
    retarget = [e for e in events if e.kind == t.RETARGET]
    assert [e.height for e in retarget] == [48]  # none at 24: that window starts at the 2011 genesis
    data = retarget[0].data
    assert data["window_s"] == 23 * 3  # blocks 24..47: Core's pindexLast - pindexFirst
    assert data["mean_interval_s"] == pytest.approx(69 / 23)  # the real mean of the 23 gaps
    assert data["core_interval_s"] == pytest.approx(69 / 24)  # Core's timespan / interval
    assert data["factor"] == pytest.approx(120 / 69)  # faster than 5 s: the difficulty rose
    assert tr.first(t.FIRST_BLOCK) is not None


def test_halving_event_and_real_year():
    tr = t.LessonTracker(24, 48, 5)
    events = tr.on_blocks(chain(100, lambda h: 5))
    halvings = [e for e in events if e.kind == t.HALVING]
    assert [(e.height, e.data["before_btc"], e.data["after_btc"], e.data["real_year"]) for e in halvings] == [
        (48, 50.0, 25.0, 2028),
        (96, 25.0, 12.5, 2032),
    ]
    assert halving_real_year(1) == 2028
    with pytest.raises(ValueError, match="lab_halvings"):
        halving_real_year(0)


def test_events_are_reported_once_even_when_rows_are_sent_again():
    tr = t.LessonTracker(24, 48, 5)
    rows = chain(50, lambda h: 4)
    first = tr.on_blocks(rows)
    assert tr.on_blocks(rows) == [] and len(tr.events) == len(first)


def test_steps_advance_on_their_events_in_order_and_by_hand():
    tr = t.LessonTracker(24, 48, 5)
    rows = chain(200, lambda h: 4 if h <= 54 else 9)
    assert tr.step.key == "start"
    tr.on_blocks(rows[:2])
    assert tr.step.key == "retarget"
    tr.on_blocks(rows[:49])
    assert tr.step.key == "move_to_ai"
    tr.on_blocks(rows[:55])
    tr.on_allocation(1, 2)
    assert tr.step.key == "exodus" and tr.move_height == 54
    tr.on_blocks(rows[:73])  # retarget at 72: 18 of its 24 blocks after the move, more than half
    exodus = tr.first(t.EXODUS_RETARGET)
    assert exodus is not None and exodus.data["height"] == 72 and exodus.data["moved_at"] == 54
    assert tr.step.key == "halving"
    tr.on_blocks(rows[:97])
    assert tr.step.key == "take_back"
    tr.previous()
    assert tr.step.key == "halving"
    tr.next()
    tr.next()
    assert tr.step.key == "crossover"


def test_exodus_waits_for_a_window_mostly_after_the_move():
    tr = t.LessonTracker(24, 48, 5)
    rows = chain(80, lambda h: 5)
    tr.on_blocks(rows[:47])
    tr.on_allocation(1, 2)  # move at 46: the retarget at 48 is not the exodus's
    tr.on_blocks(rows[:73])
    assert tr.first(t.EXODUS_RETARGET).data["height"] == 72


@dataclass
class Report:
    sla_penalty_usd: float
    sla_availability: float = 0.99999
    availability: float = 0.98
    downtime_slot_s: float = 12.0
    contracted_slot_s: float = 600.0
    billed_usd: float = 5000.0
    jobs_interrupted: int = 3


def test_sla_penalty_event_carries_the_contract_and_the_cost():
    tr = t.LessonTracker()
    assert tr.on_ai_report(Report(0.0)) == []
    [event] = tr.on_ai_report(Report(321.5))
    assert event.kind == t.SLA_PENALTY and event.data["penalty_usd"] == 321.5
    assert event.data["sla_availability"] == 0.99999 and event.data["availability"] == 0.98
    assert tr.on_ai_report(Report(400.0)) == []


def _values():
    from engine.economy.scenarios import load_scenarios

    return load_scenarios().scenarios["halving-2024"].values()


def test_crossover_when_mining_stops_paying_in_the_lab_world():
    values = _values()
    before = mining_vs_ai(values, 47, 1.0, 1.0, 48)
    after = mining_vs_ai(values, 48, 1.0, 1.0, 48)
    assert after["subsidy_btc"] == before["subsidy_btc"] / 2
    assert after["hashprice_usd_per_ph_day"] < before["hashprice_usd_per_ph_day"]
    assert after["crossover_btc_price_usd"] > before["crossover_btc_price_usd"]
    tr = t.LessonTracker(24, 48, 5)
    rows = chain(60, lambda h: 5)
    tr.on_blocks(rows[:40])
    assert tr.on_economics(values, 1.0) == []  # AI is ahead from the start here; mining still pays
    assert before["mining_usd_per_mw_year"] > 0 > after["mining_usd_per_mw_year"]
    tr.on_blocks(rows)
    [event] = tr.on_economics(values, 1.0)
    assert event.kind == t.CROSSOVER and event.data["against"] == "zero" and event.height == 60
    assert tr.on_economics(values, 1.0) == []  # once
    late = t.LessonTracker(24, 48, 5)
    late.on_blocks(rows)
    assert late.on_economics(values, 1.0) == [] and late.on_economics(values, 1.0) == []  # behind from the start


def test_answer_key_from_a_run():
    tr = t.LessonTracker(24, 48, 5)
    tr.on_blocks(chain(100, lambda h: 3 if h < 50 else 8))
    key = answer_key(tr, _values(), 1.0)
    assert [r["height"] for r in key["retargets"]] == [48, 72, 96]
    assert key["retargets"][0]["factor"] > 1 and key["retargets"][-1]["factor"] < 1
    assert [h["height"] for h in key["halvings"]] == [48, 96]
    h = key["halvings"][0]
    assert h["hashprice_after"] < h["hashprice_before"]
    assert key["now"]["crossover_btc_price_usd"] > 0 and key["blocks"] == 100
    assert answer_key(tr, None, None)["now"] is None


def test_bad_consensus_is_refused_clearly():
    with pytest.raises(ValueError, match="retarget_interval"):
        t.LessonTracker(0, 48, 5)


def test_timeline_has_the_halvings_and_cited_conversions(tmp_path):
    events = load_timeline()
    assert [e.date for e in events if e.kind == "halving"] == [
        "2012-11-28",
        "2016-07-09",
        "2020-05-11",
        "2024-04-20",
        "2028",
    ]
    conversions = [e for e in events if e.kind == "conversion"]
    for name in ("Core Scientific", "Riot", "IREN", "Hut 8", "TeraWulf", "Bitfarms", "Cipher"):
        assert any(name in e.what for e in conversions), name
    assert all(e.source and e.what_fr for e in events)
    bad = tmp_path / "t.toml"
    bad.write_text('[[event]]\ndate = "2020"\nkind = "halving"\nwhat = "x"\n')
    with pytest.raises(ValueError, match="event 1 has no source"):
        load_timeline(bad)
