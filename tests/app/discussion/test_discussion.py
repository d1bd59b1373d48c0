"""Discussion on stored data: threads on paragraphs and passages, following the text across
revisions, replies, edits kept, resolving, partner-private notes, mentions, objections, API."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.alliance import settings as alliance_settings
from app.audit.models import AuditEvent
from app.discussion import services
from app.discussion.models import Thread
from app.extensions import db
from app.notifications.models import Notification
from positions.refusals import NotFound
from tests.support.client import api_headers, api_post, body_of, error_of, login
from tests.support.factories import approve, make_position, publish, revise

TEXT = (
    "Every village keeps its hall.\n\n"
    "The council should cap single bus fares at two pounds.\n\n"
    "Funding comes from the regional transport budget."
)
NOW = datetime(2026, 6, 10, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    now = {"at": NOW}
    monkeypatch.setattr(alliance_settings, "utcnow", lambda: now["at"])
    return now


@pytest.fixture
def position(alliance):
    made = make_position(alliance.drafter, title="Rural buses", body=TEXT)
    db.session.commit()
    return made


def switch_to(client, user):
    """Sign out whoever was signed in, then sign `user` in."""
    client.post("/logout")
    login(client, user)


def people(alliance):
    """Riverbank is not the drafter's partner: the other side of a partner's note."""
    home, other = alliance.partners[0].slug, alliance.partners[1].slug
    return alliance.officers[home], alliance.officers[other], alliance.chiefs[other]


def test_a_thread_on_a_paragraph_is_shown_beside_it_and_follows_the_text(
    alliance, client, session, position
):
    author, other, _ = people(alliance)
    switch_to(client, author)
    started = client.post(
        f"/discussion/positions/{position.id}/threads",
        data={"body": "Two pounds is too high.", "paragraph": "1", "visibility": "alliance"},
    )
    assert started.status_code == 302 and "#thread-" in started.location
    thread = session.execute(select(Thread)).scalar_one()
    assert thread.quote == "The council should cap single bus fares at two pounds."
    page = body_of(client.get(f"/positions/{position.id}"))
    assert 'id="p-1"' in page and "Two pounds is too high." in page
    assert page.index('id="p-1"') < page.index(f'id="thread-{thread.id}"') < page.index('id="p-2"')

    switch_to(client, other)
    replied = client.post(f"/discussion/threads/{thread.id}/replies", data={"body": "Agreed."})
    assert replied.status_code == 302
    from app.discussion.models import Comment

    reply_row = session.execute(select(Comment).order_by(Comment.id.desc())).scalars().first()
    assert (reply_row.body, reply_row.author_id) == ("Agreed.", other.id)

    revise(author, position, "A new opening line.\n\n" + TEXT.replace("two pounds", "1.50"))
    session.commit()
    db.session.refresh(thread)
    assert not thread.outdated
    current = position.current_revision.body
    assert current[thread.start : thread.end] == (
        "The council should cap single bus fares at 1.50."
    )
    page = body_of(client.get(f"/positions/{position.id}"))
    assert page.index('id="p-2"') < page.index(f'id="thread-{thread.id}"') < page.index('id="p-3"')
    assert "Now reads" in page

    resolved = client.post(f"/discussion/threads/{thread.id}/resolve")
    assert resolved.status_code == 302
    db.session.refresh(thread)
    assert thread.resolved_by_id == other.id
    actions = [e.action for e in session.execute(select(AuditEvent)).scalars()]
    for action in (
        "discussion.start",
        "discussion.reply",
        "discussion.reanchor",
        "discussion.resolve",
    ):
        assert action in actions


def test_a_deleted_clause_leaves_an_outdated_thread_with_its_quote(alliance, session, position):
    author, _, _ = people(alliance)
    thread = services.start_thread(
        db.session, author, position.id, body="Which budget?", quote="regional transport budget"
    )
    revise(author, position, TEXT.split("\n\nFunding")[0])
    session.commit()
    db.session.refresh(thread)
    assert thread.outdated and thread.quote == "regional transport budget"


def test_a_refused_thread_keeps_what_was_typed(alliance, client, position):
    author, _, _ = people(alliance)
    switch_to(client, author)
    refused = client.post(
        f"/discussion/positions/{position.id}/threads",
        data={"body": "My careful words", "quote": "not in the text at all"},
    )
    assert refused.status_code == 400
    page = body_of(refused)
    assert "My careful words" in page and "word for word" in page
    stale = client.post(
        f"/discussion/positions/{position.id}/threads",
        data={"body": "Still mine", "paragraph": "0", "revision": "7"},
    )
    assert stale.status_code == 409 and "Still mine" in body_of(stale)


def test_ones_own_comment_is_edited_for_a_while_and_the_edits_kept(
    alliance, client, session, position, clock
):
    author, other, _ = people(alliance)
    thread = services.start_thread(db.session, author, position.id, body="Frist", paragraph=0)
    session.commit()
    comment_id = thread_comments(thread)[0]
    switch_to(client, author)
    assert (
        client.post(f"/discussion/comments/{comment_id}/edit", data={"body": "First"}).status_code
        == 302
    )
    history = body_of(client.get(f"/discussion/comments/{comment_id}/history"))
    assert "Frist" in history and "First" in history
    switch_to(client, other)
    assert (
        client.post(
            f"/discussion/comments/{comment_id}/edit", data={"body": "Mine now"}
        ).status_code
        == 403
    )
    clock["at"] = NOW + timedelta(minutes=16)
    switch_to(client, author)
    late = client.post(f"/discussion/comments/{comment_id}/edit", data={"body": "Too late"})
    assert late.status_code == 409 and "Too late" in body_of(late)


def thread_comments(thread) -> list[int]:
    from app.discussion.models import Comment

    return list(
        db.session.execute(
            select(Comment.id).where(Comment.thread_id == thread.id).order_by(Comment.id)
        ).scalars()
    )


def test_a_partners_note_never_reaches_another_partner_or_the_alliance_team(
    alliance, client, session, position
):
    author, other_officer, other_chief = people(alliance)
    note = services.start_thread(
        db.session,
        author,
        position.id,
        body="Internal: we can live with it.",
        paragraph=1,
        visibility="partner",
    )
    session.commit()
    for outsider in (other_officer, other_chief, alliance.comms, alliance.admin):
        switch_to(client, outsider)
        page = body_of(client.get(f"/positions/{position.id}"))
        assert "we can live with it" not in page, outsider.email
        assert (
            client.post(f"/discussion/threads/{note.id}/replies", data={"body": "x"}).status_code
            == 404
        )
        assert client.post(f"/discussion/threads/{note.id}/resolve").status_code == 404
        headers = api_headers(outsider)
        listed = client.get(f"/api/v1/positions/{position.id}/threads", headers=headers)
        assert listed.status_code == 200 and "we can live with it" not in listed.get_data(
            as_text=True
        )
        error_of(client.get(f"/api/v1/threads/{note.id}", headers=headers), 404)
        error_of(api_post(client, outsider, f"/threads/{note.id}/comments", {"body": "x"}), 404)
        for event in session.execute(select(AuditEvent)).scalars():
            assert "we can live with it" not in (event.details or "")
    colleague = alliance.chiefs[author.partner.slug]
    switch_to(client, colleague)
    assert "we can live with it" in body_of(client.get(f"/positions/{position.id}"))
    with pytest.raises(NotFound):
        services.reply(db.session, other_chief, note.id, body="Let me in")


def test_a_note_mentions_only_its_own_partners_people(alliance, session, position):
    author, other_officer, _ = people(alliance)
    colleague = alliance.chiefs[author.partner.slug]
    handle = lambda user: "@" + user.email.split("@")[0]  # noqa: E731
    services.start_thread(
        db.session,
        author,
        position.id,
        paragraph=0,
        visibility="partner",
        body=f"{handle(colleague)} and {handle(other_officer)}, have a look.",
    )
    session.commit()
    told = {
        n.recipient_id
        for n in session.execute(select(Notification)).scalars()
        if n.kind == "mention"
    }
    assert told == {colleague.id}


def test_an_objection_starts_a_thread_its_authors_can_answer(alliance, client, session, position):
    author, _, other_chief = people(alliance)
    approve(other_chief, position, "object", "The fare cap is unaffordable.")
    session.commit()
    thread = session.execute(select(Thread)).scalar_one()
    assert thread.signoff_id is not None and thread.quote == ""
    services.reply(db.session, author, thread.id, body="We have costed it: see annex.")
    session.commit()
    revise(author, position, TEXT + "\n\nCosted in the annex.")
    session.commit()
    switch_to(client, other_chief)
    page = body_of(client.get(f"/positions/{position.id}"))
    assert "The fare cap is unaffordable." in page and "We have costed it" in page
    since = page[page.index('id="changes-since-objection"') :]
    assert f'href="#thread-{thread.id}">the 1 answer to the objection' in since[:1200]


def test_the_api_starts_lists_and_resolves_threads(alliance, client, session, position):
    author, other, _ = people(alliance)
    made = api_post(
        client,
        author,
        f"/positions/{position.id}/threads",
        {"body": "Why hourly?", "quote": "the regional", "prefix": "from ", "revision": 1},
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    thread = made.get_json()
    assert thread["quote"] == "the regional" and thread["comments"][0]["author"] == author.name
    reply = api_post(client, other, f"/threads/{thread['id']}/comments", {"body": "Evenings."})
    assert reply.status_code == 201
    done = api_post(client, other, f"/threads/{thread['id']}/resolution", {"resolved": True})
    assert done.status_code == 200 and done.get_json()["resolved_by"] == other.name
    error_of(
        api_post(client, other, f"/threads/{thread['id']}/resolution", {"resolved": True}), 409
    )
    error_of(
        api_post(
            client, author, f"/positions/{position.id}/threads", {"body": "x", "quote": "zzz"}
        ),
        400,
        "quote_not_found",
    )
    error_of(
        api_post(
            client, author, f"/positions/{position.id}/threads", {"body": " ", "paragraph": 0}
        ),
        400,
        "empty_comment",
    )
    listed = client.get(f"/api/v1/positions/{position.id}/threads", headers=api_headers(other))
    assert [t["id"] for t in listed.get_json()] == [thread["id"]]
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/positions/{position_id}/threads" in spec["paths"]


def test_published_pages_never_show_the_discussion(alliance, client, session, position):
    author, _, _ = people(alliance)
    services.start_thread(db.session, author, position.id, body="Behind the scenes.", paragraph=0)
    alliance.approve_all(position)
    publish(alliance.comms, position)
    session.commit()
    public = body_of(client.get(f"/public/{position.slug}"))
    assert "Every village keeps its hall." in public and "Behind the scenes." not in public


def test_a_thread_resolved_before_an_edit_follows_the_text_when_reopened(
    alliance, session, position
):
    author, other, _ = people(alliance)
    thread = services.start_thread(
        db.session, author, position.id, body="Which budget?", quote="regional transport budget"
    )
    services.set_resolved(db.session, other, thread.id, resolved=True)
    revise(author, position, "New first line.\n\n" + TEXT)
    session.commit()
    assert thread.anchored_revision_id != position.current_revision_id  # resolved: not carried
    services.set_resolved(db.session, other, thread.id, resolved=False)
    session.commit()
    body = position.current_revision.body
    assert thread.anchored_revision_id == position.current_revision_id
    assert body[thread.start : thread.end] == "regional transport budget"


def test_the_to_do_list_counts_the_open_threads_i_may_read(alliance, client, session, position):
    author, _, other_chief = people(alliance)
    from app.drafting.services import cycle

    cycle.mark_ready(db.session, author, position.id)
    services.start_thread(db.session, author, position.id, body="Open", paragraph=0)
    services.start_thread(
        db.session, author, position.id, body="Ours only", paragraph=1, visibility="partner"
    )
    session.commit()
    switch_to(client, other_chief)
    assert "1 open thread<" in body_of(client.get("/"))


def test_the_compare_view_shows_threads_on_what_changed(alliance, client, session, position):
    author, other, _ = people(alliance)
    on_fares = services.start_thread(db.session, author, position.id, body="Fares?", paragraph=1)
    services.start_thread(db.session, author, position.id, body="Halls?", paragraph=0)
    revise(author, position, TEXT.replace("two pounds", "one pound fifty"))
    session.commit()
    switch_to(client, other)
    page = body_of(client.get(f"/positions/{position.id}/compare?from=1&to=2"))
    shown = page[page.index('id="threads-on-changes"') :]
    assert f'id="thread-{on_fares.id}"' in shown and "Fares?" in shown and "Halls?" not in shown
