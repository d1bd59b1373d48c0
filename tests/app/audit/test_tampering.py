"""Issue 12, item 6: rewrites by whoever runs the database show, case by case.

Each test tampers the way someone with write access to the database would (raw SQL, hashes
recomputed where that helps them) and asks verify; each of these passed verify before.
"""

import json

import pytest
from sqlalchemy import text

from app.accounts import services as accounts
from app.audit import services as audit
from app.audit.models import AuditEvent, AuditHead
from app.divergence.services import differ
from app.drafting.models import Publication, Revision, SignOff
from app.extensions import db, utcnow
from positions.audit import GENESIS, event_hash
from tests.support.factories import approve, make_position, publish, revise

KEY = b"test-checkpoint-key-not-for-production"


def _story(alliance):
    position = make_position(alliance.drafter)
    revise(alliance.drafter, position, "Edited.")
    alliance.approve_all(position)
    publish(alliance.comms, position)
    approve(alliance.chiefs["moorland"], position, "object", "On reflection, no.")
    return position


def _rechain(session) -> None:
    """What a forger does after a change: renumber and re-hash every event, then fix the head."""
    events = session.execute(text("SELECT * FROM audit_events ORDER BY seq")).mappings().all()
    prev = GENESIS
    for seq, e in enumerate(events, start=1):
        actor_id = "" if e["actor_id"] is None else str(e["actor_id"])
        at = e["at"] if isinstance(e["at"], str) else e["at"].isoformat()
        digest = event_hash(
            prev, seq, at.replace(" ", "T"), e["actor_label"], e["action"], e["object_type"],
            e["object_id"], e["details"], actor_id=actor_id, version=e["hash_version"],
        )  # fmt: skip
        session.execute(
            text("UPDATE audit_events SET seq = :seq, prev_hash = :p, hash = :h WHERE id = :id"),
            {"seq": seq, "p": prev, "h": digest, "id": e["id"]},
        )
        prev = digest
    session.execute(
        text("UPDATE audit_head SET seq = :s, hash = :h"), {"s": len(events), "h": prev}
    )
    session.expire_all()


def _problems(session, checkpoint=None) -> list[str]:
    session.flush()
    session.expire_all()
    return audit.verify_chain_of(session, checkpoint).problems


@pytest.fixture
def story(alliance, session):
    position = _story(alliance)
    assert _problems(session) == []
    return position


def test_the_rechaining_helper_alone_leaves_an_intact_chain(story, session):
    _rechain(session)
    assert _problems(session) == []


def test_deleting_the_last_events_and_fixing_the_head_shows_against_a_checkpoint(story, session):
    held = audit.make_checkpoint(session, KEY)
    last = session.execute(text("SELECT MAX(seq) FROM audit_events")).scalar_one()
    session.execute(text("DELETE FROM audit_checkpoints"))
    session.execute(text("DELETE FROM audit_events WHERE seq > :s"), {"s": last - 2})
    _rechain(session)
    assert any("gone" in p for p in _problems(session, held))


def test_editing_an_event_and_recomputing_the_rest_shows_against_a_checkpoint(
    story, session, alliance
):
    accounts.authenticate(session, "someone@else.test", "wrong")
    held = audit.make_checkpoint(session, KEY)
    session.execute(text("DELETE FROM audit_checkpoints"))
    session.execute(
        text("UPDATE audit_events SET actor_label = 'nobody' WHERE action = 'login.failed'")
    )
    _rechain(session)
    assert any("rewritten" in p for p in _problems(session, held))


def test_deleting_an_event_and_recomputing_the_rest_shows_against_a_checkpoint(story, session):
    accounts.authenticate(session, "someone@else.test", "wrong")
    held = audit.make_checkpoint(session, KEY)
    session.execute(text("DELETE FROM audit_checkpoints"))
    session.execute(text("DELETE FROM audit_events WHERE action = 'login.failed'"))
    _rechain(session)
    assert _problems(session, held)


def test_appending_a_forged_sign_off_event_shows(story, session, alliance):
    audit.record(
        session,
        "signoff.approve",
        actor=alliance.chiefs["moorland"],
        object_type="position",
        object_id=story.id,
        details={"partner": "moorland", "revision": 2, "hash": "f" * 64, "comment": ""},
    )
    assert any("the data lacks" in p for p in _problems(session))


