"""Is this still the agreed wording? Any text checked against what the alliance had published."""
