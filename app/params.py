"""Reading numbers from URLs: anything that cannot be a row id falls back to the default."""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest id a 32-bit INTEGER column holds, on SQLite and PostgreSQL


def bounded_int(value: str) -> int:
    """For `request.args.get(name, default, type=bounded_int)`: out of range acts as missing."""
    number = int(value)
    if not 0 <= number <= MAX_ID:
        raise ValueError(f"{value} is out of range")
    return number


NO_ROW = 0  # no table has a row 0: ids start at 1


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in routes, refusing ids no table can hold: a 404, never a database error.

    A number beyond any row id still matches the route, as NO_ROW, so the lookup answers 404
    for every method. (Refusing it in the converter made Werkzeug answer 405 to a POST or PATCH
    whose path also had a GET route: the method mismatch was found before the conversion.)
    """

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= MAX_ID else NO_ROW
