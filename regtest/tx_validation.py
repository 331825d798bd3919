"""Transaction validation against the UTXO set, in Bitcoin Core's order and with its reasons.

Consensus input checks (consensus/tx_verify.cpp CheckTxInputs), BIP68 sequence locks, sigop
cost, and script verification by Bitcoin Core's own interpreter: libbitcoinkernel through
py-bitcoinkernel (`btck_script_pubkey_verify` with every spent output, so taproot is checked
too). `connect_block_transactions` is the transaction half of validation.cpp ConnectBlock.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pbk
from bitcoin.core import CBlock, CTransaction, Hash160
from bitcoin.core.script import (
    OP_CHECKMULTISIG,
    OP_CHECKMULTISIGVERIFY,
    OP_CHECKSIG,
    OP_CHECKSIGVERIFY,
    CScript,
    CScriptInvalidError,
)
from pbk.script import PrecomputedTransactionData

from engine.primitives.chain import COINBASE_MATURITY
from engine.primitives.subsidy import MAX_MONEY_SAT

from .chainparams import MAX_BLOCK_SIGOPS_COST, WITNESS_SCALE_FACTOR
from .validation import BlockInvalid

MAX_SCRIPT_SIZE = 10_000  # script/script.h
MEMPOOL_HEIGHT = 0x7FFFFFFF  # txmempool.h: the height given to coins created by mempool txs
SEQUENCE_LOCKTIME_DISABLE_FLAG = 1 << 31  # primitives/transaction.h CTxIn
SEQUENCE_LOCKTIME_TYPE_FLAG = 1 << 22
SEQUENCE_LOCKTIME_MASK = 0x0000FFFF
SEQUENCE_LOCKTIME_GRANULARITY = 9
# Regtest activates P2SH, BIP66, BIP65, CSV, segwit and taproot from the start
# (kernel/chainparams.cpp CRegTestParams), so blocks and the mempool verify with all of them.
SCRIPT_FLAGS = pbk.ScriptVerificationFlags.ALL


@dataclass(frozen=True, slots=True)
class Coin:
    """coins.h Coin: an unspent output and where it was created."""

    value: int
    script_pubkey: bytes
    height: int
    coinbase: bool


class TxInvalid(Exception):
    """A transaction Core would refuse: `reason` is Core's reject reason, `detail` its debug
    message; `missing_inputs` marks TxValidationResult::TX_MISSING_INPUTS."""

    def __init__(self, reason: str, detail: str = "", missing_inputs: bool = False):
        super().__init__(f"{reason}, {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.missing_inputs = missing_inputs


def money_range(value: int) -> bool:
    """consensus/amount.h MoneyRange."""
    return 0 <= value <= MAX_MONEY_SAT


# --- sigops (script.cpp GetSigOpCount, tx_verify.cpp GetTransactionSigOpCost) --------------
def script_sigops(script: bytes, accurate: bool) -> int:
    """CScript::GetSigOpCount(fAccurate): CHECKMULTISIG counts its key count after OP_1..16
    when accurate, else 20; counting stops at a truncated push, as Core's GetOp does."""
    count, last = 0, None
    try:
        for op, _data, _idx in CScript(script).raw_iter():
            if op in (OP_CHECKSIG, OP_CHECKSIGVERIFY):
                count += 1
            elif op in (OP_CHECKMULTISIG, OP_CHECKMULTISIGVERIFY):
                count += (last - 0x50) if accurate and last is not None and 0x51 <= last <= 0x60 else 20
            last = op
    except CScriptInvalidError:
        pass
    return count


def last_push(script_sig: bytes) -> bytes | None:
    """The data of a push-only scriptSig's last push (a P2SH redeem script), or None."""
    data = None
    try:
        for op, pushed, _idx in CScript(script_sig).raw_iter():
            if op > 0x60:  # OP_16: not push-only
                return None
            data = pushed if pushed is not None else b""
    except CScriptInvalidError:
        return None
    return data


def is_unspendable(spk: bytes) -> bool:
    """script.h CScript::IsUnspendable: never added to the UTXO set."""
    return (len(spk) > 0 and spk[0] == 0x6A) or len(spk) > MAX_SCRIPT_SIZE


