"""The node's JSON-RPC interface as Bitcoin Core's httpserver.cpp, httprpc.cpp and rpc/ make it:
the HTTP transport (server.py, its connections and work lanes), the JSON-RPC rules, logins, errors,
parameter checks and the methods by category."""
