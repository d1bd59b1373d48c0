"""Deputies: people who sign for their partner for a period (positions/deputies.py)."""
