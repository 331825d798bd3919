"""The lab wallet (keys, coins over JSON-RPC, payments) and the 51% attack demo; no Qt."""
