"""The recent-blocks table on screen: one refill of its 200 rows, sizing columns once per fill
(ChainTab._fill_table) against sizing them after every cell (its inner _fill_rows alone, as the
table did before). Regtest at full speed refills it every second, so a slow fill starves the
GUI thread (seconds per fill kept the window from reacting to SIGTERM for over a minute).

    .venv/bin/python benchmarks/bench_table.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from gui.qt import QApplication  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    from gui.chain.service import BlockRow
    from gui.chain.tab import ChainTab

    tab = ChainTab(2)
    tab.resize(1300, 600)
    tab.show()
    rows = [BlockRow(h, f"{h:064x}", 1_790_000_000 + h, "207fffff", 1.0, 50.0, 1) for h in range(1, 2001)]
    tab.add_blocks(rows)
    app.processEvents()
    best = {"per cell (before)": float("inf"), "once per fill (now)": float("inf")}
    for _ in range(args.repeat):  # interleaved, best of: other load only slows a run down
        for name, fill in (("per cell (before)", tab._fill_rows), ("once per fill (now)", tab._fill_table)):
            t0 = time.perf_counter()
            fill()
            app.processEvents()
            best[name] = min(best[name], time.perf_counter() - t0)
    for name, seconds in best.items():
        print(f"{name:22s} {seconds * 1000:9.1f} ms per refill of {tab.table.rowCount()} rows")
    print(f"speed-up: {best['per cell (before)'] / best['once per fill (now)']:.0f}x")


if __name__ == "__main__":
    main()
