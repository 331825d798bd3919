"""The Economics tab as the window installs it: the panel (panel.py) wired to the lab state (it
reads the live lab, and publishes its scenario values, which also price the AI runner's work, and
its figures for the Lesson and Attack tabs)."""

from __future__ import annotations

from gui.economics.panel import EconomicsPanel
from gui.window.tabs import TabContext


def build(ctx: TabContext) -> EconomicsPanel:
    lab = ctx.lab
    panel = EconomicsPanel()
    panel.values_changed.connect(lab.publish_scenario)
    panel.figures_changed.connect(lab.publish_figures)
    lab.changed.connect(panel.on_lab_state)
    lab.publish_scenario(panel.values())
    lab.publish_figures(panel.figures)
    return panel
