"""The bell, the inbox, marking read, preferences and the API: one's own messages only."""

import re

from sqlalchemy import select

from app.notifications.models import Notification, NotificationPreference
from tests.support.client import api_headers, login
from tests.support.factories import approve, make_position


def bell(page: str) -> str | None:
    found = re.search(r'class="bell-count"[^>]*>(\d+)<', page)
    return found.group(1) if found else None


def two_objections(alliance):
    writer = alliance.officers["harbourside"]
    first, second = make_position(writer, title="First"), make_position(writer, title="Second")
    approve(alliance.chiefs["moorland"], first, "object", "No.")
    approve(alliance.chiefs["moorland"], second, "object", "No.")
    return writer, first, second


def test_the_bell_counts_unread_and_marking_read_lowers_it(client, session, alliance):
    writer, first, _ = two_objections(alliance)
    login(client, writer)
    page = client.get("/notifications").get_data(as_text=True)
    assert bell(page) == "2"
    assert "Moorland objected to “First”" in page and "Moorland objected to “Second”" in page
    [message] = session.execute(
        select(Notification).where(Notification.about_id == first.id)
    ).scalars()
    opened = client.post(f"/notifications/{message.id}/read", data={"open": "1"})
    assert opened.status_code == 302 and opened.headers["Location"] == f"/positions/{first.id}"
    assert bell(client.get("/").get_data(as_text=True)) == "1"
    assert client.post("/notifications/read-all").status_code == 302
    assert bell(client.get("/").get_data(as_text=True)) is None


def test_nobody_reads_or_marks_someone_elses_notification(client, session, alliance):
    _, first, _ = two_objections(alliance)
    message = session.execute(select(Notification)).scalars().first()
    login(client, alliance.officers["moorland"])
    assert client.post(f"/notifications/{message.id}/read").status_code == 404
    assert "objected" not in client.get("/notifications").get_data(as_text=True)
    session.refresh(message)
    assert message.read_at is None


def test_the_api_lists_and_marks_read(client, session, alliance):
    writer, _, _ = two_objections(alliance)
    headers = api_headers(writer)
    listed = client.get("/api/v1/notifications", headers=headers).get_json()
    # Issuing the API token was itself a (security) message.
    assert listed["unread"] == 3 and listed["total"] == 3
    first = listed["items"][-1]
    assert first["link"].startswith("http://localhost/positions/")
    answer = client.post(f"/api/v1/notifications/{first['id']}/read", headers=headers)
    assert answer.status_code == 200 and answer.get_json()["read_at"]
    assert client.get("/api/v1/notifications", headers=headers).get_json()["unread"] == 2
    assert client.post("/api/v1/notifications/read-all", headers=headers).get_json()["unread"] == 0


def test_preferences_are_saved_per_kind_and_security_messages_not_offered(
    client, session, alliance
):
    writer = alliance.officers["harbourside"]
    login(client, writer)
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert "A new API token on my account" in page  # listed as always sent
    assert 'name="token_created"' not in page
    answer = client.post("/notifications/preferences", data={"objection": "digest"})
    assert answer.status_code == 302
    chosen = {
        p.kind: p.delivery
        for p in session.execute(
            select(NotificationPreference).where(NotificationPreference.user_id == writer.id)
        ).scalars()
    }
    assert chosen["objection"] == "digest"
    assert chosen["standing"] == "immediately"
    refused = client.post("/notifications/preferences", data={"objection": "never"})
    assert refused.status_code == 400


def test_deciding_reads_the_messages_that_asked_for_the_decision(client, session, alliance):
    from app.drafting.services import cycle

    chief = alliance.chiefs["harbourside"]
    asked = make_position(alliance.drafter, title="Asked")
    other = make_position(alliance.drafter, title="Other")
    for position in (asked, other):
        cycle.mark_ready(session, alliance.drafter, position.id)
    approve(alliance.chiefs["moorland"], asked, "object", "No.")  # news for the writers only
    session.commit()
    login(client, chief)
    assert bell(client.get("/").get_data(as_text=True)) == "2"  # two sign-off requests

    # Following the link in the email (a GET never writes), then deciding on the page.
    assert client.get(f"/positions/{asked.id}").status_code == 200
    assert bell(client.get("/").get_data(as_text=True)) == "2"
    decided = client.post(
        f"/positions/{asked.id}/signoff", data={"revision": 1, "decision": "approve"}
    )
    assert decided.status_code == 302
    assert bell(client.get("/").get_data(as_text=True)) == "1"  # "Other" still waits
    unread = session.execute(
        select(Notification.about_id).where(
            Notification.recipient_id == chief.id, Notification.read_at.is_(None)
        )
    ).scalars()
    assert list(unread) == [other.id]
    # The other partners' signers still have theirs: only the decider's are answered.
    riverbank = alliance.chiefs["riverbank"].id
    waiting = session.execute(
        select(Notification).where(
            Notification.recipient_id == riverbank, Notification.about_id == asked.id
        )
    ).scalar_one()
    assert waiting.read_at is None
