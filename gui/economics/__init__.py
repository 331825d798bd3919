"""The Economics tab, split by what it shows (see panel.py)."""
