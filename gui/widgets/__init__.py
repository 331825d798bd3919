"""Widgets every tab may use: charts (gui/widgets/charts.py) and the metric card (gui/widgets/card.py)."""
