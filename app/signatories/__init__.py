"""Signatory power from the partner: appointments and chief officers' resets await confirmation."""
