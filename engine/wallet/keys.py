"""The wallet's keys: a BIP39 phrase, BIP32 derivation on BIP84 paths, P2WPKH addresses, and
the key file kept in the participant's data folder (mode 0600; keys never leave this computer).

BIP39 is trezor's `mnemonic` package; the BIP32 arithmetic is written here on coincurve
(libsecp256k1) because the `bip32` package pins an older coincurve than the tests use.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from bitcoin import base58, segwit_addr
from coincurve import PrivateKey
from mnemonic import Mnemonic

from engine.primitives.descriptors import descriptor_checksum
from engine.primitives.hashes import hash160, sha256d

SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
HARDENED = 0x80000000
TPRV_VERSION = bytes.fromhex("04358394")  # BIP32 testnet/regtest private (Core chainparams.cpp EXT_SECRET_KEY)
XPRV_VERSION = bytes.fromhex("0488ade4")  # BIP32 mainnet private
# BIP84 m/84'/coin'/account': coin type 1 for every test chain (SLIP-44), as Core's regtest wallets use
COIN_TYPE_TEST = 1
KEY_FILE_VERSION = 1


class KeyFileError(Exception):
    """The key file is missing, unreadable or damaged; the message says which and where."""


@dataclass(frozen=True)
class ExtKey:
    """A BIP32 extended private key."""

    secret: bytes  # 32 bytes
    chain_code: bytes
    depth: int = 0
    parent_fingerprint: bytes = bytes(4)
    child_number: int = 0

    @classmethod
    def from_seed(cls, seed: bytes) -> ExtKey:
        digest = hmac.new(b"Bitcoin seed", seed, hashlib.sha512).digest()
        return cls(digest[:32], digest[32:])

    @property
    def pubkey(self) -> bytes:
        return PrivateKey(self.secret).public_key.format(compressed=True)

    @property
    def fingerprint(self) -> bytes:
        return hash160(self.pubkey)[:4]

    def child(self, index: int) -> ExtKey:
        """BIP32 CKDpriv."""
        if index & HARDENED:
            data = b"\x00" + self.secret + index.to_bytes(4, "big")
        else:
            data = self.pubkey + index.to_bytes(4, "big")
        digest = hmac.new(self.chain_code, data, hashlib.sha512).digest()
        tweak = int.from_bytes(digest[:32], "big")
        key = (tweak + int.from_bytes(self.secret, "big")) % SECP256K1_ORDER
        if tweak >= SECP256K1_ORDER or key == 0:  # BIP32: probability below 2**-127; the next index is used
            raise ValueError(f"BIP32 child {index} is invalid")
        return ExtKey(key.to_bytes(32, "big"), digest[32:], self.depth + 1, self.fingerprint, index)

    def derive(self, path: str) -> ExtKey:
        """`path` like "m/84h/1h/0h/0/5" ("'" or "h" for hardened)."""
        key = self
        for part in path.split("/")[1:] if path.startswith("m") else path.split("/"):
            hardened = part[-1:] in ("'", "h", "H")
            key = key.child(int(part.rstrip("'hH")) + (HARDENED if hardened else 0))
        return key

    def serialize(self, version: bytes = TPRV_VERSION) -> str:
        """Base58check xprv/tprv (BIP32 serialization format)."""
        raw = (
            version
            + bytes([self.depth])
            + self.parent_fingerprint
            + self.child_number.to_bytes(4, "big")
            + self.chain_code
            + b"\x00"
            + self.secret
        )
        return base58.encode(raw + sha256d(raw)[:4])


@dataclass(frozen=True)
class WalletKey:
    """One derived key of the wallet and its P2WPKH output."""

    path: str
    secret: bytes
    pubkey: bytes
    hrp: str

    @property
    def script(self) -> bytes:
        return bytes([0, 20]) + hash160(self.pubkey)  # P2WPKH: OP_0 <20-byte key hash> (BIP141)

    @property
    def address(self) -> str:
        return segwit_addr.encode(self.hrp, 0, hash160(self.pubkey))

    @property
    def private_key(self) -> PrivateKey:
        return PrivateKey(self.secret)


class Keychain:
    """The wallet's BIP84 account: receive keys on .../0/i, change keys on .../1/i."""

    def __init__(self, phrase: str, hrp: str = "bcrt", coin_type: int = COIN_TYPE_TEST, passphrase: str = ""):
        if not Mnemonic("english").check(phrase):
            raise KeyFileError("the recovery phrase is not a valid BIP39 English phrase")
        self.phrase = phrase
        self.hrp = hrp
        self.master = ExtKey.from_seed(Mnemonic.to_seed(phrase, passphrase))
        self.account_path = f"m/84h/{coin_type}h/0h"
        self.account = self.master.derive(self.account_path)
        self._cache: dict[tuple[int, int], WalletKey] = {}

    @classmethod
    def generate(cls, hrp: str = "bcrt") -> Keychain:
        """A new phrase from os.urandom (12 words, 128 bits of entropy)."""
        return cls(Mnemonic("english").to_mnemonic(os.urandom(16)), hrp)

    def key(self, branch: int, index: int) -> WalletKey:
        """branch 0: receive, 1: change."""
        found = self._cache.get((branch, index))
        if found is None:
            ext = self.account.child(branch).child(index)
            found = WalletKey(f"{self.account_path}/{branch}/{index}", ext.secret, ext.pubkey, self.hrp)
            self._cache[(branch, index)] = found
        return found

    def descriptors(self) -> list[str]:
        """Receive and change descriptors with the master tprv, as Core's `listdescriptors true`
        shows them; importable into Bitcoin Core with `importdescriptors`."""
        version = TPRV_VERSION if self.hrp != "bc" else XPRV_VERSION
        xprv = self.master.serialize(version)
        coin = self.account_path.split("/")[2]
        out = []
        for branch in (0, 1):
            body = f"wpkh({xprv}/84h/{coin}/0h/{branch}/*)"
            out.append(f"{body}#{descriptor_checksum(body)}")
        return out


def create_key_file(path: Path, keychain: Keychain) -> None:
    """Write the phrase to `path`, readable by this user only (created 0600, never replaced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps({"version": KEY_FILE_VERSION, "bip39": keychain.phrase, "shown": False}).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def read_key_file(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
        if not isinstance(data, dict) or not isinstance(data.get("bip39"), str):
            raise ValueError("no bip39 phrase")
        return data
    except OSError as exc:
        raise KeyFileError(f"cannot read the wallet's key file {path}: {exc.strerror}") from exc
    except ValueError as exc:
        raise KeyFileError(
            f"the wallet's key file {path} is damaged ({exc}); restore it from your backup phrase"
        ) from exc


def mark_backup_shown(path: Path) -> None:
    """Remember that the backup was shown once (rewritten in place, keeping mode 0600)."""
    data = read_key_file(path)
    data["shown"] = True
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, json.dumps(data).encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
