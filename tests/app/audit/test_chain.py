"""The audit record: every action on it, in one hash chain that shows any edit or gap."""

import pytest
from sqlalchemy import text

from app.audit import services as audit
from app.audit.models import AuditEvent
from tests.support.client import login
from tests.support.factories import approve, audit_events, make_position, publish, revise


def _story(alliance):
    position = make_position(alliance.drafter)
    revise(alliance.drafter, position, "Edited.")
    alliance.approve_all(position)
    publish(alliance.comms, position)
    return position


def test_every_create_edit_sign_off_and_publish_is_recorded(alliance, session):
    position = _story(alliance)
    approve(alliance.chiefs["moorland"], position, "object", "On reflection, no.")
    actions = [e.action for e in audit_events() if e.object_type == "position"]
    assert actions == [
        "position.create",
        "revision.create",
        "signoff.approve",
        "signoff.approve",
        "signoff.approve",
        "position.publish",
        "signoff.object",
    ]
    assert {e.object_id for e in audit_events("signoff.approve")} == {str(position.id)}


def test_events_record_who_did_it(alliance, session):
    position = make_position(alliance.drafter)
    approve(alliance.chiefs["moorland"], position)
    [event] = audit_events("signoff.approve")
    assert event.actor_id == alliance.chiefs["moorland"].id
    assert event.actor_label == "chief@moorland.test"
    assert '"partner":"moorland"' in event.details


def test_each_event_links_to_the_one_before(alliance, session):
    _story(alliance)
    events = audit_events()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(e.prev_hash == before.hash for before, e in zip(events, events[1:], strict=False))


def test_a_fresh_chain_verifies(alliance, session):
    _story(alliance)
    session.commit()
    result = audit.verify_chain_of(session)
    assert result.intact and result.events == len(audit_events())


def test_an_empty_record_verifies(app, session):
    assert audit.verify_chain_of(session).intact


def test_audit_rows_refuse_an_update_through_the_orm(alliance, session):
    session.commit()
    event = audit_events()[0]
    event.action = "nothing.happened"
    with pytest.raises(RuntimeError, match="immutable"):
        session.flush()
    session.rollback()


def test_audit_rows_refuse_a_delete_through_the_orm(alliance, session):
    session.commit()
    session.delete(audit_events()[0])
    with pytest.raises(RuntimeError, match="never deleted"):
        session.flush()
    session.rollback()


def _tamper(session, sql: str, **params) -> list[str]:
    session.execute(text(sql), params)
    session.commit()
    session.expire_all()
    return audit.verify_chain_of(session).problems


def test_an_edited_row_breaks_the_chain(alliance, session):
    _story(alliance)
    session.commit()
    problems = _tamper(
        session,
        "UPDATE audit_events SET actor_label = 'someone else' WHERE seq = :seq",
        seq=3,
    )
    assert any("event 3 was altered" in p for p in problems)


def test_an_edit_that_recomputes_its_own_hash_still_breaks_the_link(alliance, session):
    _story(alliance)
    session.commit()
    problems = _tamper(session, "UPDATE audit_events SET hash = :h WHERE seq = 2", h="f" * 64)
    assert problems


def test_a_deleted_row_breaks_the_chain(alliance, session):
    _story(alliance)
    session.commit()
    problems = _tamper(session, "DELETE FROM audit_events WHERE seq = :seq", seq=4)
    assert any("event 4 is missing" in p for p in problems)


def test_a_deleted_tail_breaks_the_chain(alliance, session):
    _story(alliance)
    session.commit()
    last = audit_events()[-1].seq
    problems = _tamper(session, "DELETE FROM audit_events WHERE seq = :seq", seq=last)
    assert any("head records" in p for p in problems)


def test_the_admin_page_reports_a_broken_chain(alliance, session, client):
    _story(alliance)
    session.commit()
    _tamper(session, "UPDATE audit_events SET details = '{}' WHERE seq = 2")
    login(client, alliance.admin)
    page = client.get("/admin/audit?verify=1").get_data(as_text=True)
    assert "The chain is broken" in page and "event 2 was altered" in page


def test_audit_events_have_stored_utc_times(alliance, session):
    session.commit()
    event = session.get(AuditEvent, audit_events()[0].id)
    assert event.at.utcoffset().total_seconds() == 0
