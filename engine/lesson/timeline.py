"""Real events beside the lab's: Bitcoin's halvings and the mining-to-AI conversions, each with a
source (assets/lesson/timeline.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

TIMELINE_FILE = Path(__file__).resolve().parents[2] / "assets" / "lesson" / "timeline.toml"


@dataclass(frozen=True)
class RealEvent:
    date: str  # ISO date, or a year for an expected event
    kind: str  # "halving" | "conversion"
    what: str
    what_fr: str
    source: str

    def text(self, lang: str = "en") -> str:
        return self.what_fr if lang == "fr" and self.what_fr else self.what


def load_timeline(path: Path = TIMELINE_FILE) -> list[RealEvent]:
    """The events in date order; ValueError names the file and the event when one is incomplete."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{Path(path).name}: {exc}") from exc
    events = []
    for i, raw in enumerate(data.get("event", []), 1):
        missing = [k for k in ("date", "kind", "what", "source") if not str(raw.get(k, "")).strip()]
        if missing:
            raise ValueError(f"{Path(path).name}: event {i} has no {', '.join(missing)}")
        events.append(RealEvent(str(raw["date"]), raw["kind"], raw["what"], raw.get("what_fr", ""), raw["source"]))
    return sorted(events, key=lambda e: e.date)
