"""How the laptop maps to a real site and the lab chain to the Bitcoin network.

Each CPU core stands for an equal share of the site's megawatts, so moving a core from mining to
AI converts that many MW. The lab chain stands for the network: every halving on it since the
lesson began halves the scenario's block subsidy (as GetBlockSubsidy shifts it), and its
difficulty changes move the scenario's network difficulty by the same ratio.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from engine import economics as econ

if TYPE_CHECKING:
    from engine.ai_jobs import BillingRate

TEACHER_SENTENCES = (
    "Each CPU core on this laptop stands for an equal share of the site's power: with a 1 GW site "
    "and 4 cores, every core is 250 MW, so moving one core from mining to AI converts 250 MW of the "
    "site. The lab chain stands for the Bitcoin network: every halving on it halves the site's block "
    "subsidy, and when its difficulty moves, the network difficulty in the model moves by the same "
    "ratio, so the panel shows what the laptop's events would mean in dollars for the real site."
)


@dataclass(frozen=True)
class LabMapping:
    """The laptop's `total_cores` stand for the site's `site_mw` (facility MW, mining plus AI)."""
    site_mw: float
    total_cores: int

    def __post_init__(self) -> None:
        econ._param("site_mw", self.site_mw, low=0, low_open=True)
        if isinstance(self.total_cores, bool) or not isinstance(self.total_cores, int) or self.total_cores < 1:
            raise ValueError(f"total_cores must be a whole number >= 1, got {self.total_cores!r}")

    @property
    def mw_per_core(self) -> float:
        return self.site_mw / self.total_cores

    def split_mw(self, mining_slots: int, ai_slots: int) -> tuple[float, float]:
        """(mining MW, AI facility MW) for a split of the cores; idle cores stand for idle MW."""
        for name, value in (("mining_slots", mining_slots), ("ai_slots", ai_slots)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
        if mining_slots + ai_slots > self.total_cores:
            raise ValueError(f"mining_slots + ai_slots must be at most total_cores ({self.total_cores}), "
                             f"got {mining_slots} + {ai_slots}")
        return mining_slots * self.mw_per_core, ai_slots * self.mw_per_core


@dataclass(frozen=True)
class ChainState:
    """What the model needs from the lab chain (getblockchaininfo's `blocks` and `difficulty`)."""
    height: int
    difficulty: float
    halving_interval_blocks: int = econ.HALVING_INTERVAL_REGTEST_BLOCKS

    def __post_init__(self) -> None:
        if isinstance(self.height, bool) or not isinstance(self.height, int) or self.height < 0:
            raise ValueError(f"height must be a whole number >= 0, got {self.height!r}")
        econ._param("difficulty", self.difficulty, low=0, low_open=True)
        if (isinstance(self.halving_interval_blocks, bool) or not isinstance(self.halving_interval_blocks, int)
                or self.halving_interval_blocks < 1):
            raise ValueError(f"halving_interval_blocks must be a whole number >= 1, got {self.halving_interval_blocks!r}")

    @property
    def halvings(self) -> int:
        return self.height // self.halving_interval_blocks

    @classmethod
    def from_blockchaininfo(cls, info: Mapping[str, Any],
                            halving_interval_blocks: int = econ.HALVING_INTERVAL_REGTEST_BLOCKS) -> "ChainState":
        """From Bitcoin Core's getblockchaininfo result (fields `blocks`, `difficulty`)."""
        return cls(int(info["blocks"]), float(info["difficulty"]), halving_interval_blocks)


def world_from_lab(subsidy_btc: float, difficulty: float, start: ChainState, now: ChainState) -> dict[str, float]:
    """The scenario's subsidy and difficulty moved by what happened on the lab chain since `start`.

    Subsidy: shifted right once per lab halving, in satoshis like GetBlockSubsidy (validation.cpp).
    Difficulty: scaled by the lab chain's difficulty ratio (pow.cpp retargets drive it).
    """
    econ._param("subsidy_btc", subsidy_btc, low=0, high=50)
    econ._param("difficulty", difficulty, low=0, low_open=True)
    halvings = now.halvings - start.halvings
    sats = int(round(subsidy_btc * econ.SATS_PER_BTC))
    if halvings >= 0:
        sats = sats >> halvings if halvings < econ.MAX_HALVINGS else 0
    else:  # the lab chain was reset below the start: undo halvings, never above 50 BTC
        sats = min(sats << -halvings, econ.INITIAL_SUBSIDY_SATS)
    ratio = now.difficulty / start.difficulty
    return {"subsidy_btc": sats / econ.SATS_PER_BTC, "difficulty": difficulty * ratio,
            "lab_halvings": float(halvings), "lab_difficulty_ratio": ratio}


def site_pnl_from_lab(values: Mapping[str, float], mapping: LabMapping, mining_slots: int, ai_slots: int,
                      start: ChainState, now: ChainState, *, ai_mode: str = "colocation",
                      ai_availability: float | None = None) -> econ.SitePnl:
    """The site P&L for the laptop's current split and chain, from a scenario's parameter values.

    `values` is `Scenario.values()`; `ai_availability` (e.g. the AI runner's measured availability)
    replaces the scenario's if given.
    """
    mining_mw, ai_mw = mapping.split_mw(mining_slots, ai_slots)
    world = world_from_lab(values["subsidy_btc"], values["difficulty"], start, now)
    keys = {k: v for k, v in values.items() if k in _SITE_PNL_KEYS}
    keys.update(mining_mw=mining_mw, ai_mw=ai_mw, subsidy_btc=world["subsidy_btc"], difficulty=world["difficulty"])
    if ai_availability is not None:
        keys["ai_availability"] = ai_availability
    return econ.site_pnl(ai_mode=ai_mode, **keys)


def ai_revenue_usd_per_mw_it_hour(values: Mapping[str, float], ai_mode: str = "colocation") -> float:
    """What one MW of IT load earns per hour in the scenario: the lease, or GPU-hours sold."""
    if ai_mode == "colocation":
        return float(econ.colocation_revenue_usd_per_kwh(values["lease_usd_per_mw_it_year"])) * 1000.0
    if ai_mode == "gpu_cloud":
        return float(econ.gpu_cloud_revenue_usd_per_kwh(values["gpu_price_usd_per_gpu_hour"],
                                                        values["power_per_gpu_kw"], values["gpu_utilisation"])) * 1000.0
    raise ValueError(f"ai_mode must be one of {econ.AI_MODES}, got {ai_mode!r}")


def ai_billing_for_lab(values: Mapping[str, float], mapping: LabMapping, slot_gflop_s: float,
                       ai_mode: str = "colocation") -> "BillingRate":
    """The AI runner's rate: a core at full speed earns what its share of the site's AI hall earns."""
    from engine.ai_jobs import BillingRate  # only here: the model itself needs no threads or BLAS
    return BillingRate.for_site(
        ai_revenue_usd_per_mw_it_hour=ai_revenue_usd_per_mw_it_hour(values, ai_mode),
        mw_it_per_slot=mapping.mw_per_core / values["pue"], slot_gflop_s=slot_gflop_s,
        sla_availability=values["sla_availability"], sla_penalty_multiplier=values["sla_penalty_multiplier"])


_SITE_PNL_KEYS = frozenset(
    ("btc_price_usd", "fees_btc_per_block", "efficiency_j_per_th", "power_price_usd_per_kwh",
     "mining_capex_usd_per_mw", "mining_amortisation_years", "mining_uptime", "curtailment_credit_usd_per_mwh",
     "pue", "ai_shell_capex_usd_per_mw_it", "ai_shell_amortisation_years", "lease_usd_per_mw_it_year",
     "lease_operating_margin", "gpu_capex_usd_per_mw_it", "gpu_amortisation_years", "gpu_price_usd_per_gpu_hour",
     "power_per_gpu_kw", "gpu_utilisation", "gpu_other_opex_fraction", "ai_availability", "sla_availability",
     "sla_penalty_multiplier", "conversion_months"))
