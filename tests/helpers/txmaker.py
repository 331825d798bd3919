"""Signed transactions for node tests: P2WPKH, P2PKH and P2TR key-path spends.

Keys and signatures come from coincurve (libsecp256k1); the legacy and segwit v0 signature
hashes from python-bitcoinlib; the taproot one (BIP341 SigMsg, key path, no annex) is
written here from the BIP, since python-bitcoinlib predates taproot.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

from bitcoin.base58 import CBase58Data
from bitcoin.core import (
    CMutableTransaction,
    CMutableTxIn,
    COutPoint,
    CTransaction,
    CTxInWitness,
    CTxOut,
    CTxWitness,
    Hash160,
    lx,
)
from bitcoin.core.script import (
    OP_CHECKSIG,
    OP_DUP,
    OP_EQUALVERIFY,
    OP_HASH160,
    SIGHASH_ALL,
    SIGVERSION_WITNESS_V0,
    CScript,
    CScriptWitness,
    SignatureHash,
)
from bitcoin.core.serialize import BytesSerializer
from coincurve import PrivateKey

from engine.primitives.script import PUBKEY_ADDRESS_VERSION, encode_segwit_address
from regtest.chain import Chain
from regtest.chainparams import REGTEST
from regtest.mempool import Mempool
from regtest.rpc.methods.table import RPCMethods
from regtest.storage import BlockStore

SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
RBF_SEQUENCE = 0xFFFFFFFD
GBT = {"rules": ["segwit"]}


def tagged_hash(tag: str, msg: bytes) -> bytes:
    """BIP340 tagged hash."""
    t = hashlib.sha256(tag.encode()).digest()
    return hashlib.sha256(t + t + msg).digest()


def _sha256(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


class Key:
    """One private key and its three standard output scripts."""

    def __init__(self, seed: bytes | str):
        seed = seed.encode() if isinstance(seed, str) else seed
        self.secret = int.from_bytes(_sha256(seed), "big") % SECP256K1_ORDER or 1
        self.priv = PrivateKey(self.secret.to_bytes(32, "big"))
        self.pub = self.priv.public_key.format(compressed=True)
        # BIP341 key path without scripts: Q = P + H_TapTweak(P)G, P with an even y.
        even = self.secret if self.pub[0] == 2 else SECP256K1_ORDER - self.secret
        tweak = int.from_bytes(tagged_hash("TapTweak", self.pub[1:]), "big")
        self.tweaked = PrivateKey(((even + tweak) % SECP256K1_ORDER).to_bytes(32, "big"))
        self.output_key = self.tweaked.public_key.format(compressed=True)[1:]

    @property
    def p2wpkh(self) -> bytes:
        return bytes([0, 20]) + Hash160(self.pub)

    @property
    def p2pkh(self) -> bytes:
        return bytes(CScript([OP_DUP, OP_HASH160, Hash160(self.pub), OP_EQUALVERIFY, OP_CHECKSIG]))

    @property
    def p2tr(self) -> bytes:
        return bytes([0x51, 32]) + self.output_key

    def address(self, kind: str = "p2wpkh") -> str:
        if kind == "p2wpkh":
            return encode_segwit_address(0, Hash160(self.pub))
        if kind == "p2tr":
            return encode_segwit_address(1, self.output_key)
        return str(CBase58Data.from_bytes(Hash160(self.pub), PUBKEY_ADDRESS_VERSION))


@dataclass(frozen=True)
class Utxo:
    txid: bytes  # internal byte order
    n: int
    value: int
    spk: bytes
    key: Key | None = None


def taproot_sighash(tx: CMutableTransaction, index: int, spent: list[Utxo]) -> bytes:
    """BIP341 signature message for SIGHASH_DEFAULT, key path, no annex."""
    msg = b"\x00" + b"\x00" + struct.pack("<iI", tx.nVersion, tx.nLockTime)
    msg += _sha256(b"".join(i.prevout.serialize() for i in tx.vin))
    msg += _sha256(b"".join(struct.pack("<q", u.value) for u in spent))
    msg += _sha256(b"".join(BytesSerializer.serialize(u.spk) for u in spent))
    msg += _sha256(b"".join(struct.pack("<I", i.nSequence) for i in tx.vin))
    msg += _sha256(b"".join(o.serialize() for o in tx.vout))
    msg += b"\x00" + struct.pack("<I", index)
    return tagged_hash("TapSighash", msg)


def spend(
    inputs: list[Utxo],
    outputs: list[tuple[bytes, int]],
    sequence: int = RBF_SEQUENCE,
    version: int = 2,
    locktime: int = 0,
    corrupt: int | None = None,
) -> CTransaction:
    """A transaction spending `inputs` (each signed with its key by its script type) to
    `outputs`; `corrupt=i` flips a bit of input i's signature."""
    tx = CMutableTransaction(
        [CMutableTxIn(COutPoint(u.txid, u.n), nSequence=sequence) for u in inputs],
        [CTxOut(v, CScript(s)) for s, v in outputs],
        nLockTime=locktime,
        nVersion=version,
    )
    witnesses = []
    for i, u in enumerate(inputs):
        stack: list[bytes] = []
        if u.spk == u.key.p2wpkh:
            code = CScript(u.key.p2pkh)
            digest = SignatureHash(code, tx, i, SIGHASH_ALL, amount=u.value, sigversion=SIGVERSION_WITNESS_V0)
            sig = u.key.priv.sign(digest, hasher=None) + bytes([SIGHASH_ALL])
            stack = [sig, u.key.pub]
        elif u.spk == u.key.p2pkh:
            digest = SignatureHash(CScript(u.spk), tx, i, SIGHASH_ALL)
            sig = u.key.priv.sign(digest, hasher=None) + bytes([SIGHASH_ALL])
            if corrupt == i:
                sig = _flip(sig)
            tx.vin[i].scriptSig = CScript([sig, u.key.pub])
        elif u.spk == u.key.p2tr:
            stack = [u.key.tweaked.sign_schnorr(taproot_sighash(tx, i, inputs), bytes(32))]
        else:
            raise ValueError("no key for this script")
        if corrupt == i and stack:
            stack[0] = _flip(stack[0])
        witnesses.append(CTxInWitness(CScriptWitness(stack)))
    if any(not w.is_null() for w in witnesses):
        tx.wit = CTxWitness(witnesses)
    return CTransaction.from_tx(tx)


