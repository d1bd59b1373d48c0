"""The compare page's formatted layout and "changes only", and the decision panel's changes since
a partner last decided, through the test client."""

import re

import pytest

from tests.support.client import XSS_BODY, api_headers, assert_inert, body_of, error_of, login
from tests.support.factories import approve, make_position, revise

OLD = "## Fair rents\n\nWe ask for **fair** rents.\n\nKept one.\n\nKept two.\n\nKept three."
NEW = "## Low rents\n\nWe ask for **low** rents.\n\nKept one.\n\nKept two.\n\nKept three."


@pytest.fixture
def revised(alliance, session):
    position = make_position(alliance.drafter, body=OLD)
    revise(alliance.drafter, position, NEW)
    session.commit()
    return position


def test_the_formatted_layout_shows_words_with_the_changes_marked(alliance, client, revised):
    login(client, alliance.drafter)
    page = body_of(client.get(f"/positions/{revised.id}/compare?from=1&to=2&view=formatted"))
    diff = page.split('class="diff diff-formatted"', 1)[1].split("</main>")[0]
    assert "##" not in diff and "**" not in diff
    assert re.search(r"<h2><del>.*?Fair.*?</del>\s*<ins>.*?Low.*?</ins>\s*rents</h2>", diff)
    assert re.search(r"<strong><del>.*?fair.*?</del><ins>.*?low.*?</ins></strong>", diff)
    assert "Kept three." in diff and "<details" not in diff  # everything, nothing folded
    assert '<option value="formatted" selected>' in page


@pytest.mark.parametrize("view", ["formatted", "inline", "side"])
def test_changes_only_folds_unchanged_paragraphs_in_every_layout(alliance, client, revised, view):
    login(client, alliance.drafter)
    page = body_of(client.get(f"/positions/{revised.id}/compare?from=1&to=2&view={view}&only=1"))
    assert re.search(r"<details class=\"folded\"><summary>3 unchanged paragraphs</summary>", page)
    assert "Kept three." in page  # folded, not dropped: it opens without JavaScript
    assert 'name="only" value="1" checked' in page


def test_an_unknown_layout_is_the_inline_one(alliance, client, revised):
    login(client, alliance.drafter)
    page = body_of(client.get(f"/positions/{revised.id}/compare?from=1&to=2&view=<b>"))
    assert "diff-inline" in page and "&lt;b&gt;" not in page


def test_hostile_text_is_inert_in_the_formatted_layout(alliance, client, session):
    position = make_position(alliance.drafter, body="Fine words.")
    revise(alliance.drafter, position, XSS_BODY)
    session.commit()
    login(client, alliance.drafter)
    for only in ("", "&only=1"):
        page = body_of(
            client.get(f"/positions/{position.id}/compare?from=1&to=2&view=formatted{only}")
        )
        assert_inert(page)


def test_the_decision_panel_shows_what_changed_since_the_partner_approved(
    alliance, client, session
):
    position = make_position(alliance.drafter, body=OLD)
    chief = alliance.chiefs["moorland"]
    approve(chief, position, "approve")
    revise(alliance.drafter, position, NEW)
    session.commit()
    login(client, chief)
    page = body_of(client.get(f"/positions/{position.id}"))
    panel = page.split('id="changes-since-decided"', 1)[1].split("</section>")[0]
    assert "Changes since Moorland last decided" in panel and "Revision 1 → 2" in panel
    assert re.search(r"<del>.*?Fair.*?</del>", panel) and "##" not in panel
    assert "3 unchanged paragraphs" in panel


def test_the_decision_panel_shows_what_changed_since_the_partner_objected(
    alliance, client, session
):
    position = make_position(alliance.drafter, body=OLD)
    chief = alliance.chiefs["riverbank"]
    approve(chief, position, "object", "Not yet.")
    revise(alliance.drafter, position, NEW)
    session.commit()
    login(client, chief)
    page = body_of(client.get(f"/positions/{position.id}"))
    assert 'id="changes-since-decided"' in page


def test_no_changes_panel_before_a_decision_or_for_someone_who_does_not_sign(
    alliance, client, session, revised
):
    login(client, alliance.chiefs["moorland"])  # has not decided yet
    assert 'id="changes-since-decided"' not in body_of(client.get(f"/positions/{revised.id}"))
    client.post("/logout")
    approve(alliance.chiefs["moorland"], revised, "approve")
    revise(alliance.drafter, revised, NEW + "\n\nMore.")
    session.commit()
    login(client, alliance.officers["moorland"])  # the partner's policy officer: no panel
    assert 'id="changes-since-decided"' not in body_of(client.get(f"/positions/{revised.id}"))


def test_the_api_answers_the_formatted_blocks_when_asked(alliance, client, revised):
    headers = api_headers(alliance.drafter)
    path = f"/api/v1/positions/{revised.id}/diff?from=1&to=2"
    plain = client.get(path, headers=headers).get_json()
    assert "blocks" not in plain and plain["ops"]
    answer = client.get(f"{path}&view=formatted", headers=headers)
    assert answer.status_code == 200
    blocks = answer.get_json()["blocks"]
    assert [b["changed"] for b in blocks] == [True, True, False, False, False]
    assert re.search(r"<h2><del>.*?Fair.*?</del>", blocks[0]["html"])
    assert answer.headers["ETag"] != client.get(path, headers=headers).headers["ETag"]
    error_of(client.get(f"{path}&view=<b>", headers=headers), 400, "bad_view")