def test_emptying_the_events_and_resetting_the_head_shows(story, session):
    session.execute(text("DELETE FROM audit_events"))
    session.execute(text("UPDATE audit_head SET seq = 0, hash = :g"), {"g": GENESIS})
    problems = _problems(session)
    assert any("sign-off" in p and "no event" in p for p in problems)
    assert any("revision" in p and "no event" in p for p in problems)


def test_changing_the_actor_id_shows(story, session, alliance):
    session.execute(
        text("UPDATE audit_events SET actor_id = :other WHERE action = 'signoff.object'"),
        {"other": alliance.chiefs["riverbank"].id},
    )
    assert any("altered" in p for p in _problems(session))


def test_flipping_an_objection_to_an_approval_shows(story, session):
    session.execute(text("UPDATE signoffs SET decision = 'approve' WHERE decision = 'object'"))
    assert any("sign-off" in p for p in _problems(session))


def test_changing_a_sign_offs_partner_shows(story, session, alliance):
    moorland, riverbank = (alliance.chiefs[s].partner for s in ("moorland", "riverbank"))
    session.execute(
        text("UPDATE signoffs SET partner_id = :r WHERE partner_id = :m AND decision = 'object'"),
        {"r": riverbank.id, "m": moorland.id},
    )
    assert any("sign-off" in p for p in _problems(session))


def test_rewriting_a_published_revisions_body_shows(story, session):
    published = session.get(Publication, story.publication_id).revision_id
    session.execute(
        text("UPDATE revisions SET body = 'We never said that.' WHERE id = :id"),
        {"id": published},
    )
    assert any("rewritten" in p for p in _problems(session))


def test_rewriting_a_body_and_its_hash_together_shows(story, session):
    from positions.hashing import content_hash

    revision = session.get(Revision, story.current_revision_id)
    forged = content_hash(revision.title, "We never said that.")
    session.execute(
        text("UPDATE revisions SET body = 'We never said that.', content_hash = :h WHERE id = :id"),
        {"h": forged, "id": revision.id},
    )
    assert any("revision" in p and "no event" in p for p in _problems(session))


def test_inserting_a_publication_for_a_position_not_everyone_approved_shows(alliance, session):
    position = make_position(alliance.drafter)
    approve(alliance.chiefs["moorland"], position)
    revision = position.current_revision
    session.add(
        Publication(
            position_id=position.id,
            revision_id=revision.id,
            published_by_id=alliance.comms.id,
            published_at=utcnow(),
        )
    )
    # The forger records the matching event too, so only the unanimity check can tell.
    audit.record(
        session,
        "position.publish",
        actor=alliance.comms,
        object_type="position",
        object_id=position.id,
        details={"revision": revision.number, "hash": revision.content_hash, "signatories": []},
    )
    assert any("not unanimous" in p for p in _problems(session))


def test_a_crafted_email_cannot_be_re_split_into_a_sign_off(alliance, session):
    """With fields joined by \\x1f, a failed sign-in could be rewritten into an approval with
    the same hash; the JSON encoding gives every field its own place."""
    sep = "\x1f"
    tail = sep.join(["login.failed", "", "", "{}"])
    crafted = sep.join(["chief@moorland.test", "signoff.approve", "position", "1", '{"x":1}'])
    accounts.authenticate(session, crafted, "wrong")
    session.flush()
    event = session.execute(
        text("SELECT id FROM audit_events WHERE action = 'login.failed'")
    ).scalar_one()
    session.execute(
        text(
            "UPDATE audit_events SET actor_label = 'chief@moorland.test', "
            "action = 'signoff.approve', object_type = 'position', object_id = '1', "
            "details = :d WHERE id = :id"
        ),
        {"d": '{"x":1}' + sep + tail, "id": event},
    )
    assert any("altered" in p for p in _problems(session))


def test_a_checkpoint_file_signed_with_another_key_is_refused(story, session, flask_cli, tmp_path):
    forged = audit.make_checkpoint(session, b"someone else's key")
    session.commit()
    path = tmp_path / "checkpoint.json"
    path.write_text(json.dumps(forged.__dict__))
    result = flask_cli("audit", "verify", "--checkpoint", str(path))
    assert result.exit_code == 1 and "signature" in result.output


