"""Mining: the SHA-256d kernels, block jobs from getblocktemplate, the miner and its CLI."""
