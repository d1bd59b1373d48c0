"""The hash-chained audit record: writing it, browsing it, verifying it."""
