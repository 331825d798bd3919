"""The first launch compiles the slow kernels in parallel child processes ("spawn"), then loads
them from Numba's cache; a child that cannot start, raises, dies or hangs only means its kernel
compiles in this process instead, with the reason in the progress."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import time

import pytest

from engine.mining.kernels import QUICK_COMPILING, get_kernel, parallel
from engine.mining.sha256d import find_nonce_hashlib
from tests.helpers import ROOT

# Run in a fresh interpreter with empty caches: this test process has its kernels loaded already.
# Children compile "scalar" (and "shani" where the CPU has it, two at once): quick enough for a test.
SCRIPT = r"""
import json, os, sys, tempfile, time
os.environ["NUMBA_CACHE_DIR"] = sys.argv[2] + "/numba"
os.environ["MINE2COMPUTE_CACHE_DIR"] = sys.argv[2] + "/kernels"
os.environ.pop("MINE2COMPUTE_COMPILE_PROCESSES", None)
sys.path.insert(0, sys.argv[3])


def raising(name):
    raise RuntimeError("boom in the child")


def dying(name):
    os._exit(3)


def hanging(name):
    time.sleep(120)


def niceness(name):
    return float(os.nice(0)), False  # reported as the child's "compile seconds"


if __name__ == "__main__":
    import multiprocessing
    from engine.mining.kernels import available_kernels, is_loaded, parallel

    mode = sys.argv[1]
    names = [n for n in ("scalar", "shani") if n in available_kernels() and (mode == "ok" or n == "scalar")]
    events, at_loading = [], {}

    def progress(name, stage, seconds):
        events.append([name, stage])
        if stage == "loading":  # the child is done; this process has not touched the kernel yet
            dispatcher = parallel._dispatcher(name)
            at_loading[name] = {"loaded_here": is_loaded(name), "cached": parallel.is_cached(name),
                                "cache_files": len(os.listdir(dispatcher.stats.cache_path)),
                                "child_compile_s": seconds}

    target = {"ok": parallel.compile_here, "raise": raising, "die": dying, "hang": hanging, "nice": niceness}[mode]
    kernels = parallel.prepare_kernels(names, progress, in_children=names, processes=2,
                                       timeout_s=3.0 if mode == "hang" else 300.0, target=target,
                                       background=mode == "nice")
    print(json.dumps({
        "names": names, "events": events, "at_loading": at_loading,
        "kernels": {k.name: {"from_cache": k.from_cache, "hits": len(k.scan.stats.cache_hits),
                             "misses": len(k.scan.stats.cache_misses),
                             "nonce": k.find(bytes(range(80)), 1 << 250, 0, 4096)} for k in kernels},
        "children_left": len(multiprocessing.active_children()),
    }))
