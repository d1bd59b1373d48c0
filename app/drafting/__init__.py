"""Positions: drafting, revising, comparing, signing off and publishing."""
