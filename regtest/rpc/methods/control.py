"""The Control RPCs with Bitcoin Core's names and results (rpc/server.cpp help, stop, uptime)."""

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
    "stop": Command("Control", [], "Request a graceful shutdown of the node.", stop),
    "uptime": Command("Control", [], "Returns the total uptime of the server.", uptime),
}
