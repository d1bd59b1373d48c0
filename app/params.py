"""Reading numbers from URLs: anything that cannot be a row id falls back to the default."""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest id a 32-bit INTEGER column holds, on SQLite and PostgreSQL


def bounded_int(value: str) -> int:
    """For `request.args.get(name, default, type=bounded_int)`: out of range acts as missing."""
    number = int(value)
    if not 0 <= number <= MAX_ID:
        raise ValueError(f"{value} is out of range")
    return number


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in routes, refusing ids no table can hold: a 404, never a database error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
