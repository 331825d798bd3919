"""The exception the node's RPC methods raise: RPCError, carrying one of Bitcoin Core's error codes
(the codes themselves: engine.primitives.rpc_errors, rpc/protocol.h RPCErrorCode)."""

from __future__ import annotations


class RPCError(Exception):
    """A JSON-RPC error with one of Core's codes."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
