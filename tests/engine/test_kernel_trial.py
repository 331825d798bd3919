"""A first launch mines at once with the first kernel ready, times the others on the miner's own
threads while it mines and switches to the fastest; a choice timed under load, or one the miner's
own rate contradicts, is timed again (issue 22)."""

from __future__ import annotations

import json
import threading
import time

import pytest

import engine.mining.kernels as kernels
from engine.mining import kernel_loop
from engine.mining.events import KernelProgress
from engine.mining.kernels import choice as kc
from engine.mining.kernels import trial
from engine.mining.miner import Miner
from tests.helpers.fake_node import FakeNode
from tests.helpers.waiting import wait_until


@pytest.fixture(autouse=True)
def fresh_choice(tmp_path, monkeypatch):
    monkeypatch.delenv(kernels.KERNEL_ENV, raising=False)
    monkeypatch.setattr(kc, "choice_file", lambda: tmp_path / kc.CHOICE_FILE)
    kc.forget_memo()
    yield tmp_path / kc.CHOICE_FILE
    kc.forget_memo()


class Named:
    def __init__(self, name: str):
        self.name = name


def fake_workers(tallies, speeds_hs: dict, cpu_share: float, stop: threading.Event):
    """Threads that 'hash' with whatever kernel is in use at the given speeds, getting `cpu_share`
    of the CPU; returns the function that switches them."""
    current = [Named(next(iter(speeds_hs)))]

    def work(tally):
        while not stop.is_set():
            name = current[0].name
            time.sleep(0.01)
            tally.add(name, int(speeds_hs[name] * 0.01), 0.01, 0.01 * cpu_share)

    for tally in tallies:
        threading.Thread(target=work, args=(tally,), daemon=True).start()
    return lambda kernel: current.__setitem__(0, kernel)


@pytest.mark.parametrize("cpu_share", [1.0, 0.5])
def test_a_trial_on_the_workers_ranks_kernels_and_says_how_much_cpu_they_had(cpu_share):
    tallies = [trial.KernelTally(), trial.KernelTally()]
    stop = threading.Event()
    speeds = {"shani": 20e6, "lanes16": 40e6, "scalar": 2e6}
    use = fake_workers(tallies, speeds, cpu_share, stop)
    try:
        result = trial.time_on_miner(tallies, [Named(n) for n in speeds], use, stop.is_set, rounds=2, window_s=0.1)
    finally:
        stop.set()
    assert result is not None
    measured, share, threads = result
    assert threads == 2
    assert max(measured, key=measured.get) == "lanes16"
    for name, hs in measured.items():  # two workers, each at the kernel's speed
        assert hs == pytest.approx(2 * speeds[name], rel=0.35)
    assert share == pytest.approx(cpu_share, abs=0.05)


def test_a_trial_waits_for_workers_that_hash_and_gives_up_when_stopped():
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    assert (
        trial.time_on_miner([trial.KernelTally()], [Named("scalar")], lambda k: None, stop.is_set, window_s=0.05)
        is None
    )
    assert time.monotonic() - started < 2


def choice(name="lanes16", cpu_share=1.0, per_thread_mhs=30.0):
    return kc.KernelChoice(name, "cache", {name: 2 * per_thread_mhs * 1e6, "shani": 10e6}, 2, "", cpu_share)


def live(per_thread_mhs: float, cpu_share: float) -> trial.Sample:
    return trial.Sample(2 * per_thread_mhs * 1e6, per_thread_mhs * 1e6, 10.0, 10.0 * cpu_share)


def test_the_miner_own_rate_says_when_a_kept_choice_looks_wrong():
    assert trial.looks_wrong(choice(), live(30.0, 1.0), 0.9) is None  # as timed
    assert trial.looks_wrong(choice(), live(33.0, 1.0), 0.9) is None  # within the noise
    assert "under load" in trial.looks_wrong(choice(cpu_share=0.4), live(30.0, 0.97), 0.9)
    assert "speed it was chosen on" in trial.looks_wrong(choice(), live(60.0, 1.0), 0.9)  # timed too slow
    assert "speed it was chosen on" in trial.looks_wrong(choice(), live(15.0, 1.0), 0.9)
    # a loaded machine says nothing about which kernel is fastest
    assert trial.looks_wrong(choice(cpu_share=0.4), live(10.0, 0.5), 0.9) is None
    assert trial.looks_wrong(choice(), live(15.0, 0.5), 0.9) is None
    assert trial.looks_wrong(kc.KernelChoice("shani", "forced"), live(1.0, 1.0), 0.9) is None


def start_miner(events):
    miner = Miner(FakeNode(target=0), max_slots=2, on_event=events.append)
    miner.start()
    return miner


def kernel_stages(events):
    return [(e.kernel, e.stage) for e in events if isinstance(e, KernelProgress)]


