"""Notifications: an outbox written with its event, a sender, an inbox and preferences."""
