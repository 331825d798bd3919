"""The one RPC method table, assembled from every category's (as Bitcoin Core's rpc/register.h
RegisterAllCoreRPCCommands), and `RPCMethods`, the table bound to a running node that runs one
call as rpc/server.cpp CRPCTable::execute and RPCHelpMan::HandleRequest do."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

from engine.primitives.rpc_errors import RPC_CLIENT_NOT_CONNECTED, RPC_METHOD_NOT_FOUND
from regtest.chain import Chain
from regtest.mempool import Mempool

from ..errors import RPCError
from ..params import Command, bind
from . import blockchain, control, mempool, mining, network, rawtransaction, util

TABLE: dict[str, Command] = {
    **blockchain.TABLE,
    **mining.TABLE,
    **mempool.TABLE,
    **rawtransaction.TABLE,
    **util.TABLE,
    **control.TABLE,
    **network.TABLE,
}


class RPCMethods:
    """The method table bound to a node: its chain and mempool, its start time and its stop
    hook. Every handler gets this object first; `stopping` refuses further calls but `stop`."""

    def __init__(self, chain: Chain, request_stop, start_time: float | None = None, log_path: Path | None = None):
        self.chain = chain
        self.log_path = log_path  # getrpcinfo's logpath
        self.active: dict[int, tuple[str, float]] = {}  # rpc/server.cpp g_rpc_server_info.active_commands
        self._active_lock = threading.Lock()
        self._call_ids = itertools.count()
        self.request_stop = request_stop
        self.start_time = start_time or time.time()
        self.stopping = False
        self.mempool = chain.mempool if chain.mempool is not None else Mempool(chain)
        self.table = TABLE

    def usage(self, method: str) -> str:
        command = self.table[method]
        args = " ".join(p.name if p.required else f"( {p.name} )" for p in command.params)
        return f"{method} {args}".rstrip() + "\n\n" + command.help + "\n"

    def __call__(self, method: str, params):
        if method not in self.table:
            raise RPCError(RPC_METHOD_NOT_FOUND, "Method not found")
        if self.stopping and method != "stop":
            raise RPCError(RPC_CLIENT_NOT_CONNECTED, "Shutting down")
        command = self.table[method]
        args = bind(command.params, params, lambda: self.usage(method))
        call_id = next(self._call_ids)
        with self._active_lock:
            self.active[call_id] = (method, time.monotonic())
        try:
            return command.handler(self, *args)
        finally:
            with self._active_lock:
                del self.active[call_id]

    def active_commands(self) -> list[tuple[str, float]]:
        """(method, seconds running) of every call being answered now."""
        now = time.monotonic()
        with self._active_lock:
            return [(method, now - started) for method, started in self.active.values()]
