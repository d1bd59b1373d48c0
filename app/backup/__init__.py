"""Backing up and restoring the whole database, all or nothing."""
