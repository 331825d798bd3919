"""The output descriptors scantxoutset reads (script/descriptor.cpp, BIP380-386): `addr(ADDRESS)`,
`raw(HEX)`, and `pkh(KEY)`, `wpkh(KEY)`, `sh(wpkh(KEY))`, `tr(KEY)` (key path only), where KEY is
a hex public key or an xpub/tpub with an optional `[fingerprint/path]` origin and a derivation
path ending in `/*` for a ranged descriptor (public derivation only: a hardened step needs the
private key). The BIP380 checksum is optional on input, as in Core."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from bitcoin import base58
from coincurve import PublicKey

from engine.primitives.descriptors import descriptor_checksum, is_descriptor_char
from engine.primitives.hashes import hash160, sha256d
from engine.primitives.script import AddressError, decode_address

XPUB_VERSIONS = (bytes.fromhex("0488b21e"), bytes.fromhex("043587cf"))  # chainparams.cpp EXT_PUBLIC_KEY
HARDENED = 0x80000000


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


@dataclass(frozen=True)
class _Key:
    """A KEY expression: a fixed public key, or an extended key, its path and `*`."""

    text: str
    pubkey: bytes  # the fixed key, or the extended key's own
    chain_code: bytes | None = None
    path: tuple[int, ...] = ()
    ranged: bool = False
    origin: str = ""  # "fingerprint/path" given, or the extended key's fingerprint

    def derive(self, index: int) -> tuple[bytes, str]:
        """BIP32 CKDpub down the path (and to `index` if ranged): (pubkey, origin of it)."""
        if self.chain_code is None:
            return self.pubkey, self.origin
        steps = (*self.path, index) if self.ranged else self.path
        if any(step & HARDENED for step in steps):
            raise DescriptorError("hardened")
        key, code = PublicKey(self.pubkey), self.chain_code
        for step in steps:
            digest = hmac.new(code, key.format() + step.to_bytes(4, "big"), hashlib.sha512).digest()
            key, code = key.add(digest[:32]), digest[32:]
        origin = "/".join([self.origin, *(str(s) for s in steps)])
        return key.format(), origin


def _parse_key(text: str) -> _Key:
    origin = ""
    match = re.fullmatch(r"\[([0-9a-fA-F]{8})((?:/\d+['hH]?)*)\](.*)", text)
    if match:
        origin, text = match.group(1).lower() + match.group(2).replace("H", "'").replace("h", "'"), match.group(3)
    elif text.startswith("["):
        raise DescriptorError(f"Key origin start '[ character expected but not found, got '{text[:1]}' instead")
    parts = text.split("/")
    if len(parts) == 1 and re.fullmatch(r"(02|03)[0-9a-fA-F]{64}", text):
        return _Key(text, bytes.fromhex(text), origin=origin)
    try:
        raw = base58.decode(parts[0])
    except Exception:
        raw = b""
    if len(raw) != 82 or sha256d(raw[:78])[:4] != raw[78:] or raw[:4] not in XPUB_VERSIONS:
        raise DescriptorError(f"key '{parts[0]}' is not valid")
    path: list[int] = []
    ranged = False
    for k, part in enumerate(parts[1:]):
        if part in ("*", "*'", "*h") and k == len(parts) - 2:
            if part != "*":
                raise DescriptorError("hardened")
            ranged = True
            continue
        step = re.fullmatch(r"(\d+)(['hH]?)", part)
        if not step or int(step.group(1)) >= HARDENED:
            raise DescriptorError(f"Key path value '{part}' is not a valid uint32")
        path.append(int(step.group(1)) | (HARDENED if step.group(2) else 0))
    pubkey = raw[45:78]
    return _Key(text, pubkey, raw[13:45], tuple(path), ranged, origin or hash160(pubkey)[:4].hex())


def _taproot_output_key(pubkey: bytes) -> bytes:
    """BIP86/BIP341: the key-path-only output key, x(P + H_TapTweak(x(P))G) with P's even y."""
    xonly = pubkey[1:]
    tag = hashlib.sha256(b"TapTweak").digest()
    tweak = hashlib.sha256(tag + tag + xonly).digest()
    return PublicKey(b"\x02" + xonly).add(tweak).format()[1:]


_FORMS = {  # function -> (scriptPubKey from a public key)
    "pkh": lambda k: b"\x76\xa9\x14" + hash160(k) + b"\x88\xac",
    "wpkh": lambda k: b"\x00\x14" + hash160(k),
    "sh(wpkh": lambda k: b"\xa9\x14" + hash160(b"\x00\x14" + hash160(k)) + b"\x87",
    "tr": lambda k: b"\x51\x20" + _taproot_output_key(k),
}


@dataclass(frozen=True)
class Descriptor:
    """A parsed descriptor: `expand(i)` gives its scriptPubKey at index i (ignored unless
    ranged) and the descriptor Core's InferDescriptor writes for it (key origin, checksum)."""

    text: str  # as given, with its checksum
    function: str | None = None
    key: _Key | None = None
    script: bytes = b""

    @property
    def is_range(self) -> bool:
        return self.key is not None and self.key.ranged

    def expand(self, index: int = 0) -> tuple[bytes, str]:
        if self.key is None or self.function is None:
            return self.script, self.text
        try:
            pubkey, origin = self.key.derive(index)
        except DescriptorError:
            raise DescriptorError(f"Cannot derive script without private keys: '{self.text}'") from None
        spk = _FORMS[self.function](pubkey)
        shown = f"[{origin}]{pubkey.hex()}" if origin else pubkey.hex()
        if self.function == "tr":
            shown = f"[{origin}]{pubkey[1:].hex()}" if origin else pubkey[1:].hex()
        close = ")" * (2 if self.function == "sh(wpkh" else 1)
        return spk, with_checksum(f"{self.function}({shown}{close}")


def parse(text: str) -> Descriptor:
    """script/descriptor.cpp Parse, for the forms this node reads (see the module doc)."""
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
        return Descriptor(with_checksum(desc), script=spk)
    if desc.startswith("raw(") and desc.endswith(")"):
        try:
            spk = bytes.fromhex(desc[4:-1])
        except ValueError:
            raise DescriptorError("Raw script is not hex") from None
        return Descriptor(with_checksum(desc), script=spk)
    for function in ("sh(wpkh", "wpkh", "pkh", "tr"):
        close = ")" * (2 if function == "sh(wpkh" else 1)
        if desc.startswith(function + "(") and desc.endswith(close):
            inner = desc[len(function) + 1 : -len(close)]
            if "," in inner or "(" in inner:
                break
            try:
                key = _parse_key(inner)
            except DescriptorError as exc:
                if str(exc) == "hardened":
                    return Descriptor(with_checksum(desc), function, _Key(inner, b"", b"", (HARDENED,), True))
                raise
            return Descriptor(with_checksum(desc), function, key)
    name = desc.split("(")[0]
    raise DescriptorError(
        f"'{name}(...)' is not a valid descriptor function"
        if "(" in desc
        else f"'{desc}' is not a valid descriptor function"
    )
