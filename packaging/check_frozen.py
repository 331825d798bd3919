"""Check the packaged app the way a user without Python runs it; exits non-zero on any failure.

    python packaging/check_frozen.py            # build (packaging/build.py --installer), then check it
    python packaging/check_frozen.py --no-build # check the existing build

On Linux the checks run the app unpacked from the installer (dist/mine2compute-*-linux-*.tar.gz)
into a temporary folder, after its `install.sh` wrote a valid menu entry; elsewhere dist/mine2compute.
The largest parts of the bundle are listed with their sizes first.

Every run starts from an empty per-user cache and data folder (HOME and XDG_* point at a
temporary folder), so it measures a first launch, then a second one:
1. smoke: `--help`, `node --help`, `mine --help`, `scenario --json` (the bundled presets);
   then `bench` twice on the generated lanes8 kernel: compiled at the first run (on two or more
   cores in a child process, which the app then loads from the cache: spawned children work in
   the frozen app), loaded from Numba's cache at the second;
2. `node` + `mine`: the app's own node on the regtest chain and the CLI miner mine 2 blocks;
3. `--self-test` on an empty cache: the window (offscreen) starts the node and the miner and must
   mine a block, with no kernel falling back to an in-process compile; reports launch to first block;
4. `--self-test` again: Numba must load every kernel compiled in step 3 from its cache (no cache
   file rewritten);
5. warm start to window shown: `--screenshot` with no delay, timed until the PNG exists.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_DIR = ROOT / "dist" / "mine2compute"
EXE = APP_DIR / ("mine2compute" + (".exe" if sys.platform == "win32" else ""))
if sys.platform == "win32":  # the console twin: the windowed exe has no stdout in a terminal
    EXE = APP_DIR / "mine2compute-cli.exe"
WINDOW_GOAL_S = 3.0


class CheckFailed(Exception):
    pass


def fail(message: str, output: str = "") -> None:
    raise CheckFailed(message + (f"\n--- output ---\n{output.strip()[-4000:]}" if output else ""))


def step(message: str) -> None:
    print(f"check: {message}", flush=True)


def user_env(home: Path) -> dict[str, str]:
    """A fresh user: empty home, caches, data and settings; Qt offscreen."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NUMBA_", "MINE2COMPUTE_", "XDG_")) and k not in ("PYTHONPATH", "PYTHONHOME")
    }
    env.update(
        HOME=str(home),
        USERPROFILE=str(home),
        APPDATA=str(home / "AppData" / "Roaming"),
        LOCALAPPDATA=str(home / "AppData" / "Local"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        QT_QPA_PLATFORM="offscreen",
    )
    return env


def run(args: list[str], env: dict[str, str], timeout: float = 120, expect: str | None = None) -> str:
    result = subprocess.run([str(EXE), *args], env=env, capture_output=True, text=True, timeout=timeout)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        fail(f"`mine2compute {' '.join(args)}` exited {result.returncode}", output)
    if "Traceback" in output:
        fail(f"`mine2compute {' '.join(args)}` printed a traceback", output)
    if expect is not None and expect not in output:
        fail(f"`mine2compute {' '.join(args)}` did not print {expect!r}", output)
    return result.stdout


def smoke(env: dict[str, str]) -> None:
    run(["--help"], env, expect="scenario")
    run(["node", "--help"], env, expect="--chain")
    run(["mine", "--help"], env, expect="--rpc-url")
    presets = json.loads(run(["scenario", "--json"], env))
    names = {p["name"] for p in presets} if isinstance(presets, list) else set()
    if "record-low-2025" not in names:
        fail(f"`scenario --json` did not list the bundled presets (got {sorted(names)})")
    step(f"smoke ok: --help, node --help, mine --help, scenario --json ({len(names)} presets)")


def generated_kernel_cache(env: dict[str, str], home: Path) -> None:
    """`bench` on lanes8 twice: its source is generated into the user's cache folder at the first
    run and compiled; the second run must load Numba's cache of it (no cache file rewritten)."""
    args = ["bench", "--kernels", "lanes8", "--seconds", "0.2", "--threads", "1"]
    times = []
    for attempt in ("first", "second"):
        before = numba_cache_files(home)
        out = run(args, env, timeout=300, expect="lanes8")
        m = re.search(r"compile/load ([0-9.]+) s( \(cache load\))?", out)
        times.append(m.group(1) if m else "?")
        if attempt == "first" and usable_cores() >= 2 and not (m and m.group(2)):
            fail(
                "the first `bench` compiled lanes8 in the app's own process, not in a child process "
                "(spawned children do not work in the frozen app?)",
                out,
            )
        if attempt == "second":
            rewritten = sorted(n for n, t in before.items() if numba_cache_files(home).get(n) != t)
            if rewritten:
                fail(
                    "`bench` compiled the generated lanes8 kernel again instead of loading Numba's "
                    "cache: " + ", ".join(rewritten),
                    out,
                )
    step(
        f"bench ok: generated lanes8 kernel compiled in a child process and loaded in {times[0]} s, "
        f"loaded from cache in {times[1]} s at the second run"
    )


def node_and_miner(env: dict[str, str], datadir: Path) -> None:
    node = subprocess.Popen(
        [str(EXE), "node", "--chain", "regtest", "--datadir", str(datadir), "--rpcport", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    port: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in node.stdout:
            lines.append(line)
            m = re.search(r"RPC listening on [^ ]+:(\d+)", line)
            if m and not port:
                port.append(m.group(1))
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        if not ready.wait(60) or not port:
            fail("`mine2compute node` did not report its RPC port", "".join(lines))
        out = run(
            [
                "mine",
                "--rpc-url",
                f"http://127.0.0.1:{port[0]}",
                "--rpc-cookie",
                str(datadir / "regtest" / ".cookie"),
                "--blocks",
                "2",
                "--quiet",
            ],
            env,
            timeout=300,
        )
        if out.count("accepted") < 2:
            fail("`mine2compute mine --blocks 2` did not get 2 blocks accepted", out)
    finally:
        node.terminate()
        try:
            code = node.wait(30)
        except subprocess.TimeoutExpired:
            node.kill()
            fail("`mine2compute node` did not stop on SIGTERM", "".join(lines))
    if code not in (0, -15) and sys.platform != "win32":
        fail(f"`mine2compute node` exited {code} on SIGTERM", "".join(lines))
    step("node + mine ok: the bundled node and the CLI miner mined 2 regtest blocks")


def self_test(env: dict[str, str], label: str) -> float:
    """Run --self-test; returns seconds from launch to the mined block."""
    start = time.monotonic()
    proc = subprocess.Popen(
        [str(EXE), "--self-test", "--timeout", "240"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output, first_block_s = [], None
    for line in proc.stdout:
        output.append(line)
        if line.startswith("self-test: ok") and first_block_s is None:
            first_block_s = time.monotonic() - start
    code = proc.wait(300)
    text = "".join(output)
    if code != 0 or first_block_s is None or "Traceback" in text:
        fail(f"frozen --self-test ({label}) FAILED with exit code {code}", text)
    if "in this process instead" in text:  # a kernel's child process failed (the reason is in the text)
        fail(f"frozen --self-test ({label}): a kernel compile fell back from its child process", text)
    step(
        f"self-test ({label}) ok: launch to first block {first_block_s:.1f} s, "
        f"process done in {time.monotonic() - start:.1f} s"
    )
    return first_block_s


def numba_cache_files(home: Path) -> dict[str, float]:
    files = {}
    for path in home.rglob("*.nb[ic]"):
        files[str(path.relative_to(home))] = path.stat().st_mtime_ns
    return files


def window_shown(env: dict[str, str], shot: Path) -> float:
    """Seconds from launch until the window has been shown and painted (its PNG is written)."""
    start = time.monotonic()
    proc = subprocess.Popen(
        [str(EXE), "--screenshot", str(shot), "--screenshot-after", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    shown_s = None
    while proc.poll() is None and time.monotonic() - start < 120:
        if shown_s is None and shot.exists() and shot.stat().st_size > 0:
            shown_s = time.monotonic() - start
        time.sleep(0.005)
    if proc.poll() is None:
        proc.kill()
    output = proc.communicate()[0]
    if shown_s is None and shot.exists():
        shown_s = time.monotonic() - start
    if shown_s is None or proc.returncode != 0:
        fail(f"the window did not show (exit code {proc.returncode})", output)
    return shown_s


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def bundle_size() -> int:
    return sum(f.stat().st_size for f in APP_DIR.rglob("*") if f.is_file() and not f.is_symlink())


def size_report(top: int = 8) -> str:
    """The largest files of the bundle, in MiB (what each is: docs/installers.md)."""
    files = sorted(
        ((f.stat().st_size, f.relative_to(APP_DIR)) for f in APP_DIR.rglob("*") if f.is_file() and not f.is_symlink()),
        reverse=True,
    )
    return ", ".join(f"{path.name} {size / 2**20:.0f}" for size, path in files[:top])


def unpack_linux_installer(home: Path) -> None:
    """Unpack the .tar.gz as a user would, run its install.sh into a temporary data folder, check
    the menu entry, and point the checks at the unpacked app."""
    global APP_DIR, EXE
    tarballs = sorted((ROOT / "dist").glob("mine2compute-*-linux-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not tarballs:
        fail("no dist/mine2compute-*-linux-*.tar.gz: build it with python packaging/build.py --installer")
    start = time.monotonic()
    target = home / "opt"
    target.mkdir(parents=True)
    with tarfile.open(tarballs[-1]) as tar:
        tar.extractall(target, filter="tar")
    data = home / "menu"
    out = subprocess.run(
        ["sh", str(target / "mine2compute" / "install.sh")],
        env=dict(os.environ, XDG_DATA_HOME=str(data)),
        capture_output=True,
        text=True,
    )
    entry = data / "applications" / "mine2compute.desktop"
    if out.returncode != 0 or not entry.exists() or not (data / "icons/hicolor/256x256/apps/mine2compute.png").exists():
        fail("install.sh did not add the menu entry and icon", out.stdout + out.stderr)
    exec_line = next((x for x in entry.read_text().splitlines() if x.startswith("Exec=")), "")
    APP_DIR, EXE = target / "mine2compute", target / "mine2compute" / "mine2compute"
    if exec_line != f'Exec="{EXE}"':
        fail(f"the menu entry runs {exec_line!r}, not the unpacked app {EXE}")
    step(
        f"installer ok: {tarballs[-1].name} ({tarballs[-1].stat().st_size / 2**20:.0f} MiB) unpacked in "
        f"{time.monotonic() - start:.1f} s; install.sh added the menu entry and icon"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Check the packaged app (dist/mine2compute).")
    p.add_argument("--no-build", action="store_true", help="check the existing build")
    args = p.parse_args(argv)
    start = time.monotonic()
    if not args.no_build:
        subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"), "--installer"], check=True)
    if not EXE.exists():
        print(f"check: FAILED: {EXE} does not exist (build it with python packaging/build.py)")
        return 1
    step(f"bundle {APP_DIR}: {bundle_size() / 2**20:.0f} MiB unpacked; largest (MiB): {size_report()}")
    home = Path(tempfile.mkdtemp(prefix="mine2compute-frozen-"))
    try:
        if sys.platform.startswith("linux"):
            unpack_linux_installer(home / "installed")
        env = user_env(home)
        smoke(env)
        generated_kernel_cache(env, home)
        node_and_miner(env, home / "node")
        # Cold: start the window's self-test from no cache at all.
        for sub in (".cache", ".local", "AppData"):
            shutil.rmtree(home / sub, ignore_errors=True)
        cold_s = self_test(env, "cold cache")
        compiled = numba_cache_files(home)
        if not compiled:
            fail(f"no Numba cache files were written under {home} (NUMBA_CACHE_DIR not writable?)")
        warm_s = self_test(env, "warm cache")
        after = numba_cache_files(home)
        rewritten = sorted(name for name, mtime in compiled.items() if after.get(name) != mtime)
        if rewritten:
            fail(
                "the second launch compiled the kernels again instead of loading Numba's cache: " + ", ".join(rewritten)
            )
        step(f"kernel cache ok: {len(compiled)} cache files from the first launch loaded, not rewritten")
        shown = min(window_shown(env, home / f"window{i}.png") for i in range(3))
        verdict = "within" if shown < WINDOW_GOAL_S else "OVER"
        step(f"warm start to window shown: {shown:.2f} s (best of 3; {verdict} the {WINDOW_GOAL_S:.0f} s goal)")
        step(
            f"ok in {time.monotonic() - start:.0f} s: size {bundle_size() / 2**20:.0f} MiB, "
            f"cold start to first block {cold_s:.1f} s, warm {warm_s:.1f} s, window {shown:.2f} s"
        )
        return 0
    except (CheckFailed, subprocess.TimeoutExpired, subprocess.CalledProcessError) as exc:
        print(f"check: FAILED: {exc}", flush=True)
        return 1
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
