"""Commands that change the alliance: set-up, partners, policy areas, settings."""
