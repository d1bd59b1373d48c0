"""Spokesperson-log read models: the log, briefings and exports."""
