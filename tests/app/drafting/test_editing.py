"""Drafting services on a real session: revisions, merges, conflicts, refusals of bad text."""

import pytest
from sqlalchemy import select

from app.drafting.models import Revision
from app.drafting.services import editing as drafting
from app.extensions import db
from app.web.errors import status_of as http_status
from positions.hashing import content_hash
from positions.refusals import Conflict, Forbidden, Invalid, NotFound, TooLarge
from tests.support.factories import audit_events, make_position, make_user, revise

TWO_PARAGRAPHS = "Rents should be fair.\n\nRepairs should be quick."


def test_create_makes_revision_one_bound_to_its_hash(alliance, session):
    position = make_position(alliance.drafter, title="Fair rents", body="We ask for fair rents.")
    revision = position.current_revision
    assert (revision.number, revision.title, revision.body) == (
        1,
        "Fair rents",
        "We ask for fair rents.",
    )
    assert revision.content_hash == content_hash("Fair rents", "We ask for fair rents.")
    assert position.status == "draft"
    assert position.slug == "fair-rents"


def test_each_save_is_a_new_numbered_revision_and_old_ones_stay(alliance, session):
    position = make_position(alliance.drafter, body="one")
    revise(alliance.drafter, position, "two", note="second")
    revise(alliance.drafter, position, "three", note="third")
    session.commit()
    rows = drafting.revisions(session, position.id)
    assert [(r.number, r.body) for r in rows] == [(3, "three"), (2, "two"), (1, "one")]
    assert [r.note for r in rows[:2]] == ["third", "second"]
    assert position.current_revision.number == 3


def test_revisions_are_immutable_once_written(alliance, session):
    position = make_position(alliance.drafter)
    session.commit()
    position.current_revision.body = "rewritten in place"
    with pytest.raises(RuntimeError, match="immutable"):
        session.flush()
    session.rollback()
    assert session.get(Revision, position.current_revision_id).body == "We ask for fair rents."


def test_revisions_are_never_deleted(alliance, session):
    position = make_position(alliance.drafter)
    session.commit()
    session.delete(position.current_revision)
    with pytest.raises(RuntimeError, match="never deleted"):
        session.flush()
    session.rollback()


def test_saving_identical_text_is_refused_as_no_change(alliance, session):
    position = make_position(alliance.drafter, body="Same text.")
    with pytest.raises(Invalid) as refused:
        revise(alliance.drafter, position, "Same text.")
    assert refused.value.code == "no_change"


def test_text_that_only_differs_in_trailing_space_is_no_change(alliance, session):
    position = make_position(alliance.drafter, body="Same text.")
    with pytest.raises(Invalid) as refused:
        revise(alliance.drafter, position, "Same text.   \r\n")
    assert refused.value.code == "no_change"


def test_stale_base_merges_cleanly_when_edits_do_not_overlap(alliance, session):
    me, other = alliance.officers["harbourside"], alliance.officers["moorland"]
    position = make_position(me, body=TWO_PARAGRAPHS)
    revise(other, position, "Rents should be fair and stable.\n\nRepairs should be quick.")
    saved = revise(
        me, position, "Rents should be fair.\n\nRepairs should be quick and free.", base=1
    )
    assert saved.merged is True
    assert saved.revision.number == 3
    assert saved.revision.body == (
        "Rents should be fair and stable.\n\nRepairs should be quick and free."
    )
    assert saved.revision.merged and saved.revision.base_number == 1


def test_overlapping_edits_raise_conflict_naming_both_revisions(alliance, session):
    """The typed text is the caller's to keep (the conflict page does: test_web_drafting)."""
    me, other = alliance.officers["harbourside"], alliance.officers["moorland"]
    position = make_position(me, body=TWO_PARAGRAPHS)
    revise(other, position, "Rents should be low.\n\nRepairs should be quick.")
    with pytest.raises(Conflict) as conflict:
        revise(
            me,
            position,
            "Rents should be capped.\n\nRepairs should be quick.",
            title="My title",
            base=1,
            note="my note",
        )
    refused = conflict.value
    assert (refused.extra["base_revision"], refused.extra["current_revision"]) == (1, 2)
    assert (refused.code, http_status(refused)) == ("edit_conflict", 409)


