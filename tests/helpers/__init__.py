"""What several test modules share, imported one way: `from tests.helpers.<module> import ...`.

blockmaker (regtest blocks by hand), txmaker (signed transactions, an in-process node),
stratum_sim (a scripted Stratum miner), hostile_clients (floods and slow connections),
node (NodeProcess: `python -m regtest` as a child process), waiting (wait_until),
fake_node (an in-process stand-in for a node, for the miner), core_chainstate (Bitcoin Core's
validation as an oracle), windows (a main window attached to a running node; `snapshot_cli`),
lab_reports (made-up AI runner reports).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The repository's root: the node and the app run from here as child processes."""
