"""The embedded node: a data directory, a chain, cookie auth and the RPC server, started and
stopped as one unit. `mine2compute node` (regtest/cli.py) runs it as its own process."""

from __future__ import annotations

import logging
import math
import os
import secrets
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

from engine.primitives.fdlimit import raise_fd_limit
from engine.primitives.pow import difficulty_from_bits, target_to_bits
from engine.primitives.subsidy import block_subsidy_sat

from . import policy
from .chain import BlockIndex, Chain
from .chainparams import REGTEST, ChainParams, lab_params, load_or_create
from .mempool import Mempool
from .mempool_limits import DEFAULT_MAX_MEMPOOL_SIZE_MB, DEFAULT_MEMPOOL_EXPIRY_HOURS
from .mempool_persist import FILE_NAME as MEMPOOL_FILE
from .mempool_persist import dump_mempool, load_mempool
from .rpc.auth import COOKIE_USER, Auth, AuthConfigError
from .rpc.methods.table import RPCMethods
from .rpc.server import (
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_RPC_THREADS,
    DEFAULT_RPC_WORKQUEUE,
    DEFAULT_SERVER_TIMEOUT_S,
    RPCServer,
)
from .storage import BlockStore

log = logging.getLogger("regtest.node")

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class NodeError(Exception):
    """A start-up problem the user can fix; the message says how."""


def default_datadir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("mine2compute", appauthor=False))


def start_bits_for(hashrate_hs: float, spacing_s: int, pow_limit: int) -> int:
    """nBits whose expected work, 2**256 / (target + 1), takes `spacing_s` at `hashrate_hs`."""
    expected_hashes = max(hashrate_hs * spacing_s, 2.0)
    target = int((1 << 256) / expected_hashes) - 1
    return target_to_bits(min(max(target, 1), pow_limit))


def measure_machine_hashrate_hs() -> float:
    """All cores' hashrate with the kernel the miner will use (the one measured fastest here),
    after compiling and a warm-up, to size the lab chain's first difficulty."""
    from engine.mining.kernels.choice import measure_hashrate_hs

    threads = os.cpu_count() or 1
    kernel, hashrate_hs = measure_hashrate_hs(threads)
    log.info("measured %.3g H/s with the %s kernel on %d threads", hashrate_hs, kernel, threads)
    return hashrate_hs


