"""The mining kernel is the fastest *measured* on this CPU, cached per CPU model, features and
kernel version; $MINE2COMPUTE_KERNEL forces one; a bad cache file is measured again."""

from __future__ import annotations

import json
import threading
import time

import pytest

import engine.mining.kernels as kernels
from engine.mining.kernels import best_kernel_name, chosen_kernel_name, jit
from engine.mining.kernels import choice as kc

ALL = ("scalar", "lanes8", "lanes16", "shani")


class FakeCPU:
    """A measuring function with fixed speeds that counts how often it was asked."""

    def __init__(self, **speeds_mh_s: float):
        self.speeds_hs = {name: mh_s * 1e6 for name, mh_s in speeds_mh_s.items()}
        self.calls: list[tuple[list, int]] = []

    def __call__(self, names: list, threads: int) -> dict:
        self.calls.append((list(names), threads))
        return {name: self.speeds_hs[name] for name in names}


# The Intel Xeon of issue 9: SHA-NI and AVX-512, yet lanes16 runs twice as fast as shani.
XEON = dict(scalar=2.0, lanes8=20.0, lanes16=52.0, shani=25.6)


@pytest.fixture(autouse=True)
def fresh_choice(tmp_path, monkeypatch):
    """A temporary choice file, no memory of earlier choices, every kernel "available"."""
    monkeypatch.delenv(kernels.KERNEL_ENV, raising=False)
    monkeypatch.setattr(kc, "choice_file", lambda: tmp_path / kc.CHOICE_FILE)
    monkeypatch.setattr(kernels, "available_kernels", lambda: ALL)
    kc.forget_memo()
    yield tmp_path / kc.CHOICE_FILE
    kc.forget_memo()


def test_the_fastest_measured_kernel_wins_even_where_the_cpu_has_sha_ni():
    cpu = FakeCPU(**XEON)
    choice = kc.choose_kernel(threads=2, measure=cpu)
    assert choice.name == "lanes16" and choice.source == "measured"
    assert cpu.calls == [(list(ALL), 2)]
    assert best_kernel_name() == "lanes16"  # what the miner, find_nonce and the node use
    assert chosen_kernel_name() == "lanes16"


@pytest.mark.parametrize("winner", ALL)
def test_any_kernel_can_be_the_fastest(winner):
    """No CPU flag decides: even scalar wins when it is measured fastest."""
    speeds = {name: 10.0 for name in ALL} | {winner: 11.0}
    assert kc.choose_kernel(threads=1, measure=FakeCPU(**speeds)).name == winner
    assert best_kernel_name() == winner


def test_the_choice_is_cached_and_not_measured_again(fresh_choice):
    cpu = FakeCPU(**XEON)
    kc.choose_kernel(measure=cpu)
    kc.forget_memo()  # a later launch: only the file remembers
    assert kc.choose_kernel(measure=cpu).source == "cache"
    assert best_kernel_name() == "lanes16"
    assert len(cpu.calls) == 1
    record = json.loads(fresh_choice.read_text())["choices"][0]
    assert record["name"] == "lanes16" and record["speeds_hs"]["shani"] == 25.6e6
    assert set(record["key"]) == {"cpu_model", "cpu_features", "kernel_version"}


@pytest.mark.parametrize("change", ["cpu_model", "cpu_features", "kernel_version"])
def test_a_changed_key_measures_again(monkeypatch, change):
    kc.choose_kernel(measure=FakeCPU(**XEON))
    if change == "cpu_model":
        monkeypatch.setattr(kc, "cpu_model", lambda: "znver4 / AMD EPYC 9999")
    elif change == "cpu_features":
        monkeypatch.setattr(jit, "effective_cpu_features", lambda: "+avx2,+sha")
    else:
        monkeypatch.setattr(kc, "KERNEL_VERSION", kc.KERNEL_VERSION + 1)
    assert chosen_kernel_name() is None  # nothing cached for the new key: the miner will measure
    other = FakeCPU(**(XEON | {"shani": 60.0}))
    assert kc.choose_kernel(measure=other).name == "shani" and len(other.calls) == 1


def test_choices_for_other_cpus_are_kept(fresh_choice, monkeypatch):
    kc.choose_kernel(measure=FakeCPU(**XEON))
    monkeypatch.setattr(kc, "cpu_model", lambda: "another machine")
    kc.choose_kernel(measure=FakeCPU(**(XEON | {"lanes8": 99.0})))
    names = [r["name"] for r in json.loads(fresh_choice.read_text())["choices"]]
    assert names == ["lanes16", "lanes8"]


def test_the_environment_forces_a_kernel_without_measuring(monkeypatch):
    cpu = FakeCPU(**XEON)
    monkeypatch.setenv(kernels.KERNEL_ENV, "shani")
    assert kc.choose_kernel(measure=cpu).name == "shani"
    assert best_kernel_name() == "shani" and chosen_kernel_name() == "shani"
    assert kc.choose_kernel(measure=cpu, refresh=True).source == "forced"
    assert cpu.calls == []
    monkeypatch.setenv(kernels.KERNEL_ENV, "nosuch")
    with pytest.raises(ValueError, match="MINE2COMPUTE_KERNEL"):
        best_kernel_name()


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "",
        "[]",
        '{"format": 1}',
        '{"format": 1, "choices": {"a": 1}}',
        '{"format": 99, "choices": []}',
        '{"format": 1, "choices": [7, {"key": null}]}',
        None,  # a record for this CPU naming a kernel that does not exist
    ],
)
def test_a_corrupt_cache_file_is_measured_again_not_a_crash(fresh_choice, content):
    if content is None:
        content = json.dumps(
            {
                "format": 1,
                "choices": [{"key": kc.choice_key(), "name": "warp9", "speeds_hs": {"warp9": 1e12}, "threads": 2}],
            }
        )
    fresh_choice.write_text(content)
    assert chosen_kernel_name() is None
    cpu = FakeCPU(**XEON)
    assert kc.choose_kernel(measure=cpu).name == "lanes16" and len(cpu.calls) == 1
    kc.forget_memo()
    assert chosen_kernel_name() == "lanes16"  # the file was rewritten whole


