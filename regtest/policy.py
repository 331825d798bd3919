"""Relay policy: what the mempool accepts beyond consensus (Bitcoin Core policy/policy.cpp,
policy/feerate.cpp), with Core's reject reasons. Defaults are Core 29's."""

from __future__ import annotations

from bitcoin.core import CTransaction
from bitcoin.core.script import CScript, CScriptInvalidError

from .tx_validation import Coin, TxInvalid, is_p2sh, last_push, script_sigops, witness_program

MAX_STANDARD_TX_WEIGHT = 400_000  # policy/policy.h
MIN_STANDARD_TX_NONWITNESS_SIZE = 65  # policy/policy.h
MAX_STANDARD_SCRIPTSIG_SIZE = 1650
MAX_STANDARD_TX_SIGOPS_COST = 16_000  # MAX_BLOCK_SIGOPS_COST / 5
MAX_P2SH_SIGOPS = 15
TX_MIN_STANDARD_VERSION, TX_MAX_STANDARD_VERSION = 1, 3  # policy/policy.h (3: TRUC)
MAX_OP_RETURN_RELAY = 83  # policy/policy.h, Core 29's -datacarriersize
MAX_STANDARD_P2WSH_SCRIPT_SIZE = 3600
MAX_STANDARD_P2WSH_STACK_ITEMS = 100
MAX_STANDARD_P2WSH_STACK_ITEM_SIZE = 80
MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE = 80
DUST_RELAY_FEE_SAT_PER_KVB = 3000  # policy/policy.h DUST_RELAY_TX_FEE
DEFAULT_MIN_RELAY_FEE_SAT_PER_KVB = 1000  # policy/policy.h DEFAULT_MIN_RELAY_TX_FEE (1 sat/vB)
DEFAULT_INCREMENTAL_RELAY_FEE_SAT_PER_KVB = 1000  # policy/policy.h DEFAULT_INCREMENTAL_RELAY_FEE
DEFAULT_ANCESTOR_LIMIT = 25  # policy/policy.h DEFAULT_ANCESTOR_LIMIT (count, and 101 kvB)
DEFAULT_DESCENDANT_LIMIT = 25
DEFAULT_ANCESTOR_SIZE_LIMIT_VB = 101_000
DEFAULT_DESCENDANT_SIZE_LIMIT_VB = 101_000  # policy/policy.h DEFAULT_DESCENDANT_SIZE_LIMIT_KVB
EXTRA_DESCENDANT_TX_SIZE_LIMIT = 10_000  # policy/policy.h: the CPFP carve-out's size and slack
TRUC_VERSION = 3  # policy/truc_policy.h: TRUC transactions get no carve-out
MAX_BIP125_REPLACEMENT_CANDIDATES = 100  # policy/rbf.h
DEFAULT_MAX_RAW_TX_FEE_RATE_SAT_PER_KVB = 10_000_000  # node/transaction.h: 0.10 BTC/kvB


def fee_for(rate_sat_per_kvb: int, vsize: int) -> int:
    """policy/feerate.cpp CFeeRate::GetFee: rounded down, never 0 for a positive rate."""
    fee = rate_sat_per_kvb * vsize // 1000
    return 1 if fee == 0 and vsize and rate_sat_per_kvb > 0 else fee


def vsize_of(weight: int, sigop_cost: int = 0) -> int:
    """policy/policy.cpp GetVirtualTransactionSize (bytes per sigop: 20)."""
    return (max(weight, sigop_cost * 20) + 3) // 4


def script_kind(spk: bytes) -> str:
    """script/solver.cpp Solver: the standard output types (GetTxnOutputType names)."""
    n = len(spk)
    if n == 25 and spk[:3] == b"\x76\xa9\x14" and spk[23:] == b"\x88\xac":
        return "pubkeyhash"
    if is_p2sh(spk):
        return "scripthash"
    if n in (35, 67) and spk[0] == n - 2 and spk[-1] == 0xAC:
        return "pubkey"
    if n >= 1 and spk[0] == 0x6A:
        try:  # OP_RETURN followed by pushes only
            if all(op <= 0x60 for op, _d, _i in CScript(spk[1:]).raw_iter()):
                return "nulldata"
        except CScriptInvalidError:
            pass
        return "nonstandard"
    program = witness_program(spk)
    if program:
        version, prog = program
        if version == 0 and len(prog) == 20:
            return "witness_v0_keyhash"
        if version == 0 and len(prog) == 32:
            return "witness_v0_scripthash"
        if version == 1 and len(prog) == 32:
            return "witness_v1_taproot"
        if version == 1 and prog == b"\x4e\x73":
            return "anchor"  # Core 28+: pay-to-anchor
        return "witness_unknown" if version != 0 else "nonstandard"
    if _is_bare_multisig(spk):
        return "multisig"
    return "nonstandard"


