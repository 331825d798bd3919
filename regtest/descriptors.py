"""The output descriptors scantxoutset reads: `addr(ADDRESS)` and `raw(HEX)`, with the
checksum of BIP380 (script/descriptor.cpp DescriptorChecksum), optional on input as in Core."""

from __future__ import annotations

from engine.primitives.descriptors import descriptor_checksum, is_descriptor_char
from engine.primitives.script import AddressError, decode_address


class DescriptorError(ValueError):
    """A descriptor this node cannot read; the message is Core's where Core has one."""


def checksum(desc: str) -> str:
    """BIP380 descriptor checksum (8 characters), with Core's error message."""
    try:
        return descriptor_checksum(desc)
    except ValueError:
        bad = next(ch for ch in desc if not is_descriptor_char(ch))
        raise DescriptorError(f"Invalid character '{bad}' in descriptor") from None


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
