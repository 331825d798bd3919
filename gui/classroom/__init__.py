"""The Class tab (tab.py) and the class pool's service (service.py)."""
