"""The Control RPCs with Bitcoin Core's names and results (rpc/server.cpp help, stop, uptime,
getrpcinfo)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ..params import Command, Param

if TYPE_CHECKING:
    from .table import RPCMethods


def help_text(node: RPCMethods, command):
    if command:
        if command not in node.table:
            return f"help: unknown command: {command}"
        return node.usage(command)
    lines: list[str] = []
    category: str | None = None
    for name in sorted(node.table, key=lambda n: (node.table[n].category, n)):
        if node.table[name].category != category:
            category = node.table[name].category
            lines.append(("\n" if lines else "") + f"== {category} ==")
        lines.append(node.usage(name).split("\n")[0])
    return "\n".join(lines)


def getrpcinfo(node: RPCMethods):
    """rpc/server.cpp getrpcinfo: the calls running now (this one included), durations in
    microseconds, and the log file's path."""
    return {
        "active_commands": [
            {"method": method, "duration": int(seconds * 1e6)} for method, seconds in node.active_commands()
        ],
        "logpath": str(node.log_path) if node.log_path else "",
    }


def stop(node: RPCMethods):
    node.stopping = True
    node.request_stop()
    return "Mine-to-Compute Lab node stopping"


def uptime(node: RPCMethods):
    return int(time.time() - node.start_time)


TABLE = {
    "help": Command(
        "Control",
        [Param("command", "string", "")],
        "List all commands, or get help for a specified command.",
        help_text,
    ),
    "getrpcinfo": Command("Control", [], "Returns details of the RPC server.", getrpcinfo),
    "stop": Command("Control", [], "Request a graceful shutdown of the node.", stop),
    "uptime": Command("Control", [], "Returns the total uptime of the server.", uptime),
}
