"""The drafting journey through the test client: every page, forms that keep what was typed."""

import html
import re

import pytest

from app.audit.models import AuditEvent
from app.drafting.models import Position, Revision, SignOff
from tests.support.client import XSS_BODY, assert_inert, body_of, login
from tests.support.factories import (
    approve,
    committed_count,
    make_area,
    make_position,
    published_position,
    revise,
)


@pytest.fixture
def drafter_client(alliance, client):
    login(client, alliance.drafter)
    return client


def test_positions_list_renders_with_filters(alliance, drafter_client, session):
    transport = make_area("Transport")
    make_position(alliance.drafter, title="Fair rents")
    make_position(alliance.drafter, title="Rural buses", area=transport)
    published_position(alliance, title="Published one")
    session.commit()
    everything = body_of(drafter_client.get("/positions/"))
    assert all(t in everything for t in ("Fair rents", "Rural buses", "Published one"))
    by_area = body_of(drafter_client.get(f"/positions/?area={transport.id}"))
    assert "Rural buses" in by_area and "Fair rents" not in by_area
    by_status = body_of(drafter_client.get("/positions/?status=published"))
    assert "Published one" in by_status and "Fair rents" not in by_status
    by_title = body_of(drafter_client.get("/positions/?q=RENTS"))
    assert "Fair rents" in by_title and "Rural buses" not in by_title
    none = body_of(drafter_client.get("/positions/?q=zzz"))
    assert "No positions match these filters" in none


def test_positions_list_paginates(alliance, drafter_client, session):
    for i in range(26):
        make_position(alliance.drafter, title=f"Position {i:02d}")
    session.commit()
    first = body_of(drafter_client.get("/positions/"))
    assert "Page 1 of 2" in first and "Position 25" in first and "Position 00" not in first
    second = body_of(drafter_client.get("/positions/?page=2"))
    assert "Position 00" in second and "Position 25" not in second


def test_new_position_form_renders_and_creates_revision_one(alliance, drafter_client):
    assert "Draft a new position" in body_of(drafter_client.get("/positions/new"))
    response = drafter_client.post(
        "/positions/new",
        data={"title": "Fair rents", "body": "We ask.", "area": alliance.area.id, "note": "n"},
    )
    assert response.status_code == 302
    position_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = body_of(drafter_client.get(f"/positions/{position_id}"))
    assert "Created “Fair rents” as revision 1." in page
    assert "Revision 1 of 1" in page


def test_a_failed_create_keeps_the_typed_title_and_body(alliance, drafter_client):
    response = drafter_client.post(
        "/positions/new",
        data={"title": "", "body": "Every word I typed.", "area": alliance.area.id},
    )
    page = body_of(response)
    assert response.status_code == 400
    assert "Give the position a title." in page
    assert "Every word I typed." in page
    assert committed_count(Position) == 0


