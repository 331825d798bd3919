"""Building and signing the wallet's transactions: coin selection, change, P2WPKH signatures;
BTC amounts as text (format_btc, parse_btc).

Serialization and the BIP143 signature hash are python-bitcoinlib's; signatures are
libsecp256k1's through coincurve (low-S, RFC6979 nonces).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from bitcoin.core import (
    CMutableTransaction,
    CMutableTxIn,
    COutPoint,
    CTransaction,
    CTxInWitness,
    CTxOut,
    CTxWitness,
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

from engine.primitives.subsidy import COIN, MAX_MONEY_SAT
from engine.wallet.keys import WalletKey

RBF_SEQUENCE = 0xFFFFFFFD  # BIP125 signal (Core 28+ replaces without it too)
# P2WPKH input: 41 bytes outside the witness (outpoint 36, empty scriptSig 1, sequence 4) and a
# witness of count 1 + signature (1 + up to 72) + pubkey (1 + 33) = 108 weight units.
P2WPKH_INPUT_WEIGHT = 41 * 4 + 108
# version 4 + locktime 4 + input and output counts (1 each below 253), times 4; marker and flag 2
TX_OVERHEAD_WEIGHT = (4 + 4 + 1 + 1) * 4 + 2
P2WPKH_SCRIPT_LEN = 22
# Core policy/policy.cpp GetDustThreshold at the 3 sat/vB dust relay fee: 294 sat for P2WPKH
P2WPKH_DUST_SAT = 294


class SendError(Exception):
    """A payment that cannot be made; the message says why in words."""


@dataclass(frozen=True)
class Coin:
    """An output the wallet can spend."""

    txid: str  # display hex, as RPC shows it
    vout: int
    value_sat: int
    script: bytes
    key: WalletKey
    height: int | None  # None while unconfirmed
    coinbase: bool = False


def output_weight(script: bytes) -> int:
    return (8 + 1 + len(script)) * 4  # value, script length (1 byte below 253), script


def estimate_vsize(n_inputs: int, output_scripts: list[bytes]) -> int:
    """Virtual size of a P2WPKH-only spend, rounded up; signatures counted at their longest
    (72 bytes), so the fee rate paid is never below the one asked for."""
    weight = TX_OVERHEAD_WEIGHT + n_inputs * P2WPKH_INPUT_WEIGHT + sum(output_weight(s) for s in output_scripts)
    return math.ceil(weight / 4)


@dataclass(frozen=True)
class Selection:
    coins: tuple[Coin, ...]
    fee_sat: int
    change_sat: int  # 0: no change output (what would be dust goes to the fee)
    vsize: int


def select_coins(
    coins: list[Coin], amount_sat: int, payee_script: bytes, fee_rate_sat_vb: float, change_script: bytes
) -> Selection:
    """Largest coins first until amount + fee is covered; change unless it would be dust."""
    if amount_sat <= 0:
        raise SendError("The amount must be more than zero.")
    chosen: list[Coin] = []
    total = 0
    for coin in sorted(coins, key=lambda c: (-c.value_sat, c.txid, c.vout)):
        chosen.append(coin)
        total += coin.value_sat
        with_change = estimate_vsize(len(chosen), [payee_script, change_script])
        fee = math.ceil(with_change * fee_rate_sat_vb)
        if total >= amount_sat + fee:
            change = total - amount_sat - fee
            if change >= P2WPKH_DUST_SAT:
                return Selection(tuple(chosen), fee, change, with_change)
            vsize = estimate_vsize(len(chosen), [payee_script])
            return Selection(tuple(chosen), total - amount_sat, 0, vsize)
    fee = math.ceil(estimate_vsize(max(1, len(chosen)), [payee_script, change_script]) * fee_rate_sat_vb)
    have = sum(c.value_sat for c in coins)
    raise SendError(
        f"Not enough spendable coins: {format_btc(amount_sat)} BTC plus about "
        f"{format_btc(fee)} BTC fee needed, {format_btc(have)} BTC spendable "
        "(coins mined less than 100 blocks ago are not spendable yet)."
    )


def sign_p2wpkh(inputs: list[Coin], outputs: list[tuple[bytes, int]], locktime: int = 0) -> CTransaction:
    """A version 2 transaction spending P2WPKH `inputs` to `outputs` (script, satoshis), each
    input signed SIGHASH_ALL over BIP143's digest."""
    tx = CMutableTransaction(
        [CMutableTxIn(COutPoint(lx(c.txid), c.vout), nSequence=RBF_SEQUENCE) for c in inputs],
        [CTxOut(value, CScript(script)) for script, value in outputs],
        nLockTime=locktime,
        nVersion=2,
    )
    witnesses = []
    for i, coin in enumerate(inputs):
        # BIP143: P2WPKH signs the P2PKH script of its key hash as scriptCode
        script_code = CScript([OP_DUP, OP_HASH160, coin.script[2:], OP_EQUALVERIFY, OP_CHECKSIG])
        digest = SignatureHash(script_code, tx, i, SIGHASH_ALL, amount=coin.value_sat, sigversion=SIGVERSION_WITNESS_V0)
        signature = coin.key.private_key.sign(digest, hasher=None) + bytes([SIGHASH_ALL])
        witnesses.append(CTxInWitness(CScriptWitness([signature, coin.key.pubkey])))
    tx.wit = CTxWitness(witnesses)
    return CTransaction.from_tx(tx)


def format_btc(sat: int) -> str:
    return f"{sat / 1e8:.8f}"


def parse_btc(text: str) -> int:
    """An amount typed in BTC ("0.5", "1,25") -> satoshis; ValueError in words."""
    cleaned = text.strip().replace(",", ".").removesuffix("BTC").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"'{text}' is not an amount in BTC (for example 0.5)") from None
    if not value.is_finite() or value <= 0:
        raise ValueError("the amount must be more than zero")
    if value != value.quantize(Decimal("0.00000001")):
        raise ValueError("an amount has at most 8 decimals (1 satoshi = 0.00000001 BTC)")
    if value > MAX_MONEY_SAT // COIN:
        raise ValueError("an amount is at most 21,000,000 BTC")
    return int(value * COIN)