def test_an_unwritable_cache_still_gives_a_choice(monkeypatch, tmp_path):
    monkeypatch.setattr(kc, "choice_file", lambda: tmp_path / "missing-folder" / kc.CHOICE_FILE)
    assert kc.choose_kernel(measure=FakeCPU(**XEON)).name == "lanes16"
    assert best_kernel_name() == "lanes16"  # remembered in the process


def test_measuring_times_every_kernel_after_compiling_and_keeps_the_fastest(monkeypatch):
    """The real measuring path: compile (progress heard) before any timing, all kernels timed."""
    monkeypatch.setattr(kernels, "available_kernels", lambda: ("scalar",))
    stages: list[tuple[str, str]] = []
    choice = kc.choose_kernel(threads=1, on_progress=lambda k, s, _t: stages.append((k, s)))
    assert choice.name == "scalar" and choice.speeds_hs["scalar"] > 1e5
    compile_stages = [i for i, s in enumerate(stages) if s[1] != "timing"]  # none if compiled earlier
    assert stages.index(("scalar", "timing")) > max(compile_stages, default=-1)


class SteadyKernel(kernels.Kernel):
    """A kernel whose n-th thread hashes at `rates_hs[n]` (sleeping, GIL released); it records
    each thread's hashes and the time its calls really took (a loaded machine oversleeps)."""

    def __init__(self, *rates_hs: float, lanes: int = 4):
        self.busy: dict[int, list[float]] = {}  # thread -> [hashes, seconds inside scan]
        lock = threading.Lock()

        def scan(params, nonce_start, nonce_end, target_top, lanes_out):
            with lock:
                if threading.get_ident() not in self.busy:
                    self.busy[threading.get_ident()] = [0, 0.0, rates_hs[len(self.busy)]]
                record = self.busy[threading.get_ident()]
            t0 = time.perf_counter()
            time.sleep((nonce_end - nonce_start) / record[2])
            record[0] += nonce_end - nonce_start
            record[1] += time.perf_counter() - t0
            return -1

        super().__init__("steady", lanes, scan)

    def true_hs(self) -> float:
        return sum(hashes / seconds for hashes, seconds, _rate in self.busy.values())


def test_measure_hs_counts_each_thread_over_its_own_time():
    """Threads' last calls end at different times; the measure must still be the true rate.

    The old measure made fixed 2**20-nonce calls (80 ms at 12.8 MH/s) and divided every
    thread's hashes by the last thread's time: a short window on unequal cores read ~25% low,
    and the lab chain's start difficulty is sized with this figure.
    """
    kernel = SteadyKernel(12e6, 4e6)
    measured = kernel.measure_hs(0.3, threads=2)
    assert measured == pytest.approx(kernel.true_hs(), rel=0.1)


def test_sizing_uses_the_kernel_the_miner_starts_with_on_the_miner_threads(monkeypatch):
    """No choice: the first kernel ready (never compiling or timing the others); a cached choice
    that is compiled: that one. Timed afresh on the miner's threads either way."""
    seen = []
    monkeypatch.setattr(
        kc, "measure_kernel_hs", lambda kernel, threads, windows: seen.append((kernel.name, threads)) or 5e6
    )
    monkeypatch.setattr("engine.mining.kernels.parallel.is_cached", lambda name: name == "lanes8")
    monkeypatch.setattr(kernels, "is_loaded", lambda name: False)  # whatever earlier tests loaded
    compiled = []
    real_get = kernels.get_kernel
    monkeypatch.setattr(kernels, "get_kernel", lambda name, progress=None: compiled.append(name) or real_get(name))
    first = kernels.first_kernel_name()
    assert kc.measure_hashrate_hs(2) == (first, 5e6)
    kc.choose_kernel(threads=2, measure=FakeCPU(**(XEON | {"lanes8": 99.0})))
    assert kc.starting_kernel_name() == "lanes8"  # compiled (in Numba's cache): ready at once
    kc.choose_kernel(threads=2, measure=FakeCPU(**XEON), refresh=True)
    assert kc.starting_kernel_name() == first  # lanes16 is not compiled: it would take ~10 s
    assert compiled == [first] and seen == [(first, 2)]


def test_the_window_first_launch_sizes_the_chain_with_the_starting_kernel_on_its_cores(qapp, tmp_path, monkeypatch):
    """`_calibrate_then_launch` asks the one sizing measurement for the miner's core count and
    starts the node with that figure; the banner says so in a short line, ending at 100%."""
    from gui.qt import QSettings
    from gui.window.controller import LabController

    asked = []

    def fake_sizing(threads, on_progress=None, windows=kc.SIZING_WINDOWS):
        asked.append(threads)
        return "shani", 52.4e6

    monkeypatch.setattr(kc, "measure_hashrate_hs", fake_sizing)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    controller = LabController(datadir=tmp_path / "data", settings=settings, total_cores=3)
    controller._launch_requested.disconnect()  # no node: only what it would be started with
    launched, progress = [], []
    controller._launch_requested.connect(launched.append)
    controller.compile_progress.connect(lambda text, pct: progress.append((text, pct)))
    controller._calibrate_then_launch()
    assert asked == [3]
    assert launched == [("--lab-hashrate", "52400000")]
    assert progress[0][1] == -1 and progress[-1][1] == 100 and "shani" in progress[-1][0]
    assert "52.4" in progress[-1][0]
