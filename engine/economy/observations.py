"""The model checked against the world: public, dated hashprice observations (assets/observations/)
recomputed from that day's difficulty, subsidy, fees and BTC price.

`check_observations()` -> one `ObservationCheck` per published figure (USD and, where printed,
BTC hashprice); `format_checks()` is what `mine2compute scenario --check` prints.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from engine.economy import economics as econ

TOLERANCE = 0.03  # Luxor smooths fees over 144 blocks and uses its own price index: a few % is expected


def observations_path() -> Path:
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[2]))
    return base / "assets" / "observations" / "hashprice.toml"


@dataclass(frozen=True)
class ObservationCheck:
    date: str
    metric: str  # "hashprice_usd_per_ph_day" or "hashprice_btc_per_ph_day"
    published: float
    model: float
    source: str
    url: str

    @property
    def error(self) -> float:
        return self.model / self.published - 1.0

    @property
    def ok(self) -> bool:
        return abs(self.error) <= TOLERANCE


def _number(row: dict, key: str, where: str) -> float:
    value = row.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}: field {key!r} missing or not a number")
    return float(value)


def check_observations(path: Path | str | None = None) -> list[ObservationCheck]:
    """Recompute every observation's hashprice; raises ValueError naming the row on a bad file."""
    path = Path(path) if path is not None else observations_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from None
    checks: list[ObservationCheck] = []
    for i, row in enumerate(data.get("observation", [])):
        where = f"{path.name}: observation[{i}] ({row.get('date', '?')})"
        if not str(row.get("source", "")).strip():
            raise ValueError(f"{where}: every observation needs a source")
        difficulty = _number(row, "difficulty", where)
        subsidy = _number(row, "subsidy_btc", where)
        price = _number(row, "btc_price_usd", where)
        if "fees_btc_per_block" in row:
            fees = _number(row, "fees_btc_per_block", where)
        else:  # the share of the block reward (subsidy + fees) that fees made up
            share = _number(row, "fee_share_of_reward", where)
            fees = subsidy * share / (1.0 - share)
        hp_btc = econ.hashprice_btc_per_ph_day(difficulty, subsidy, fees)
        for metric, model in (("hashprice_usd_per_ph_day", hp_btc * price), ("hashprice_btc_per_ph_day", hp_btc)):
            if metric in row:
                checks.append(
                    ObservationCheck(
                        str(row["date"]),
                        metric,
                        _number(row, metric, where),
                        float(model),
                        str(row["source"]),
                        str(row.get("url", "")),
                    )
                )
    return checks


def format_checks(checks: list[ObservationCheck]) -> str:
    lines = [f"Hashprice recomputed from each day's difficulty, subsidy, fees and price (tolerance {TOLERANCE:.0%})"]
    for c in checks:
        unit = "$" if c.metric.endswith("usd_per_ph_day") else "BTC "
        fmt = ",.2f" if unit == "$" else ".8f"
        lines.append(
            f"  {c.date}  published {unit}{c.published:{fmt}}  model {unit}{c.model:{fmt}}  "
            f"error {c.error * 100:+.1f}%  {'ok' if c.ok else 'OFF'}"
        )
    bad = sum(not c.ok for c in checks)
    lines.append(
        f"{len(checks)} observations, {len({c.date for c in checks})} dates: "
        + ("all within tolerance" if not bad else f"{bad} outside tolerance")
    )
    return "\n".join(lines)
