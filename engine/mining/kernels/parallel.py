"""Compile the slow kernels in parallel child processes, then load them here from Numba's cache.

The generated `lanes8` and `lanes16` kernels take ~13 s each to compile (30+ s on a loaded core)
and Numba compiles under one global lock, so in one process they compile one after the other.
On a machine with two or more cores, `prepare_kernels` hands each uncached slow kernel to its own
child process (multiprocessing's "spawn" context: Numba and threads do not survive fork, and the
frozen app's entry point calls `freeze_support()` so a child runs its task, not a second lab).
A child compiles one kernel into the on-disk cache and exits; the parent meanwhile compiles the
quick kernels itself, then loads each child's kernel from the cache (~0.4 s) as it is done.

Children never write the same file: each compiles a different kernel (its own cache files), the
generated source files are written by the parent before any child starts (a child finds them
identical and leaves them alone), and Numba writes its cache files atomically.

A child that cannot start, raises, dies or runs past CHILD_TIMEOUT_S is not fatal: its kernel is
compiled in this process instead, and the reason is reported as the stage "fallback: <reason>".
$MINE2COMPUTE_COMPILE_PROCESSES caps the children (0: compile everything in this process).
With `background=True` (the miner compiling while it mines) the children run at a lower priority
(nice 10; below normal on Windows) so the mining threads keep their cores.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable
from multiprocessing.connection import wait as wait_for_connections
from types import ModuleType

from engine.mining.kernels import QUICK_COMPILING, Kernel, ProgressCallback, get_kernel, is_loaded

log = logging.getLogger("engine.mining.kernels.parallel")

PROCESSES_ENV = "MINE2COMPUTE_COMPILE_PROCESSES"
CHILD_TIMEOUT_S = 600.0  # 10x the slowest compile seen (55 s, 2 cores at load 7): only a hung child gets here

# target(name) -> (seconds, from_cache), run in the child; tests pass one that fails
ChildTarget = Callable[[str], tuple]


def usable_cores() -> int:
    """Cores this process may run on (a container or `taskset` may allow fewer than exist)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def max_child_processes() -> int:
    """At most one child per core, fewer if $MINE2COMPUTE_COMPILE_PROCESSES says so."""
    cores = usable_cores()
    try:
        return max(0, min(cores, int(os.environ.get(PROCESSES_ENV, cores))))
    except ValueError:
        log.warning("ignoring $%s=%r: not a number", PROCESSES_ENV, os.environ.get(PROCESSES_ENV))
        return cores


def _dispatcher(name: str):
    """The kernel's Numba dispatcher, imported but not compiled (generated source written first)."""
    module: ModuleType
    if name == "scalar":
        from engine.mining.kernels import scalar as module
    elif name == "shani":
        from engine.mining.kernels import shani as module
    else:
        from engine.mining.kernels.unrolled import load_module

        module = load_module(int(name.removeprefix("lanes")))
    return module.scan


def is_cached(name: str) -> bool:
    """Whether Numba's on-disk cache holds `name` compiled for this CPU, this signature and this
    source (what the next compile would load instead of compiling). False when unsure."""
    from engine.mining.kernels.jit import SCAN_SIGNATURE

    try:
        dispatcher = _dispatcher(name)
        cache = dispatcher._cache  # Numba's FunctionCache: no public "is it cached?" (0.60-0.68;
        # tests/test_kernel_parallel.py checks it against the real cache)
        key = cache._index_key(SCAN_SIGNATURE, dispatcher.targetctx.codegen())
        return key in cache._cache_file._load_index()
    except Exception as exc:  # a Numba without these internals: compile as if it were not cached
        log.debug("cannot tell whether %s is cached (%s)", name, exc)
        return False


def slow_uncached(names: Iterable[str]) -> list[str]:
    """The kernels among `names` worth a child: slow to compile, not loaded, not in the cache."""
    return [n for n in names if n not in QUICK_COMPILING and not is_loaded(n) and not is_cached(n)]


