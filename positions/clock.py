"""The alliance's clock: one time zone for every date the rules ask about.

Membership, review dates, mandates and meetings all turn on "which day is it?", and the answer is
the day in the alliance's own time zone. (Two clocks, UTC for some rules and local time for others,
disagreed between midnight and 1 am in summer: a partner whose membership ended yesterday could
still sign today.) Moments are stored and compared in UTC; dates are read in the zone.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from positions.refusals import Invalid

# Moments the alliance can mean: anything outside is a typing slip, and years 1 and 9999 overflow
# when moved between zones.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200


def check_year(value: date, field: str) -> None:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise Invalid(
            f"Give a date between {EARLIEST_YEAR} and {LATEST_YEAR}.", "date_out_of_range", field
        )


@dataclass(frozen=True)
class Clock:
    zone: ZoneInfo
    utcnow: Callable[[], datetime]  # the current moment, aware: the shell's, or a test's

    def now(self) -> datetime:
        return self.utcnow()

    def today(self) -> date:
        return self.local_date(self.now())

    def local(self, moment: datetime) -> datetime:
        """An aware moment as wall-clock time in the alliance's zone.

        A moment at the very edge of the calendar (an old row from before dates were checked)
        has no wall-clock time; it is shown in UTC rather than breaking the page that lists it.
        """
        try:
            return moment.astimezone(self.zone)
        except OverflowError:
            return moment

    def local_date(self, moment: datetime) -> date:
        return self.local(moment).date()

    def day_start(self, day: date) -> datetime:
        """The moment (in UTC) a day begins in the alliance's zone."""
        return datetime.combine(day, time(0, 0), tzinfo=self.zone).astimezone(UTC)

    def to_utc(self, value: datetime, field: str = "starts_at") -> datetime:
        """An aware datetime as UTC; a naive one is read as wall-clock time in the zone.

        A wall-clock time the clocks skip (spring forward) is refused rather than guessed, and
        so is a year outside EARLIEST_YEAR..LATEST_YEAR.
        """
        check_year(value, field)
        if value.tzinfo is not None:
            return value.astimezone(UTC)
        local = value.replace(tzinfo=self.zone)
        if local.astimezone(UTC).astimezone(self.zone).replace(tzinfo=None) != value:
            raise Invalid(
                f"{value:%-d %b %Y %H:%M} does not exist in {self.zone.key}: "
                "the clocks go forward then.",
                "nonexistent_time",
                field,
            )
        return local.astimezone(UTC)
