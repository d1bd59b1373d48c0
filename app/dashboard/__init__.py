"""The dashboard: what needs each person now."""
