"""Events write their notifications in the same transaction, to the right people, coalesced."""

import pytest
from sqlalchemy import event, select

from app.accounts import services as accounts
from app.divergence.services import amendments
from app.extensions import db
from app.notifications.models import MailStatus, Notification
from app.notifications.services import inbox, outbox
from positions.notifying import Kind, Recipient
from tests.support.factories import approve, make_position, publish, revise


def messages(session, kind: str | None = None) -> list[Notification]:
    query = select(Notification).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(session.execute(query).scalars())


def test_an_objection_tells_the_author_and_editors_but_not_the_objector(session, alliance):
    author = alliance.officers["harbourside"]
    editor = alliance.officers["moorland"]
    position = make_position(author)
    revise(editor, position, "We ask for fairer rents.")
    approve(alliance.chiefs["riverbank"], position, "object", "Too vague.")
    told = messages(session, "objection")
    assert sorted(m.recipient_id for m in told) == sorted([author.id, editor.id])
    first = told[0]
    assert first.subject == "Riverbank objected to “Fair rents”"
    assert "Too vague." in first.body
    assert first.link == f"/positions/{position.id}"
    assert first.reason == "you wrote or edited “Fair rents”"
    assert first.mail_status == MailStatus.QUEUED and first.in_app
    assert not messages(session, "approval_stale")


def test_an_approval_is_not_news_to_the_writers(session, alliance):
    position = make_position(alliance.officers["harbourside"])
    approve(alliance.chiefs["moorland"], position)
    assert messages(session) == []


def test_an_edit_tells_the_signers_whose_approval_went_stale(session, alliance):
    position = make_position(alliance.officers["harbourside"])
    approve(alliance.chiefs["moorland"], position)
    approve(alliance.chiefs["riverbank"], position, "object", "No.")
    revise(alliance.officers["harbourside"], position, "A new text.")
    stale = messages(session, "approval_stale")
    assert [m.recipient_id for m in stale] == [alliance.chiefs["moorland"].id]
    assert stale[0].link == f"/positions/{position.id}/compare?from=1&to=2"
    assert "Moorland's approval of an earlier revision no longer counts" in stale[0].body


def test_ten_edits_make_one_message_per_person_while_it_is_unsent(session, alliance):
    chief = alliance.chiefs["harbourside"]
    position = make_position(alliance.officers["harbourside"])
    for n in range(10):
        outbox.notify(
            session,
            Kind.STANDING,
            [Recipient(chief.id, "a test")],
            link=f"/positions/{position.id}",
            about=("position", position.id),
            title=f"Title {n}",
            what="published",
        )
    [message] = messages(session, "standing")
    assert message.occurrences == 10
    assert message.subject == "“Title 9” was published"  # the latest news, not the first


