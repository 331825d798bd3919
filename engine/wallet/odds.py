"""The odds of a double-spend race, from Nakamoto's whitepaper (section 11, "Calculations").

An attacker with a share `q` of the hashrate (the honest nodes have p = 1 - q) tries to replace
a payment the merchant accepted after `z` confirmations. Pure functions, no Qt, no RPC.
"""

from __future__ import annotations

import math


def _check_share(q: float) -> float:
    if isinstance(q, bool) or not isinstance(q, (int, float)) or not 0 <= q <= 1:
        raise ValueError(f"the attacker's hashrate share q must be between 0 and 1, got {q!r}")
    return float(q)


def catch_up_probability(q: float, deficit: int) -> float:
    """Gambler's ruin: the chance an attacker `deficit` blocks behind ever gets one block
    ahead of the honest chain (q_z in the whitepaper, here for z = deficit + 1)."""
    q = _check_share(q)
    if deficit < 0:
        return 1.0  # already ahead: releasing wins now
    p = 1.0 - q
    return 1.0 if q >= p else (q / p) ** (deficit + 1)


def attacker_success_probability(q: float, z: int) -> float:
    """Whitepaper section 11's AttackerSuccessProbability(q, z): the attacker's progress while
    the merchant waits for z blocks is Poisson with mean z*q/p; from there, gambler's ruin."""
    q = _check_share(q)
    if isinstance(z, bool) or not isinstance(z, int) or z < 0:
        raise ValueError(f"confirmations z must be a whole number >= 0, got {z!r}")
    p = 1.0 - q
    if q >= p:
        return 1.0
    lam = z * (q / p)
    total = 1.0
    poisson = math.exp(-lam)
    for k in range(z + 1):
        if k:
            poisson *= lam / k
        total -= poisson * (1 - (q / p) ** (z - k))
    return max(0.0, total)


def confirmations_for(q: float, risk: float = 0.001) -> int:
    """The fewest confirmations that bring the attacker's chance below `risk` (the whitepaper's
    second table, for P < 0.1%)."""
    q = _check_share(q)
    if q >= 0.5:
        raise ValueError("with half the hashrate or more the attacker always catches up")
    z = 0
    while attacker_success_probability(q, z) >= risk:
        z += 1
    return z