# ----------------------------------------------------------------------------- the child
def compile_here(name: str) -> tuple:
    """Compile `name` into the on-disk cache (in a child); (seconds, whether it was a cache load)."""
    kernel = get_kernel(name)
    return kernel.compile_s, kernel.from_cache


BACKGROUND_NICE = 10


def lower_priority() -> None:
    """Run this process below normal priority (a compile that must not slow the miner)."""
    try:
        if sys.platform == "win32":
            import ctypes

            below_normal = 0x4000  # BELOW_NORMAL_PRIORITY_CLASS
            ctypes.windll.kernel32.SetPriorityClass(ctypes.windll.kernel32.GetCurrentProcess(), below_normal)  # type: ignore[attr-defined]
        else:
            os.nice(BACKGROUND_NICE)
    except (OSError, AttributeError) as exc:
        log.debug("could not lower the compile's priority (%s)", exc)


def _child_main(target: ChildTarget, name: str, settings: dict, conn) -> None:
    """A child's whole life: the parent's cache folders and CPU features, one compile, one reply."""
    try:
        if settings.get("background"):
            lower_priority()
        os.environ.update(settings["environ"])
        from numba.core import config as numba_config

        # The parent's values, not whatever this fresh interpreter derived: the cache key
        # includes the CPU features, and the files must land where the parent looks.
        numba_config.CACHE_DIR = settings["numba_cache_dir"]  # type: ignore[attr-defined]  # numba.core.config sets its options at run time
        numba_config.CPU_FEATURES = settings["cpu_features"]  # type: ignore[attr-defined]  # numba.core.config sets its options at run time
        conn.send(("ok", *target(name)))
    except BaseException as exc:  # report everything, even SystemExit, then exit
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _child_settings() -> dict:
    from numba.core import config as numba_config

    from engine.mining.kernels.jit import CACHE_ENV, cache_dir

    environ = {CACHE_ENV: str(cache_dir())}
    if numba_config.CACHE_DIR:  # type: ignore[attr-defined]  # numba.core.config sets its options at run time
        environ["NUMBA_CACHE_DIR"] = numba_config.CACHE_DIR  # type: ignore[attr-defined]  # numba.core.config sets its options at run time
    return {
        "environ": environ,
        "numba_cache_dir": numba_config.CACHE_DIR,  # type: ignore[attr-defined]  # numba.core.config sets its options at run time
        "cpu_features": numba_config.CPU_FEATURES,  # type: ignore[attr-defined]  # set at run time
    }


# ----------------------------------------------------------------------------- the parent
class _Child:
    def __init__(self, context, target: ChildTarget, name: str, settings: dict):
        self.name = name
        self.conn, child_conn = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_child_main, args=(target, name, settings, child_conn), name=f"compile-{name}", daemon=True
        )
        try:
            self.process.start()
        except BaseException:
            self.conn.close()
            raise
        finally:
            child_conn.close()  # only the child holds its end: its exit is EOF here
        self.started_s = time.monotonic()

    def result(self) -> tuple:
        """("ok", seconds, from_cache) or ("error", reason); call once the connection is ready."""
        try:
            reply = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(5)
            reply = ("error", f"the child process died (exit code {self.process.exitcode})")
        self.close()
        return reply

    def close(self, kill: bool = False) -> None:
        if self.process.is_alive() and not kill:
            self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()


