"""Simulated AI jobs: real inference-like work on CPU slots, billed per core-second at the scenario's price, with an SLA."""
