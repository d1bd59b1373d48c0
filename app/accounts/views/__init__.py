"""The accounts blueprints: auth (sign in), account (own settings), admin (people)."""
