"""Made-up reports for the window's tests: what the AI runner would publish."""

from __future__ import annotations

import dataclasses

from engine.ai.billing import AIReport


def ai_report(**figures: float) -> AIReport:
    """An AIReport with every figure 0 but those given; `net_usd` is the bill less the penalty
    unless given (as the runner's Ledger makes it)."""
    values: dict[str, float] = dict.fromkeys((f.name for f in dataclasses.fields(AIReport)), 0)
    values.update(figures)
    if "net_usd" not in figures:
        values["net_usd"] = values["billed_usd"] - values["sla_penalty_usd"]
    return AIReport(**values)  # type: ignore[arg-type]
