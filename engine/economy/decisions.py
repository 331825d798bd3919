"""Decisions a class can make: mining or AI per MW over a BTC-price or power-price range (with the
crossover marked), and a 6-240 month horizon for "keep mining" versus "convert to AI"
(engine.economy.conversion reads it at each lab halving for the lesson's crossover).

Pure functions of a scenario's parameter values (`Scenario.values()`); NumPy-vectorised; no Qt.
Profits are per MW of facility power per year, steady state (the AI hall once built).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.economy import economics as econ
from engine.economy import units
from engine.economy.scenario_params import SITE_PNL_KEYS

# site_pnl's arguments but the split (each call sets its own) and the conversion time (a horizon's
# own figure, left at site_pnl's default here as before).
_SITE_ARGS = tuple(k for k in SITE_PNL_KEYS if k not in ("mining_mw", "ai_mw", "conversion_months"))


def _one_mw(values: Mapping[str, float], ai_mode: str, **changes: Any) -> tuple[Any, Any]:
    """(mining, AI) profit in USD per facility MW per year; `changes` may be arrays (a sweep)."""
    args = {k: values[k] for k in _SITE_ARGS}
    args.update(changes)
    mining = econ.site_pnl(mining_mw=1.0, ai_mw=0.0, ai_mode=ai_mode, **args)
    ai = econ.site_pnl(mining_mw=0.0, ai_mw=1.0, ai_mode=ai_mode, **args)
    return (
        np.asarray(mining.mining_profit_usd_per_day) * units.DAYS_PER_YEAR,
        np.asarray(ai.ai_profit_usd_per_day) * units.DAYS_PER_YEAR,
    )


def _crossover(x: np.ndarray, mining: np.ndarray, ai: np.ndarray) -> float | None:
    """Where mining's line meets AI's (both are linear in the swept input), or None if parallel."""
    diff = mining - ai
    slope = (diff[-1] - diff[0]) / (x[-1] - x[0])
    if abs(slope) < 1e-12:
        return None
    root = float(x[0] - diff[0] / slope)
    return root if root > 0 else None


@dataclass(frozen=True)
class Sweep:
    """Mining and AI profit per MW-year across `x` (BTC price or power price), and where they cross."""

    name: str
    x: np.ndarray
    mining_usd_per_mw_year: np.ndarray
    ai_usd_per_mw_year: np.ndarray
    crossover: float | None  # the x at which mining earns what AI earns (may lie outside the range)


def btc_price_sweep(values: Mapping[str, float], ai_mode: str = "colocation", prices_usd: Any = None) -> Sweep:
    """Mining vs AI per MW-year for BTC prices (default $20k-$300k); mining rises with the price."""
    prices = np.asarray(prices_usd if prices_usd is not None else np.linspace(20_000, 300_000, 57), dtype=float)
    mining, ai = _one_mw(values, ai_mode, btc_price_usd=prices)
    ai = np.broadcast_to(ai, prices.shape).astype(float)
    return Sweep("btc_price_usd", prices, mining, ai, _crossover(prices, mining, ai))


def power_price_sweep(
    values: Mapping[str, float], ai_mode: str = "colocation", prices_usd_per_kwh: Any = None
) -> Sweep:
    """Mining vs AI per MW-year for power prices (default 0-15 c/kWh). A colocation tenant pays its
    own power, so the lease's line is flat; a GPU cloud pays the site's power and falls too."""
    prices = np.asarray(
        prices_usd_per_kwh if prices_usd_per_kwh is not None else np.linspace(0.0, 0.15, 61), dtype=float
    )
    mining, ai = _one_mw(values, ai_mode, power_price_usd_per_kwh=prices)
    ai = np.broadcast_to(ai, prices.shape).astype(float)
    return Sweep("power_price_usd_per_kwh", prices, mining, ai, _crossover(prices, mining, ai))


# The real halvings come every 210,000 blocks, about four years (lab_mapping.YEARS_PER_HALVING).
MONTHS_PER_HALVING = 48
MAX_HORIZON_MONTHS = 240


@dataclass(frozen=True)
class Horizon:
    """Month-by-month cash of 1 MW over the horizon, for keeping it mining or converting it to AI.

    Keep mining: buy new machines now (`asic_price_usd_per_th` for the MW's TH/s) unless they are
    already on site, and again each time they reach `asic_life_years`; each month earn revenue
    minus power, with difficulty growing, the BTC price changing and the subsidy halving at the
    real next halving and every four years after it (fees do not halve). Convert: build the AI
    shell now (per MW of IT load), earn nothing for `conversion_months`, then the AI hall's
    monthly cash (the lease or GPU-hours, less the SLA penalty and opex). Both discounted monthly.
    """

    months: np.ndarray  # 1..horizon
    difficulty: np.ndarray
    btc_price_usd: np.ndarray
    subsidy_btc: np.ndarray
    mining_capex_usd: float  # one set of machines
    ai_capex_usd: float
    mining_cash_usd: np.ndarray  # cumulative, after the capex spent so far
    ai_cash_usd: np.ndarray
    mining_npv_usd: float
    ai_npv_usd: float
    mining_payback_month: int | None
    ai_payback_month: int | None
    halving_month: int | None  # the first halving inside the horizon
    machine_buy_months: tuple[int, ...] = ()  # 0 = now


def horizon(
    values: Mapping[str, float], months: int = 36, ai_mode: str = "colocation", machines_on_site: bool = False
) -> Horizon:
    """Keep mining vs convert for 1 MW over `months` (6-240)."""
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or not 6 <= months <= MAX_HORIZON_MONTHS:
        raise ValueError(f"months must be a whole number in [6, {MAX_HORIZON_MONTHS}], got {months!r}")
    t = np.arange(1, months + 1, dtype=float)
    growth = units._param("difficulty_growth_per_month", values["difficulty_growth_per_month"], low=-0.5, high=0.5)
    price_change = units._param("btc_price_change_per_year", values["btc_price_change_per_year"], low=-0.9, high=5)
    rate = units._param("discount_rate_per_year", values["discount_rate_per_year"], low=0, high=1)
    to_halving = float(values["months_to_next_halving"])
    difficulty = values["difficulty"] * (1.0 + growth) ** (t - 0.5)
    price = values["btc_price_usd"] * (1.0 + price_change) ** ((t - 0.5) / 12.0)
    halving_month = int(np.ceil(to_halving)) if 0 < to_halving <= months else None
    mid = t - 0.5
    halvings = np.where(mid >= to_halving, 1 + np.floor((mid - to_halving) / MONTHS_PER_HALVING), 0)
    subsidy = values["subsidy_btc"] / 2.0**halvings

    args: dict[str, Any] = {k: values[k] for k in _SITE_ARGS}  # site_pnl takes scalars or arrays
    args.update(difficulty=difficulty, btc_price_usd=price, subsidy_btc=subsidy)
    mining = econ.site_pnl(mining_mw=1.0, ai_mw=0.0, ai_mode=ai_mode, **args)
    ai = econ.site_pnl(mining_mw=0.0, ai_mw=1.0, ai_mode=ai_mode, **args)
    days = units.DAYS_PER_YEAR / 12.0
    mining_month = (
        np.asarray(mining.mining_revenue_usd_per_day)
        + np.asarray(mining.mining_curtailment_credit_usd_per_day)
        - np.asarray(mining.mining_power_cost_usd_per_day)
    ) * days
    ai_running = (
        np.asarray(ai.ai_revenue_usd_per_day)
        - np.asarray(ai.ai_sla_penalty_usd_per_day)
        - np.asarray(ai.ai_opex_usd_per_day)
    ) * days
    ai_month = np.where(t > values["conversion_months"], np.broadcast_to(ai_running, t.shape), 0.0)
    mining_capex = float(np.asarray(mining.mining_machines_capex_usd).flat[0])
    ai_capex = float(np.asarray(ai.ai_capex_usd).flat[0])
    life_months = float(values["asic_life_years"]) * 12.0
    buys = tuple(
        int(m) for m in np.arange(0.0, months, life_months) if not (machines_on_site and m == 0) and m < months
    )
    # machines bought at month m are paid at the end of month m (month 0: up front, undiscounted)
    mining_spend = np.zeros(months + 1)
    for m in buys:
        mining_spend[m] += mining_capex
    discount = (1.0 + rate) ** (-t / 12.0)
    mining_cash = np.cumsum(mining_month - mining_spend[1:]) - mining_spend[0]
    ai_cash = np.cumsum(ai_month) - ai_capex
    mining_spend_pv = float(mining_spend[0] + np.sum(mining_spend[1:] * discount))

    def payback(cash: np.ndarray) -> int | None:
        hit = np.flatnonzero(cash >= 0)
        return int(t[hit[0]]) if hit.size else None

    return Horizon(
        t,
        difficulty,
        price,
        subsidy,
        mining_capex,
        ai_capex,
        mining_cash,
        ai_cash,
        float(np.sum(mining_month * discount) - mining_spend_pv),
        float(np.sum(ai_month * discount) - ai_capex),
        payback(mining_cash),
        payback(ai_cash),
        halving_month,
        buys,
    )
