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
