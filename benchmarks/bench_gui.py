"""The window's costs, against the goals of the app issue (offscreen; baselines in the same run).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui.py [--seconds 20]

1. Miner standalone (node process + engine Miner, no Qt) vs the whole app (window + controller
   + node + miner): the app's cost as a share of the standalone hashrate (goal < 5%).
2. GUI event-loop lateness while mining on all cores, from a 10 ms QTimer probe (goal p99 < 50 ms).
3. Redrawing all charts holding one hour of 1 Hz data (goal < 16 ms), against an empty redraw.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def standalone_hashrate(seconds: float, tmp: Path, lab_hashrate_hs: float) -> float:
    from engine.mining.miner import Miner
    from engine.rpc import RPCClient

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "regtest",
            "--chain",
            "lab",
            "--datadir",
            str(tmp),
            "--rpcport",
            "0",
            "--lab-hashrate",
            f"{lab_hashrate_hs:.0f}",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    port = None
    for line in proc.stdout:
        m = re.search(r"RPC listening on [^ ]+:(\d+)", line)
        if m:
            port = int(m.group(1))
            break
    try:
        miner = Miner(RPCClient(f"http://127.0.0.1:{port}", cookie_file=tmp / "lab" / ".cookie")).start()
        time.sleep(5)  # past the quick kernel and the first-chunk warm-up
        h0, t0 = miner.stats().hashes, time.perf_counter()
        time.sleep(seconds)
        rate = (miner.stats().hashes - h0) / (time.perf_counter() - t0)
        miner.stop()
    finally:
        proc.terminate()
        proc.wait(20)
        proc.stdout.close()
    return rate


def run_events(seconds: float) -> None:
    """The real event loop, idle between events as in use (app.quit would close the window)."""
    from gui.qt import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def app_run(seconds: float, tmp: Path, lab_hashrate_hs: float) -> tuple[float, list[float]]:
    from gui.qt import QApplication, QSettings, QTimer
    from gui.window.controller import LabController
    from gui.window.main_window import MainWindow

    QApplication.instance() or QApplication([])
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    controller = LabController(datadir=tmp / "data", settings=settings, lab_hashrate_hs=lab_hashrate_hs)
    window = MainWindow(controller)
    window.show()
    controller.start()
    run_events(5.0)  # past the quick kernel and the first-chunk warm-up
    lateness_ms: list[float] = []
    last = [time.perf_counter()]

    def probe():
        now = time.perf_counter()
        lateness_ms.append(max(0.0, (now - last[0]) * 1000 - 10))
        last[0] = now

    timer = QTimer(interval=10, timeout=probe)
    timer.start()
    h0, t0 = controller.miner.stats().hashes, time.perf_counter()
    run_events(seconds)
    rate = (controller.miner.stats().hashes - h0) / (time.perf_counter() - t0)
    timer.stop()
    window.close()
    return rate, lateness_ms


def redraw_hour(repeats: int = 20) -> tuple[float, float]:
    from gui.chain.service import BlockRow
    from gui.qt import QApplication, QSettings
    from gui.window.controller import LabController
    from gui.window.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(LabController(datadir=Path(tmp), settings=settings))
        window.resize(1920, 1080)
        window.show()
        app.processEvents()

        def timed() -> float:
            samples = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                window.redraw()
                for chart in window.charts.values():
                    chart.redraw(force=True)
                    chart.viewport().repaint()  # paint now, synchronously
                samples.append((time.perf_counter() - t0) * 1000)
            return statistics.median(samples)

        empty_ms = timed()
        cores = window.controller.total_cores
        for second in range(3600):
            window.hashrate_chart.append("total", second, 50 + (second % 7))
            for i in range(cores):
                window.hashrate_chart.append(f"core {i + 1}", second, 25 + (second % 5))
        window.on_blocks(
            [
                BlockRow(
                    h, "00" * 32, 1_700_000_000 + h, "1f00ffff", 0.002 * (1 + h % 24 // 12), 50 / 2 ** (h // 150), 1
                )
                for h in range(1, 3601)
            ],
            False,
        )
        full_ms = timed()
        window.close()
    return empty_ms, full_ms


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=20)
    args = p.parse_args()
    from engine.mining.sha256d import measure_hashrate

    # Both chains start at the difficulty the app would pick: about one block per 5 s.
    lab_hashrate_hs = measure_hashrate(seconds=1.0, threads=os.cpu_count() or 1)
    with tempfile.TemporaryDirectory() as tmp:
        standalone = standalone_hashrate(args.seconds, Path(tmp) / "standalone", lab_hashrate_hs)
        in_app, lateness = app_run(args.seconds, Path(tmp) / "app", lab_hashrate_hs)
    lateness.sort()
    p99 = lateness[int(len(lateness) * 0.99)] if lateness else float("nan")
    cost = 1 - in_app / standalone
    print(
        f"miner standalone {standalone / 1e6:.1f} MH/s; inside the app {in_app / 1e6:.1f} MH/s; "
        f"app cost {cost * 100:.1f}% of the standalone hashrate (goal < 5%: {'met' if cost < 0.05 else 'MISSED'})"
    )
    print(
        f"event-loop lateness while mining on all cores: p50 {statistics.median(lateness):.1f} ms, "
        f"p99 {p99:.1f} ms over {len(lateness)} probes (goal p99 < 50 ms: {'met' if p99 < 50 else 'MISSED'})"
    )
    empty_ms, full_ms = redraw_hour()
    print(
        f"redraw all charts with one hour of 1 Hz data: {full_ms:.1f} ms (empty charts {empty_ms:.1f} ms, "
        f"{full_ms / empty_ms:.1f}x); goal < 16 ms: {'met' if full_ms < 16 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # Skip interpreter teardown: destroying Qt objects from Python's finalizer can abort
    # (a PySide6 refcount error at exit) after the numbers are printed.
    os._exit(code)