def prepare_kernels(
    names: Iterable[str],
    on_progress: ProgressCallback | None = None,
    *,
    in_children: Iterable[str] | None = None,
    processes: int | None = None,
    timeout_s: float = CHILD_TIMEOUT_S,
    target: ChildTarget = compile_here,
    background: bool = False,
    cancelled: Callable[[], bool] | None = None,
) -> list[Kernel]:
    """Every kernel in `names`, compiled: slow uncached ones in child processes, the rest here.

    `in_children` defaults to `slow_uncached(names)`, and children are only used when at least two
    can run at once (one child alone saves nothing); with `background`, to every kernel neither
    loaded nor cached, one child or more. Progress stages, per kernel: "compiling";
    then for a child's kernel "loading" (seconds: the child's compile) and "ready" (seconds: the
    load here), or "fallback: <reason>" and "ready" once compiled here instead. `background`:
    the children run at a lower priority (the miner is mining meanwhile). `cancelled()` true (the
    miner stopped): the children are killed and only the kernels ready so far are returned, with no
    fallback compile here.
    """
    names = list(dict.fromkeys(names))
    report = on_progress or (lambda _name, _stage, _seconds: None)
    limit = max_child_processes() if processes is None else processes
    if in_children is None and background:
        # behind a miner every uncached kernel, quick ones too, compiles in a child: Numba holds the
        # GIL while it compiles, which would stall the workers, and the child runs at a lower priority
        in_children = [n for n in names if not is_loaded(n) and not is_cached(n)]
    elif in_children is None:
        in_children = slow_uncached(names)  # one child alone saves no time
        in_children = in_children if min(limit, len(in_children)) >= 2 else []
    queue = [n for n in dict.fromkeys(in_children) if n in names]
    limit = min(limit, len(queue))
    if limit < 1:
        return [get_kernel(name, on_progress) for name in names]

    for name in queue:
        _dispatcher(name)  # writes the generated sources before any child could race to
    here = [name for name in names if name not in queue]
    context = multiprocessing.get_context("spawn")
    settings = {**_child_settings(), "background": background}
    kernels: dict[str, Kernel] = {}
    failed: dict[str, str] = {}
    running: list[_Child] = []

    def start_children() -> None:
        while queue and len(running) < limit:
            name = queue.pop(0)
            report(name, "compiling", 0.0)
            try:
                running.append(_Child(context, target, name, settings))
            except Exception as exc:  # processes not allowed, no executable to spawn, ...
                failed[name] = f"could not start a child process ({type(exc).__name__}: {exc})"

    def finish(child: _Child) -> None:
        running.remove(child)
        reply = child.result()
        if reply[0] != "ok":
            failed[child.name] = reply[1]
            return
        report(child.name, "loading", float(reply[1]))
        kernel = kernels[child.name] = get_kernel(child.name, _without(report, "compiling"))
        if not kernel.from_cache:  # e.g. the child's cache went where this process does not look
            log.warning(
                "kernel %s, compiled in a child, was compiled again here (%.1f s)", child.name, kernel.compile_s
            )

    def compile_failed_here() -> None:
        for name, reason in list(failed.items()):
            del failed[name]
            log.warning("compiling kernel %s in this process: %s", name, reason)
            report(name, f"fallback: {reason}", 0.0)
            kernels[name] = get_kernel(name, _without(report, "compiling"))

    try:
        start_children()
        for name in here:  # the quick ones, while the children compile
            kernels[name] = get_kernel(name, on_progress)
        while running or queue or failed:
            if cancelled is not None and cancelled():
                break  # the finally below kills the children
            compile_failed_here()  # at once: the other children keep compiling meanwhile
            start_children()
            ready = wait_for_connections([c.conn for c in running], timeout=1.0) if running else []
            for child in [c for c in running if c.conn in ready]:
                finish(child)
            for child in [c for c in running if time.monotonic() - c.started_s > timeout_s]:
                running.remove(child)
                child.close(kill=True)
                failed[child.name] = f"the child process ran past {timeout_s:.0f} s"
    finally:
        for child in running:  # an exception here (e.g. a failed load): leave no child behind
            child.close(kill=True)
    return [kernels[name] for name in names if name in kernels]


def _without(report: ProgressCallback, stage: str) -> ProgressCallback:
    """`report` without `stage` (already reported when the kernel went to its child)."""
    return lambda name, s, seconds: None if s == stage else report(name, s, seconds)
