"""The output descriptors scantxoutset reads: `addr(ADDRESS)` and `raw(HEX)`, with the
checksum of BIP380 (script/descriptor.cpp DescriptorChecksum), optional on input as in Core."""
from __future__ import annotations

from .address import AddressError, decode_address

# BIP380: the characters a descriptor may use, in the order the checksum groups them.
INPUT_CHARSET = ("0123456789()[],'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~"
                 "ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ")
CHECKSUM_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATOR = (0xF5DEE51989, 0xA9FDCA3312, 0x1BAB10E32D, 0x3706B1677A, 0x644D626FFD)


class DescriptorError(ValueError):
    """A descriptor this node cannot read; the message is Core's where Core has one."""


def _polymod(symbols: list[int]) -> int:
    chk = 1
    for value in symbols:
        top = chk >> 35
        chk = ((chk & 0x7FFFFFFFF) << 5) ^ value
        for i, gen in enumerate(_GENERATOR):
            if (top >> i) & 1:
                chk ^= gen
    return chk


def checksum(desc: str) -> str:
    """BIP380 descriptor checksum (8 characters)."""
    symbols, groups = [], []
    for ch in desc:
        pos = INPUT_CHARSET.find(ch)
        if pos < 0:
            raise DescriptorError(f"Invalid character '{ch}' in descriptor")
        symbols.append(pos & 31)
        groups.append(pos >> 5)
        if len(groups) == 3:
            symbols.append(groups[0] * 9 + groups[1] * 3 + groups[2])
            groups = []
    if len(groups) == 1:
        symbols.append(groups[0])
    elif len(groups) == 2:
        symbols.append(groups[0] * 3 + groups[1])
    value = _polymod(symbols + [0] * 8) ^ 1
    return "".join(CHECKSUM_CHARSET[(value >> (5 * (7 - i))) & 31] for i in range(8))


def with_checksum(desc: str) -> str:
    return f"{desc}#{checksum(desc)}"


def parse(text: str) -> tuple[str, bytes]:
    """(canonical descriptor with checksum, scriptPubKey) for addr(...) or raw(...)."""
    desc, sep, given = text.partition("#")
    if sep:
        if len(given) != 8:
            raise DescriptorError(f"Expected 8 character checksum, not {len(given)} characters")
        expected = checksum(desc)
        if given != expected:
            raise DescriptorError(f"Provided checksum '{given}' does not match computed checksum '{expected}'")
    else:
        checksum(desc)  # the character check
    if desc.startswith("addr(") and desc.endswith(")"):
        try:
            spk = bytes.fromhex(decode_address(desc[5:-1])["scriptPubKey"])
        except AddressError:
            raise DescriptorError("Address is not valid") from None
    elif desc.startswith("raw(") and desc.endswith(")"):
        try:
            spk = bytes.fromhex(desc[4:-1])
        except ValueError:
            raise DescriptorError("Raw script is not hex") from None
    else:
        raise DescriptorError(f"this node reads addr() and raw() descriptors only, not '{desc}'")
    return with_checksum(desc), spk
