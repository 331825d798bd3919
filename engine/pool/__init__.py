"""The class as a mining pool: a Stratum v1 server in front of any Core-compatible node."""
