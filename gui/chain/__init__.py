"""The Chain tab (tab.py) and the chain poller that feeds the window (service.py)."""
