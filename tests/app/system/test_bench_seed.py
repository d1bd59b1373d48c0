"""`python -m benchmarks.seed`: exact totals, consistent rows, and only into an empty database.

A small scale here; `make bench` seeds the full set (10,000 positions, 100,000 revisions).
"""

import random

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from app.accounts.models import User
from app.alliance.models import Partner, PolicyArea
from app.audit.services import verify_chain_of
from app.drafting.models import Position, Revision, SignOff
from app.drafting.services.consensus import consensus_for_many
from app.extensions import db
from benchmarks import corpus
from benchmarks.seed import PASSWORD, Plan, seed_command
from positions import consensus as core
from positions.hashing import content_hash
from positions.rendering import render_markdown

SCALE = 0.003


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def seeded(app):
    result = app.test_cli_runner().invoke(seed_command, ["--scale", str(SCALE)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def test_seed_makes_exactly_the_planned_rows(seeded):
    plan = Plan.scaled(SCALE)
    assert (count(Partner), count(PolicyArea)) == (5, 20)
    assert count(Position) == plan.positions
    assert count(Revision) == plan.revisions
    assert count(SignOff) == plan.signoffs
    longest = db.session.execute(
        select(func.count()).select_from(Revision).group_by(Revision.position_id)
    ).scalars()
    assert max(longest) == plan.long_history
    biggest = max(len(r.body.split()) for r in db.session.execute(select(Revision)).scalars())
    assert biggest >= plan.big_words
    assert "Seeded in" in seeded


def test_seeded_rows_are_what_the_app_itself_would_have_written(seeded):
    revisions = list(db.session.execute(select(Revision)).scalars())
    for revision in random.Random(1).sample(revisions, 40):
        assert revision.body_html == render_markdown(revision.body)
        assert revision.content_hash == content_hash(revision.title, revision.body)
    positions = list(db.session.execute(select(Position)).scalars())
    consensus = consensus_for_many(db.session, positions)
    for position in positions:
        assert position.current_revision.number == max(
            r.number for r in revisions if r.position_id == position.id
        )
        published = position.published_revision
        expected = core.status_of(
            consensus[position.id],
            published.number if published else None,
            core.PositionStatus(position.status),
        )
        assert position.status == expected
        if position.publication:
            approvals = {s.partner_id for s in position.publication.signatories}
            assert len(approvals) == 5
            assert {s.revision_id for s in position.publication.signatories} == {published.id}
    statuses = {p.status for p in positions}
    assert {"draft", "agreed", "published"} <= statuses
    assert verify_chain_of(db.session).intact


def test_seeded_people_sign_in_with_the_bench_password(seeded, client):
    chief = db.session.execute(select(User).where(User.roles == "chief_officer")).scalars().first()
    assert check_password_hash(chief.password_hash, PASSWORD)
    response = client.post("/login", data={"email": chief.email, "password": PASSWORD})
    assert response.status_code == 302


def test_seed_refuses_a_database_with_data(seeded, app):
    again = app.test_cli_runner().invoke(seed_command, ["--scale", str(SCALE)])
    assert again.exit_code != 0
    assert "already has data" in again.output


def test_block_html_is_the_renderers_output():
    rng = random.Random(3)
    blocks = corpus.document(rng, 3000)
    assert corpus.body_html(blocks) == render_markdown(corpus.body(blocks))
    edited = corpus.heavy_rewrite(rng, corpus.scattered_edits(rng, blocks, 30))
    assert corpus.body_html(edited) == render_markdown(corpus.body(edited))
