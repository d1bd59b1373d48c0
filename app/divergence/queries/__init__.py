"""Divergence read models: the board and the timeline."""
