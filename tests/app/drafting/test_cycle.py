"""Ready for sign-off on stored positions: marking, deadlines, editing while ready, taking back,
publishing ending the cycle; on the web, in the API, on the audit chain and as a signal."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.alliance import settings as alliance_settings
from app.audit.models import AuditEvent
from app.drafting import signals
from app.drafting.models import Position
from app.drafting.services import cycle
from app.extensions import SETTINGS, db
from positions.refusals import Conflict, Forbidden
from tests.support.client import api_post, body_of, error_of, login
from tests.support.factories import make_position, publish, revise

# Monday 30 March 2026, 10:00 in London (BST): Good Friday and Easter Monday are ahead.
MONDAY = datetime(2026, 3, 30, 9, tzinfo=UTC)


@pytest.fixture
def monday(monkeypatch):
    monkeypatch.setattr(alliance_settings, "utcnow", lambda: MONDAY)


def actions(position_id: int) -> list[str]:
    return list(
        db.session.execute(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "position", AuditEvent.object_id == str(position_id))
            .order_by(AuditEvent.seq)
        ).scalars()
    )


@pytest.fixture
def readiness_signals():
    sent = []

    def receive(sender, **kw):
        sent.append((kw["position_id"], kw["ready"]))

    with signals.readiness_changed.connected_to(receive):
        yield sent


def test_marking_ready_defaults_to_ten_working_days_past_the_bank_holidays(
    alliance, client, session, monday, readiness_signals
):
    position = make_position(alliance.drafter)
    session.commit()
    login(client, alliance.drafter)
    page = body_of(client.get(f"/positions/{position.id}"))
    assert 'value="2026-04-15"' in page  # offered: Good Friday and Easter Monday skipped
    response = client.post(
        f"/positions/{position.id}/ready",
        data={
            "ready-decision_due": "",
            "ready-note": "Please look at paragraph 2.",
            "ready-external_label": "Consultation closes",
            "ready-external_deadline": "2026-04-30",
        },
    )
    assert response.status_code == 302
    db.session.refresh(position)
    assert position.ready and position.decision_due == date(2026, 4, 15)
    assert position.ready_at == MONDAY
    assert actions(position.id)[-1] == "position.ready"
    assert readiness_signals == [(position.id, True)]
    page = body_of(client.get(f"/positions/{position.id}"))
    assert "decision needed by <strong>15 Apr 2026</strong>" in page
    assert "Consultation closes: 30 Apr 2026" in page and "Please look at paragraph 2." in page


def test_the_alliance_country_decides_the_holidays(alliance, session, monday):
    scottish = replace(alliance_settings.settings_of(session), holiday_country="GB-SCT")
    session.info[SETTINGS] = scottish
    position = make_position(alliance.drafter)
    cycle.mark_ready(session, alliance.drafter, position.id)
    assert position.decision_due == date(2026, 4, 14)  # Easter Monday is worked in Scotland


def test_a_refused_ready_form_keeps_what_was_typed(alliance, client, session, monday):
    position = make_position(alliance.drafter)
    session.commit()
    login(client, alliance.drafter)
    response = client.post(
        f"/positions/{position.id}/ready",
        data={"ready-decision_due": "2026-03-01", "ready-note": "Typed with care"},
    )
    assert response.status_code == 400
    page = body_of(response)
    assert "The decision date has passed" in page and "Typed with care" in page
    db.session.refresh(position)
    assert not position.ready


def test_only_the_author_or_a_partners_policy_officer_marks_ready(alliance, session):
    position = make_position(alliance.drafter)
    with pytest.raises(Forbidden):
        cycle.mark_ready(session, alliance.chiefs["moorland"], position.id)
    cycle.mark_ready(session, alliance.officers["moorland"], position.id)
    with pytest.raises(Conflict):
        cycle.mark_ready(session, alliance.drafter, position.id)


def test_editing_a_ready_text_keeps_it_ready_and_restarts_its_clock(alliance, session, monkeypatch):
    monkeypatch.setattr(alliance_settings, "utcnow", lambda: MONDAY)
    position = make_position(alliance.drafter)
    cycle.mark_ready(session, alliance.drafter, position.id)
    later = datetime(2026, 4, 2, 9, tzinfo=UTC)
    monkeypatch.setattr(alliance_settings, "utcnow", lambda: later)
    revise(alliance.drafter, position, "A better text.")
    assert position.ready and position.ready_at == later
    assert position.decision_due == date(2026, 4, 15)  # the date given stands
    assert actions(position.id)[-2:] == ["position.clock_restart", "revision.create"]


def test_taking_back_leaves_the_to_do_lists(alliance, client, session, readiness_signals):
    position = make_position(alliance.drafter, title="Withdrawn idea")
    cycle.mark_ready(session, alliance.drafter, position.id)
    session.commit()
    login(client, alliance.drafter)
    assert client.post(f"/positions/{position.id}/take-back").status_code == 302
    db.session.refresh(position)
    assert not position.ready and position.decision_due is None
    assert actions(position.id)[-1] == "position.take_back"
    assert readiness_signals[-1] == (position.id, False)
    client.post("/logout")
    login(client, alliance.chiefs["moorland"])
    todo = body_of(client.get("/")).split('id="todo-heading"')[1].split("</section>")[0]
    assert "Withdrawn idea" not in todo
    with pytest.raises(Conflict):
        cycle.take_back(session, alliance.drafter, position.id)


def test_publishing_ends_the_cycle(alliance, session, readiness_signals):
    position = make_position(alliance.drafter)
    cycle.mark_ready(session, alliance.drafter, position.id)
    alliance.approve_all(position)
    publish(alliance.comms, position)
    assert not position.ready
    assert readiness_signals == [(position.id, True), (position.id, False)]


def test_the_api_marks_ready_changes_the_deadline_and_takes_back(alliance, client, session, monday):
    position = make_position(alliance.drafter)
    session.commit()
    path = f"/positions/{position.id}"
    marked = api_post(client, alliance.drafter, f"{path}/ready", {"note": "Please decide"})
    assert marked.status_code == 200, marked.get_json()
    data = marked.get_json()
    assert (data["ready"], data["decision_due"], data["ready_note"]) == (
        True,
        "2026-04-15",
        "Please decide",
    )
    error_of(api_post(client, alliance.drafter, f"{path}/ready", {}), 409, "already_ready")
    moved = api_post(client, alliance.drafter, f"{path}/deadline", {"decision_due": "2026-04-20"})
    assert moved.get_json()["decision_due"] == "2026-04-20"
    assert actions(position.id)[-1] == "position.deadline"
    error_of(
        api_post(client, alliance.drafter, f"{path}/deadline", {"decision_due": "2026-03-01"}),
        400,
        "decision_due_past",
    )
    taken = api_post(client, alliance.drafter, f"{path}/take-back")
    assert taken.get_json()["ready"] is False
    error_of(api_post(client, alliance.drafter, f"{path}/deadline", {}), 409, "not_ready")
    error_of(api_post(client, alliance.chiefs["moorland"], f"{path}/ready", {}), 403)


def test_a_closed_position_cannot_be_put_up(alliance, session):
    position = make_position(alliance.drafter)
    position.status = "archived"
    with pytest.raises(Conflict):
        cycle.mark_ready(session, alliance.drafter, position.id)
    assert (
        session.execute(select(Position.ready_at).where(Position.id == position.id)).scalar()
        is None
    )
