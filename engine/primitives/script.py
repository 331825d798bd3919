"""Addresses <-> scriptPubKey, as Core's key_io.cpp DecodeDestination / EncodeDestination do, for
mainnet, test chains (testnet, signet) and regtest, with validateaddress's error messages.

python-bitcoinlib's address classes read its global SelectParams(); library code must not depend
on that, so this decodes with its base58 and bech32 primitives and each chain's prefixes.
"""

from __future__ import annotations

from typing import NamedTuple

from bitcoin import base58
from bitcoin.segwit_addr import bech32_hrp_expand, bech32_polymod, convertbits

BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BECH32_CONST = 1
BECH32M_CONST = 0x2BC830A3  # BIP350: witness v1+ addresses use bech32m


class AddressFormat(NamedTuple):
    """A chain's address prefixes (kernel/chainparams.cpp base58Prefixes and bech32_hrp)."""

    hrp: str
    pubkey_version: int
    script_version: int


MAINNET = AddressFormat("bc", 0, 5)
TESTNET = AddressFormat("tb", 111, 196)  # testnet, testnet4 and signet share them
REGTEST = AddressFormat("bcrt", 111, 196)
ANY_CHAIN = (MAINNET, TESTNET, REGTEST)
# The node's chain (regtest, the default below): base58Prefixes[PUBKEY_ADDRESS] and [SCRIPT_ADDRESS].
PUBKEY_ADDRESS_VERSION, SCRIPT_ADDRESS_VERSION = REGTEST.pubkey_version, REGTEST.script_version


class AddressError(ValueError):
    """Not a valid address; the message says why, as Core's validateaddress does."""


def _decode_bech32(address: str, hrps: tuple[str, ...]) -> tuple[int, bytes]:
    if address.lower() != address and address.upper() != address:
        raise AddressError("Invalid Bech32 address (mixed case)")
    address = address.lower()
    pos = address.rfind("1")
    if pos < 1 or pos + 7 > len(address) or len(address) > 90:
        raise AddressError("Invalid Bech32 address data size")
    hrp, data_part = address[:pos], address[pos + 1 :]
    if hrp not in hrps:
        raise AddressError(f"Invalid or unsupported prefix for Segwit (Bech32) address (expected {hrps[0]}, got {hrp})")
    if any(c not in BECH32_CHARSET for c in data_part):
        raise AddressError("Invalid Base 32 character")
    data = [BECH32_CHARSET.find(c) for c in data_part]
    const = bech32_polymod(bech32_hrp_expand(hrp) + data)
    if const not in (BECH32_CONST, BECH32M_CONST):
        raise AddressError("Invalid Bech32 checksum")
    version, program5 = data[0], data[1:-6]
    if version > 16:
        raise AddressError("Invalid Bech32 address witness version")
    if (version == 0) != (const == BECH32_CONST):
        raise AddressError(
            "Version 0 witness address must use Bech32 checksum"
            if version == 0
            else "Version 1+ witness address must use Bech32m checksum"
        )
    program = convertbits(program5, 5, 8, False)
    if program is None or not 2 <= len(program) <= 40:
        raise AddressError("Invalid Bech32 address program size")
    if version == 0 and len(program) not in (20, 32):
        raise AddressError("Invalid Bech32 v0 address program size")
    return version, bytes(program)


def decode_address(address: str, formats: tuple[AddressFormat, ...] = (REGTEST,)) -> dict:
    """Fields of Core's validateaddress for an address of one of `formats` (regtest's by default);
    raises AddressError otherwise."""
    if not isinstance(address, str) or not address:
        raise AddressError("Invalid or unsupported Segwit (Bech32) or Base58 encoding.")
    hrps = tuple(f.hrp for f in formats)
    if address.lower().startswith(tuple(hrp + "1" for hrp in hrps)):
        version, program = _decode_bech32(address, hrps)
        op = 0x00 if version == 0 else 0x50 + version  # OP_0, or OP_1..OP_16
        spk = bytes([op, len(program)]) + program
        return {
            "isvalid": True,
            "address": address.lower(),
            "scriptPubKey": spk.hex(),
            "isscript": version == 0 and len(program) == 32,
            "iswitness": True,
            "witness_version": version,
            "witness_program": program.hex(),
        }
    try:
        data = base58.CBase58Data(address)
    except (base58.Base58Error, ValueError, IndexError) as exc:
        raise AddressError("Invalid or unsupported Segwit (Bech32) or Base58 encoding.") from exc
    payload = bytes(data)
    if len(payload) != 20:
        raise AddressError("Invalid length for Base58 address (P2PKH or P2SH)")
    if data.nVersion in {f.pubkey_version for f in formats}:
        spk = bytes([0x76, 0xA9, 20]) + payload + bytes([0x88, 0xAC])  # OP_DUP OP_HASH160 .. OP_EQUALVERIFY OP_CHECKSIG
        isscript = False
    elif data.nVersion in {f.script_version for f in formats}:
        spk = bytes([0xA9, 20]) + payload + bytes([0x87])  # OP_HASH160 .. OP_EQUAL
        isscript = True
    else:
        raise AddressError("Invalid or unsupported Base58-encoded address.")
    return {"isvalid": True, "address": address, "scriptPubKey": spk.hex(), "isscript": isscript, "iswitness": False}


def script_for_address(address: str) -> bytes:
    """scriptPubKey for a mainnet, testnet, signet or regtest address (bech32, bech32m, base58)."""
    return bytes.fromhex(decode_address(address, ANY_CHAIN)["scriptPubKey"])


def encode_segwit_address(version: int, program: bytes, hrp: str = REGTEST.hrp) -> str:
    """bech32 (v0) or bech32m (v1+) address for a witness program (BIP173, BIP350)."""
    data = [version] + convertbits(list(program), 8, 5, True)
    const = BECH32_CONST if version == 0 else BECH32M_CONST
    polymod = bech32_polymod(bech32_hrp_expand(hrp) + data + [0] * 6) ^ const
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32_CHARSET[d] for d in data + checksum)
