"""The class login a teacher shares the node with: its user name and how the settings keep its
password (Core's salted rpcauth line only, never in clear). Read by the settings dialog, the Node
tab and the class pool's service."""

from __future__ import annotations

from engine.primitives.rpcauth import make_rpcauth

SHARE_USER = "class"  # the RPC user students log in with when a teacher shares the node


def store_class_password(settings, password: str) -> None:
    """Keep the class password as Core's salted rpcauth line only (never in clear)."""
    settings.setValue("node/share_rpcauth", make_rpcauth(SHARE_USER, password))
    settings.remove("node/share_password")
