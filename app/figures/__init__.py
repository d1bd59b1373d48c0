"""Cycle figures: how long sign-off takes and what is overdue, drawn as SVG images."""
