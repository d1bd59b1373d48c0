"""The alliance: its settings, partners and policy areas."""
