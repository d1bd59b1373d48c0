"""Spokesperson-log commands: meetings, appearances, mandates and flags."""
