"""The domain core of Concord: pure rules, no Flask, no SQLAlchemy, no I/O.

Every decision the app makes about consensus, text and the record is asked of
this package; it takes plain values and returns plain values.
"""
