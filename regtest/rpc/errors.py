"""Bitcoin Core's RPC error codes (rpc/protocol.h RPCErrorCode) and the exception carrying them."""
from __future__ import annotations

RPC_INVALID_REQUEST = -32600
RPC_METHOD_NOT_FOUND = -32601
RPC_INVALID_PARAMS = -32602
RPC_INTERNAL_ERROR = -32603
RPC_PARSE_ERROR = -32700
RPC_MISC_ERROR = -1
RPC_TYPE_ERROR = -3
RPC_INVALID_ADDRESS_OR_KEY = -5
RPC_INVALID_PARAMETER = -8
RPC_CLIENT_NOT_CONNECTED = -9
RPC_DESERIALIZATION_ERROR = -22
RPC_VERIFY_ERROR = -25
RPC_VERIFY_REJECTED = -26
RPC_VERIFY_ALREADY_IN_UTXO_SET = -27
RPC_IN_WARMUP = -28


class RPCError(Exception):
    """A JSON-RPC error with one of Core's codes."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
