"""The Attack (51%) tab (tab.py) and the private-branch race's Qt adapter (service.py)."""