def test_an_oversized_body_is_refused_413_keeping_the_title(alliance, drafter_client, app):
    big = "word " * (app.config["MAX_BODY_BYTES"] // 5 + 1)
    response = drafter_client.post(
        "/positions/new",
        data={"title": "My long title", "body": big, "area": alliance.area.id},
    )
    assert response.status_code == 413
    page = body_of(response)
    assert 'value="My long title"' in page and "the limit is 200 KB" in page
    assert committed_count(Position) == 0


def test_a_form_over_a_megabyte_comes_back_with_every_word_kept(alliance, drafter_client, app):
    # Without JavaScript nothing stops the browser sending it: the form is read whole and the
    # refusal shows the form again, text and title kept (not a bare 413 page).
    big = "word " * (app.config["MAX_CONTENT_LENGTH"] // 5 + 1) + "the last word"
    response = drafter_client.post(
        "/positions/new",
        data={"title": "My long title", "body": big, "area": alliance.area.id},
    )
    assert response.status_code == 413
    page = body_of(response)
    assert 'value="My long title"' in page and "the limit is 200 KB" in page
    assert html.unescape(page).count("word ") >= big.count("word ") and "the last word" in page
    assert committed_count(Position) == 0


def test_an_edit_over_a_megabyte_comes_back_with_every_word_kept(
    alliance, drafter_client, app, session
):
    position = make_position(alliance.drafter, body="Short.")
    session.commit()
    big = "edit " * (app.config["MAX_CONTENT_LENGTH"] // 5 + 1) + "my ending"
    response = drafter_client.post(
        f"/positions/{position.id}/edit",
        data={"title": "Fair rents", "body": big, "base_revision": 1, "note": "kept note"},
    )
    assert response.status_code == 413
    page = body_of(response)
    assert "my ending" in page and 'value="kept note"' in page
    assert committed_count(Revision) == 1


def test_a_form_beyond_what_is_read_says_the_limit_and_leads_back(
    alliance, drafter_client, app, monkeypatch
):
    monkeypatch.setitem(app.config, "FORM_READ_LIMIT", 2 * app.config["MAX_CONTENT_LENGTH"])
    big = "word " * (app.config["FORM_READ_LIMIT"] // 5 + 1)
    response = drafter_client.post(
        "/positions/new",
        data={"title": "My long title", "body": big, "area": alliance.area.id},
    )
    assert response.status_code == 413
    page = body_of(response)
    assert f"at most {app.config['FORM_READ_LIMIT'] // 1024} KB" in page
    assert 'href="/positions/new">Back to the form' in page
    assert committed_count(Position) == 0


def test_a_signed_out_request_is_read_only_up_to_a_megabyte(alliance, client, app):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/login", data={"email": "a@example.org", "password": big})
    assert response.status_code == 413
    assert f"at most {app.config['MAX_CONTENT_LENGTH'] // 1024} KB" in body_of(response)


def test_every_page_tells_the_script_the_request_limit(alliance, drafter_client, app):
    page = body_of(drafter_client.get("/positions/new"))
    assert f'name="max-request-bytes" content="{app.config["FORM_READ_LIMIT"]}"' in page


def test_an_unknown_area_in_the_form_is_refused(alliance, drafter_client):
    response = drafter_client.post(
        "/positions/new", data={"title": "T", "body": "Kept body.", "area": 999}
    )
    assert response.status_code == 400 and "Kept body." in body_of(response)


def test_show_page_lists_partners_alphabetically_with_their_state(alliance, client, session):
    position = make_position(alliance.drafter)
    approve(alliance.chiefs["riverbank"], position)
    session.commit()
    login(client, alliance.chiefs["moorland"])
    page = body_of(client.get(f"/positions/{position.id}"))
    panel = page.split('class="panel consensus-panel"')[1].split("</section>")[0]
    cards = re.findall(
        r'<span class="partner-name">([^<]+)</span>\s*<span class="state state-(\w+)"', panel
    )
    assert cards == [
        ("Harbourside", "awaiting"),
        ("Moorland", "awaiting"),
        ("Riverbank", "approved"),
    ]
    assert "Your decision for Moorland" in page
    assert position.current_revision.content_hash in page


def test_html_and_script_in_markdown_are_inert_on_the_show_page(alliance, drafter_client, session):
    position = make_position(alliance.drafter, title="<script>alert('t')</script>", body=XSS_BODY)
    session.commit()
    page = body_of(drafter_client.get(f"/positions/{position.id}"))
    assert "Fine words." in page
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in page  # the title, escaped
    assert_inert(page)


def test_the_preview_is_sanitised_like_the_saved_text(alliance, drafter_client):
    response = drafter_client.post("/positions/preview", data={"body": XSS_BODY})
    assert response.status_code == 200
    assert "Fine words." in body_of(response)
    assert_inert(body_of(response))


def test_edit_page_starts_from_the_current_revision(alliance, drafter_client, session):
    position = make_position(alliance.drafter, body="Current words.")
    revise(alliance.drafter, position, "Newer words.")
    session.commit()
    page = body_of(drafter_client.get(f"/positions/{position.id}/edit"))
    assert "Newer words." in page
    assert re.search(r'name="base_revision" type="hidden" value="2"', page)


def test_saving_an_edit_makes_approvals_stale(alliance, client, session):
    position = make_position(alliance.drafter, body="Old words.")
    alliance.approve_all(position)
    session.commit()
    login(client, alliance.chiefs["moorland"])
    response = client.post(
        f"/positions/{position.id}/edit",
        data={"title": "Fair rents", "body": "New words.", "base_revision": 1, "note": "n"},
        follow_redirects=True,
    )
    page = body_of(response)
    assert "Saved revision 2" in page
    assert "Moorland approved revision 1; the text has changed since." in page
    assert f"/positions/{position.id}/compare?from=1&amp;to=2" in page
    assert page.count("Stale approval") == 3


def test_an_unchanged_save_keeps_the_form_and_says_nothing_changed(
    alliance, drafter_client, session
):
    position = make_position(alliance.drafter, body="Same.")
    session.commit()
    response = drafter_client.post(
        f"/positions/{position.id}/edit",
        data={"title": "Fair rents", "body": "Same.", "base_revision": 1, "note": "my note"},
    )
    assert response.status_code == 400
    assert "Nothing changed" in body_of(response) and 'value="my note"' in body_of(response)


def test_an_empty_title_on_edit_keeps_the_typed_body(alliance, drafter_client, session):
    position = make_position(alliance.drafter)
    session.commit()
    response = drafter_client.post(
        f"/positions/{position.id}/edit",
        data={"title": "", "body": "My careful edit.", "base_revision": 1},
    )
    assert response.status_code == 400 and "My careful edit." in body_of(response)


def test_a_clean_concurrent_edit_is_merged_and_says_so(alliance, drafter_client, session):
    position = make_position(alliance.drafter, body="Rents fair.\n\nRepairs quick.")
    revise(alliance.officers["moorland"], position, "Rents fair and stable.\n\nRepairs quick.")
    session.commit()
    response = drafter_client.post(
        f"/positions/{position.id}/edit",
        data={"title": "Fair rents", "body": "Rents fair.\n\nRepairs quick and free.",
              "base_revision": 1},
        follow_redirects=True,
    )  # fmt: skip
    page = body_of(response)
    assert "your changes were merged into revision 3" in page
    assert "Rents fair and stable." in page and "Repairs quick and free." in page


def test_the_conflict_page_returns_409_and_keeps_the_typed_text(alliance, drafter_client, session):
    position = make_position(alliance.drafter, body="Rents should be fair.")
    revise(alliance.officers["moorland"], position, "Rents should be low.")
    session.commit()
    mine = "Rents should be capped <at> 3% & no more."
    response = drafter_client.post(
        f"/positions/{position.id}/edit",
        data={"title": "My title", "body": mine, "base_revision": 1, "note": "my note"},
    )
    page = body_of(response)
    assert response.status_code == 409
    assert html.escape(mine, quote=False) in page
    assert 'value="My title"' in page and 'value="my note"' in page
    assert re.search(r'name="base_revision" type="hidden" value="2"', page)
    assert "<del>" in page and "<ins>" in page  # their change, as a diff
    assert committed_count(Revision) == 2


def test_history_lists_every_revision_and_decision(alliance, drafter_client, session):
    position = published_position(alliance, body="First.")
    revise(alliance.drafter, position, "Second.", note="Tightened wording")
    session.commit()
    page = body_of(drafter_client.get(f"/positions/{position.id}/history"))
    assert "Tightened wording" in page and "★ published" in page and "current" in page
    assert page.count("Approved") >= 3


@pytest.mark.parametrize("view", ["inline", "side"])
def test_compare_shows_word_changes(alliance, drafter_client, session, view):
    position = make_position(alliance.drafter, body="We ask for fair rents.\n\nKeep this.")
    revise(alliance.drafter, position, "We ask for stable rents.\n\nKeep this.")
    session.commit()
    response = drafter_client.get(f"/positions/{position.id}/compare?from=1&to=2&view={view}")
    page = body_of(response)
    assert response.status_code == 200
    assert re.search(r"<del>(<span[^>]*>[^<]*</span>)?fair", page)
    assert re.search(r"<ins>(<span[^>]*>[^<]*</span>)?stable", page)
    assert ("diff-side" in page) == (view == "side")


def test_compare_an_unknown_revision_is_a_friendly_404(alliance, drafter_client, session):
    position = make_position(alliance.drafter)
    session.commit()
    response = drafter_client.get(f"/positions/{position.id}/compare?from=1&to=9")
    assert response.status_code == 404 and "We can't find that page" in body_of(response)


def test_sign_off_and_publish_through_the_pages(alliance, client, session):
    position = make_position(alliance.drafter)
    session.commit()
    for chief in alliance.chiefs.values():
        login(client, chief)
        response = client.post(
            f"/positions/{position.id}/signoff", data={"revision": 1, "decision": "approve"}
        )
        assert response.status_code == 302
        client.post("/logout")
    login(client, alliance.comms)
    assert "Publish revision 1" in body_of(client.get(f"/positions/{position.id}"))
    response = client.post(f"/positions/{position.id}/publish", data={"revision": 1})
    assert response.headers["Location"] == f"/public/{position.slug}"
    assert "Approved by every partner" in body_of(client.get(response.headers["Location"]))


def test_an_objection_without_comment_is_refused_on_the_page(alliance, client, session):
    position = make_position(alliance.drafter)
    session.commit()
    login(client, alliance.chiefs["moorland"])
    response = client.post(
        f"/positions/{position.id}/signoff", data={"revision": 1, "decision": "object"}
    )
    assert response.status_code == 400
    assert "An objection needs a comment" in body_of(response)
    assert committed_count(SignOff) == 0


def test_a_sign_off_on_a_stale_revision_is_409(alliance, client, session):
    position = make_position(alliance.drafter)
    revise(alliance.drafter, position, "Second.")
    session.commit()
    login(client, alliance.chiefs["moorland"])
    response = client.post(
        f"/positions/{position.id}/signoff", data={"revision": 1, "decision": "approve"}
    )
    assert response.status_code == 409 and "review revision 2" in body_of(response)
    page = body_of(response)
    assert "The text changed while you were deciding" in page
    assert f'href="/positions/{position.id}/compare?from=1&amp;to=2">See what changed' in page


def test_a_refused_objection_keeps_its_place_without_a_changed_text_notice(
    alliance, client, session
):
    position = make_position(alliance.drafter)
    session.commit()
    login(client, alliance.chiefs["moorland"])
    response = client.post(
        f"/positions/{position.id}/signoff", data={"revision": 1, "decision": "object"}
    )
    assert "changed while you were deciding" not in body_of(response)


def test_a_policy_officers_sign_off_is_403_and_the_refusal_is_kept(alliance, client, session):
    position = make_position(alliance.drafter)
    session.commit()
    login(client, alliance.officers["moorland"])
    response = client.post(
        f"/positions/{position.id}/signoff", data={"revision": 1, "decision": "approve"}
    )
    assert response.status_code == 403
    assert committed_count(SignOff) == 0
    assert committed_count(AuditEvent, AuditEvent.action == "signoff.refused") == 1


def test_publishing_without_unanimity_is_refused_with_the_missing_partners(
    alliance, client, session
):
    position = make_position(alliance.drafter)
    session.commit()
    login(client, alliance.comms)
    response = client.post(
        f"/positions/{position.id}/publish", data={"revision": 1}, follow_redirects=True
    )
    assert "Not every partner has approved this text yet: Harbourside, Moorland, Riverbank" in (
        body_of(response)
    )


def test_a_published_position_being_redrafted_points_at_the_public_text(
    alliance, drafter_client, session
):
    position = published_position(alliance)
    revise(alliance.drafter, position, "A redraft.")
    session.commit()
    page = body_of(drafter_client.get(f"/positions/{position.id}"))
    assert "The published text is revision 1" in page
    assert f'href="/public/{position.slug}"' in page


@pytest.mark.parametrize(
    "path",
    ["/positions/999", "/positions/999/edit", "/positions/999/history", "/no/such/page"],
)
def test_unknown_pages_are_a_friendly_404(alliance, drafter_client, path):
    response = drafter_client.get(path)
    assert response.status_code == 404
    assert "We can't find that page" in body_of(response)
    assert "Traceback" not in body_of(response)


HUGE = 10**20  # beyond any database integer


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/positions/{HUGE}", 404),
        (f"/positions/?page={HUGE}", 200),
        (f"/positions/?area={HUGE}", 200),
        (f"/positions/{{pid}}/compare?from=1&to={HUGE}", 200),
        (f"/public/?page={HUGE}", 200),
        ("/positions/?page=-1", 200),
        ("/positions/?page=abc", 200),
    ],
)
def test_out_of_range_numbers_in_addresses_are_never_a_500(
    alliance, drafter_client, session, path, status
):
    position = make_position(alliance.drafter)  # {pid}: a position that exists
    session.commit()
    assert drafter_client.get(path.format(pid=position.id)).status_code == status
