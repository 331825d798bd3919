"""The Wallet tab (tab.py) and the wallet's Qt adapter (service.py)."""
