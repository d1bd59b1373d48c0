"""Drafting read models: the position page, lists and comparisons."""
