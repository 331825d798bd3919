"""The block subsidy (validation.cpp GetBlockSubsidy): 50 BTC halved every interval, in satoshis."""

from __future__ import annotations

from engine.primitives.params import ConsensusParams

COIN = 100_000_000  # consensus/amount.h: satoshis per BTC
MAX_MONEY_SAT = 21_000_000 * COIN  # consensus/amount.h MAX_MONEY: no amount or sum above it is valid
INITIAL_SUBSIDY_SAT = 50 * COIN  # GetBlockSubsidy: nSubsidy = 50 * COIN
MAX_HALVINGS = 64  # GetBlockSubsidy: "Force block reward to zero when right shift is undefined."


def subsidy_after_halvings_sat(halvings: int, era_subsidy_sat: int = INITIAL_SUBSIDY_SAT) -> int:
    """`era_subsidy_sat` shifted right once per halving, zero from the 64th on (GetBlockSubsidy)."""
    return 0 if halvings >= MAX_HALVINGS else era_subsidy_sat >> halvings


def block_subsidy_sat(height: int, params: ConsensusParams) -> int:
    """validation.cpp GetBlockSubsidy: the subsidy of the block at `height`, in satoshis."""
    return subsidy_after_halvings_sat(height // params.halving_interval)