def is_p2sh(spk: bytes) -> bool:
    return len(spk) == 23 and spk[0] == 0xA9 and spk[1] == 0x14 and spk[22] == 0x87


def witness_program(spk: bytes) -> tuple[int, bytes] | None:
    """script.cpp CScript::IsWitnessProgram: (version, program) or None."""
    if 4 <= len(spk) <= 42 and (spk[0] == 0 or 0x51 <= spk[0] <= 0x60) and spk[1] + 2 == len(spk):
        return (0 if spk[0] == 0 else spk[0] - 0x50), spk[2:]
    return None


def _witness_sigops(version: int, program: bytes, stack: list[bytes]) -> int:
    """interpreter.cpp WitnessSigOps: P2WPKH is 1, P2WSH counts its witness script."""
    if version == 0:
        if len(program) == 20:
            return 1
        if len(program) == 32 and stack:
            return script_sigops(stack[-1], accurate=True)
    return 0


def tx_sigop_cost(tx: CTransaction, coins: list[Coin]) -> int:
    """tx_verify.cpp GetTransactionSigOpCost (P2SH and witness flags on, as on regtest)."""
    legacy = sum(script_sigops(bytes(i.scriptSig), False) for i in tx.vin) + sum(
        script_sigops(bytes(o.scriptPubKey), False) for o in tx.vout
    )
    cost = legacy * WITNESS_SCALE_FACTOR
    if tx.is_coinbase():
        return cost
    for i, (txin, coin) in enumerate(zip(tx.vin, coins)):
        spk, script_sig = coin.script_pubkey, bytes(txin.scriptSig)
        redeem = None
        if is_p2sh(spk):
            redeem = last_push(script_sig)
            if redeem is not None:
                cost += script_sigops(redeem, accurate=True) * WITNESS_SCALE_FACTOR
        stack = [bytes(x) for x in tx.wit.vtxinwit[i].scriptWitness.stack] if i < len(tx.wit.vtxinwit) else []
        program = witness_program(spk) or (witness_program(redeem) if redeem else None)
        if program:
            cost += _witness_sigops(program[0], program[1], stack)
    return cost


# --- inputs (tx_verify.cpp CheckTxInputs, CalculateSequenceLocks) -------------------------
def check_tx_inputs(tx: CTransaction, coins: list[Coin], spend_height: int) -> int:
    """Consensus::CheckTxInputs: returns the fee. `spend_height` is the height of the block the
    transaction would be in (the tip's + 1 for the mempool)."""
    total_in = 0
    for coin in coins:
        if coin.coinbase and spend_height - coin.height < COINBASE_MATURITY:
            raise TxInvalid(
                "bad-txns-premature-spend-of-coinbase", f"tried to spend coinbase at depth {spend_height - coin.height}"
            )
        total_in += coin.value
        if not money_range(coin.value) or not money_range(total_in):
            raise TxInvalid("bad-txns-inputvalues-outofrange")
    value_out = sum(o.nValue for o in tx.vout)
    if total_in < value_out:
        raise TxInvalid("bad-txns-in-belowout", f"value in ({_btc(total_in)}) < value out ({_btc(value_out)})")
    fee = total_in - value_out
    if not money_range(fee):
        raise TxInvalid("bad-txns-fee-outofrange")
    return fee


