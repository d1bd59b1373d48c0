"""The spokesperson log in the browser: pages, forms that keep what was typed, permissions."""

import html
import re
from datetime import date

import pytest

from app.extensions import db
from app.meetings.models import Appearance, Flag, Meeting
from tests.support.client import login
from tests.support.factories import (
    backdate_publications,
    grant,
    make_meeting,
    make_position,
    minutes_from_now,
    published_position,
    speak,
)


def switch(client, user):
    client.post("/logout")
    login(client, user)


def text(response) -> str:
    return response.get_data(as_text=True)


def meeting_form(**overrides) -> dict:
    data = {
        "title": "Rural transport summit",
        "starts_at": "2026-09-14T10:00",
        "ends_at": "2026-09-14T12:30",
        "place": "Moorland Village Hall",
        "organiser": "County Council",
        "kind": "conference",
        "status": "planned",
        "minutes": "",
        "audience-0-organisation": "Department for Transport",
        "audience-0-person": "A. Minister",
        "audience-0-role": "Minister of State",
        "audience-0-represents": "HM Government",
        "audience-1-organisation": "",
        "audience-2-organisation": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def scene(alliance):
    """A published position, a public meeting where a mandated chief cited it, a flagged
    internal meeting, and a planned meeting ahead."""
    speaker = alliance.chiefs["harbourside"]
    grant(alliance.admin, speaker, [alliance.area])
    position = published_position(alliance, title="Fair rents for all")
    backdate_publications(position)
    draft = make_position(alliance.drafter, title="Secret draft on rents")
    db.session.commit()
    public = make_meeting(
        alliance.comms,
        title="Open hearing on rents",
        public=True,
        areas=[alliance.area],
        audience=[("Housing Committee", "Cllr Jones", "Chair", "")],
    )
    speak(alliance.comms, public, speaker, positions=[position], summary="Set out fair rents.")
    internal = make_meeting(
        alliance.comms, title="Private lobby meeting", audience=["Department for Housing"]
    )
    speak(
        alliance.comms,
        internal,
        alliance.chiefs["moorland"],
        positions=[draft],
        summary="Floated the secret draft.",
    )
    ahead = make_meeting(
        alliance.comms, title="Select committee evidence", starts_at=minutes_from_now(60 * 48)
    )
    return {
        "position": position,
        "draft": draft,
        "public": public,
        "internal": internal,
        "ahead": ahead,
    }


# ---- reading --------------------------------------------------------------------------------


def test_signed_in_pages_render(client, alliance, scene):
    login(client, alliance.comms)
    for url in (
        "/meetings/",
        f"/meetings/{scene['public'].id}",
        f"/meetings/{scene['internal'].id}",
        f"/meetings/{scene['ahead'].id}/briefing",
        "/meetings/log",
        f"/meetings/positions/{scene['position'].id}",
        "/meetings/audiences",
        f"/meetings/audiences/{scene['public'].counterparts[0].organisation_id}",
        "/meetings/flags",
        "/meetings/mandates",
        "/meetings/calendar",
        "/meetings/new",
        f"/meetings/{scene['public'].id}/edit",
        f"/meetings/{scene['public'].id}/appearances/new",
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, text(response)[:300])
        assert "Europe/London" in text(response) or url.endswith("/calendar"), url


def test_meetings_list_shows_upcoming_first_then_newest(client, alliance, scene):
    login(client, alliance.drafter)
    page = text(client.get("/meetings/"))
    order = [page.index(t) for t in ("Select committee", "Private lobby", "Open hearing")]
    assert order == sorted(order)


def test_the_log_filters_and_shows_flags_to_members(client, alliance, scene):
    login(client, alliance.drafter)
    page = text(client.get("/meetings/log"))
    assert "Floated the secret draft." in page and "No mandate" in page
    flagged = text(client.get("/meetings/log?flag=unreviewed"))
    assert "Private lobby meeting" in flagged and "Open hearing on rents" not in flagged
    clean = text(client.get("/meetings/log?flag=clean&capacity=alliance"))
    assert "Open hearing on rents" in clean and "Private lobby meeting" not in clean
    partner = text(client.get("/meetings/log?partner=moorland"))
    assert "Private lobby meeting" in partner and "Open hearing on rents" not in partner


def test_a_malformed_filter_is_reported_and_dropped(client, alliance, scene):
    login(client, alliance.comms)
    response = client.get("/meetings/log?date_from=yesterday")
    assert response.status_code == 400
    assert "date from filter takes a date" in text(response)
    assert "Open hearing on rents" in text(response)


def test_who_has_said_this_lists_every_citation(client, alliance, scene):
    login(client, alliance.comms)
    page = text(client.get(f"/meetings/positions/{scene['position'].id}"))
    assert "Open hearing on rents" in page and "Private lobby meeting" not in page
    assert "published revision 1 at the time" in page


def test_the_signed_out_log_speaks_of_versions_not_revisions(client, alliance, scene):
    page = text(client.get("/meetings/log"))
    assert "published version 1 at the time" in page and "revision" not in page


def test_signed_out_visitors_see_only_public_records_with_published_positions(
    client, alliance, scene
):
    log = text(client.get("/meetings/log"))
    assert "Open hearing on rents" in log
    assert "Private lobby meeting" not in log and "Secret draft" not in log
    assert "No mandate" not in log and "Flags" not in log
    assert "Department for Housing" not in log  # not even in the audience menu
    speakers = log[
        log.index('id="f-speaker"') : log.index("</select>", log.index('id="f-speaker"'))
    ]
    assert f'value="{alliance.chiefs["moorland"].id}"' not in speakers  # nor the speaker menu
    assert f'value="{alliance.chiefs["harbourside"].id}"' in speakers
    assert client.get(f"/meetings/{scene['public'].id}").status_code == 200
    assert client.get(f"/meetings/{scene['internal'].id}").status_code == 404
    assert client.get(f"/meetings/{scene['ahead'].id}").status_code == 404
    meetings = text(client.get("/meetings/"))
    assert "Open hearing" in meetings and "Private lobby" not in meetings
    assert "Select committee" not in meetings
    assert client.get(f"/meetings/positions/{scene['draft'].id}").status_code == 404
    for url in ("/meetings/new", "/meetings/flags", "/meetings/mandates", "/meetings/calendar"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_a_public_meeting_without_a_published_position_stays_hidden(client, alliance):
    meeting = make_meeting(alliance.comms, title="Public but empty", public=True)
    speak(alliance.comms, meeting, alliance.chiefs["moorland"], capacity="moorland")
    assert client.get(f"/meetings/{meeting.id}").status_code == 404
    assert "Public but empty" not in text(client.get("/meetings/"))


# ---- writing --------------------------------------------------------------------------------


def test_comms_records_a_meeting_through_the_form(client, alliance):
    login(client, alliance.comms)
    response = client.post(
        "/meetings/new", data=meeting_form(areas=[str(alliance.area.id)], public="y")
    )
    assert response.status_code == 302
    meeting = db.session.query(Meeting).one()
    assert meeting.starts_at.hour == 9  # 10:00 BST
    assert meeting.public and [a.id for a in meeting.areas] == [alliance.area.id]
    assert meeting.counterparts[0].organisation.name == "Department for Transport"
    page = text(client.get(response.headers["Location"]))
    assert "Rural transport summit" in page and "A. Minister" in page
    assert "14 Sep 2026, 10:00</time>–12:30 BST" in page


def test_an_end_before_the_start_keeps_what_was_typed(client, alliance):
    login(client, alliance.comms)
    response = client.post(
        "/meetings/new", data=meeting_form(ends_at="2026-09-14T09:00", title="Kept title")
    )
    assert response.status_code == 400
    page = text(response)
    assert "ends before it starts" in page
    assert 'value="Kept title"' in page and 'value="A. Minister"' in page
    assert 'value="2026-09-14T09:00"' in page
    assert db.session.query(Meeting).count() == 0


def test_enter_in_a_field_saves_rather_than_adding_rows(client, alliance):
    # Implicit submission (Enter in a text field) presses the form's first submit button.
    login(client, alliance.comms)
    page = text(client.get("/meetings/new"))
    form = page.split('class="form card meeting-form"', 1)[1].split("</form>", 1)[0]
    first_submit = re.search(r"<button[^>]*type=\"submit\"[^>]*>", form).group(0)
    assert 'name="more"' not in first_submit


def test_more_audience_rows_without_javascript(client, alliance):
    login(client, alliance.comms)
    response = client.post("/meetings/new", data=meeting_form(more="1"))
    assert response.status_code == 200
    assert 'name="audience-5-organisation"' in text(response)
    assert 'value="A. Minister"' in text(response)
    assert db.session.query(Meeting).count() == 0


def test_others_may_not_record_or_edit_meetings(client, alliance, scene):
    login(client, alliance.drafter)
    assert client.get("/meetings/new").status_code == 403
    assert client.post("/meetings/new", data=meeting_form()).status_code == 403
    assert client.get(f"/meetings/{scene['public'].id}/edit").status_code == 403


def test_editing_a_meeting_reschedules_it(client, alliance, scene):
    login(client, alliance.comms)
    meeting = scene["ahead"]
    form = meeting_form(title=meeting.title, starts_at="2027-01-20T14:00", ends_at="")
    assert client.post(f"/meetings/{meeting.id}/edit", data=form).status_code == 302
    db.session.refresh(meeting)
    assert meeting.sequence == 1 and len(meeting.reschedules) == 1
    assert "Rescheduled" in text(client.get(f"/meetings/{meeting.id}"))


def test_a_speaker_records_their_own_appearance(client, alliance, scene):
    officer = alliance.officers["riverbank"]
    login(client, officer)
    meeting = scene["ahead"]
    form = client.get(f"/meetings/{meeting.id}/appearances/new")
    assert f'value="{officer.id}"' in text(form)
    assert alliance.chiefs["riverbank"].name not in text(form)  # only themselves to choose
    response = client.post(
        f"/meetings/{meeting.id}/appearances/new",
        data={"speaker": str(officer.id), "capacity": "riverbank", "summary": "Our view."},
    )
    assert response.status_code == 302
    appearance = db.session.query(Appearance).filter_by(speaker_id=officer.id).one()
    assert appearance.partner.slug == "riverbank"
    # Not someone else's.
    response = client.post(
        f"/meetings/{meeting.id}/appearances/new",
        data={"speaker": str(alliance.chiefs["riverbank"].id), "capacity": "riverbank"},
    )
    assert response.status_code == 403


def test_a_bad_appearance_keeps_what_was_typed(client, alliance, scene):
    login(client, alliance.comms)
    meeting = scene["ahead"]
    url = f"/meetings/{meeting.id}/appearances/new"
    cases = [
        ({"speaker": "99999", "capacity": "alliance"}, "is not a user of Concord"),
        ({"speaker": str(alliance.comms.id), "capacity": "atlantis"}, "no partner 'atlantis'"),
        (
            {"speaker": str(alliance.comms.id), "capacity": "alliance", "positions": "4242"},
            "no position 4242",
        ),
    ]
    for data, message in cases:
        response = client.post(url, data={**data, "summary": "Typed words stay."})
        assert response.status_code == 400, message
        page = html.unescape(text(response))
        assert message in page and "Typed words stay." in page


def test_an_appearance_is_corrected_by_its_speaker(client, alliance, scene):
    appearance = scene["internal"].appearances[0]
    chief = alliance.chiefs["moorland"]
    login(client, chief)
    response = client.post(
        f"/meetings/appearances/{appearance.id}/edit",
        data={"speaker": str(chief.id), "capacity": "moorland", "summary": "For Moorland."},
    )
    assert response.status_code == 302
    db.session.refresh(appearance)
    assert appearance.capacity == "partner" and appearance.summary == "For Moorland."
    switch(client, alliance.drafter)
    assert client.get(f"/meetings/appearances/{appearance.id}/edit").status_code == 403


def test_comms_reviews_a_flag_and_it_stays_visible(client, alliance, scene):
    login(client, alliance.comms)
    queue = text(client.get("/meetings/flags"))
    flag = db.session.query(Flag).filter(Flag.reviewed_at.is_(None)).first()
    assert "Awaiting review (2)" in queue
    response = client.post(f"/meetings/flags/{flag.id}/review", data={"note": ""})
    assert response.status_code == 400 and "Write a note" in text(response)
    response = client.post(f"/meetings/flags/{flag.id}/review", data={"note": "Checked: ok."})
    assert response.status_code == 302
    queue = text(client.get("/meetings/flags"))
    assert "Awaiting review (1)" in queue and "Checked: ok." in queue
    assert client.post(f"/meetings/flags/{flag.id}/review", data={"note": "x"}).status_code == 409
    switch(client, alliance.drafter)
    assert client.get("/meetings/flags").status_code == 403


def test_admin_records_a_mandate_and_reversed_dates_keep_the_form(client, alliance):
    login(client, alliance.admin)
    chief = alliance.chiefs["moorland"]
    data = {
        "user": str(chief.id),
        "areas": [str(alliance.area.id)],
        "starts_on": "2026-05-01",
        "ends_on": "2026-04-01",
        "note": "Kept note",
    }
    response = client.post("/meetings/mandates", data=data)
    assert response.status_code == 400
    assert "ends (1 Apr 2026) before it starts" in text(response)
    assert 'value="Kept note"' in text(response)
    response = client.post("/meetings/mandates", data={**data, "ends_on": "2026-12-31"})
    assert response.status_code == 302
    assert chief.name in text(client.get("/meetings/mandates"))
    switch(client, alliance.comms)
    assert client.post("/meetings/mandates", data=data).status_code == 403


def test_the_briefing_lists_the_line_the_differences_and_the_mandates(client, alliance, scene):
    login(client, alliance.comms)
    meeting = make_meeting(
        alliance.comms, title="Briefed", areas=[alliance.area], starts_at=minutes_from_now(600)
    )
    page = text(client.get(f"/meetings/{meeting.id}/briefing"))
    assert "Fair rents for all" in page and "published revision 1" in page
    assert "Secret draft on rents" in page and "No alliance line on these yet" in page
    assert alliance.chiefs["harbourside"].name in page  # holds the housing mandate


def test_the_briefing_pack_downloads_as_a_pdf_with_what_the_page_shows(client, alliance, scene):
    import io

    import pypdf

    login(client, alliance.comms)
    meeting = make_meeting(
        alliance.comms, title="Briefed", areas=[alliance.area], starts_at=minutes_from_now(600)
    )
    assert f"/meetings/{meeting.id}/briefing.pdf" in text(
        client.get(f"/meetings/{meeting.id}/briefing")
    )
    answer = client.get(f"/meetings/{meeting.id}/briefing.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert "no-store" in answer.headers["Cache-Control"]  # internal: never kept by a cache
    reader = pypdf.PdfReader(io.BytesIO(answer.data))
    pdf = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Briefed" in pdf and "Fair rents for all" in pdf and "published revision 1" in pdf
    assert "Secret draft on rents" in pdf and alliance.chiefs["harbourside"].name in pdf


def test_aliases_are_added_on_the_audience_page(client, alliance, scene):
    login(client, alliance.comms)
    org_id = scene["internal"].counterparts[0].organisation_id
    response = client.post(f"/meetings/audiences/{org_id}", data={"alias": "DfH"})
    assert response.status_code == 302
    assert "Also known as DfH" in text(client.get(f"/meetings/audiences/{org_id}"))
    response = client.post(f"/meetings/audiences/{org_id}", data={"alias": "Housing Committee"})
    assert response.status_code == 409 and "already names another organisation" in text(response)


def test_every_form_carries_a_csrf_token(csrf_app, alliance, scene):
    client = csrf_app.test_client()
    # Each request gets csrf_app's own context, torn down (and its connection returned) after it.
    login_page = client.get("/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(login_page))
    client.post(
        "/login",
        data={
            "email": alliance.comms.email,
            "password": "correct horse battery",
            "csrf_token": token.group(1),
        },
    )
    for url in (
        "/meetings/new",
        f"/meetings/{scene['ahead'].id}/appearances/new",
        "/meetings/calendar",
    ):
        assert 'name="csrf_token"' in text(client.get(url)), url
    refused = client.post("/meetings/new", data=meeting_form())
    assert refused.status_code == 400
    assert db.session.query(Meeting).filter_by(title="Rural transport summit").count() == 0


def test_dates_are_shown_with_the_zone_named(client, alliance, scene):
    login(client, alliance.comms)
    page = text(client.get(f"/meetings/{scene['public'].id}"))
    assert re.search(r"\d{2}:\d{2} (GMT|BST)", page)
    assert date.today().year >= 2026
