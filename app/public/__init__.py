"""The public site: what the alliance has agreed, and where it agreed to differ."""
