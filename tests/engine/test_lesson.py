"""The guided lesson's logic (engine/lesson): events from block rows, allocations and AI reports,
the steps they advance, the answer key and the timeline."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from engine.economy.halvings import subsidies_btc
from engine.lesson import tracker as t
from engine.lesson.answers import answer_key
from engine.lesson.figures import halving_real_year
from engine.lesson.timeline import load_timeline


@dataclass
class Row:
    height: int
    time: int
    difficulty: float
    subsidy_btc: float


def chain(n, interval_s, retarget=24, halving=50, start=1000, difficulty=1.0):
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
    tr = t.LessonTracker(24, 50, 5)
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
    tr = t.LessonTracker(24, 50, 5)
    events = tr.on_blocks(chain(100, lambda h: 5))
    halvings = [e for e in events if e.kind == t.HALVING]
    assert [(e.height, e.data["before_btc"], e.data["after_btc"], e.data["real_year"]) for e in halvings] == [
        (50, 50.0, 25.0, 2028),
        (100, 25.0, 12.5, 2032),
    ]
    # the lab's reward and the world's, side by side: 2028 is 3.125 -> 1.5625, not 50 -> 25
    assert [(e.data["world_before_btc"], e.data["world_after_btc"]) for e in halvings] == [
        (3.125, 1.5625),
        (1.5625, 0.78125),
    ]
    assert halving_real_year(1) == 2028
    assert halving_real_year(1, 1.5625) == 2032  # the halving-2028 preset's first lab halving


def test_halving_years_follow_the_scenarios_subsidy():
    tr = t.LessonTracker(24, 50, 5)
    tr.set_scenario({"subsidy_btc": 1.5625})
    [first] = [e for e in tr.on_blocks(chain(60, lambda h: 5)) if e.kind == t.HALVING]
    assert first.data["real_year"] == 2032 and first.data["world_after_btc"] == 0.78125
    with pytest.raises(ValueError, match="lab_halvings"):
        halving_real_year(0)


def test_events_are_reported_once_even_when_rows_are_sent_again():
    tr = t.LessonTracker(24, 50, 5)
    rows = chain(50, lambda h: 4)
    first = tr.on_blocks(rows)
    assert tr.on_blocks(rows) == [] and len(tr.events) == len(first)


def test_steps_advance_on_their_events_in_order_and_by_hand():
    tr = t.LessonTracker(24, 50, 5)
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
    tr.on_blocks(rows[:101])
    assert tr.step.key == "take_back"
    tr.previous()
    assert tr.step.key == "halving"
    tr.next()
    tr.next()
    assert tr.step.key == "crossover"


def test_step_three_counts_cores_moved_to_ai_before_it_starts():
    tr = t.LessonTracker(24, 50, 5)
    rows = chain(80, lambda h: 5)
    tr.on_blocks(rows[:10])
    tr.on_allocation(1, 2)  # moved during step 2, before step 3 asks for it
    assert tr.step.key == "retarget"
    tr.on_blocks(rows[:30])
    assert tr.step.key == "retarget"
    tr.on_blocks(rows[:49])  # the first retarget ends step 2; step 3's move already happened, and
    # that retarget's window (24..47) came wholly after the move, so it is also the exodus's
    assert tr.first(t.EXODUS_RETARGET).data["height"] == 48 and tr.move_height == 9
    assert tr.step.key == "halving"
    late = t.LessonTracker(24, 50, 5)
    late.on_blocks(rows[:47])
    late.on_allocation(1, 2)  # moved at 46, during step 2: the retarget at 48 is not the exodus's
    late.on_blocks(rows[:49])
    assert late.step.key == "exodus"


def test_halvings_never_land_on_a_retarget_within_a_lesson():
    from engine.primitives.params import LESSON_HALVING_INTERVAL, LESSON_MINUTES, LESSON_RETARGET_INTERVAL
    from engine.primitives.params import LESSON_TARGET_SPACING_S as spacing

    blocks = LESSON_MINUTES * 60 // spacing
    halvings = set(range(LESSON_HALVING_INTERVAL, blocks + 1, LESSON_HALVING_INTERVAL))
    retargets = set(range(LESSON_RETARGET_INTERVAL, blocks + 1, LESSON_RETARGET_INTERVAL))
    assert halvings and not halvings & retargets
    # at 8 s a block (a loaded machine) 30 minutes still hold 4 halvings and 8 retargets past the skipped first
    slow = LESSON_MINUTES * 60 // 8
    assert slow // LESSON_HALVING_INTERVAL >= 4 and slow // LESSON_RETARGET_INTERVAL - 1 >= 8


def test_exodus_waits_for_a_window_mostly_after_the_move():
    tr = t.LessonTracker(24, 50, 5)
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


def test_crossover_is_the_conversion_verdict_flipping_at_a_lab_halving():
    values = _values()  # halving-2024: keep mining wins at the start, converting after one halving
    tr = t.LessonTracker(24, 50, 5)
    rows = chain(120, lambda h: 5)
    tr.on_blocks(rows[:40])
    assert tr.on_economics(values, 1.0) == []  # the first decision: keep mining
    assert tr.start_verdict == "keep mining"
    tr.on_blocks(rows[:50])
    assert tr.on_economics(values, 1.0) == []  # still era 0: decided once per lab halving
    tr.on_blocks(rows[:51])
    [event] = tr.on_economics(values, 1.0)
    assert event.kind == t.CROSSOVER and event.height == 50 and event.data["verdict"] == "convert"
    assert event.data["world_year"] == 2028 and event.data["subsidy_btc"] == 1.5625
    assert event.data["convert_npv_usd"] > event.data["keep_npv_usd"]
    assert tr.decisions[0].keep_npv_usd > tr.decisions[0].convert_npv_usd
    assert event.data["lead_months"] == values["conversion_months"]
    tr.on_blocks(rows)
    assert tr.on_economics(values, 1.0) == []  # once
    batch = t.LessonTracker(24, 50, 5)
    batch.on_blocks(rows[:10])
    batch.on_economics(values, 1.0)
    batch.on_blocks(rows)  # 110 blocks at once: the flip is still dated at the first block of its era
    [late] = batch.on_economics(values, 1.0)
    assert late.height == 50 and sorted(batch.decisions) == [0, 1, 2]


def test_no_crossover_when_converting_wins_from_the_start():
    from engine.economy.scenarios import load_scenarios

    values = load_scenarios().scenarios["halving-2028"].values()
    tr = t.LessonTracker(24, 50, 5)
    tr.on_blocks(chain(120, lambda h: 5))
    assert tr.on_economics(values, 1.0) == [] and tr.start_verdict == "convert"


def test_a_lab_exodus_can_delay_the_flip():
    """Difficulty that fell in the lab (cores moved to AI) raises mining's revenue in the lab's world."""
    values = _values()
    tr = t.LessonTracker(24, 50, 5)
    rows = chain(60, lambda h: 5)
    tr.on_blocks(rows[:10])
    tr.on_economics(values, 1.0)
    tr.on_blocks(rows)
    assert tr.on_economics(values, 4.0) == []  # difficulty at 1/4 of the start: mining still wins
    assert tr.decisions[1].verdict == "keep mining"


def test_answer_key_from_a_run():
    tr = t.LessonTracker(24, 50, 5)
    tr.on_blocks(chain(100, lambda h: 3 if h < 50 else 8))
    key = answer_key(tr, _values(), 1.0)
    assert [r["height"] for r in key["retargets"]] == [48, 72, 96]
    assert key["retargets"][0]["factor"] > 1 and key["retargets"][-1]["factor"] < 1
    assert [h["height"] for h in key["halvings"]] == [50, 100]
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
