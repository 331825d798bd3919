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


def hash_share(attacker_hashes: float, honest_hashes: float) -> float:
    """q: the attacker's share of the hashes both sides did (0 before either did any)."""
    total = attacker_hashes + honest_hashes
    return attacker_hashes / total if total > 0 else 0.0


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


def race_success_probability(q: float, z: int, give_up_behind: int, premined: int = 1) -> float:
    """The exact chance the lab's race (engine.wallet.race.RaceRules) succeeds: the attacker starts
    `premined` blocks ahead (the conflicting transaction already in its first private block), each
    next block is the attacker's with probability q, it publishes as soon as its branch is strictly
    longer (Core keeps the first branch it saw on a tie) and the payment has z confirmations, and
    gives up when `give_up_behind` blocks behind. With premined = 1 and no giving up this is
    Rosenfeld's exact value (2014), which Nakamoto's Poisson approximation (above) is close to."""
    q = _check_share(q)
    for name, value, low in (("z", z, 0), ("give_up_behind", give_up_behind, 1), ("premined", premined, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{name} must be a whole number >= {low}, got {value!r}")
    p = 1.0 - q
    if q == 0:
        return 0.0

    def after_acceptance(deficit: int) -> float:
        # gambler's ruin between "one ahead" (deficit -1: release) and "give_up_behind" behind
        if deficit <= -1:
            return 1.0
        if deficit >= give_up_behind:
            return 0.0
        x, n = deficit + 1, give_up_behind + 1
        if p == q:
            return 1.0 - x / n
        s = q / p  # f(x) = q f(x-1) + p f(x+1), f(0) = 1, f(n) = 0
        return (s**x - s**n) / (1.0 - s**n)

    memo: dict[tuple[int, int], float] = {}

    def chance(private: int, public: int) -> float:
        if public >= z:  # the payment has its confirmations (it is in the first public block)
            return after_acceptance(public - private)
        if public - private >= give_up_behind:
            return 0.0
        if private > z:  # longer than the public chain will be when the merchant accepts
            return 1.0
        key = (private, public)
        if key not in memo:
            memo[key] = q * chance(private + 1, public) + p * chance(private, public + 1)
        return memo[key]

    return chance(premined, 0)
