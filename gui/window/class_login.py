"""The class login a teacher shares the node with: its user name, what it may call, and how the
settings keep its password (Core's salted rpcauth line only, never in clear). Read by the settings
dialog, the Node tab, the class pool's service and where the window launches a shared node."""

from __future__ import annotations

from engine.primitives.rpcauth import make_rpcauth

SHARE_USER = "class"  # the RPC user students log in with when a teacher shares the node
# What the class login may call (Core's -rpcwhitelist): what pools (ckpool, public-pool) and a
# student's miner call, the window's chain view, and a wallet's calls; each answer is bounded (one
# block template, header, transaction or scan). Admin calls (stop, generatetoaddress,
# invalidateblock...) and whole blocks (getblock) stay with the cookie, the teacher's own login.
CLASS_WHITELIST = (
    # mining and pools
    "getblocktemplate",
    "submitblock",
    "validateaddress",
    "preciousblock",
    "getmininginfo",
    "getnetworkhashps",
    "getdifficulty",
    "getnetworkinfo",
    "getrpcinfo",
    # following the chain
    "getbestblockhash",
    "getblockchaininfo",
    "getblockcount",
    "getblockhash",
    "getblockheader",
    "getchaintips",
    "uptime",
    "help",
    # wallets
    "sendrawtransaction",
    "testmempoolaccept",
    "getrawmempool",
    "getmempoolinfo",
    "getmempoolentry",
    "getrawtransaction",
    "decoderawtransaction",
    "gettxout",
    "scantxoutset",
)


def class_node_args() -> tuple[str, ...]:
    """The node options of a shared class: the class login's whitelist, and the other logins
    (the cookie) left free to call everything, which Core's -rpcwhitelistdefault would refuse."""
    return ("--rpcwhitelist", f"{SHARE_USER}:{','.join(CLASS_WHITELIST)}", "--rpcwhitelistdefault", "0")


def store_class_password(settings, password: str) -> None:
    """Keep the class password as Core's salted rpcauth line only (never in clear)."""
    settings.setValue("node/share_rpcauth", make_rpcauth(SHARE_USER, password))
    settings.remove("node/share_password")
