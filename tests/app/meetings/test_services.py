"""Spokesperson log services on a real database: meetings, appearances, flags, mandates."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.drafting.services import consensus
from app.extensions import db
from app.meetings.models import Flag, Organisation
from app.meetings.services import appearances, mandates
from app.meetings.services import meetings as meeting_service
from app.meetings.services.meetings import CounterpartInput
from positions.refusals import Conflict, Forbidden, Invalid, NotFound
from tests.support.factories import (
    backdate_publications,
    grant,
    make_area,
    make_meeting,
    make_partner,
    make_position,
    make_user,
    minutes_from_now,
    published_position,
    revise,
    speak,
)

# ---- helpers ----------------------------------------------------------------------------------


def flag_keys(appearance) -> list[str]:
    rows = db.session.execute(
        select(Flag.key).where(Flag.appearance_id == appearance.id, Flag.cleared_at.is_(None))
    ).scalars()
    return sorted(rows)


def audit_actions() -> list[str]:
    return list(db.session.execute(select(AuditEvent.action).order_by(AuditEvent.seq)).scalars())


@pytest.fixture
def speaker(alliance):
    """A chief officer with a housing mandate, and the comms officer who logs for them."""
    chief = alliance.chiefs["harbourside"]
    grant(alliance.admin, chief, [alliance.area])
    return chief


# ---- meetings -------------------------------------------------------------------------------


def test_recording_a_meeting_resolves_its_audience_and_is_audited(alliance):
    meeting = make_meeting(
        alliance.comms,
        areas=[alliance.area],
        audience=[("Department for Transport", "A. Minister", "Minister", "HM Government")],
    )
    assert meeting.sequence == 0 and meeting.uid.endswith("@concord")
    row = meeting.counterparts[0]
    assert (row.organisation.name, row.person, row.role) == (
        "Department for Transport",
        "A. Minister",
        "Minister",
    )
    assert "meeting.create" in audit_actions() and "organisation.create" in audit_actions()


def test_organisations_are_kept_once_and_aliases_resolve_variants(alliance):
    first = make_meeting(alliance.comms, audience=["Department for Transport"])
    org = first.counterparts[0].organisation
    meeting_service.add_alias(db.session, alliance.comms, org.id, "DfT")
    db.session.commit()
    second = make_meeting(alliance.comms, audience=["dft", "the department for transport."])
    assert {c.organisation_id for c in second.counterparts} == {org.id}
    assert db.session.execute(select(func.count()).select_from(Organisation)).scalar_one() == 1


def test_an_alias_naming_another_organisation_is_a_conflict(alliance):
    meeting = make_meeting(alliance.comms, audience=["Department for Transport", "Network Rail"])
    dft = meeting.counterparts[0].organisation
    with pytest.raises(Conflict) as refused:
        meeting_service.add_alias(db.session, alliance.comms, dft.id, "network rail")
    assert "Network Rail" in refused.value.message


def test_a_meeting_ending_before_it_starts_is_refused(alliance):
    start = minutes_from_now(60)
    with pytest.raises(Invalid) as refused:
        make_meeting(alliance.comms, starts_at=start, ends_at=start - timedelta(minutes=30))
    assert refused.value.field == "ends_at" and "ends before it starts" in refused.value.message


def test_an_audience_row_without_an_organisation_is_refused(alliance):
    with pytest.raises(Invalid) as refused:
        make_meeting(alliance.comms, audience=[("", "Jo Smith", "Clerk", "")])
    assert "organisation" in refused.value.message and "Jo Smith" in refused.value.message


def test_only_comms_and_admins_record_meetings(alliance):
    make_meeting(alliance.admin)
    for user in (alliance.drafter, alliance.chiefs["moorland"]):
        with pytest.raises(Forbidden):
            make_meeting(user)


def test_local_times_are_read_in_the_alliance_zone(alliance):
    summer = datetime(2026, 7, 1, 10, 0)  # naive: wall-clock time in Europe/London (BST)
    meeting = make_meeting(alliance.comms, starts_at=summer)
    assert meeting.starts_at.hour == 9 and meeting.starts_at.utcoffset() == timedelta(0)
    with pytest.raises(Invalid) as refused:  # the clocks skip 01:00-02:00 on 29 March 2026
        make_meeting(alliance.comms, starts_at=datetime(2026, 3, 29, 1, 30))
    assert "does not exist" in refused.value.message


def test_rescheduling_keeps_the_previous_date_and_every_change_raises_sequence(alliance):
    meeting = make_meeting(alliance.comms, starts_at=minutes_from_now(60 * 24))
    old_start = meeting.starts_at
    data = meeting_service.meeting_input(meeting)
    data.starts_at = old_start + timedelta(days=7)
    meeting_service.update_meeting(db.session, alliance.comms, meeting.id, data)
    db.session.commit()
    assert meeting.sequence == 1
    assert [r.previous_starts_at for r in meeting.reschedules] == [old_start]
    data = meeting_service.meeting_input(meeting)
    data.status = "cancelled"
    meeting_service.update_meeting(db.session, alliance.comms, meeting.id, data)
    db.session.commit()
    assert (meeting.sequence, meeting.status) == (2, "cancelled")
    # Saving without a change changes nothing.
    meeting_service.update_meeting(
        db.session, alliance.comms, meeting.id, meeting_service.meeting_input(meeting)
    )
    assert meeting.sequence == 2
    assert audit_actions().count("meeting.reschedule") == 1


def test_editing_the_audience_replaces_the_rows(alliance):
    meeting = make_meeting(alliance.comms, audience=["Department for Transport"])
    data = meeting_service.meeting_input(meeting)
    data.counterparts = [CounterpartInput("Network Rail", "Pat Lee"), CounterpartInput("")]
    meeting_service.update_meeting(db.session, alliance.comms, meeting.id, data)
    db.session.commit()
    assert [(c.organisation.name, c.person) for c in meeting.counterparts] == [
        ("Network Rail", "Pat Lee")
    ]
    assert meeting.sequence == 1


# ---- appearances and flags ------------------------------------------------------------------


def test_a_clean_alliance_appearance_cites_the_revision_standing_at_its_meeting(alliance, speaker):
    position = published_position(alliance)
    meeting = make_meeting(alliance.comms, starts_at=minutes_from_now(1), areas=[alliance.area])
    # The meeting is ahead: judged on what stands now.
    appearance = speak(alliance.comms, meeting, speaker, positions=[position])
    assert flag_keys(appearance) == []
    cited = appearance.cited[0]
    assert (cited.state, cited.revision.number) == ("published", 1)
    # Republished before the meeting: revision 2 is what will stand when they speak.
    revise(alliance.drafter, position, "We ask for fair, stable rents.")
    alliance.approve_all(position)
    consensus.publish(db.session, alliance.comms, position.id, revision_number=2)
    db.session.commit()
    assert appearance.cited[0].revision.number == 2
    assert "appearance.create" in audit_actions()


def test_a_republication_after_the_meeting_leaves_the_cited_revision(alliance, speaker):
    position = published_position(alliance)
    backdate_publications(position)
    meeting = make_meeting(alliance.comms, starts_at=minutes_from_now(-60), areas=[alliance.area])
    appearance = speak(alliance.comms, meeting, speaker, positions=[position])
    revise(alliance.drafter, position, "We ask for fair, stable rents.")
    alliance.approve_all(position)
    consensus.publish(db.session, alliance.comms, position.id, revision_number=2)
    db.session.commit()
    assert (appearance.cited[0].state, appearance.cited[0].revision.number) == ("published", 1)
    assert flag_keys(appearance) == []


def test_a_no_mandate_is_flagged(alliance):
    position = published_position(alliance)
    meeting = make_meeting(alliance.comms, starts_at=minutes_from_now(1), areas=[alliance.area])
    appearance = speak(alliance.comms, meeting, alliance.chiefs["moorland"], positions=[position])
    assert flag_keys(appearance) == [f"no_mandate:area:{alliance.area.id}"]
    assert "flag.raise" in audit_actions()


def test_a_mandate_outside_its_dates_does_not_count(alliance):
    chief = alliance.chiefs["moorland"]
    grant(alliance.admin, chief, [alliance.area], date(2020, 1, 1), date(2020, 12, 31))
    meeting = make_meeting(alliance.comms, areas=[alliance.area])
    assert flag_keys(speak(alliance.comms, meeting, chief)) == [
        f"no_mandate:area:{alliance.area.id}"
    ]


def test_b_citing_a_draft_is_flagged(alliance, speaker):
    draft = make_position(alliance.drafter, title="Draft idea")
    db.session.commit()
    meeting = make_meeting(alliance.comms, areas=[alliance.area])
    appearance = speak(alliance.comms, meeting, speaker, positions=[draft])
    assert flag_keys(appearance) == [f"no_unified_text:position:{draft.id}"]
    assert appearance.cited[0].state == "unpublished" and appearance.cited[0].revision is None


def test_b_a_position_published_after_the_meeting_is_flagged(alliance, speaker):
    meeting = make_meeting(alliance.comms, starts_at=minutes_from_now(-120))
    position = published_position(alliance)  # published now, after the meeting
    appearance = speak(alliance.comms, meeting, speaker, positions=[position])
    assert flag_keys(appearance) == [f"no_unified_text:position:{position.id}"]


def test_d_citing_a_position_a_partner_no_longer_supports_is_flagged_until_retracted(
    alliance, speaker
):
    from app.drafting.services import governance

    position = published_position(alliance)
    backdate_publications(position)
    meeting = make_meeting(alliance.comms, starts_at=minutes_from_now(60 * 24))  # ahead
    appearance = speak(alliance.comms, meeting, speaker, positions=[position])
    assert flag_keys(appearance) == []
    moorland = alliance.chiefs["moorland"]
    governance.state_dissent(db.session, moorland, position.id, reason="Members voted.")
    db.session.expire_all()  # the dissent raised the flag in its own transaction
    assert flag_keys(appearance) == [f"disputed:position:{position.id}"]
    governance.retract_dissent(db.session, moorland, position.id)
    db.session.expire_all()
    assert flag_keys(appearance) == []


def test_c_a_position_withdrawn_later_is_flagged_by_the_withdrawal_itself(alliance, speaker):
    position = published_position(alliance)
    backdate_publications(position)
    meeting = make_meeting(alliance.comms, starts_at=minutes_from_now(-60))
    appearance = speak(alliance.comms, meeting, speaker, positions=[position])
    assert flag_keys(appearance) == []
    # After the meeting, the position is withdrawn.
    alliance.withdraw_all(position, reason="Outdated")
    db.session.commit()  # nothing else runs: the withdrawal raised the flag in its transaction
    db.session.expire_all()
    assert flag_keys(appearance) == [f"withdrawn_later:position:{position.id}"]
    # The timer's sync finds nothing left to raise.
    assert appearances.sync_flags(db.session) == 0


def test_speaking_for_ones_own_partner_is_never_flagged(alliance):
    draft = make_position(alliance.drafter)
    db.session.commit()
    meeting = make_meeting(alliance.comms)
    chief = alliance.chiefs["moorland"]
    appearance = speak(alliance.comms, meeting, chief, capacity="moorland", positions=[draft])
    assert appearance.capacity == "partner" and appearance.partner.slug == "moorland"
    assert flag_keys(appearance) == []


def test_bad_capacities_are_refused_with_the_reason(alliance):
    meeting = make_meeting(alliance.comms)
    chief = alliance.chiefs["moorland"]
    cases = {
        "nowhere": "unknown_partner",
        "riverbank": "not_own_partner",
        "": "missing_field",
    }
    for capacity, code in cases.items():
        with pytest.raises(Invalid) as refused:
            speak(alliance.comms, meeting, chief, capacity=capacity)
        assert (refused.value.code, refused.value.field) == (code, "capacity")
        db.session.rollback()


def test_an_inactive_partner_cannot_be_spoken_for(alliance):
    gone = make_partner("Lakeside", left_on=date(2021, 1, 1))
    person = make_user("chief@lakeside.test", "chief_officer", partner=gone)
    db.session.commit()
    meeting = make_meeting(alliance.comms)
    with pytest.raises(Invalid) as refused:
        speak(alliance.comms, meeting, person, capacity="lakeside")
    assert refused.value.code == "inactive_partner" and "Lakeside" in refused.value.message


def test_a_speaker_who_is_not_a_user_and_a_missing_position_are_refused(alliance):
    meeting = make_meeting(alliance.comms)
    with pytest.raises(Invalid) as refused:
        appearances.record_appearance(
            db.session, alliance.comms, meeting.id, speaker="nobody@x.org", capacity="alliance"
        )
    assert refused.value.code == "unknown_speaker" and "nobody@x.org" in refused.value.message
    with pytest.raises(Invalid) as refused:
        appearances.record_appearance(
            db.session,
            alliance.comms,
            meeting.id,
            speaker=alliance.comms.id,
            capacity="alliance",
            positions=[9999],
        )
    assert refused.value.code == "unknown_position" and "9999" in refused.value.message
    with pytest.raises(NotFound):
        appearances.record_appearance(
            db.session, alliance.comms, 9999, speaker=alliance.comms.id, capacity="alliance"
        )


def test_a_speaker_records_their_own_appearance_but_nobody_elses(alliance):
    meeting = make_meeting(alliance.comms)
    officer = alliance.officers["riverbank"]
    speak(officer, meeting, officer, capacity="riverbank")
    with pytest.raises(Forbidden):
        speak(officer, meeting, alliance.chiefs["riverbank"], capacity="riverbank")


def test_the_same_speaker_in_the_same_capacity_twice_is_a_conflict(alliance):
    meeting = make_meeting(alliance.comms)
    chief = alliance.chiefs["riverbank"]
    speak(alliance.comms, meeting, chief, capacity="riverbank")
    with pytest.raises(Conflict):
        speak(alliance.comms, meeting, chief, capacity="riverbank")
    db.session.rollback()
    speak(alliance.comms, meeting, chief, capacity="alliance")  # another capacity is fine


def test_nobody_speaks_at_a_cancelled_meeting(alliance):
    meeting = make_meeting(alliance.comms, status="cancelled")
    with pytest.raises(Conflict) as refused:
        speak(alliance.comms, meeting, alliance.comms)
    assert refused.value.code == "meeting_cancelled"


def test_reviewing_a_flag_keeps_it_with_note_reviewer_and_time(alliance):
    meeting = make_meeting(alliance.comms, areas=[alliance.area])
    appearance = speak(alliance.comms, meeting, alliance.chiefs["moorland"])
    flag = appearance.flags[0]
    with pytest.raises(Invalid):
        appearances.review_flag(db.session, alliance.comms, flag.id, "  ")
    with pytest.raises(Forbidden):
        appearances.review_flag(db.session, alliance.drafter, flag.id, "fine")
    appearances.review_flag(db.session, alliance.comms, flag.id, "Spoke for Moorland really.")
    db.session.commit()
    assert flag.reviewed and flag.reviewed_by.id == alliance.comms.id
    assert flag.review_note == "Spoke for Moorland really."
    with pytest.raises(Conflict):
        appearances.review_flag(db.session, alliance.admin, flag.id, "again")
    assert "flag.review" in audit_actions()


def test_correcting_an_entry_clears_open_flags_and_keeps_reviewed_ones(alliance, speaker):
    draft = make_position(alliance.drafter, title="Draft one")
    other = make_position(alliance.drafter, title="Draft two")
    db.session.commit()
    meeting = make_meeting(alliance.comms, areas=[alliance.area])
    appearance = speak(alliance.comms, meeting, speaker, positions=[draft, other])
    reviewed = next(f for f in appearance.flags if f.position_id == draft.id)
    appearances.review_flag(db.session, alliance.comms, reviewed.id, "Presented as a draft.")
    db.session.commit()
    appearances.update_appearance(
        db.session,
        alliance.comms,
        appearance.id,
        speaker=speaker.id,
        capacity="alliance",
        positions=[],
        summary="Corrected",
    )
    db.session.commit()
    assert flag_keys(appearance) == [f"no_unified_text:position:{draft.id}"]  # the reviewed one
    cleared = db.session.execute(select(Flag).where(Flag.cleared_at.is_not(None))).scalars()
    assert [f.position_id for f in cleared] == [other.id]
    assert "appearance.update" in audit_actions()


def test_a_meeting_judged_ahead_is_judged_again_once_it_has_happened(alliance, speaker):
    position = published_position(alliance)
    meeting = make_meeting(alliance.comms, starts_at=minutes_from_now(60))
    appearance = speak(alliance.comms, meeting, speaker, positions=[position])
    assert flag_keys(appearance) == []
    # The position goes to agree-to-differ before the meeting happens.
    from app.divergence.models import DifferOutcome

    db.session.add(
        DifferOutcome(
            position_id=position.id, statements_hash="x", published_at=minutes_from_now(1)
        )
    )
    db.session.commit()
    later = minutes_from_now(120)
    appearances.sync_flags(db.session, now=later)
    db.session.commit()
    assert flag_keys(appearance) == [f"no_unified_text:position:{position.id}"]
    assert appearance.cited[0].state == "differ"


# ---- mandates -------------------------------------------------------------------------------


def test_only_admins_grant_mandates_and_dates_must_be_in_order(alliance):
    chief = alliance.chiefs["moorland"]
    with pytest.raises(Forbidden):
        grant(alliance.comms, chief, [alliance.area])
    with pytest.raises(Invalid) as refused:
        grant(alliance.admin, chief, [alliance.area], date(2026, 5, 1), date(2026, 4, 1))
    assert refused.value.field == "ends_on" and refused.value.code == "dates_reversed"
    with pytest.raises(Invalid) as refused:
        mandates.grant_mandate(
            db.session, alliance.admin, user=chief.id, areas=[], starts_on="2026-01-01"
        )
    assert refused.value.field == "areas"
    with pytest.raises(Invalid) as refused:
        mandates.grant_mandate(
            db.session, alliance.admin, user=chief.id, areas=[999], starts_on="2026-01-01"
        )
    assert refused.value.code == "unknown_area"
    mandate = grant(alliance.admin, chief, [alliance.area, make_area("Transport")])
    assert [a.name for a in mandate.areas] == ["Housing", "Transport"]
    assert "mandate.grant" in audit_actions()
