"""A demo alliance to try Concord on: three partners and a season of work."""
