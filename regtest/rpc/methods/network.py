"""The Network RPCs a pool or wallet asks before it starts (rpc/net.cpp getnetworkinfo), with
Core's fields: this node has no peer-to-peer side, so no connections and no local addresses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core_io import amount
from ..params import Command

if TYPE_CHECKING:
    from .table import RPCMethods

VERSION = 290000  # clientversion.h CLIENT_VERSION of the Core release followed (29.0)
SUBVERSION = "/Satoshi:29.0.0(mine2compute)/"  # Core's user agent, with this node's comment
PROTOCOL_VERSION = 70016  # node/protocol_version.h PROTOCOL_VERSION


def getnetworkinfo(node: RPCMethods):
    pool = node.mempool
    return {
        "version": VERSION,
        "subversion": SUBVERSION,
        "protocolversion": PROTOCOL_VERSION,
        "localservices": "0000000000000000",
        "localservicesnames": [],
        "localrelay": True,
        "timeoffset": 0,
        "networkactive": False,
        "connections": 0,
        "connections_in": 0,
        "connections_out": 0,
        "networks": [],
        "relayfee": amount(pool.min_relay_fee),
        "incrementalfee": amount(pool.incremental_relay_fee),
        "localaddresses": [],
        "warnings": [],
    }


TABLE = {
    "getnetworkinfo": Command(
        "Network", [], "Returns an object containing various state info regarding P2P networking.", getnetworkinfo
    ),
}
