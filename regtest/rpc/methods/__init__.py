"""The RPC methods, one module per category as Bitcoin Core's rpc/*.cpp."""
