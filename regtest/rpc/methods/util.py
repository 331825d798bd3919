"""The Util RPCs with Bitcoin Core's names and results (rpc/output_script.cpp validateaddress)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.primitives.script import AddressError, decode_address

from ..params import Command, Param

if TYPE_CHECKING:
    from .table import RPCMethods


def validateaddress(node: RPCMethods, address):
    try:
        return decode_address(address)
    except AddressError as exc:
        return {"isvalid": False, "error_locations": [], "error": str(exc)}


TABLE = {
    "validateaddress": Command(
        "Util",
        [Param("address", "string", required=True)],
        "Return information about the given bitcoin address.",
        validateaddress,
    ),
}
