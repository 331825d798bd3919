"""Bitcoin Core's reject reasons in words a student can act on (Core validation.cpp,
policy/policy.cpp and rpc/mempool.cpp name them; the node's README lists ours)."""

from __future__ import annotations

from engine.rpc import RPCError

# reason prefix -> explanation; the node's reason is always shown after it
REASONS: dict[str, str] = {
    "min relay fee not met": "The fee rate is below the node's minimum relay fee (1 sat/vB): raise the fee rate.",
    "mempool min fee not met": "The node's mempool is full: raise the fee rate.",
    "mempool full": "The node's mempool is full: raise the fee rate.",
    "insufficient fee": "These coins are already being spent by another unconfirmed payment; replacing "
    "it needs a higher fee rate than it paid.",
    "txn-mempool-conflict": "These coins are already being spent by another unconfirmed payment.",
    "bad-txns-inputs-missingorspent": "Some of these coins are already spent or unknown to the node: "
    "wait for the wallet to refresh and try again.",
    "missing-inputs": "Some of these coins are already spent or unknown to the node: wait for the "
    "wallet to refresh and try again.",
    "bad-txns-premature-spend-of-coinbase": "Mined coins can be spent only after 100 confirmations.",
    "dust": "An output is too small to be worth spending (dust): send more, or less change.",
    "max-fee-exceeded": "The fee is above the node's safety limit (0.1 BTC/kvB): lower the fee rate.",
    "Fee exceeds maximum": "The fee is above the node's safety limit (0.1 BTC/kvB): lower the fee rate.",
    "txn-already-in-mempool": "This payment is already waiting in the node's mempool.",
    "txn-already-known": "This payment is already known to the node.",
    "Transaction outputs already in utxo set": "This payment is already confirmed.",
    "too-long-mempool-chain": "Too many unconfirmed payments in a row: wait for a block.",
    "tx-size": "The payment is too large: send fewer coins at a time.",
    "mempool-script-verify-flag-failed": "The node found a signature invalid.",
    "mandatory-script-verify-flag-failed": "The node found a signature invalid.",
    "non-BIP68-final": "The payment is not valid yet (sequence lock).",
    "non-final": "The payment is not valid yet (lock time).",
}


def explain(reason: str) -> str:
    """Words for a reject reason, followed by the node's own words."""
    for prefix, words in REASONS.items():
        if reason.startswith(prefix):
            return f"{words} (node: {reason})"
    return f"The node refused the payment: {reason}"


def explain_rpc_error(exc: RPCError) -> str:
    """sendrawtransaction's errors: -26 rejected (reason, details), -25 missing inputs,
    -27 already confirmed (Core rpc/mempool.cpp, node/transaction.cpp)."""
    if exc.code in (-25, -26, -27):
        return explain(exc.message)
    if exc.code is None:
        return f"The node cannot be reached: {exc.message}"
    return f"The node refused the payment: {exc.message} (code {exc.code})"
