"""`mine2compute node`: run the embedded node in the foreground, like `bitcoind -regtest`.

Options follow Bitcoin Core's spelling; `-datadir=DIR` and `--datadir DIR` both work.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from engine.primitives.rpcauth import RPC_PASSWORD_ENV as PASSWORD_ENV

from .chainparams import PACES
from .mempool_limits import DEFAULT_MAX_MEMPOOL_SIZE_MB, DEFAULT_MEMPOOL_EXPIRY_HOURS
from .node import Node, NodeError, default_datadir
from .rpc.server import DEFAULT_MAX_CONNECTIONS, DEFAULT_RPC_THREADS, DEFAULT_RPC_WORKQUEUE, DEFAULT_SERVER_TIMEOUT_S
from .storage import StorageError

# Secrets come through the environment (readable only by the user, unlike the command line).
OLD_PASSWORD_ENV = "MINE2COMPUTE_RPCPASSWORD"  # the node's name for it until issue 17; still read
RPCAUTH_ENV = "MINE2COMPUTE_RPCAUTH"


def parse_bool(text: str) -> bool:
    """A boolean option: 0/1 as Core writes them (true/false, yes/no, on/off accepted too)."""
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected 0 or 1, got {text!r}")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mine2compute node",
        description="Run the Mine-to-Compute Lab regtest node (Bitcoin Core compatible JSON-RPC).",
    )
    p.add_argument(
        "--chain",
        "-chain",
        choices=["lab", "regtest"],
        default="lab",
        help="lab (default): regtest plus real difficulty retargeting on a short clock; "
        "regtest: exactly Bitcoin Core's regtest",
    )
    p.add_argument("-regtest", dest="chain", action="store_const", const="regtest", help="same as --chain regtest")
    p.add_argument(
        "--datadir",
        "-datadir",
        type=Path,
        default=None,
        help=f"data directory (default {default_datadir()}); the chain lives in DIR/<chain>/",
    )
    p.add_argument(
        "--rpcport",
        "-rpcport",
        type=int,
        default=None,
        help="RPC port (default 18449 for lab, 18443 for regtest as in Core; 0 picks a free one)",
    )
    p.add_argument(
        "--rpcbind",
        "-rpcbind",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1); others need -rpcuser/-rpcpassword",
    )
    p.add_argument("--rpcuser", "-rpcuser", default=None, help="user name for RPC besides the cookie")
    p.add_argument(
        "--rpcpassword",
        "-rpcpassword",
        default=None,
        help=f"password for -rpcuser (visible in the process list: prefer ${PASSWORD_ENV} or -rpcauth)",
    )
    p.add_argument(
        "--rpcauth",
        "-rpcauth",
        action="append",
        default=[],
        metavar="USER:SALT$HASH",
        help="a login stored as a salted HMAC-SHA256 (Bitcoin Core's share/rpcauth/rpcauth.py "
        f"format); repeatable; also read from ${RPCAUTH_ENV} (one per line)",
    )
    p.add_argument(
        "--rpcwhitelist",
        "-rpcwhitelist",
        action="append",
        default=[],
        metavar="USER:METHODS",
        help="the calls USER may make (comma separated), as Core; once any is set, users "
        "without one (the cookie included) may call nothing unless -rpcwhitelistdefault=0",
    )
    p.add_argument(
        "--rpcwhitelistdefault",
        "-rpcwhitelistdefault",
        type=parse_bool,
        nargs="?",
        const=True,
        default=None,
        metavar="0|1",
        help="1: users without an -rpcwhitelist may call nothing; 0: everything "
        "(default: 1 once any -rpcwhitelist is set, else 0, as Core)",
    )
    p.add_argument(
        "--rpcthreads",
        "-rpcthreads",
        type=int,
        default=DEFAULT_RPC_THREADS,
        help=f"worker threads per lane (default {DEFAULT_RPC_THREADS}, as Core)",
    )
    p.add_argument(
        "--rpcworkqueue",
        "-rpcworkqueue",
        type=int,
        default=DEFAULT_RPC_WORKQUEUE,
        help=f"requests waiting per lane before 503 (default {DEFAULT_RPC_WORKQUEUE}, as Core)",
    )
    p.add_argument(
        "--rpcservertimeout",
        "-rpcservertimeout",
        type=float,
        default=DEFAULT_SERVER_TIMEOUT_S,
        help=f"seconds a request may take to arrive (default {DEFAULT_SERVER_TIMEOUT_S}, as Core)",
    )
    p.add_argument(
        "--rpcmaxconnections",
        type=int,
        default=DEFAULT_MAX_CONNECTIONS,
        help=f"open RPC connections (default {DEFAULT_MAX_CONNECTIONS}); past it the oldest "
        "unfinished request is dropped",
    )
    p.add_argument(
        "--maxmempool",
        "-maxmempool",
        type=int,
        default=DEFAULT_MAX_MEMPOOL_SIZE_MB,
        metavar="MB",
        help=f"keep the mempool under this many megabytes (default {DEFAULT_MAX_MEMPOOL_SIZE_MB}, as Core)",
    )
    p.add_argument(
        "--mempoolexpiry",
        "-mempoolexpiry",
        type=int,
        default=DEFAULT_MEMPOOL_EXPIRY_HOURS,
        metavar="HOURS",
        help=f"drop unconfirmed transactions older than this (default {DEFAULT_MEMPOOL_EXPIRY_HOURS}, as Core)",
    )
    p.add_argument(
        "--persistmempool",
        "-persistmempool",
        type=parse_bool,
        nargs="?",
        const=True,
        default=True,
        metavar="0|1",
        help="save the mempool to mempool.dat on shutdown and load it at start (default 1, as Core)",
    )
    lab = p.add_argument_group("lab chain (used when a new lab chain is created)")
    lab.add_argument(
        "--lab-hashrate",
        type=float,
        default=None,
        metavar="H/S",
        help="hashrate the starting difficulty is matched to (default: measured)",
    )
    lab.add_argument(
        "--pace",
        choices=sorted(PACES),
        default=None,
        help=f"classic: a halving every 150 blocks (as regtest); lesson: every {PACES['lesson'][0]} "
        f"blocks at {PACES['lesson'][1]} s with a retarget every {PACES['lesson'][2]}, so a 30-minute "
        "class sees at least 4 halvings and 8 retargets, never on the same block. A lesson chain lives in its own folder "
        "(DATADIR/lesson/ by default), so the classic chain is never touched",
    )
    lab.add_argument(
        "--halving-interval",
        type=int,
        default=None,
        metavar="BLOCKS",
        help="blocks between subsidy halvings (default 150, as regtest)",
    )
    lab.add_argument(
        "--target-spacing", type=int, default=None, metavar="SECONDS", help="target time between blocks (default 5)"
    )
    lab.add_argument(
        "--retarget-interval",
        type=int,
        default=None,
        metavar="BLOCKS",
        help="blocks between difficulty retargets (default 24)",
    )
    p.add_argument(
        "--reindex-chainstate",
        "-reindex-chainstate",
        action="store_true",
        help="rebuild the chain state (UTXO set, undo data, transaction index) from the stored "
        "blocks, as Bitcoin Core's option; a missing, old or corrupt one is rebuilt anyway",
    )
    p.add_argument("--debug", action="store_true", help="log every RPC request")
    p.add_argument(
        "--exit-with-parent",
        action="store_true",
        help="shut down cleanly when standard input closes, i.e. when the program that "
        "started the node (and holds the other end of the pipe) is gone",
    )
    return p


def watch_stdin_for_eof(on_eof) -> threading.Thread | None:
    """Call `on_eof` once standard input reaches end of file. A parent that started us with a
    stdin pipe (QProcess keeps one open) closes it when it dies, however it dies, even by
    kill -9; that works the same on Linux, macOS and Windows, unlike polling the parent's pid.
    Without any standard input there is nothing to watch: None, and the node runs on."""
    try:
        fd = sys.stdin.fileno() if sys.stdin is not None else 0
        os.fstat(fd)
    except (OSError, ValueError):
        return None

    def watch():
        try:
            while os.read(fd, 4096):  # os.read, not sys.stdin: no buffer lock held at exit
                pass
        except OSError:  # a broken pipe (Windows) is the end of the input too
            pass
        on_eof()

    thread = threading.Thread(target=watch, name="stdin-watch", daemon=True)
    thread.start()
    return thread


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.INFO,
        format="%(asctime)s %(message)s",
        datefmt="%Y-%m-%dT%H:%M:%SZ",
        stream=sys.stdout,
    )
    logging.Formatter.converter = __import__("time").gmtime
    password = args.rpcpassword
    if password is None and args.rpcuser is not None:
        password = os.environ.get(PASSWORD_ENV)
        if password is None and OLD_PASSWORD_ENV in os.environ:
            print(f"${OLD_PASSWORD_ENV} is deprecated: use ${PASSWORD_ENV}", file=sys.stderr)
            password = os.environ[OLD_PASSWORD_ENV]
    elif password:
        logging.getLogger("regtest.node").warning(
            "--rpcpassword on the command line is visible to every user of this computer; prefer $%s or --rpcauth",
            PASSWORD_ENV,
        )
    rpcauth = [*args.rpcauth, *os.environ.get(RPCAUTH_ENV, "").split()]
    if args.pace is not None:
        if args.chain != "lab":
            print("Error: --pace applies to the lab chain (regtest follows Bitcoin Core exactly)", file=sys.stderr)
            return 1
        halving, spacing, retarget = PACES[args.pace]
        args.halving_interval = args.halving_interval or halving
        args.target_spacing = args.target_spacing or spacing
        args.retarget_interval = args.retarget_interval or retarget
        if args.pace == "lesson" and args.datadir is None:
            args.datadir = default_datadir() / "lesson"
    try:
        node = Node(
            datadir=args.datadir,
            chain=args.chain,
            rpcport=args.rpcport,
            rpcbind=args.rpcbind,
            rpcuser=args.rpcuser,
            rpcpassword=password,
            lab_hashrate_hs=args.lab_hashrate,
            halving_interval=args.halving_interval,
            target_spacing_s=args.target_spacing,
            retarget_interval=args.retarget_interval,
            rpcauth=tuple(rpcauth),
            rpcwhitelist=tuple(args.rpcwhitelist),
            rpcwhitelistdefault=args.rpcwhitelistdefault,
            maxmempool_mb=args.maxmempool,
            mempoolexpiry_hours=args.mempoolexpiry,
            persistmempool=args.persistmempool,
            rpcthreads=args.rpcthreads,
            rpcworkqueue=args.rpcworkqueue,
            rpcservertimeout_s=args.rpcservertimeout,
            rpcmaxconnections=args.rpcmaxconnections,
            reindex_chainstate=args.reindex_chainstate,
        )
        # Clean shutdown on SIGINT/SIGTERM, as bitcoind does; set before the node starts, so a
        # signal right after "RPC listening" still flushes and removes the cookie.
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: node.request_stop())
        node.start()
    except (NodeError, StorageError, ValueError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    if args.exit_with_parent:

        def parent_gone():
            logging.getLogger("regtest.node").info(
                "standard input closed: the program that started this node is gone; shutting down"
            )
            node.request_stop()

        if watch_stdin_for_eof(parent_gone) is None:
            logging.getLogger("regtest.node").warning(
                "--exit-with-parent: this process has no standard input to watch; ignored"
            )
    try:
        node.wait()
    finally:
        node.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
