"""How the lab maps to the world: the lab chain is the Bitcoin network in miniature, and "your site"
is a separate actor of fixed size inside it.

Every core mining on the lab chain (this laptop's, or a whole class's) stands for an equal share of
the world's hashrate, so moving cores to AI is the industry converting: the lab's hashrate falls,
its retarget lowers difficulty, and the ratio to the chain's own start difficulty scales the
world's. A site (e.g. Corsicana, ~4% of the world) has a fixed size in MW and J/TH; its own
mining/AI split moves world difficulty only by its own share of the world's hashrate.
Lab halvings are real halvings (the next ones expected around 2028, 2032, ...).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.economy import economics as econ
from engine.economy import retarget, units
from engine.primitives.params import ConsensusParams
from engine.primitives.pow import difficulty_from_bits
from engine.primitives.subsidy import subsidy_after_halvings_sat

TEACHER_SENTENCES = (
    "The lab chain is the Bitcoin network in miniature: every core mining on it stands for an equal "
    "share of the world's hashrate, so moving cores to AI is the whole industry converting, and the "
    "retarget that follows lowers the world's difficulty so the miners who stay earn more per hash. "
    "Your site is one named actor of fixed size inside that world (1 GW is about 4% of it), so its own "
    "choice moves world difficulty only by its share, and its profit is shown both in the world as it "
    "is today and in a world that shrank like the lab."
)

# The four halvings so far: blocks 210,000 (2012), 420,000 (2016), 630,000 (2020), 840,000 (April 2024);
# at ~10 minutes a block the next are expected about every four years (2028, 2032, ...).
FIRST_HALVING_YEAR = 2012
YEARS_PER_HALVING = 4


@dataclass(frozen=True)
class LabMapping:
    """The laptop's `total_cores` stand for the site's `site_mw` (facility MW, mining plus AI)."""

    site_mw: float
    total_cores: int

    def __post_init__(self) -> None:
        units._param("site_mw", self.site_mw, low=0, low_open=True)
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
            raise ValueError(
                f"mining_slots + ai_slots must be at most total_cores ({self.total_cores}), "
                f"got {mining_slots} + {ai_slots}"
            )
        return mining_slots * self.mw_per_core, ai_slots * self.mw_per_core


@dataclass(frozen=True)
class LabClock:
    """The lab chain's time compression, read from getblockchaininfo's `consensus` (our extension)."""

    block_spacing_s: float
    retarget_interval_blocks: int
    halving_interval_blocks: int
    retargets: bool = True

    def __post_init__(self) -> None:
        units._param("block_spacing_s", self.block_spacing_s, low=0, low_open=True)
        for name in ("retarget_interval_blocks", "halving_interval_blocks"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")

    @classmethod
    def from_consensus(cls, consensus: Mapping[str, Any] | None) -> LabClock:
        """From getblockchaininfo's `consensus` dict; a node without one is taken as Core's regtest."""
        params = ConsensusParams.from_consensus(consensus)
        return cls(
            float(params.target_spacing_s), params.retarget_interval, params.halving_interval, not params.no_retargeting
        )

    @property
    def speedup(self) -> float:
        return units.TARGET_BLOCK_SPACING_S / self.block_spacing_s

    @property
    def luck_sigma(self) -> float:
        """1-sigma spread of one retarget window from luck alone (0 if the chain never retargets)."""
        return float(retarget.retarget_luck_sigma(self.retarget_interval_blocks)) if self.retargets else 0.0

    def compression_text(self) -> str:
        """'a lab block = 5 s for 10 min, a lab retarget = 24 blocks for 2016, a lab halving = 150 blocks for 210,000'."""
        retarget_text = (
            f"a lab retarget = {self.retarget_interval_blocks} blocks for {units.RETARGET_INTERVAL_BLOCKS:,}"
            if self.retargets
            else "no retargets on this chain"
        )
        return (
            f"a lab block = {self.block_spacing_s:g} s for 10 min, {retarget_text}, a lab halving = "
            f"{self.halving_interval_blocks:,} blocks for {units.HALVING_INTERVAL_MAINNET_BLOCKS:,}"
        )


def start_difficulty_of(info: Mapping[str, Any], block1_difficulty: float | None = None) -> float | None:
    """The chain's own start difficulty: `consensus.start_difficulty` (or `start_bits`) as our node
    reports it, else block 1's header difficulty for nodes that lack it; None if neither is known."""
    consensus = info.get("consensus") or {}
    if consensus.get("start_difficulty"):
        return float(consensus["start_difficulty"])
    if consensus.get("start_bits"):
        return difficulty_from_bits(int(str(consensus["start_bits"]), 16))
    return float(block1_difficulty) if block1_difficulty else None