def _btc(sat: int) -> str:
    """util/moneystr.cpp FormatMoney: at least one decimal, trailing zeros dropped."""
    whole, frac = divmod(sat, 100_000_000)
    text = f"{whole}.{frac:08d}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def sequence_locks_ok(
    tx: CTransaction, coins: list[Coin], block_height: int, mtp_at: Callable[[int], int], prev_mtp: int
) -> bool:
    """tx_verify.cpp CalculateSequenceLocks + EvaluateSequenceLocks (BIP68, active from height
    1 on regtest) for a transaction in a block at `block_height` whose parent has `prev_mtp`;
    `mtp_at(h)` is the median time past of the ancestor at height h."""
    if tx.nVersion < 2:
        return True
    min_height, min_time = -1, -1
    for txin, coin in zip(tx.vin, coins):
        seq = txin.nSequence
        if seq & SEQUENCE_LOCKTIME_DISABLE_FLAG:
            continue
        coin_height = block_height if coin.height == MEMPOOL_HEIGHT else coin.height
        if seq & SEQUENCE_LOCKTIME_TYPE_FLAG:
            coin_time = mtp_at(max(coin_height - 1, 0))
            min_time = max(min_time, coin_time + ((seq & SEQUENCE_LOCKTIME_MASK) << SEQUENCE_LOCKTIME_GRANULARITY) - 1)
        else:
            min_height = max(min_height, coin_height + (seq & SEQUENCE_LOCKTIME_MASK) - 1)
    return not (min_height >= block_height or min_time >= prev_mtp)


# --- scripts (libbitcoinkernel) -----------------------------------------------------------
class ScriptCache:
    """validation.cpp's script execution cache: wtxids whose every input verified under
    SCRIPT_FLAGS. A wtxid commits to its prevouts, and an outpoint always names the same
    output, so a success holds in any chain state. Bounded, oldest dropped first."""

    def __init__(self, max_entries: int = 200_000):
        self._ok: collections.OrderedDict[bytes, None] = collections.OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()

    def __contains__(self, wtxid: bytes) -> bool:
        with self._lock:
            return wtxid in self._ok

    def add(self, wtxid: bytes) -> None:
        with self._lock:
            self._ok[wtxid] = None
            if len(self._ok) > self._max:
                self._ok.popitem(last=False)


def script_error_text(tx: CTransaction, index: int, coin: Coin, standard: bool) -> str:
    """A ScriptErrorString for a failed input. libbitcoinkernel answers only pass or fail, so the
    error is named from the script type as Core's interpreter would name it for the standard
    spends (script/script_error.cpp): a wrong key is EQUALVERIFY, a wrong ECDSA signature is
    NULLFAIL under the mempool's flags, a wrong Schnorr signature SCHNORR_SIG."""
    spk = coin.script_pubkey
    stack = [bytes(x) for x in tx.wit.vtxinwit[index].scriptWitness.stack] if index < len(tx.wit.vtxinwit) else []
    program = witness_program(spk)
    if program == (1, program and program[1]) and len(spk) == 34 and len(stack) == 1:
        return "Invalid Schnorr signature"
    pubkey_hash = sig = pub = None
    if program and program[0] == 0 and len(program[1]) == 20 and len(stack) == 2:
        pubkey_hash, (sig, pub) = program[1], stack
    elif len(spk) == 25 and spk[:3] == b"\x76\xa9\x14" and spk[23:] == b"\x88\xac":
        try:
            pushes = [d for _op, d, _i in CScript(bytes(tx.vin[index].scriptSig)).raw_iter()]
        except CScriptInvalidError:
            pushes = []
        if len(pushes) == 2 and all(p is not None for p in pushes):
            pubkey_hash, (sig, pub) = spk[3:23], pushes
    if pubkey_hash is not None:
        if Hash160(pub) != pubkey_hash:
            return "Script failed an OP_EQUALVERIFY operation"
        if sig and standard:
            return "Signature must be zero for failed CHECK(MULTI)SIG operation"
    return "Script evaluated without error but finished with a false/empty top stack element"


def verify_scripts(
    tx: CTransaction, coins: list[Coin], cache: ScriptCache | None = None, raw: bytes | None = None
) -> int | None:
    """Every input's script by Core's interpreter; returns the first failing input, or None."""
    wtxid = tx.GetHash()
    if cache is not None and wtxid in cache:
        return None
    ktx = pbk.Transaction(raw if raw is not None else tx.serialize())
    spks = [pbk.ScriptPubkey(c.script_pubkey) for c in coins]
    spent = [pbk.TransactionOutput(spk, c.value) for spk, c in zip(spks, coins)]
    precomputed = PrecomputedTransactionData(ktx, spent)
    for i, (spk, coin) in enumerate(zip(spks, coins)):
        try:
            ok = spk.verify(coin.value, ktx, precomputed, i, SCRIPT_FLAGS)
        except pbk.ScriptVerifyException:
            ok = False
        if not ok:
            return i
    if cache is not None:
        cache.add(wtxid)
    return None


