"""Commands: write notifications with their event, deliver them."""