@dataclass(frozen=True)
class LabChain:
    """The lab chain read as the Bitcoin network: its height, difficulty and start difficulty."""

    height: int
    difficulty: float
    start_difficulty: float
    clock: LabClock

    def __post_init__(self) -> None:
        if isinstance(self.height, bool) or not isinstance(self.height, int) or self.height < 0:
            raise ValueError(f"height must be a whole number >= 0, got {self.height!r}")
        units._param("difficulty", self.difficulty, low=0, low_open=True)
        units._param("start_difficulty", self.start_difficulty, low=0, low_open=True)

    @classmethod
    def from_blockchaininfo(cls, info: Mapping[str, Any], block1_difficulty: float | None = None) -> LabChain:
        """From getblockchaininfo; raises ValueError when the start difficulty is not known yet."""
        start = start_difficulty_of(info, block1_difficulty)
        if start is None:
            raise ValueError("the chain's start difficulty is not known yet (no block 1)")
        return cls(
            int(info["blocks"]), float(info["difficulty"]), start, LabClock.from_consensus(info.get("consensus"))
        )

    @property
    def difficulty_ratio(self) -> float:
        return self.difficulty / self.start_difficulty

    @property
    def halvings(self) -> int:
        """Halvings since the chain began: the chain's own era, the same whenever it is opened."""
        return self.height // self.clock.halving_interval_blocks

    @property
    def blocks_to_next_halving(self) -> int:
        return (self.halvings + 1) * self.clock.halving_interval_blocks - self.height

    def luck_range(self) -> tuple[float, float]:
        """The difficulty ratio's expected range from one window's luck alone (1 sigma)."""
        sigma = self.clock.luck_sigma
        return self.difficulty_ratio * (1 - sigma), self.difficulty_ratio * (1 + sigma)


def halving_year(subsidy_btc: float, halvings_ahead: int = 1) -> int:
    """The real year of the halving `halvings_ahead` after the era paying `subsidy_btc`
    (3.125 BTC, 1 -> 2028; 2 -> 2032; 6.25 BTC, 1 -> 2024)."""
    units._param("subsidy_btc", subsidy_btc, low=0, high=50, low_open=True)
    era = round(math.log2(50.0 / subsidy_btc))
    return FIRST_HALVING_YEAR + YEARS_PER_HALVING * (era + halvings_ahead - 1)


def lab_world(subsidy_btc: float, difficulty: float, lab: LabChain) -> dict[str, float]:
    """The scenario's world moved by the lab chain: subsidy shifted once per lab halving (satoshis,
    as GetBlockSubsidy), difficulty scaled by the lab's ratio to its own start difficulty."""
    units._param("subsidy_btc", subsidy_btc, low=0, high=50)
    units._param("difficulty", difficulty, low=0, low_open=True)
    sats = subsidy_after_halvings_sat(lab.halvings, int(round(subsidy_btc * units.SATS_PER_BTC)))
    return {
        "subsidy_btc": sats / units.SATS_PER_BTC,
        "difficulty": difficulty * lab.difficulty_ratio,
        "lab_halvings": float(lab.halvings),
        "lab_difficulty_ratio": lab.difficulty_ratio,
    }


def site_share_of_world(mining_mw: float, efficiency_j_per_th: float, difficulty: float) -> float:
    """The site's mining hashrate as a share of the world's (1 GW at 20.5 J/TH and 150 T: ~4.5%)."""
    site_h_s = (
        units._param("mining_mw", mining_mw, low=0)
        * 1e6
        / units._param("efficiency_j_per_th", efficiency_j_per_th, low=0, low_open=True)
        * 1e12
    )
    return float(site_h_s / econ.network_hashrate_h_s(difficulty))


def difficulty_after_site_change(
    difficulty: float, efficiency_j_per_th: float, mining_mw_before: float, mining_mw_after: float
) -> float:
    """World difficulty once the retarget has seen one site go from `before` to `after` MW of
    mining: only that site's hashrate moves (never its share of the laptop's cores)."""
    world_h_s = econ.network_hashrate_h_s(difficulty)
    delta_h_s = (mining_mw_after - mining_mw_before) * 1e6 / efficiency_j_per_th * 1e12
    return float(difficulty * max(world_h_s + delta_h_s, 0.01 * world_h_s) / world_h_s)


def ai_revenue_usd_per_mw_it_hour(values: Mapping[str, float], ai_mode: str = "colocation") -> float:
    """What one MW of IT load earns per hour in the scenario: the lease, or GPU-hours sold."""
    if ai_mode == "colocation":
        return float(econ.colocation_revenue_usd_per_kwh(values["lease_usd_per_mw_it_year"])) * 1000.0
    if ai_mode == "gpu_cloud":
        return (
            float(
                econ.gpu_cloud_revenue_usd_per_kwh(
                    values["gpu_price_usd_per_gpu_hour"], values["power_per_gpu_kw"], values["gpu_utilisation"]
                )
            )
            * 1000.0
        )
    raise ValueError(f"ai_mode must be one of {econ.AI_MODES}, got {ai_mode!r}")
