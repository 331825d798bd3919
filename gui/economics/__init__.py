"""The Economics tab, split by what it shows: tab.py (installs it), panel.py, cards.py, form.py (parameters),
views.py, figures.py (no Qt), widgets.py, text.py, export.py."""
