"""People: signing in, their own settings, and the admin's people pages."""
