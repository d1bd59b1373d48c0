"""The app reads every date on the alliance's clock: between midnight and 1 am in summer, the
membership rules and the spokesperson log agree on which day it is (they used not to)."""

from datetime import UTC, date, datetime

import pytest

from app.alliance import settings as alliance_settings
from app.alliance.settings import clock_of, settings_of
from app.drafting.services import consensus
from positions.refusals import Forbidden
from tests.support.factories import approve, make_position

HALF_PAST_MIDNIGHT = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)  # 00:30 BST on 2 July


@pytest.fixture
def after_midnight(monkeypatch):
    monkeypatch.setattr(alliance_settings, "utcnow", lambda: HALF_PAST_MIDNIGHT)


def test_the_settings_come_from_the_config_and_travel_with_the_session(app, session):
    settings = settings_of(session)
    assert settings.name == app.config["ALLIANCE_NAME"]
    assert settings.time_zone.key == app.config["ALLIANCE_TIMEZONE"] == "Europe/London"
    assert settings.max_body_bytes == app.config["MAX_BODY_BYTES"]


def test_a_partner_that_left_today_cannot_sign_just_after_midnight(
    alliance, session, after_midnight
):
    assert clock_of(session).today() == date(2026, 7, 2)
    leaver, stays_till_tomorrow, joiner = alliance.partners
    position = make_position(alliance.drafter)
    leaver.left_on = date(2026, 7, 2)  # UTC still says 1 July: it would count
    stays_till_tomorrow.left_on = date(2026, 7, 3)
    joiner.joined_on = date(2026, 7, 2)  # UTC still says 1 July: it would not count
    session.flush()
    required = [s.partner.slug for s in consensus.consensus_for(session, position).standings]
    assert required == sorted([joiner.slug, stays_till_tomorrow.slug])
    with pytest.raises(Forbidden) as refused:
        approve(alliance.chiefs[leaver.slug], position)
    assert "not an active partner" in refused.value.message