def test_the_checkpoint_command_writes_a_file_verify_accepts(story, session, flask_cli, tmp_path):
    session.commit()
    path = tmp_path / "checkpoint.json"
    made = flask_cli("audit", "checkpoint", "--out", str(path))
    assert made.exit_code == 0, made.output
    held = json.loads(path.read_text())
    assert held["seq"] == session.get(AuditHead, 1).seq
    result = flask_cli("audit", "verify", "--checkpoint", str(path))
    assert result.exit_code == 0, result.output
    assert f"up to checkpoint event {held['seq']}" in result.output


def test_a_checkpoint_file_that_cannot_be_written_says_so_and_keeps_the_checkpoint(
    story, session, flask_cli, tmp_path
):
    session.commit()
    (tmp_path / "not-a-folder").write_text("")
    made = flask_cli("audit", "checkpoint", "--out", str(tmp_path / "not-a-folder" / "c.json"))
    assert made.exit_code == 1 and "Traceback" not in made.output
    assert "could not be written" in made.output and "Save it from here" in made.output
    assert f'"seq": {session.get(AuditHead, 1).seq}' in made.output  # printed all the same


def test_events_written_now_use_the_json_format_and_hash_the_actor(story, session):
    event = session.execute(
        db.select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)
    ).scalar_one()
    assert event.hash_version == 2


def test_sign_off_rows_and_events_still_agree_after_many_actions(story, session):
    assert session.execute(db.select(db.func.count()).select_from(SignOff)).scalar_one() == 4
    assert _problems(session) == []


def test_the_public_page_shows_the_latest_checkpoint(story, session, client):
    held = audit.make_checkpoint(session, KEY)
    session.commit()
    page = client.get("/public/").get_data(as_text=True)
    assert held.hash in page and held.signature in page and str(held.seq) in page


def test_a_checkpoint_downloaded_from_the_public_site_verifies(
    story, session, client, flask_cli, tmp_path
):
    assert client.get("/public/checkpoint.json").status_code == 404  # none signed yet
    held = audit.make_checkpoint(session, KEY)
    session.commit()
    answer = client.get("/public/checkpoint.json")
    assert answer.status_code == 200 and answer.get_json()["hash"] == held.hash
    path = tmp_path / "downloaded.json"
    path.write_bytes(answer.get_data())
    result = flask_cli("audit", "verify", "--checkpoint", str(path))
    assert result.exit_code == 0, result.output


def test_each_partners_chief_officer_is_handed_the_latest_checkpoint(
    story, session, client, alliance
):
    from tests.support.client import login

    held = audit.make_checkpoint(session, KEY)
    session.commit()
    login(client, alliance.chiefs["moorland"])
    page = client.get("/").get_data(as_text=True)
    assert f"Download checkpoint {held.seq}" in page and "/public/checkpoint.json" in page
    client.post("/logout")
    login(client, alliance.drafter)
    assert "Keep the audit checkpoint" not in client.get("/").get_data(as_text=True)


# ---- undoing what the partners agreed ----------------------------------------------------------


def test_an_honest_withdrawal_agrees_with_the_chain(story, session, alliance):
    alliance.withdraw_all(story)
    assert _problems(session) == []


def test_deleting_a_partners_withdrawal_confirmation_shows(story, session, alliance):
    alliance.withdraw_all(story)
    session.flush()
    session.execute(
        text(
            "DELETE FROM motion_confirmations WHERE id = (SELECT MAX(id) FROM motion_confirmations)"
        )
    )
    problems = _problems(session)
    assert any("confirmation by" in p and "the data lacks" in p for p in problems)
    assert any("not confirmed by every partner" in p for p in problems)


def test_withdrawing_a_published_position_in_the_database_shows(story, session):
    session.flush()
    session.execute(
        text("UPDATE positions SET status = 'withdrawn', withdrawn_at = :at WHERE id = :id"),
        {"at": utcnow(), "id": story.id},
    )
    problems = _problems(session)
    assert any("withdrawal of revision" in p and "no event" in p for p in problems)
    assert any("not confirmed by every partner" in p for p in problems)