def test_coalescing_looks_among_the_messages_about_the_same_thing(session, alliance):
    """Not among everything the recipient ever received: the about index answers it."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan is read with SQLite's EXPLAIN QUERY PLAN")
    chief = alliance.chiefs["harbourside"]
    position = make_position(alliance.officers["harbourside"])
    sent = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if "max(notifications.id)" in statement:
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        outbox.notify(
            session,
            Kind.STANDING,
            [Recipient(chief.id, "a test")],
            link=f"/positions/{position.id}",
            about=("position", position.id),
            title="Title",
            what="published",
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    [(statement, parameters)] = sent
    plan = session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
    assert "ix_notifications_about" in " ".join(str(row[-1]) for row in plan)


def test_a_message_handed_to_a_sender_is_never_changed_under_it(session, alliance):
    chief = alliance.chiefs["harbourside"]

    def notify():
        return outbox.notify(
            session,
            Kind.STANDING,
            [Recipient(chief.id, "a test")],
            link="/",
            about=("position", 1),
            title="T",
            what="published",
        )

    [first] = notify()
    session.get(Notification, first).lease_token = "claimed"
    session.flush()
    [second] = notify()
    assert second != first


def test_publishing_tells_everyone_who_took_part_and_comms(session, alliance):
    writer = alliance.officers["harbourside"]
    position = make_position(writer)
    for chief in alliance.chiefs.values():
        approve(chief, position)
    publisher = alliance.chiefs["moorland"]
    publish(publisher, position)
    told = {m.recipient_id: m for m in messages(session, "standing")}
    others = {c.id for c in alliance.chiefs.values()} - {publisher.id}
    assert set(told) == {writer.id, alliance.comms.id, *others}  # never the publisher
    assert told[alliance.comms.id].reason == "you work in communications"
    assert "published as the alliance's position" in told[writer.id].subject


def test_comms_publishing_is_not_news_to_the_publisher(session, alliance):
    position = make_position(alliance.officers["harbourside"])
    for chief in alliance.chiefs.values():
        approve(chief, position)
    publish(alliance.comms, position)
    told = {m.recipient_id for m in messages(session, "standing")}
    assert alliance.comms.id not in told and alliance.officers["harbourside"].id in told


def test_an_amendment_tells_the_writers_then_the_proposer_its_fate(session, alliance):
    writer = alliance.officers["harbourside"]
    proposer = alliance.officers["moorland"]
    position = make_position(writer)
    amendment = amendments.propose(
        session, proposer, position.id, base_number=1, body="We ask for low rents.", reason="Bolder"
    )
    [proposed] = messages(session, "amendment_proposed")
    assert proposed.recipient_id == writer.id
    assert proposed.link == f"/positions/{position.id}/amendments/{amendment.number}"
    amendments.decline(session, writer, position.id, amendment.number, reason="Too bold.")
    [decided] = messages(session, "amendment_decided")
    assert decided.recipient_id == proposer.id
    assert decided.subject == "Your amendment to “Fair rents” was declined"


def test_a_new_api_token_is_a_security_message_to_its_owner(session, alliance):
    chief = alliance.chiefs["harbourside"]
    inbox.set_preference(session, chief, "objection", "in_app")
    accounts.issue_token(session, chief, "laptop")
    [message] = messages(session, "token_created")
    assert message.recipient_id == chief.id and message.mail_status == MailStatus.QUEUED
    assert "“laptop”" in message.body


def test_a_preference_decides_how_a_kind_is_delivered(session, alliance):
    writer = alliance.officers["harbourside"]
    inbox.set_preference(session, writer, "objection", "in_app")
    position = make_position(writer)
    approve(alliance.chiefs["moorland"], position, "object", "No.")
    [message] = messages(session, "objection")
    assert message.mail_status == MailStatus.NONE and message.in_app


def test_an_invitation_is_mailed_but_not_shown_in_the_app(client, session, alliance):
    from tests.support.client import login

    login(client, alliance.admin)
    answer = client.post(
        "/admin/people",
        data={"email": "new@example.org", "name": "New", "roles": ["comms"], "partner": ""},
    )
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    [message] = messages(session, "invitation")
    assert message.link.startswith("/welcome/")
    assert message.link in page  # the admin still sees the link on screen
    assert not message.in_app and message.mail_status == MailStatus.QUEUED


def test_an_invitation_names_the_alliance_as_its_admins_named_it(client, session, alliance):
    from app.alliance.services import administration
    from tests.support.client import login

    administration.save_settings(session, alliance.admin, name="Northern Rural Alliance")
    session.commit()
    login(client, alliance.admin)
    client.post(
        "/admin/people",
        data={"email": "new@example.org", "name": "New", "roles": ["comms"], "partner": ""},
    )
    [message] = messages(session, "invitation")
    assert "invited to Northern Rural Alliance's Concord" in message.body


def test_a_flagged_appearance_tells_comms(session, alliance):
    from app.meetings.services import appearances
    from tests.support.factories import make_meeting

    position = make_position(alliance.officers["harbourside"])  # a draft: no agreed text
    meeting = make_meeting(alliance.comms, title="Housing briefing", areas=(alliance.area,))
    appearances.record_appearance(
        session,
        alliance.comms,
        meeting.id,
        speaker=alliance.chiefs["harbourside"].id,
        capacity="alliance",
        positions=[position.id],
        summary="Spoke on rents",
    )
    told = messages(session, "appearance_flagged")
    assert told and {m.recipient_id for m in told} == {alliance.comms.id}
    assert told[0].link == "/meetings/flags"
    assert "Housing briefing" in told[0].body
    assert len(told) == 1  # several flags on one appearance make one message


def test_ready_for_sign_off_tells_whoever_signs_for_each_partner_still_to_decide(session, alliance):
    from datetime import timedelta

    from app.alliance.settings import clock_of
    from app.deputies import services as deputies
    from app.drafting.services import cycle
    from tests.support.factories import make_user

    harbourside = alliance.partners[0]
    deputy = make_user("jo@example.org", "policy_officer", partner=harbourside, name="Jo Smith")
    today = clock_of(session).today()
    deputies.name_deputy(
        session,
        alliance.chiefs["harbourside"],
        partner_id=harbourside.id,
        deputy_id=deputy.id,
        starts_on=today,
        ends_on=today + timedelta(days=7),
    )
    position = make_position(alliance.drafter, title="Clean rivers")
    approve(alliance.chiefs["moorland"], position)  # decided already: not asked again
    cycle.mark_ready(session, alliance.drafter, position.id, note="Before the consultation.")
    told = messages(session, "signoff_request")
    expected = [alliance.chiefs["harbourside"].id, alliance.chiefs["riverbank"].id, deputy.id]
    assert sorted(m.recipient_id for m in told) == sorted(expected)
    first = told[0]
    assert first.subject == "“Clean rivers” is ready for your partner's decision"
    assert "Before the consultation." in first.body and "a decision is needed by" in first.body
    assert first.link == f"/positions/{position.id}#sign-off"
    by_deputy = next(m for m in told if m.recipient_id == deputy.id)
    assert (
        by_deputy.reason
        == f"you sign for {harbourside.name}, which has yet to decide on “Clean rivers”"
    )


def test_taking_a_position_back_to_drafting_asks_nobody(session, alliance):
    from app.drafting.services import cycle

    position = make_position(alliance.drafter, title="Clean rivers")
    cycle.mark_ready(session, alliance.drafter, position.id)
    before = len(messages(session, "signoff_request"))
    cycle.take_back(session, alliance.drafter, position.id)
    assert len(messages(session, "signoff_request")) == before


def test_with_a_mail_server_the_invitation_link_is_emailed_not_shown(
    client, session, alliance, smtp
):
    from tests.support.client import login

    login(client, alliance.admin)
    answer = client.post(
        "/admin/people",
        data={"email": "new@example.org", "name": "New", "roles": ["comms"], "partner": ""},
        follow_redirects=True,
    )
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    [message] = messages(session, "invitation")
    assert message.link not in page  # the invitee's alone: it went by mail
    assert "We emailed New the link; it works once, for 7 days." in page
    assert message.mail_status == MailStatus.QUEUED


def invite_through_the_api(client, alliance):
    from tests.support.client import api_headers

    answer = client.post(
        "/api/v1/people",
        json={"email": "new@example.org", "name": "New", "roles": ["comms"]},
        headers=api_headers(alliance.admin),
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_with_a_mail_server_the_api_invitation_has_no_link(client, session, alliance, smtp):
    body = invite_through_the_api(client, alliance)
    [message] = messages(session, "invitation")
    assert body["set_password_link"] is None  # the invitee's alone: it went by mail
    assert message.link not in str(body)
    assert message.mail_status == MailStatus.QUEUED


def test_with_no_mail_server_the_api_invitation_holds_the_emailed_link(
    app, client, session, alliance, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_HOST", None)
    body = invite_through_the_api(client, alliance)
    [message] = messages(session, "invitation")
    assert body["set_password_link"].endswith(message.link)  # the same link, to pass on
    assert message.mail_status == MailStatus.QUEUED  # and in the local mailbox too


def test_telling_more_people_costs_no_more_statements(session, alliance):
    """notify runs inside the request that caused it: its queries do not grow with the number
    of people told (people and choices in one, messages to bring up to date in another)."""
    from tests.support.queries import counting_queries

    everyone = [*alliance.chiefs.values(), *alliance.officers.values(), alliance.comms]

    def tell(people, about_id):
        with counting_queries() as statements:
            written = outbox.notify(
                session,
                Kind.STANDING,
                [Recipient(p.id, "a test") for p in people],
                link="/",
                about=("position", about_id),
                title="T",
                what="published",
            )
        assert len(written) == len(people)
        # New rows go in one flush: one INSERT on PostgreSQL, one a row on SQLite (whose
        # RETURNING order is not guaranteed), so only the rest is counted.
        return len([s for s in statements if not s.startswith("INSERT INTO notifications")])

    assert tell(everyone[:1], 1) == tell(everyone, 2)
    # Told again while unsent: each message is brought up to date, one UPDATE a person.
    assert tell(everyone, 2) - tell(everyone[:1], 1) == len(everyone) - 1


def test_a_comment_tells_the_writers_who_may_read_it_once_while_unsent(session, alliance):
    from app.discussion import services as discussion

    writer = alliance.officers["harbourside"]
    editor = alliance.officers["moorland"]
    position = make_position(writer, title="Clean rivers")
    revise(editor, position, "We ask for clean rivers by 2030.")
    commenter = alliance.chiefs["riverbank"]
    thread = discussion.start_thread(
        session, commenter, position.id, body="Which rivers?", paragraph=0
    )
    discussion.reply(session, commenter, thread.id, body="And which year?")
    told = messages(session, "comment")
    assert sorted(m.recipient_id for m in told) == sorted([writer.id, editor.id])
    assert all(m.occurrences == 2 for m in told)  # two comments, one message each while unsent
    assert told[0].subject == f"{commenter.name} commented on “Clean rivers”"
    assert "And which year?" in told[0].body  # the latest
    assert told[0].link == f"/positions/{position.id}#thread-{thread.id}"

    # A writer's own comment is not news to them; a partner's internal note stays within it.
    discussion.start_thread(
        session, editor, position.id, body="Internal: fine.", paragraph=0, visibility="partner"
    )
    assert {m.recipient_id for m in messages(session, "comment")} == {writer.id, editor.id}
    assert all(m.occurrences == 2 for m in messages(session, "comment"))


def test_someone_mentioned_in_a_comment_is_told_once(session, alliance):
    from app.discussion import services as discussion
    from tests.support.factories import make_user

    writer = make_user("jo@example.org", partner=alliance.partners[0], name="Jo Smith")
    position = make_position(writer, title="Clean rivers")
    handle = "@JoSmith"  # the name run together
    discussion.start_thread(
        session, alliance.chiefs["riverbank"], position.id, body=f"{handle}: why?", paragraph=0
    )
    assert [m.recipient_id for m in messages(session, "mention")] == [writer.id]
    assert messages(session, "comment") == []