def _flip(sig: bytes) -> bytes:
    """A valid-looking signature that does not verify: one bit of its middle flipped."""
    return sig[:10] + bytes([sig[10] ^ 1]) + sig[11:]


def outputs_of(tx: CTransaction, key: Key | None = None) -> list[Utxo]:
    return [Utxo(tx.GetTxid(), n, o.nValue, bytes(o.scriptPubKey), key) for n, o in enumerate(tx.vout)]


ALICE, BOB = Key("alice"), Key("bob")


class LocalNode:
    """A chain, its mempool and the RPC table in this process."""

    def __init__(self, path, full_rbf=True):
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.chain = Chain(BlockStore(path / "blocks.sqlite"), REGTEST)
        Mempool(self.chain, full_rbf=full_rbf)
        self.rpc = RPCMethods(self.chain, lambda: None)

    def __call__(self, method, *params):
        return self.rpc(method, list(params))

    def coinbase_utxo(self, height: int, key: Key = ALICE) -> Utxo:
        block = self("getblock", self("getblockhash", height), 2)
        out = block["tx"][0]["vout"][0]
        return Utxo(lx(block["tx"][0]["txid"]), 0, round(out["value"] * 1e8), key.p2wpkh, key)

    def send(self, tx: CTransaction) -> str:
        return self("sendrawtransaction", tx.serialize().hex())

    def state(self):
        """Everything a refused transaction must leave alone."""
        return (self.chain.tip.hash, sorted(self("getrawmempool")), self.chain.utxo.snapshot())

    def mine(self, n=1, key: Key = ALICE) -> list[str]:
        return self("generatetoaddress", n, key.address())