def _is_bare_multisig(spk: bytes) -> bool:
    try:
        ops = list(CScript(spk).raw_iter())
    except CScriptInvalidError:
        return False
    if len(ops) < 4 or ops[-1][0] != 0xAE:
        return False
    m, n = ops[0][0], ops[-2][0]
    keys = ops[1:-2]
    return (
        0x51 <= m <= n <= 0x53
        and len(keys) == n - 0x50
        and all(d is not None and len(d) in (33, 65) for _o, d, _i in keys)
    )


def dust_threshold(spk: bytes) -> int:
    """policy/policy.cpp GetDustThreshold at the dust relay fee (3 sat/vB)."""
    if spk and spk[0] == 0x6A:
        return 0  # unspendable outputs are never dust
    size = 8 + len(bytes([len(spk)]) if len(spk) < 253 else b"\xfd\x00\x00") + len(spk)
    # spending it later costs an input: 32+4+1+107/4+4 for witness programs, +107 otherwise
    size += 32 + 4 + 1 + (107 // 4 if witness_program(spk) else 107) + 4
    return fee_for(DUST_RELAY_FEE_SAT_PER_KVB, size)


def dust_outputs(tx: CTransaction) -> list[int]:
    return [n for n, o in enumerate(tx.vout) if o.nValue < dust_threshold(bytes(o.scriptPubKey))]


def check_standard(tx: CTransaction, weight: int) -> None:
    """policy/policy.cpp IsStandardTx (Core 29 defaults), raising Core's reasons."""
    if not TX_MIN_STANDARD_VERSION <= tx.nVersion <= TX_MAX_STANDARD_VERSION:
        raise TxInvalid("version")
    if weight > MAX_STANDARD_TX_WEIGHT:
        raise TxInvalid("tx-size")
    for txin in tx.vin:
        script_sig = bytes(txin.scriptSig)
        if len(script_sig) > MAX_STANDARD_SCRIPTSIG_SIZE:
            raise TxInvalid("scriptsig-size")
        if not CScript(script_sig).is_push_only():
            raise TxInvalid("scriptsig-not-pushonly")
    data_outputs = 0
    for out in tx.vout:
        spk = bytes(out.scriptPubKey)
        kind = script_kind(spk)
        if kind == "nonstandard" or (kind == "nulldata" and len(spk) > MAX_OP_RETURN_RELAY):
            raise TxInvalid("scriptpubkey")
        if kind == "nulldata":
            data_outputs += 1
    if data_outputs > 1:
        raise TxInvalid("multi-op-return")
    if len(dust_outputs(tx)) > 1:  # policy/ephemeral_policy.h: at most one (0-fee) dust output
        raise TxInvalid("dust")


def check_inputs_standard(tx: CTransaction, coins: list[Coin]) -> None:
    """policy/policy.cpp AreInputsStandard and IsWitnessStandard."""
    for txin, coin in zip(tx.vin, coins):
        kind = script_kind(coin.script_pubkey)
        if kind in ("nonstandard", "witness_unknown"):
            raise TxInvalid("bad-txns-nonstandard-inputs", f"input spends a {kind} script")
        if kind == "scripthash":
            redeem = last_push(bytes(txin.scriptSig))
            if redeem is None or script_sigops(redeem, accurate=True) > MAX_P2SH_SIGOPS:
                raise TxInvalid("bad-txns-nonstandard-inputs", "p2sh redeem script")
    if tx.wit.is_null():
        return
    for i, (txin, coin) in enumerate(zip(tx.vin, coins)):
        stack = [bytes(x) for x in tx.wit.vtxinwit[i].scriptWitness.stack] if i < len(tx.wit.vtxinwit) else []
        if not stack:
            continue
        spk, p2sh = coin.script_pubkey, False
        if is_p2sh(spk):
            spk, p2sh = last_push(bytes(txin.scriptSig)) or b"", True
        program = witness_program(spk)
        if program is None:
            raise TxInvalid("bad-witness-nonstandard", "witness on a non-witness input")
        version, prog = program
        if version == 0 and len(prog) == 32:
            if (
                len(stack[-1]) > MAX_STANDARD_P2WSH_SCRIPT_SIZE
                or len(stack) - 1 > MAX_STANDARD_P2WSH_STACK_ITEMS
                or any(len(x) > MAX_STANDARD_P2WSH_STACK_ITEM_SIZE for x in stack[:-1])
            ):
                raise TxInvalid("bad-witness-nonstandard")
        elif version == 1 and len(prog) == 32 and not p2sh:
            if len(stack) >= 2 and stack[-1][:1] == b"\x50":
                raise TxInvalid("bad-witness-nonstandard", "annex")  # BIP341 annex: not relayed
            if (
                len(stack) >= 2
                and stack[-1][:1]
                and (stack[-1][0] & 0xFE) == 0xC0
                and any(len(x) > MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE for x in stack[:-2])
            ):
                raise TxInvalid("bad-witness-nonstandard")
