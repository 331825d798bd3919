"""The simulated AI runner: real compute, slots that follow set_slots within 100 ms, a bill that
matches the work done, and downtime against the SLA when capacity is pulled back mid-job."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from threadpoolctl import threadpool_info

from engine.ai.billing import AIReport, BillingRate, Ledger, ai_billing_for_lab
from engine.ai.jobs import (
    AIJobRunner,
    InferenceJobSpec,
    InferenceKernel,
    JobInterrupted,
    make_weights,
    measure_slot_gflop_s,
)
from engine.capacity import CapacityConsumer
from engine.economy import economics as econ
from engine.economy.lab_mapping import LabMapping
from engine.economy.scenario_params import PARAMETERS
from tests.helpers.waiting import wait_until

SMALL = InferenceJobSpec(batch_tokens=16, hidden_width=128, layers=4)
# Layers of ~1 ms, so a pull almost always lands mid-job.
MEDIUM = InferenceJobSpec(batch_tokens=32, hidden_width=512, layers=12)


def blas_threads() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


@pytest.fixture
def runner():
    runners = []

    def make(*args, **kwargs):
        r = AIJobRunner(*args, **kwargs)
        runners.append(r)
        return r

    yield make
    for r in runners:
        r.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("ai-")], "threads left behind"


def test_job_spec_flops_and_validation():
    assert InferenceJobSpec(2, 8, 3).flops == 2 * 2 * 8 * 8 * 3
    with pytest.raises(ValueError, match="hidden_width"):
        InferenceJobSpec(hidden_width=0)


def test_the_kernel_really_computes_a_relu_mlp():
    weights = make_weights(SMALL, seed=3)
    kernel = InferenceKernel(SMALL, weights, seed=4)
    output, layers = kernel.run()
    expected = kernel.inputs.astype(np.float64)
    for w in weights:
        expected = np.maximum(expected @ w.astype(np.float64), 0.0)
    assert layers == SMALL.layers
    np.testing.assert_allclose(output, expected, rtol=1e-4, atol=1e-4)
    assert 0.1 < float(np.abs(output).mean()) < 10  # He init keeps activations O(1)
    stopped, done = kernel.run(keep_going=lambda: False)
    assert stopped is None and done == 0


def test_runner_is_a_capacity_consumer_and_checks_input(runner):
    r = runner(2, job=SMALL)
    assert isinstance(r, CapacityConsumer)
    assert r.max_slots == 2 and r.slots == 0
    for bad in (-1, 3, 1.0, True):
        with pytest.raises(ValueError, match="slots"):
            r.set_slots(bad)
    with pytest.raises(ValueError, match="max_slots"):
        AIJobRunner(0)


def test_bill_matches_the_work_done(runner):
    rate = BillingRate(usd_per_core_s=0.37)
    r = runner(2, job=SMALL, billing=rate)
    r.set_slots(2)
    assert wait_until(lambda: r.snapshot().jobs_done >= 50)
    r.set_slots(0)
    assert wait_until(lambda: r.busy_workers == 0)
    report = r.snapshot()
    assert report.gflop_done == pytest.approx(report.jobs_done * SMALL.flops / 1e9, rel=1e-12)
    # billed per core-second of work at the scenario's price, whatever the speed measured
    assert report.billed_usd == pytest.approx(r.ledger.busy_s * rate.usd_per_core_s, rel=1e-9)
    assert report.gflop_s_per_slot == pytest.approx(report.gflop_done / r.ledger.busy_s)
    assert report.latency_ms_mean > 0 and report.latency_ms_p95 > 0
    # No more work, no more bill.
    time.sleep(0.05)
    assert r.snapshot().billed_usd == report.billed_usd


# The goal is 100 ms; the asserts allow 300 ms so a loaded 2-core CI machine does not flake.
SLOT_CHANGE_S = 0.3


def test_set_slots_takes_effect_within_100_ms(runner):
    r = runner(2, job=MEDIUM)
    r.set_slots(2)
    assert wait_until(lambda: r.busy_workers == 2, timeout_s=SLOT_CHANGE_S, interval_s=0.001)
    r.set_slots(1)
    assert wait_until(lambda: r.busy_workers == 1, timeout_s=SLOT_CHANGE_S, interval_s=0.001)
    r.set_slots(0)
    assert wait_until(lambda: r.busy_workers == 0, timeout_s=SLOT_CHANGE_S, interval_s=0.001)
    r.set_slots(2)
    assert wait_until(lambda: r.busy_workers == 2, timeout_s=SLOT_CHANGE_S, interval_s=0.001)


def test_pulling_capacity_mid_job_is_downtime_with_a_penalty(runner):
    events: list[JobInterrupted] = []
    r = runner(
        2,
        job=MEDIUM,
        billing=BillingRate(1.0, sla_availability=0.99982, sla_penalty_multiplier=10),
        on_interrupt=events.append,
    )
    r.set_slots(2)
    assert wait_until(lambda: r.snapshot().jobs_done >= 4)
    for _ in range(5):  # a pull between two jobs is not an interruption; try until one lands mid-job
        r.set_slots(1)
        assert wait_until(lambda: r.busy_workers == 1)
        if events:
            break
        r.set_slots(2)
        assert wait_until(lambda: r.busy_workers == 2)
        time.sleep(0.01)
    assert events and events[0].slot == 1 and 0 < events[0].layers_done < MEDIUM.layers
    time.sleep(0.1)
    report = r.snapshot()
    assert report.contracted_slots == 2 and report.slots == 1
    assert report.jobs_interrupted == len(events)
    assert report.gflop_lost == pytest.approx(sum(e.gflop_lost for e in events))
    assert report.downtime_slot_s >= 0.1
    assert report.availability < 0.99982
    expected = econ.sla_penalty_usd(report.billed_usd, report.availability, 0.99982, 10)
    assert report.sla_penalty_usd == pytest.approx(expected) and report.sla_penalty_usd > 0
    assert report.net_usd == pytest.approx(report.billed_usd - report.sla_penalty_usd)


def test_ending_the_contract_with_notice_costs_nothing(runner):
    r = runner(2, job=SMALL)
    r.set_slots(2)
    r.set_slots(1)
    r.set_contracted_slots(1)
    downtime = r.snapshot().downtime_slot_s
    time.sleep(0.1)
    assert r.snapshot().downtime_slot_s == pytest.approx(downtime, abs=1e-9)
    with pytest.raises(ValueError, match="contracted_slots"):
        r.set_contracted_slots(0)  # below the slots granted


def test_each_worker_uses_one_blas_thread_while_open():
    before = blas_threads()
    r = AIJobRunner(2, job=SMALL)
    try:
        assert blas_threads() and all(n == 1 for n in blas_threads())
    finally:
        r.close()
    assert blas_threads() == before


def test_reports_arrive_by_callback_and_close_stops_everything(runner):
    reports: list[AIReport] = []
    r = runner(2, job=SMALL, on_report=reports.append, report_interval_s=0.02)
    r.set_slots(1)
    assert wait_until(lambda: len(reports) >= 3 and reports[-1].jobs_done > 0)
    assert all(isinstance(x, AIReport) for x in reports)
    assert reports[-1].gflop_s > 0 and reports[-1].slots == 1
    r.close()
    count = len(reports)
    time.sleep(0.06)
    assert len(reports) == count
    with pytest.raises(RuntimeError, match="closed"):
        r.set_slots(1)


def test_a_failing_callback_does_not_stop_the_runner(runner, caplog):
    def broken(report):
        raise RuntimeError("listener bug")

    r = runner(1, job=SMALL, on_report=broken, report_interval_s=0.02)
    r.set_slots(1)
    assert wait_until(lambda: "on_report callback failed" in caplog.text)
    jobs = r.snapshot().jobs_done
    assert wait_until(lambda: r.snapshot().jobs_done > jobs)


def test_billing_for_the_site_pays_a_full_speed_slot_its_share():
    values = {name: spec.default for name, spec in PARAMETERS.items()}
    mapping = LabMapping(site_mw=1000, total_cores=4)
    rate = ai_billing_for_lab(values, mapping)
    per_hour = rate.usd_per_core_s * 3600
    mw_it = 250 / values["pue"]
    assert per_hour == pytest.approx(mw_it * values["lease_usd_per_mw_it_year"] / 8760)
    gpu = ai_billing_for_lab(values, mapping, ai_mode="gpu_cloud")
    assert gpu.usd_per_core_s > rate.usd_per_core_s
    assert rate.sla_availability == values["sla_availability"]


def test_the_price_of_a_core_comes_from_the_scenario_not_a_speed_test():
    """Same scenario, same price on every launch, however loaded the machine is."""
    import inspect

    values = {name: spec.default for name, spec in PARAMETERS.items()}
    mapping = LabMapping(site_mw=1000, total_cores=4)
    assert "slot_gflop_s" not in inspect.signature(ai_billing_for_lab).parameters
    assert ai_billing_for_lab(values, mapping) == ai_billing_for_lab(dict(values), mapping)


def test_measure_slot_speed():
    assert measure_slot_gflop_s(SMALL, duration_s=0.05) > 0.1


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


operations = st.lists(
    st.one_of(
        st.tuples(st.just("job"), st.integers(1, 10**12), st.floats(1e-4, 1.0)),
        st.tuples(st.just("interrupt"), st.integers(1, 10**12)),
        st.tuples(st.just("capacity"), st.integers(0, 8), st.integers(0, 8)),
        st.tuples(st.just("wait"), st.floats(0, 100)),
    ),
    max_size=60,
)


@settings(max_examples=200)
@given(ops=operations, price=st.floats(0, 10))
def test_ledger_bills_exactly_the_finished_work_and_integrates_downtime(ops, price):
    clock = FakeClock()
    ledger = Ledger(BillingRate(price), clock=clock)
    flops = billed = downtime = contracted_s = 0.0
    jobs = 0
    granted = contract = 0
    for op in ops:
        if op[0] == "job":
            ledger.record_job(op[1], op[2])
            flops += op[1]
            billed += op[2] * price  # the core-seconds the job took
            jobs += 1
        elif op[0] == "interrupt":
            ledger.record_interrupt(op[1])
        elif op[0] == "capacity":
            granted, contract = op[1], max(op[1], op[2])
            ledger.set_capacity(granted, contract)
        else:
            clock.now += op[1]
            downtime += max(0, contract - granted) * op[1]
            contracted_s += contract * op[1]
    report = ledger.report(slots=granted, busy_workers=0)
    assert report.jobs_done == jobs
    assert report.gflop_done == pytest.approx(flops / 1e9, rel=1e-12)
    assert report.billed_usd == pytest.approx(billed, rel=1e-9, abs=1e-12)
    assert report.downtime_slot_s == pytest.approx(downtime, rel=1e-9, abs=1e-9)
    assert report.contracted_slot_s == pytest.approx(contracted_s, rel=1e-9, abs=1e-9)
    assert 0 <= report.sla_penalty_usd <= report.billed_usd + 1e-12
    assert (report.sla_penalty_usd > 0) <= (report.availability < report.sla_availability)
