"""Simulated AI jobs: real inference-like work on CPU slots, billed per FLOP with an SLA."""
