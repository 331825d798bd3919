"""Bitcoin's rules, defined once: hashes, compact targets, work and difficulty, the retarget, the
subsidy, merkle roots, addresses and scripts, descriptor checksums, rpcauth lines, RPC error codes.

The rule of this package: the standard library and python-bitcoinlib only, nothing else of ours.
Everyone (node, miner, pool, wallet, economics, lesson, attack, window) imports it; nobody copies it.
"""
