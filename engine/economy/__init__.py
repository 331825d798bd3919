"""Economics: the pure model, the lab-to-world mapping, scenarios, decisions and public observations."""
