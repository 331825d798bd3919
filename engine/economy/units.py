"""The economics model's shared ground: Bitcoin's constants (Core's, from engine.primitives), time
units, and the conventions every model function keeps: inputs checked by name (_param), a float out for scalars (_out).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np

from engine.primitives import params as chain_params
from engine.primitives import pow as pow_rules
from engine.primitives import subsidy as subsidy_rules

# --- Bitcoin constants: Core's, defined once in engine.primitives ------------------------------
TARGET_BLOCK_SPACING_S = chain_params.TARGET_SPACING_S
RETARGET_INTERVAL_BLOCKS = chain_params.RETARGET_INTERVAL
TARGET_TIMESPAN_S = chain_params.TARGET_TIMESPAN_S
HALVING_INTERVAL_MAINNET_BLOCKS = chain_params.MAINNET_HALVING_INTERVAL
HALVING_INTERVAL_REGTEST_BLOCKS = chain_params.REGTEST_HALVING_INTERVAL
INITIAL_SUBSIDY_SATS = subsidy_rules.INITIAL_SUBSIDY_SAT
SATS_PER_BTC = subsidy_rules.COIN
MAX_HALVINGS = subsidy_rules.MAX_HALVINGS
# Difficulty 1 (nBits 0x1d00ffff), where the retarget caps the target in this model.
POW_LIMIT_MAINNET = pow_rules.DIFF1_TARGET
HASHES_PER_DIFFICULTY = pow_rules.HASHES_PER_DIFFICULTY

SECONDS_PER_DAY = 86_400
HOURS_PER_YEAR = 8_760
DAYS_PER_YEAR = 365


def _out(value: np.ndarray) -> Any:
    """Return a Python float for 0-d results so scalar callers get plain numbers."""
    value = np.asarray(value)
    return float(value) if value.ndim == 0 else value


def _fields_as_dict(result: Any) -> dict[str, Any]:
    """A result dataclass as field name -> value (floats, or lists for a sweep), ready for JSON."""
    return {f.name: (v.tolist() if isinstance(v := getattr(result, f.name), np.ndarray) else v) for f in fields(result)}


def _param(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> np.ndarray:
    """Convert `value` to a float array and check it lies in its range, naming `name` if not."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    bad = np.zeros(array.shape, dtype=bool)
    if low is not None:
        bad |= (array <= low) if low_open else (array < low)
    if high is not None:
        bad |= (array >= high) if high_open else (array > high)
    if np.any(bad):
        first = array[bad].flat[0]
        lo = "" if low is None else ("(" if low_open else "[") + f"{low:g}"
        hi = "" if high is None else f"{high:g}" + (")" if high_open else "]")
        raise ValueError(f"{name} must be in {lo or '(-inf'}, {hi or 'inf)'}, got {first:g}")
    return array


# --- text ----------------------------------------------------------------------------------------
def usd_text(value: float) -> str:
    """Money in the command line's English text: $1.35M, $160.00k, $35.10, and a negative amount
    with its sign in front, -$960.10k (never "$-0.96M"). The window writes money through
    gui/formats.py, in the language shown."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{sign}${value / size:,.2f}{suffix}"
    return f"{sign}${value:,.2f}"
