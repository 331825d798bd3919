"""The window: MainWindow, its cards, the controller (node, miner, AI runner, capacity as Qt signals), the node process, settings, themes, the Tab protocol and TABS, and `mine2compute snapshot`."""