def test_a_forged_withdrawal_event_without_confirmations_still_shows(story, session, alliance):
    published = story.published_revision
    session.execute(
        text("UPDATE positions SET status = 'withdrawn', withdrawn_at = :at WHERE id = :id"),
        {"at": utcnow(), "id": story.id},
    )
    audit.record(
        session,
        "position.withdraw",
        actor=alliance.admin,
        object_type="position",
        object_id=story.id,
        details={"revision": published.number, "hash": published.content_hash},
    )
    assert _problems(session) == [
        f"the withdrawal of revision {published.number} of position {story.id} was not "
        "confirmed by every partner: none from harbourside, moorland, riverbank"
    ]


def test_an_honest_reopening_agrees_with_the_chain_and_a_lost_confirmation_shows(alliance, session):
    position = make_position(alliance.drafter)
    for slug, officer in alliance.officers.items():
        differ.write_statement(session, officer, position.id, text=f"{slug}'s view.")
    for chief in alliance.chiefs.values():
        differ.confirm(session, chief, position.id)
    alliance.reopen_all(position)
    assert _problems(session) == []
    session.execute(text("DELETE FROM motion_confirmations WHERE motion = 'reopen'"))
    problems = _problems(session)
    assert len([p for p in problems if "to reopen" in p and "the data lacks" in p]) == 3


# ---- who holds which role ---------------------------------------------------------------------


def test_an_admins_role_changes_and_a_confirmed_appointment_agree_with_the_chain(alliance, session):
    from app.signatories import services as signatories

    drafter = alliance.drafter
    partner = drafter.partner.slug
    accounts.update_person(
        session, alliance.admin, drafter.id, roles=["chief_officer", "policy_officer"],
        partner_slug=partner,
    )  # fmt: skip
    assert "chief_officer" not in drafter.roles  # the partner's chief officer must confirm
    [waiting] = signatories.pending_for_person(session, drafter, kind="appoint")
    signatories.confirm(session, alliance.chiefs[partner], waiting.id)
    assert "chief_officer" in drafter.roles
    accounts.update_person(
        session, alliance.admin, alliance.comms.id, roles=["comms", "policy_officer"],
        partner_slug=alliance.partners[-1].slug,
    )  # fmt: skip
    assert _problems(session) == []


def test_making_someone_a_chief_officer_in_the_database_shows(alliance, session):
    drafter = alliance.drafter
    session.execute(
        text("UPDATE users SET roles = 'chief_officer,policy_officer' WHERE id = :id"),
        {"id": drafter.id},
    )
    assert _problems(session) == [
        f"person {drafter.id} holds chief_officer, policy_officer ({drafter.partner.slug}) but "
        f"the record gives them policy_officer ({drafter.partner.slug})"
    ]


def test_moving_someone_to_another_partner_in_the_database_shows(alliance, session):
    chief = alliance.chiefs[alliance.partners[0].slug]
    other = alliance.partners[1]
    session.execute(
        text("UPDATE users SET partner_id = :p WHERE id = :id"), {"p": other.id, "id": chief.id}
    )
    problems = _problems(session)
    assert problems == [
        f"person {chief.id} holds chief_officer ({other.slug}) but the record gives them "
        f"chief_officer ({alliance.partners[0].slug})"
    ]


def test_each_partners_chief_officers_are_mailed_the_checkpoint_to_keep(
    story, session, flask_cli, alliance, tmp_path
):
    from app.notifications.models import Notification
    from positions.audit import read_checkpoint_file

    session.commit()
    made = flask_cli("audit", "checkpoint")
    assert made.exit_code == 0, made.output
    mailed = session.execute(
        db.select(Notification).where(Notification.kind == "checkpoint")
    ).scalars()
    by_person = {m.recipient_id: m for m in mailed}
    assert set(by_person) == {chief.id for chief in alliance.chiefs.values()}
    for message in by_person.values():
        assert message.mail_status == "queued"  # a security message: never switched off
        kept = message.body.split("-----\n", 1)[1].rsplit("\n-----", 1)[0]
        assert read_checkpoint_file(kept) == read_checkpoint_file(made.output)
    # What a partner kept from the mail is what `audit verify --checkpoint` takes.
    path = tmp_path / "kept.json"
    path.write_text(kept)
    assert flask_cli("audit", "verify", "--checkpoint", str(path)).exit_code == 0