# --- blocks (validation.cpp ConnectBlock) --------------------------------------------------
@dataclass
class BlockUndo:
    """undo.h CBlockUndo: the coins each transaction spent, in order, to disconnect it."""

    spent: list[tuple[tuple[bytes, int], Coin]]
    fees: int
    sigop_cost: int


def connect_block_transactions(
    block: CBlock,
    height: int,
    coins: Mapping[tuple[bytes, int], Coin],
    subsidy: int,
    mtp_at: Callable[[int], int],
    prev_mtp: int,
    cache: ScriptCache | None = None,
) -> BlockUndo:
    """Check every transaction of `block` against `coins` (the UTXO set at its parent) as
    ConnectBlock does, without changing anything; returns what connecting it spends.

    Order as Core: BIP30, then per transaction CheckTxInputs, BIP68, sigop cost and scripts,
    then the coinbase's value against subsidy + fees."""
    created: dict[tuple[bytes, int], Coin] = {}
    spent: list[tuple[tuple[bytes, int], Coin]] = []
    spent_set: set[tuple[bytes, int]] = set()
    # validation.cpp ConnectBlock: BIP30 is enforced on regtest (its BIP34Hash matches no block).
    for tx in block.vtx:
        txid = tx.GetTxid()
        for n in range(len(tx.vout)):
            if (txid, n) in coins:
                raise BlockInvalid("bad-txns-BIP30", "tried to overwrite transaction")
    fees = 0
    sigop_cost = 0
    for tx_index, tx in enumerate(block.vtx):
        txid = tx.GetTxid()
        tx_coins: list[Coin] = []
        if not tx.is_coinbase():
            for txin in tx.vin:
                op = (txin.prevout.hash, txin.prevout.n)
                coin = created.get(op)
                if coin is None and op not in spent_set:
                    coin = coins.get(op)
                if coin is None or op in spent_set:
                    raise BlockInvalid(
                        "bad-txns-inputs-missingorspent",
                        f"CheckTxInputs: inputs missing/spent in transaction {txid[::-1].hex()}",
                    )
                tx_coins.append(coin)
            try:
                fees += check_tx_inputs(tx, tx_coins, height)
            except TxInvalid as exc:
                raise BlockInvalid(exc.reason, exc.detail) from None
            if not money_range(fees):
                raise BlockInvalid("bad-txns-accumulated-fee-outofrange")
            if not sequence_locks_ok(tx, tx_coins, height, mtp_at, prev_mtp):
                raise BlockInvalid("bad-txns-nonfinal", "contains a non-BIP68-final transaction")
        sigop_cost += tx_sigop_cost(tx, tx_coins)
        if sigop_cost > MAX_BLOCK_SIGOPS_COST:
            raise BlockInvalid("bad-blk-sigops", "too many sigops")
        if not tx.is_coinbase():
            failed = verify_scripts(tx, tx_coins, cache)
            if failed is not None:
                text = script_error_text(tx, failed, tx_coins[failed], standard=False)
                raise BlockInvalid(f"block-script-verify-flag-failed ({text})", f"input {failed} of {txid[::-1].hex()}")
            for txin, coin in zip(tx.vin, tx_coins):
                op = (txin.prevout.hash, txin.prevout.n)
                created.pop(op, None)
                spent_set.add(op)
                spent.append((op, coin))
        for n, out in enumerate(tx.vout):
            if not is_unspendable(bytes(out.scriptPubKey)):
                created[(txid, n)] = Coin(out.nValue, bytes(out.scriptPubKey), height, tx_index == 0)
    paid = sum(o.nValue for o in block.vtx[0].vout)
    limit = fees + subsidy
    if paid > limit:
        raise BlockInvalid("bad-cb-amount", f"coinbase pays too much (actual={paid} vs limit={limit})")
    return BlockUndo(spent=spent, fees=fees, sigop_cost=sigop_cost)
