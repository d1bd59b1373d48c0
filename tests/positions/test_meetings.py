"""Meetings: what a meeting record must be, and how organisations are found by name. No app."""

from datetime import UTC, datetime, timedelta

import pytest

from positions import meetings as m
from positions.refusals import Invalid

T0 = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)


def test_a_meeting_that_ends_before_it_starts_is_refused():
    with pytest.raises(Invalid) as refused:
        m.check_meeting("Evidence session", T0, T0 - timedelta(minutes=1))
    assert refused.value.code == "end_before_start" and refused.value.field == "ends_at"
    with pytest.raises(Invalid):
        m.check_meeting("  ", T0, None)
    m.check_meeting("Evidence session", T0, T0)


def test_organisation_names_are_matched_loosely():
    assert m.normalise_name("The Department for Transport") == "department for transport"
    assert m.normalise_name("  department  FOR transport. ") == "department for transport"
    assert m.normalise_name("DfT") == "dft"


@pytest.mark.parametrize(("field", "limit"), [("place", m.TEXT_MAX), ("minutes", m.MINUTES_MAX)])
def test_a_meetings_text_fields_are_stripped_and_limited(field, limit):
    assert m.check_text("  x  ", field, limit) == "x"
    assert m.check_text("x" * limit, field, limit) == "x" * limit
    with pytest.raises(Invalid) as refused:
        m.check_text("x" * (limit + 1), field, limit)
    assert (refused.value.code, refused.value.field) == ("too_long", field)


def test_every_audience_row_names_its_organisation_within_the_limits():
    m.check_audience([("DfT", "Ann", "Minister", ""), ("Council", "", "", "")])
    with pytest.raises(Invalid) as refused:
        m.check_audience([("DfT", "", "", ""), ("  ", "Ann", "", "")])
    assert refused.value.code == "organisation_required" and "row 2" in refused.value.message
    with pytest.raises(Invalid) as refused:
        m.check_audience([("DfT", "x" * (m.TEXT_MAX + 1), "", "")])
    assert refused.value.field == "person"
    with pytest.raises(Invalid) as refused:
        m.check_audience([("DfT", "", "", "")] * (m.AUDIENCE_MAX + 1))
    assert refused.value.field == "counterparts"


def test_a_calendar_link_is_named_or_called_my_calendar():
    assert m.feed_name("  Laptop ") == "Laptop"
    assert m.feed_name("") == m.feed_name(None) == "My calendar"
    with pytest.raises(Invalid) as refused:
        m.feed_name("x" * (m.FEED_NAME_MAX + 1))
    assert refused.value.field == "name"
