"""The difficulty retarget for the economics model: Core's rule with its inputs checked
(next_target), its float view over arrays (retarget_difficulty), and luck's spread over one window.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.economy.units import POW_LIMIT_MAINNET, TARGET_TIMESPAN_S, _out, _param
from engine.primitives import pow as pow_rules


def next_target(
    old_target: int,
    actual_timespan_s: int,
    target_timespan_s: int = TARGET_TIMESPAN_S,
    pow_limit: int = POW_LIMIT_MAINNET,
) -> int:
    """New target, integer-exact as pow.cpp CalculateNextWorkRequired (engine.primitives.pow's
    rule; this checks the inputs first and names the bad one)."""
    if not isinstance(old_target, int) or not 0 < old_target <= pow_limit:
        raise ValueError(f"old_target must be an int in (0, pow_limit], got {old_target!r}")
    if not isinstance(target_timespan_s, int) or target_timespan_s < 4:
        raise ValueError(f"target_timespan_s must be an int >= 4, got {target_timespan_s!r}")
    if not isinstance(actual_timespan_s, int):
        raise ValueError(f"actual_timespan_s must be an int, got {actual_timespan_s!r}")
    return pow_rules.calculate_next_target(old_target, actual_timespan_s, target_timespan_s, pow_limit)


def retarget_difficulty(
    old_difficulty: Any, actual_timespan_s: Any, target_timespan_s: Any = TARGET_TIMESPAN_S, min_difficulty: Any = 1.0
) -> Any:
    """New difficulty after a retarget (the float view of `next_target`): D * T / clamp(actual, T/4, 4T).

    So difficulty moves at most 4x either way per retarget (engine.primitives.pow.MAX_RETARGET_FACTOR),
    and never below `min_difficulty` (the pow limit). Vectorised here, as NumPy stays out of the primitives.
    """
    d = _param("old_difficulty", old_difficulty, low=0, low_open=True)
    actual = _param("actual_timespan_s", actual_timespan_s, low=0)
    t = _param("target_timespan_s", target_timespan_s, low=0, low_open=True)
    floor = _param("min_difficulty", min_difficulty, low=0)
    clamped = np.clip(actual, t / pow_rules.MAX_RETARGET_FACTOR, t * pow_rules.MAX_RETARGET_FACTOR)
    return _out(np.maximum(d * t / clamped, floor))


# --- luck ---------------------------------------------------------------------------------------


def retarget_luck_sigma(interval_blocks: Any) -> Any:
    """Relative spread (1 sigma) of a retarget window's length from luck alone: 1 / sqrt(N).

    Block times are exponential, so N blocks take a Gamma(N)-distributed time whose standard
    deviation is sqrt(N) block times: ~20% for the lab's 24 blocks, ~2.2% for Bitcoin's 2016.
    """
    n = _param("interval_blocks", interval_blocks, low=1)
    return _out(1.0 / np.sqrt(n))
