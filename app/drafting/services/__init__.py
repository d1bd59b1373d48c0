"""Drafting commands: write positions and revisions, sign off, publish, close."""
