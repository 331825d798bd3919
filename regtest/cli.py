"""`mine2compute node`: run the embedded node in the foreground, like `bitcoind -regtest`.

Options follow Bitcoin Core's spelling; `-datadir=DIR` and `--datadir DIR` both work.
"""
from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path

from .node import Node, NodeError, default_datadir
from .storage import StorageError


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mine2compute node",
        description="Run the Mine-to-Compute Lab regtest node (Bitcoin Core compatible JSON-RPC).")
    p.add_argument("--chain", "-chain", choices=["lab", "regtest"], default="lab",
                   help="lab (default): regtest plus real difficulty retargeting on a short clock; "
                        "regtest: exactly Bitcoin Core's regtest")
    p.add_argument("-regtest", dest="chain", action="store_const", const="regtest",
                   help="same as --chain regtest")
    p.add_argument("--datadir", "-datadir", type=Path, default=None,
                   help=f"data directory (default {default_datadir()}); the chain lives in DIR/<chain>/")
    p.add_argument("--rpcport", "-rpcport", type=int, default=None,
                   help="RPC port (default 18449 for lab, 18443 for regtest as in Core; 0 picks a free one)")
    p.add_argument("--rpcbind", "-rpcbind", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1); others need -rpcuser/-rpcpassword")
    p.add_argument("--rpcuser", "-rpcuser", default=None, help="user name for RPC besides the cookie")
    p.add_argument("--rpcpassword", "-rpcpassword", default=None, help="password for -rpcuser")
    lab = p.add_argument_group("lab chain (used when a new lab chain is created)")
    lab.add_argument("--lab-hashrate", type=float, default=None, metavar="H/S",
                     help="hashrate the starting difficulty is matched to (default: measured)")
    lab.add_argument("--halving-interval", type=int, default=None, metavar="BLOCKS",
                     help="blocks between subsidy halvings (default 150, as regtest)")
    lab.add_argument("--target-spacing", type=int, default=None, metavar="SECONDS",
                     help="target time between blocks (default 5)")
    lab.add_argument("--retarget-interval", type=int, default=None, metavar="BLOCKS",
                     help="blocks between difficulty retargets (default 24)")
    p.add_argument("--debug", action="store_true", help="log every RPC request")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.INFO,
                        format="%(asctime)s %(message)s", datefmt="%Y-%m-%dT%H:%M:%SZ",
                        stream=sys.stdout)
    logging.Formatter.converter = __import__("time").gmtime
    try:
        node = Node(datadir=args.datadir, chain=args.chain, rpcport=args.rpcport,
                    rpcbind=args.rpcbind, rpcuser=args.rpcuser, rpcpassword=args.rpcpassword,
                    lab_hashrate_hs=args.lab_hashrate, halving_interval=args.halving_interval,
                    target_spacing_s=args.target_spacing, retarget_interval=args.retarget_interval)
        node.start()
    except (NodeError, StorageError, ValueError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    # Clean shutdown on SIGINT/SIGTERM, as bitcoind does.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: node.request_stop())
    try:
        node.wait()
    finally:
        node.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
