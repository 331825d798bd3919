"""Mining: the SHA-256d kernels, block jobs from getblocktemplate, the Stratum v1 wire format, the
miner (events, its node and pool job sources) and its CLI."""