def test_a_first_launch_mines_at_once_with_the_first_kernel_then_switches_to_the_fastest_timed(
    monkeypatch, fresh_choice
):
    """No choice yet: the workers hash with the first kernel ready before anything else compiles;
    the trial's fastest (here scalar, faked) then mines and is kept with the trial's CPU share."""
    first = kernels.first_kernel_name()
    monkeypatch.setattr(kernels, "available_kernels", lambda: tuple(dict.fromkeys(("scalar", first))))
    compiled = threading.Event()

    def fake_prepare(names, progress=None, background=False, cancelled=None):
        assert background  # the miner is mining meanwhile: lower priority
        compiled.wait(10)  # "compiling": the first kernel must already be mining
        return [kernels.get_kernel(n) for n in names]

    monkeypatch.setattr("engine.mining.kernels.parallel.prepare_kernels", fake_prepare)
    real_trial = trial.time_on_miner
    speeds = {"scalar": 99e6, first: 1e6} if first != "scalar" else {"scalar": 99e6}

    def fake_trial(tallies, kernel_list, use, stopped, on_turn=None, **kw):
        real_trial(tallies, kernel_list, use, stopped, on_turn, rounds=1, window_s=0.05)  # really switches
        return speeds, 0.42, 2

    monkeypatch.setattr(trial, "time_on_miner", fake_trial)
    monkeypatch.setattr(kernel_loop, "BACKGROUND_AFTER_S", 0.0)
    events: list = []
    miner = start_miner(events)
    try:
        assert wait_until(lambda: miner.stats().hashes > 0, 10), kernel_stages(events)
        assert miner.stats().kernel == first and not compiled.is_set()
        compiled.set()
        assert wait_until(lambda: ("scalar", "chosen") in kernel_stages(events), 30), kernel_stages(events)
        assert wait_until(lambda: miner.stats().kernel == "scalar")
    finally:
        miner.stop()
    chosen = [e for e in events if isinstance(e, KernelProgress) and e.stage == "chosen"]
    assert chosen[0].hashrate_hs == 99e6
    record = json.loads(fresh_choice.read_text())["choices"][0]
    assert record["name"] == "scalar" and record["cpu_share"] == 0.42 and record["threads"] == 2
    assert kc.cached_choice().timed_under_load


def test_a_choice_timed_under_load_is_timed_again_once_the_machine_is_quiet(monkeypatch, fresh_choice):
    first = kernels.first_kernel_name()
    kernels.get_kernel(first)
    monkeypatch.setattr(kc, "QUIET_SHARE", 0.0001)  # whatever this machine's load, count it as quiet
    kc.record_choice({first: 5e6}, 2, cpu_share=0.00005)  # kept from a launch under (heavy) load
    monkeypatch.setattr(kernel_loop, "WATCH_S", 0.2)
    monkeypatch.setattr(kernels, "available_kernels", lambda: (first,))
    monkeypatch.setattr(trial, "ROUNDS", 1)
    monkeypatch.setattr(trial, "WINDOW_S", 0.05)
    events: list = []
    miner = start_miner(events)
    try:
        assert wait_until(lambda: (first, "chosen") in kernel_stages(events), 30), kernel_stages(events)
    finally:
        miner.stop()
    assert (first, "retiming") in kernel_stages(events)
    assert kernel_stages(events)[0] == (first, "active")  # it mined with the kept choice at once
    assert not kc.cached_choice().timed_under_load  # the new timing replaced the loaded one


def test_the_status_line_says_what_happens_in_one_short_sentence(qapp):
    from gui.window.kernel_progress import MinerKernelLine

    line = MinerKernelLine()
    said = [
        line(KernelProgress(kernel, stage, 0.0, hs))
        for kernel, stage, hs in [
            ("shani", "active", 0.0),
            ("scalar", "compiling", 0.0),
            ("lanes8", "compiling", 0.0),
            ("lanes16", "compiling", 0.0),
            ("scalar", "ready", 0.0),
            ("lanes8", "loading", 0.0),
            ("lanes8", "ready", 0.0),
            ("lanes16", "ready", 0.0),
            ("lanes16", "timing", 0.0),
            ("lanes16", "chosen", 80.4e6),
        ]
    ]
    texts = [text for text, _pct in said]
    assert all(pct == 100 for _text, pct in said)  # mining all along: notices, never a busy bar
    assert texts[0] == "Mining with the shani kernel"
    assert texts[3] == "Mining with shani; compiling scalar, lanes8, lanes16 in the background…"
    assert texts[6] == "Mining with shani; compiling lanes16 in the background…"
    assert texts[8] == "Timing the lanes16 kernel while mining…"
    assert texts[-1] == "Mining with the lanes16 kernel, the fastest here (80.4 MH/s)"
    assert all(len(t) <= 90 and t.count(". ") == 0 for t in texts)
