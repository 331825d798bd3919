"""The block subsidy in BTC and the halving schedule, over arrays: engine.primitives.subsidy's
integer rule, vectorised for the economics model (subsidies_btc, halving_schedule, ...).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.economy.units import HALVING_INTERVAL_MAINNET_BLOCKS, MAX_HALVINGS, SATS_PER_BTC, _out, _param
from engine.primitives import subsidy as subsidy_rules


def subsidies_btc(height: Any, halving_interval_blocks: int = HALVING_INTERVAL_MAINNET_BLOCKS) -> Any:
    """The block subsidy in BTC at `height` (a number or an array of heights): engine.primitives'
    block_subsidy_sat (validation.cpp GetBlockSubsidy: 50 BTC >> (height // interval)) over arrays.

    Zero from the 64th halving on. Mainnet interval 210,000; regtest (and the lab chain) 150.
    """
    h = _param("height", height, low=0)
    if np.any(h != np.floor(h)):
        raise ValueError(f"height must be a whole block number, got {height!r}")
    interval = _param("halving_interval_blocks", halving_interval_blocks, low=1)
    halvings = (h // interval).astype(np.int64)
    return _out(subsidy_after_halvings_btc(halvings))


def subsidy_after_halvings_btc(halvings: Any) -> Any:
    """Subsidy after `halvings` halvings: engine.primitives.subsidy's integer rule, element by element."""
    n = _param("halvings", halvings, low=0)
    if np.any(n != np.floor(n)):
        raise ValueError(f"halvings must be a whole number, got {halvings!r}")
    sats = _subsidy_after_halvings_sat(n.astype(np.int64))
    return _out(sats / SATS_PER_BTC)


# The primitive rule over arrays (engine.primitives stays free of NumPy).
_subsidy_after_halvings_sat = np.vectorize(
    lambda n: subsidy_rules.subsidy_after_halvings_sat(int(n)), otypes=[np.int64]
)


def halving_schedule(
    count: int = 8, halving_interval_blocks: int = HALVING_INTERVAL_MAINNET_BLOCKS
) -> list[tuple[int, int, float]]:
    """The first `count` eras as (halvings, first height, subsidy BTC): (0, 0, 50.0), (1, 210000, 25.0), ..."""
    if not isinstance(count, (int, np.integer)) or not 1 <= count <= MAX_HALVINGS + 1:
        raise ValueError(f"count must be a whole number in [1, {MAX_HALVINGS + 1}], got {count!r}")
    interval = int(_param("halving_interval_blocks", halving_interval_blocks, low=1))
    return [(n, n * interval, float(subsidy_after_halvings_btc(n))) for n in range(count)]


def blocks_until_halving(height: Any, halving_interval_blocks: int = HALVING_INTERVAL_MAINNET_BLOCKS) -> Any:
    """Blocks from `height` (the tip) until the next block whose subsidy is halved."""
    h = _param("height", height, low=0)
    interval = _param("halving_interval_blocks", halving_interval_blocks, low=1)
    return _out((h // interval + 1) * interval - h)
