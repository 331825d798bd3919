"""The `mine2compute` command: opens the lab window by default, or runs one subcommand.

Each layer owns its subcommands; this table only dispatches, importing a layer when it is used,
so `mine2compute node` never loads Qt and `mine2compute` (the window) starts fast.
"""

from __future__ import annotations

import importlib
import sys

# name -> (module, function, one-line help)
SUBCOMMANDS = {
    "node": ("regtest.cli", "main", "run the embedded regtest node (Bitcoin Core JSON-RPC)"),
    "mine": ("engine.mining.cli", "mine_main", "mine on any Core-compatible node over JSON-RPC"),
    "pool": ("engine.pool.cli", "main", "run the class's Stratum v1 pool in front of a node"),
    "bench": ("engine.mining.cli", "bench_main", "measure the SHA-256d kernels against hashlib"),
    "scenario": ("engine.economy.cli", "main", "list economics presets or print one's report"),
    "lesson": ("engine.lesson.cli", "main", "walk a lesson's heights without mining (--dry-run)"),
    "attack": ("engine.wallet.attack_cli", "main", "run a 51% double-spend race on a lab chain over JSON-RPC"),
    "snapshot": ("gui.window.snapshot", "main", "run the lab offscreen for a while and save the window as PNG"),
}
GUI = ("gui.app", "main")

USAGE = (
    "usage: mine2compute [SUBCOMMAND] [options]\n\nWith no subcommand, opens the lab window.\n\nsubcommands:\n"
    + "".join(f"  {name:<10}{help_text}\n" for name, (_, _, help_text) in SUBCOMMANDS.items())
    + "\nRun 'mine2compute SUBCOMMAND --help' for a subcommand's options."
)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    if argv and argv[0] in SUBCOMMANDS:
        module_name, func_name, _ = SUBCOMMANDS[argv[0]]
        argv = argv[1:]
    elif argv and not argv[0].startswith("-"):
        print(f"mine2compute: unknown subcommand {argv[0]!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    else:
        module_name, func_name = GUI
    func = getattr(importlib.import_module(module_name), func_name)
    return int(func(argv) or 0)


if __name__ == "__main__":
    sys.exit(main())
