"""The spokesperson log: meetings, who spoke for whom, mandates and flags."""
