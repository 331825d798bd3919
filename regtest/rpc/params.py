"""RPC parameter checks as Bitcoin Core's RPCHelpMan and UniValue make them (rpc/util.cpp
RPCHelpMan::HandleRequest, RPCArg::MatchesType, AmountFromValue, ParseHashV; univalue_get.cpp
getInt; rpc/server.cpp ExecuteCommand, which turns UniValue::type_error into -3 and other
exceptions into -1), and `Command`, one entry of the method table."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from engine.primitives.rpc_errors import RPC_INVALID_PARAMETER, RPC_MISC_ERROR, RPC_TYPE_ERROR
from engine.primitives.subsidy import COIN, MAX_MONEY_SAT

from .errors import RPCError

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1
HEX_DIGITS = "0123456789abcdefABCDEF"


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # Core's uvTypeName: "number", "string", "bool", "object", "array"; "any" skips the check
    default: object = None
    required: bool = False


@dataclass(frozen=True)
class Command:
    """One RPC as Core's CRPCCommand and RPCHelpMan describe it: its help category, its
    parameters, its help text, and `handler(node, *args)` (node: the table bound to a node)."""

    category: str
    params: list[Param]
    help: str
    handler: Callable


def type_name(value) -> str:
    """UniValue's uvTypeName for a decoded JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def check_type(value, expected: str) -> None:
    """UniValue::checkType: a type_error, which Core's RPC layer answers with -3."""
    got = type_name(value)
    if got != expected:
        raise RPCError(RPC_TYPE_ERROR, f"JSON value of type {got} is not of expected type {expected}")


def get_int(value, low: int = INT32_MIN, high: int = INT32_MAX) -> int:
    """UniValue::getInt<int>: a number whose text is an integer in range; 1.0 and 1e3 are not
    (std::from_chars stops at the '.'), and either failure is -1 "JSON integer out of range"."""
    check_type(value, "number")
    if isinstance(value, float) or not low <= value <= high:
        raise RPCError(RPC_MISC_ERROR, "JSON integer out of range")
    return value


def get_str(value) -> str:
    check_type(value, "string")
    return value


def is_hex(text: str) -> bool:
    """util/strencodings.cpp IsHex: non-empty, even length, hex digits only (no whitespace)."""
    # str.strip runs in C with no backtracking state: a regex over 30 MB of hex took seconds and GBs.
    return bool(text) and len(text) % 2 == 0 and not text.strip(HEX_DIGITS)


def parse_hash(value: str, name: str) -> bytes:
    """rpc/util.cpp ParseHashV: 64 hex digits, returned in internal (little-endian) byte order."""
    if len(value) == 64 and is_hex(value):
        return bytes.fromhex(value)[::-1]
    if len(value) != 64:
        raise RPCError(RPC_INVALID_PARAMETER, f"{name} must be of length 64 (not {len(value)}, for '{value}')")
    raise RPCError(RPC_INVALID_PARAMETER, f"{name} must be hexadecimal string (not '{value}')")


def amount_from_value(value) -> int:
    """rpc/util.cpp AmountFromValue: a number or string of BTC with at most 8 decimals."""
    if not isinstance(value, (int, float, str)) or isinstance(value, bool):
        raise RPCError(RPC_TYPE_ERROR, "Amount is not a number or string")
    try:
        btc = Decimal(str(value))
    except InvalidOperation:
        raise RPCError(RPC_TYPE_ERROR, "Invalid amount") from None
    sat = btc * COIN
    if not btc.is_finite() or sat != sat.to_integral_value():
        raise RPCError(RPC_TYPE_ERROR, "Invalid amount")
    if not 0 <= sat <= MAX_MONEY_SAT:
        raise RPCError(RPC_TYPE_ERROR, "Amount out of range")
    return int(sat)


def fee_rate_from_value(value) -> int:
    """rpc/util.cpp ParseFeeRate: sat per kvB, below 1 BTC/kvB."""
    rate = amount_from_value(value)
    if rate >= COIN:
        raise RPCError(RPC_INVALID_PARAMETER, "Fee rates larger than or equal to 1BTC/kvB are not accepted")
    return rate


def bind(spec: list[Param], params, usage) -> list:
    """Named or positional params -> one value per Param (defaults filled in), checked as
    RPCHelpMan does: count first (-1 with the help text), then every type at once (-3)."""
    if isinstance(params, dict):
        names = [p.name for p in spec]
        for key in params:
            if key not in names:
                raise RPCError(RPC_INVALID_PARAMETER, f"Unknown named parameter {key}")
        # rpc/server.cpp transformNamedArguments: positions up to the last one given.
        given = [i for i, p in enumerate(spec) if p.name in params]
        values = [params.get(p.name) for p in spec[: given[-1] + 1]] if given else []
    else:
        values = list(params)
    required = 0
    for p in spec:  # RPCHelpMan::IsValidNumArgs counts the leading required arguments
        if not p.required:
            break
        required += 1
    if not required <= len(values) <= len(spec):
        raise RPCError(RPC_MISC_ERROR, usage())
    mismatches = {}
    for i, (p, value) in enumerate(zip(spec, values)):
        if p.type == "any" or (value is None and not p.required):
            continue
        got = type_name(value)
        if got != p.type:
            mismatches[f"Position {i + 1} ({p.name})"] = f"JSON value of type {got} is not of expected type {p.type}"
    if mismatches:
        raise RPCError(RPC_TYPE_ERROR, "Wrong type passed:\n" + json.dumps(mismatches, indent=4))
    values += [None] * (len(spec) - len(values))
    return [p.default if v is None else v for p, v in zip(spec, values)]