class _DataDirLock:
    """Core's .lock: one node per data directory."""

    def __init__(self, path: Path):
        self.file = open(path, "a+b")  # noqa: SIM115  (held, and so locked, until release())
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(self.file.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(self.file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.file.close()
            raise NodeError(
                f"Cannot obtain a lock on data directory {path.parent}. "
                "Another node is probably already running with it."
            ) from None

    def release(self) -> None:
        self.file.close()


class _LabOptions(TypedDict):
    """--chain lab's options as given (None: the default, or measured)."""

    hashrate: float | None
    halving_interval: int | None
    target_spacing_s: int | None
    retarget_interval: int | None


class _ServerOptions(TypedDict):
    """RPCServer's keyword arguments from -rpcthreads, -rpcworkqueue, -rpcservertimeout, -rpcmaxconnections."""

    threads: int
    workqueue: int
    timeout_s: float
    max_connections: int


class Node:
    def __init__(
        self,
        datadir: Path | None = None,
        chain: str = "lab",
        rpcport: int | None = None,
        rpcbind: str = "127.0.0.1",
        rpcuser: str | None = None,
        rpcpassword: str | None = None,
        lab_hashrate_hs: float | None = None,
        halving_interval: int | None = None,
        target_spacing_s: int | None = None,
        retarget_interval: int | None = None,
        clock: Callable[[], float] = time.time,
        rpcauth: tuple[str, ...] = (),
        rpcwhitelist: tuple[str, ...] = (),
        rpcwhitelistdefault: bool | None = None,
        maxmempool_mb: int = DEFAULT_MAX_MEMPOOL_SIZE_MB,
        mempoolexpiry_hours: int = DEFAULT_MEMPOOL_EXPIRY_HOURS,
        persistmempool: bool = True,
        rpcthreads: int = DEFAULT_RPC_THREADS,
        rpcworkqueue: int = DEFAULT_RPC_WORKQUEUE,
        rpcservertimeout_s: float = DEFAULT_SERVER_TIMEOUT_S,
        rpcmaxconnections: int = DEFAULT_MAX_CONNECTIONS,
        reindex_chainstate: bool = False,
    ):
        if chain not in ("lab", "regtest"):
            raise NodeError(f"unknown chain {chain!r}: use lab or regtest")
        if (rpcuser is None) != (rpcpassword is None):
            raise NodeError("-rpcuser and -rpcpassword go together")
        if rpcpassword == "":
            # init.cpp: an empty -rpcpassword means cookie-only login.
            if rpcbind not in LOOPBACK:
                raise NodeError(
                    f"an empty -rpcpassword means cookie-only login (as in Bitcoin Core), "
                    f"so binding RPC to {rpcbind} would let no one in: set a password "
                    "(or -rpcauth), or bind to 127.0.0.1"
                )
            log.warning("empty -rpcpassword: -rpcuser %s ignored, cookie login only", rpcuser)
            rpcuser = rpcpassword = None
        if rpcbind not in LOOPBACK and rpcuser is None and not rpcauth:
            raise NodeError(
                f"binding RPC to {rpcbind} exposes the node beyond this computer: "
                "set -rpcauth (or -rpcuser and -rpcpassword) too"
            )
        if min(rpcthreads, rpcworkqueue, rpcservertimeout_s, rpcmaxconnections) <= 0:
            raise NodeError("-rpcthreads, -rpcworkqueue, -rpcservertimeout and -rpcmaxconnections must be positive")

        if chain == "regtest" and any(
            v is not None for v in (lab_hashrate_hs, halving_interval, target_spacing_s, retarget_interval)
        ):
            raise NodeError("regtest follows Bitcoin Core exactly; lab options apply to --chain lab")
        self.chain_name = chain
        self.datadir = Path(datadir) if datadir else default_datadir()
        self.chain_dir = self.datadir / chain
        self.rpcbind = rpcbind
        self.rpcuser, self.rpcpassword = rpcuser, rpcpassword
        self.rpcauth, self.rpcwhitelist = tuple(rpcauth), tuple(rpcwhitelist)
        self.rpcwhitelistdefault = rpcwhitelistdefault
        # init.cpp: at least 40 times the descendant size limit (5 MB)
        least = math.ceil(policy.DEFAULT_DESCENDANT_SIZE_LIMIT_VB * 40 / 1_000_000)
        if maxmempool_mb < least:
            raise NodeError(f"-maxmempool must be at least {least} MB")
        if mempoolexpiry_hours <= 0:
            raise NodeError("-mempoolexpiry must be a positive number of hours")
        self.mempool_options = (maxmempool_mb, mempoolexpiry_hours, persistmempool)
        self.server_options: _ServerOptions = {
            "threads": rpcthreads,
            "workqueue": rpcworkqueue,
            "timeout_s": rpcservertimeout_s,
            "max_connections": rpcmaxconnections,
        }
        try:
            self._make_auth("")  # a bad -rpcauth or -rpcwhitelist is a start-up error
        except AuthConfigError as exc:
            raise NodeError(str(exc)) from None
        self.lab_options: _LabOptions = {
            "hashrate": lab_hashrate_hs,
            "halving_interval": halving_interval,
            "target_spacing_s": target_spacing_s,
            "retarget_interval": retarget_interval,
        }
        self.clock = clock
        self.reindex_chainstate = reindex_chainstate
        self.requested_port = rpcport
        self.stopped = threading.Event()
        self.chain: Chain | None = None
        self.server: RPCServer | None = None
        self._lock: _DataDirLock | None = None
        self.cookie_file = self.chain_dir / ".cookie"

    def _create_params(self) -> ChainParams:
        if self.chain_name == "regtest":
            return REGTEST
        o = self.lab_options
        spacing = o["target_spacing_s"] or lab_params(1).target_spacing_s
        hashrate = o["hashrate"] or measure_machine_hashrate_hs()
        probe = lab_params(1)
        start_bits = start_bits_for(hashrate, spacing, probe.pow_limit)
        kwargs = {
            k: v
            for k, v in (
                ("halving_interval", o["halving_interval"]),
                ("target_spacing_s", o["target_spacing_s"]),
                ("retarget_interval", o["retarget_interval"]),
            )
            if v
        }
        params = lab_params(start_bits, **kwargs)
        log.info(
            "created lab chain: hashrate %.3g H/s -> start bits %08x (difficulty %.6g)",
            hashrate,
            start_bits,
            difficulty_from_bits(start_bits),
        )
        return params

    def start(self) -> None:
        try:
            self.chain_dir.mkdir(parents=True, exist_ok=True)
            probe = self.chain_dir / ".write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise NodeError(
                f"data directory {self.chain_dir} is not writable ({exc.strerror}); choose another with --datadir"
            ) from None
        self._lock = _DataDirLock(self.chain_dir / ".lock")
        try:
            self._start_locked()
        except BaseException:
            self._lock.release()
            raise

    def _start_locked(self) -> None:
        params = load_or_create(self.chain_dir, self._create_params)
        asked = {
            "halving_interval": self.lab_options["halving_interval"],
            "target_spacing_s": self.lab_options["target_spacing_s"],
            "retarget_interval": self.lab_options["retarget_interval"],
        }
        differ = {k: v for k, v in asked.items() if v is not None and getattr(params, k) != v}
        if differ:  # parameters are fixed when a chain is created; the user's chain is never replaced
            log.warning(
                "this chain was created with %s; %s ignored (use another --datadir for a new chain)",
                ", ".join(f"{k}={getattr(params, k)}" for k in differ),
                ", ".join(f"{k}={v}" for k, v in differ.items()),
            )
        store = BlockStore(self.chain_dir / "blocks.sqlite")
        try:
            self.chain = Chain(
                store,
                params,
                clock=self.clock,
                reindex_chainstate=self.reindex_chainstate,
                interrupted=self.stopped.is_set,
            )
        except sqlite3.DatabaseError as exc:
            store.close()
            raise NodeError(
                f"the block database {store.path} cannot be read ({exc}); "
                "move it away to start a new chain, or restore it from a backup"
            ) from None
        self.chain.on_block_connected = self._log_tip
        log.info("opened %s chain at height %d, tip %s", params.name, self.chain.height(), self.chain.tip.hash_hex)
        cookie = secrets.token_hex(32)
        max_mb, expiry_h, persist = self.mempool_options
        pool = Mempool(self.chain, clock=self.clock, max_mempool_mb=max_mb, expiry_hours=expiry_h)
        if persist:  # node/blockstorage ImportBlocks: loaded in the background, RPC answers meanwhile
            pool.loaded = False
            self._mempool_loader = threading.Thread(
                target=load_mempool,
                args=(pool, self.chain_dir / MEMPOOL_FILE, self.stopped.is_set),
                name="loadmempool",
                daemon=True,
            )
        self.methods = RPCMethods(self.chain, self.request_stop)
        port = self.requested_port if self.requested_port is not None else params.default_rpc_port
        options = self.server_options.copy()
        # Core init.cpp: RaiseFileDescriptorLimit before binding
        options["max_connections"] = raise_fd_limit(options["max_connections"], "RPC connections")
        try:
            self.server = RPCServer(self.rpcbind, port, self._make_auth(cookie), self.methods, **options)
        except OSError as exc:
            store.close()
            raise NodeError(
                f"Unable to bind RPC on {self.rpcbind}:{port} ({exc.strerror}). "
                "Is another node running? Choose another port with --rpcport."
            ) from None
        # httprpc.cpp GenerateAuthCookie: written only once the server can answer, mode 0600.
        tmp = self.cookie_file.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(f"{COOKIE_USER}:{cookie}")
        tmp.replace(self.cookie_file)
        self.server.start()
        if self._mempool_loader is not None:
            self._mempool_loader.start()
        log.info("RPC listening on %s:%d (cookie %s)", self.rpcbind, self.server.port, self.cookie_file)

    def _make_auth(self, cookie: str) -> Auth:
        auth = Auth(cookie, whitelist_default=self.rpcwhitelistdefault)
        if self.rpcuser:
            assert self.rpcpassword is not None  # __init__: -rpcuser and -rpcpassword go together
            auth.add_password(self.rpcuser, self.rpcpassword)
        for spec in self.rpcauth:
            auth.add_rpcauth(spec)
        for spec in self.rpcwhitelist:
            auth.add_whitelist(spec)
        return auth

    @property
    def rpc_port(self) -> int:
        assert self.server is not None, "the node has not started"
        return self.server.port

    def _log_tip(self, e: BlockIndex) -> None:
        """validation.cpp UpdateTipLog: one line per connected block."""
        assert self.chain is not None  # the chain calls this back
        subsidy = block_subsidy_sat(e.height, self.chain.params) / 1e8
        log.info(
            "UpdateTip: new best=%s height=%d bits=%08x difficulty=%.6g subsidy=%.8f date='%s'",
            e.hash_hex,
            e.height,
            e.bits,
            difficulty_from_bits(e.bits),
            subsidy,
            time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(e.time)),
        )

    def request_stop(self) -> None:
        self.stopped.set()

    def wait(self) -> None:
        while not self.stopped.wait(0.2):
            pass

    def shutdown(self) -> None:
        """Stop serving, flush the store, remove the cookie, release the data dir."""
        if self.methods:
            self.methods.stopping = True
        if self.server:
            time.sleep(0.05)  # let a `stop` reply leave before the socket closes
            self.server.stop()
            self.server = None
        if self.chain:
            if self._mempool_loader is not None:
                self.stopped.set()  # the loader stops between transactions
                if self._mempool_loader.is_alive():
                    self._mempool_loader.join(10)
            pool = self.chain.mempool
            # init.cpp Shutdown: written only once the load was tried, so a file not yet read survives
            if self.mempool_options[2] and pool is not None and pool.loaded:
                try:
                    dump_mempool(self.chain.mempool, self.chain_dir / MEMPOOL_FILE)
                except OSError as exc:
                    log.warning("Failed to dump mempool: %s. Continuing anyway.", exc)
            with self.chain.lock:  # a request still in flight finishes its write first
                self.chain.store.close()
            self.chain = None
        try:
            self.cookie_file.unlink()
        except FileNotFoundError:
            pass
        if self._lock:
            self._lock.release()
            self._lock = None
        log.info("shutdown: done")

    methods: RPCMethods | None = None
    _mempool_loader: threading.Thread | None = None