"""


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """One fresh interpreter per mode, run at once (each needs ~1 core for a few seconds)."""
    folder = tmp_path_factory.mktemp("parallel")
    script = folder / "compile_in_children.py"
    script.write_text(SCRIPT)
    procs = {
        mode: subprocess.Popen(
            [sys.executable, str(script), mode, str(folder / mode), str(ROOT)],
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for mode in ("ok", "raise", "die", "hang", "nice")
    }
    results = {}
    for mode, proc in procs.items():
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, f"{mode}: {err}"
        results[mode] = json.loads(out.strip().splitlines()[-1])
    return results


def expected_nonce() -> int | None:
    return find_nonce_hashlib(bytes(range(80)), 1 << 250, 0, 4096)


def test_children_compile_into_the_cache_and_this_process_loads_from_it(runs):
    run = runs["ok"]
    for name in run["names"]:
        state = run["at_loading"][name]
        # When the child reports back, its kernel is in the on-disk cache and not yet loaded here
        assert state == {**state, "loaded_here": False, "cached": True} and state["cache_files"] >= 2
        assert state["child_compile_s"] > 0
        kernel = run["kernels"][name]
        assert kernel["from_cache"] and kernel["hits"] == 1 and kernel["misses"] == 0  # a load, not a compile
        assert kernel["nonce"] == expected_nonce()
        stages = [stage for kernel_name, stage in run["events"] if kernel_name == name]
        assert stages == ["compiling", "loading", "ready"]
    assert run["children_left"] == 0


@pytest.mark.parametrize(
    "mode, reason",
    [
        ("raise", "RuntimeError: boom in the child"),
        ("die", "the child process died (exit code 3)"),
        ("hang", "the child process ran past 3 s"),
    ],
)
def test_a_failing_child_falls_back_to_compiling_here_with_the_reason(runs, mode, reason):
    run = runs[mode]
    for name in run["names"]:
        stages = [stage for kernel_name, stage in run["events"] if kernel_name == name]
        assert stages == ["compiling", f"fallback: {reason}", "ready"]
        kernel = run["kernels"][name]
        assert not kernel["from_cache"] and kernel["misses"] == 1  # compiled here
        assert kernel["nonce"] == expected_nonce()
    assert run["children_left"] == 0  # the hung child was killed


class NoProcesses:
    """A multiprocessing context where starting a process fails (a sandbox, no executable)."""

    Pipe = staticmethod(multiprocessing.get_context("spawn").Pipe)

    class Process:
        def __init__(self, **_kwargs):
            pass

        def start(self):
            raise OSError("spawning is not permitted here")


def test_a_child_that_cannot_start_falls_back(monkeypatch):
    monkeypatch.setattr(parallel.multiprocessing, "get_context", lambda _method: NoProcesses())
    stages = []
    kernels = parallel.prepare_kernels(
        ["scalar"], lambda n, s, _t: stages.append((n, s)), in_children=["scalar"], processes=2
    )
    assert kernels == [get_kernel("scalar")]
    assert stages[:2] == [
        ("scalar", "compiling"),
        ("scalar", "fallback: could not start a child process (OSError: spawning is not permitted here)"),
    ]


def test_only_slow_uncached_kernels_go_to_children_and_never_more_than_cores(monkeypatch):
    monkeypatch.setattr(parallel, "is_cached", lambda name: name == "lanes16")
    monkeypatch.setattr(parallel, "is_loaded", lambda name: False)
    assert parallel.slow_uncached(["scalar", "lanes8", "lanes16", "shani"]) == ["lanes8"]
    assert not QUICK_COMPILING & {"lanes8", "lanes16"}
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    monkeypatch.setenv(parallel.PROCESSES_ENV, "8")
    assert parallel.max_child_processes() == 2
    monkeypatch.setenv(parallel.PROCESSES_ENV, "0")
    assert parallel.max_child_processes() == 0


def test_no_children_when_fewer_than_two_could_run(monkeypatch):
    """One core, $MINE2COMPUTE_COMPILE_PROCESSES=0 or one slow kernel: compile here as before."""
    monkeypatch.setattr(
        parallel.multiprocessing, "get_context", lambda _method: pytest.fail("a child process was started")
    )
    monkeypatch.setattr(parallel, "slow_uncached", lambda names: ["scalar"])
    assert parallel.prepare_kernels(["scalar"]) == [get_kernel("scalar")]
    monkeypatch.setattr(parallel, "slow_uncached", lambda names: ["scalar", "scalar2"])
    monkeypatch.setenv(parallel.PROCESSES_ENV, "0")
    assert parallel.prepare_kernels(["scalar"]) == [get_kernel("scalar")]


@pytest.mark.skipif(sys.platform == "win32", reason="os.nice: Windows lowers the priority class instead")
def test_children_compiling_behind_the_miner_run_at_a_lower_priority(runs):
    """background=True (the miner mines meanwhile): the children's niceness is raised by 10, so
    the mining threads keep their cores (the "nice" run's children report their niceness)."""
    run = runs["nice"]
    expected = min(19, os.nice(0) + parallel.BACKGROUND_NICE)  # the runs inherit this process's niceness
    assert run["names"] and {run["at_loading"][n]["child_compile_s"] for n in run["names"]} == {expected}


def _sleeping(name):  # a child's target (module level: spawned children import it)
    time.sleep(60)
    return 0.0, False


def test_a_miner_that_stops_leaves_no_compile_behind():
    """cancelled() (the miner stopped, e.g. the window closed): the children are killed, nothing
    falls back to compiling here, and only the kernels ready so far come back."""
    started = time.monotonic()
    stages = []
    kernels = parallel.prepare_kernels(
        ["scalar"],
        lambda n, s, _t: stages.append((n, s)),
        in_children=["scalar"],
        processes=1,
        target=_sleeping,
        background=True,
        cancelled=lambda: time.monotonic() - started > 1.0,
    )
    assert kernels == [] and stages == [("scalar", "compiling")]
    assert time.monotonic() - started < 10
    assert not multiprocessing.active_children()


def test_behind_a_miner_even_the_quick_kernels_compile_in_a_child(monkeypatch):
    """Numba holds the GIL while it compiles: behind a mining miner no kernel compiles in its
    process (here the child cannot start, so the fallback stage shows scalar went to one)."""
    monkeypatch.setattr(parallel.multiprocessing, "get_context", lambda _method: NoProcesses())
    monkeypatch.setattr(parallel, "is_loaded", lambda name: False)
    monkeypatch.setattr(parallel, "is_cached", lambda name: False)
    stages = []
    parallel.prepare_kernels(["scalar"], lambda n, s, _t: stages.append((n, s)), background=True)
    assert stages[1][1].startswith("fallback: could not start a child process")
    stages.clear()
    parallel.prepare_kernels(["scalar"], lambda n, s, _t: stages.append((n, s)))  # not behind a miner
    assert not any(s.startswith("fallback") for _n, s in stages)