def test_both_changing_the_title_differently_is_a_conflict(alliance, session):
    me, other = alliance.officers["harbourside"], alliance.officers["moorland"]
    position = make_position(me, title="Rents", body=TWO_PARAGRAPHS)
    revise(other, position, TWO_PARAGRAPHS + "\n\nMore.", title="Their title")
    with pytest.raises(Conflict):
        revise(me, position, TWO_PARAGRAPHS, title="My title", base=1)


def test_a_conflict_writes_no_revision(alliance, session):
    me, other = alliance.officers["harbourside"], alliance.officers["moorland"]
    position = make_position(me, body="Alpha beta.")
    revise(other, position, "Alpha gamma.")
    session.commit()
    with pytest.raises(Conflict):
        revise(me, position, "Alpha delta.", base=1)
    session.rollback()
    assert drafting.revision_count(session, position.id) == 2


def test_an_unknown_base_revision_is_not_found(alliance, session):
    position = make_position(alliance.drafter)
    with pytest.raises(NotFound) as refused:
        revise(alliance.drafter, position, "new", base=7)
    assert refused.value.code == "unknown_revision"


def test_oversized_body_is_too_large_413(alliance, session, app):
    limit = app.config["MAX_BODY_BYTES"]
    with pytest.raises(TooLarge) as refused:
        make_position(alliance.drafter, body="x" * (limit + 1))
    assert http_status(refused.value) == 413
    position = make_position(alliance.drafter, body="x" * limit)  # the limit itself is fine
    with pytest.raises(TooLarge):
        revise(alliance.drafter, position, "é" * (limit // 2 + 1))  # bytes, not characters


@pytest.mark.parametrize("title", ["", "   "])
def test_empty_title_is_invalid(alliance, session, title):
    with pytest.raises(Invalid) as refused:
        make_position(alliance.drafter, title=title)
    assert (http_status(refused.value), refused.value.field) == (400, "title")


def test_an_unknown_area_is_not_found(alliance, session):
    with pytest.raises(NotFound) as refused:
        drafting.create_position(session, alliance.drafter, title="T", body="b", area="nowhere")
    assert refused.value.code == "unknown_area"


def test_only_policy_and_chief_officers_draft(alliance, session):
    make_position(alliance.chiefs["moorland"], title="By a chief")
    for user in (alliance.comms, alliance.admin):
        with pytest.raises(Forbidden):
            make_position(user, title="Not allowed")


def test_same_title_gets_a_distinct_slug(alliance, session):
    first = make_position(alliance.drafter, title="Fair rents")
    second = make_position(alliance.drafter, title="Fair rents")
    assert first.slug != second.slug


def test_create_and_edit_are_audited(alliance, session):
    position = make_position(alliance.drafter)
    revise(alliance.drafter, position, "Changed.")
    created, edited = audit_events("position.create"), audit_events("revision.create")
    assert [e.object_id for e in created] == [str(position.id)]
    assert edited[0].actor_id == alliance.drafter.id
    assert position.current_revision.content_hash in edited[0].details


def test_rendered_html_is_stored_sanitised(alliance, session):
    position = make_position(
        alliance.drafter, body="**bold** <script>alert(1)</script> [x](javascript:alert(2))"
    )
    html = position.current_revision.body_html
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html


def test_revision_rows_are_unique_per_position_and_number(alliance, session):
    a = make_position(alliance.drafter, title="A")
    b = make_position(alliance.drafter, title="B")
    numbers = session.execute(
        select(Revision.position_id, Revision.number).order_by(Revision.id)
    ).all()
    assert numbers == [(a.id, 1), (b.id, 1)]


def test_a_user_without_drafting_role_cannot_edit(alliance, session):
    position = make_position(alliance.drafter)
    outsider = make_user("reader@alliance.test", "comms", name="Reader")
    db.session.flush()
    with pytest.raises(Forbidden):
        revise(outsider, position, "Hijacked.")
