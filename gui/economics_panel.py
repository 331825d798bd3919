"""The Economics tab (kept as the import path MainWindow uses); the code lives in gui/economics/."""
from gui.economics.figures import LabView, compute_figures, site_mw_of  # noqa: F401
from gui.economics.panel import DEFAULT_SCENARIO, EconomicsPanel  # noqa: F401
from gui.economics.text import money  # noqa: F401
