"""Divergence commands: stances, amendments and agree-to-differ."""
