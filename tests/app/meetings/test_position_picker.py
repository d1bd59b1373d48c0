"""The position picker on the appearance form: a bounded search that works without JavaScript,
keeps what is ticked and typed, and posts the chosen ids as before."""

import re

import pytest

from app.extensions import db
from app.meetings.models import Appearance
from app.meetings.queries.log import PICKER_LIMIT
from tests.support.client import login
from tests.support.factories import make_meeting, make_position


def offered(response) -> list[str]:
    """The titles offered as checkboxes, in order."""
    page = response.get_data(as_text=True)
    results = page.split('id="position-results"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'name="positions" value="\d+"\s*(?:checked)?> ([^(<]+) \(', results)


def ticked(response) -> list[str]:
    page = response.get_data(as_text=True)
    return re.findall(r'name="positions" value="(\d+)" checked>', page)


@pytest.fixture
def many(alliance):
    """More positions than the picker shows at once, and a meeting to log an appearance at."""
    positions = [make_position(alliance.drafter, title=f"Bus route {n:02}") for n in range(30)]
    positions.append(make_position(alliance.drafter, title="Fair rents"))
    positions.append(make_position(alliance.drafter, title="100% renewable power"))
    meeting = make_meeting(alliance.comms, title="Transport hearing")
    db.session.commit()
    return {"positions": positions, "meeting": meeting}


def test_the_picker_never_lists_every_position(client, alliance, many):
    login(client, alliance.comms)
    response = client.get(f"/meetings/{many['meeting'].id}/appearances/new")
    assert response.status_code == 200
    assert len(offered(response)) == PICKER_LIMIT < len(many["positions"])


def test_a_search_lists_matching_positions_only(client, alliance, many):
    login(client, alliance.comms)
    url = f"/meetings/{many['meeting'].id}/appearances/new"
    assert offered(client.get(f"{url}?q=rents")) == ["Fair rents"]
    assert offered(client.get(f"{url}?q=ROUTE 2")) == [f"Bus route {n}" for n in range(20, 30)]
    # What is typed is text, not a pattern: % and _ match themselves.
    assert offered(client.get(f"{url}?q=%25")) == ["100% renewable power"]
    assert offered(client.get(f"{url}?q=_")) == []
    assert "No position’s title contains “nothing like it”" in client.get(
        f"{url}?q=nothing+like+it"
    ).get_data(as_text=True)


def test_find_without_javascript_keeps_what_was_typed_and_ticked(client, alliance, many):
    login(client, alliance.comms)
    fair = next(p for p in many["positions"] if p.title == "Fair rents")
    response = client.post(
        f"/meetings/{many['meeting'].id}/appearances/new",
        data={
            "speaker": str(alliance.comms.id),
            "capacity": "alliance",
            "positions": str(fair.id),
            "summary": "Typed before searching.",
            "q": "route 0",
            "find": "1",
        },
    )
    assert response.status_code == 200
    assert db.session.query(Appearance).count() == 0  # a search saves nothing
    page = response.get_data(as_text=True)
    assert "Typed before searching." in page and 'value="route 0"' in page
    assert ticked(response) == [str(fair.id)]  # still ticked, though it does not match
    assert offered(response) == ["Fair rents"] + [f"Bus route {n:02}" for n in range(10)]


def test_the_chosen_ids_post_as_before(client, alliance, many):
    login(client, alliance.comms)
    chosen = [many["positions"][3], many["positions"][-2]]
    response = client.post(
        f"/meetings/{many['meeting'].id}/appearances/new",
        data={
            "speaker": str(alliance.comms.id),
            "capacity": "alliance",
            "positions": [str(p.id) for p in chosen],
            "summary": "Spoke to two.",
        },
    )
    assert response.status_code == 302
    appearance = db.session.query(Appearance).one()
    assert sorted(c.position_id for c in appearance.cited) == sorted(p.id for p in chosen)


def test_enter_in_the_search_field_searches(client, alliance, many):
    # Enter presses the form's first submit button: it must be Find, not the save button.
    login(client, alliance.comms)
    page = client.get(f"/meetings/{many['meeting'].id}/appearances/new").get_data(as_text=True)
    form = page.split('<form method="post" class="form card"', 1)[1]
    first_submit = re.search(r"<button[^>]*type=\"submit\"[^>]*>", form).group(0)
    assert 'name="find"' in first_submit


# ---- the log filter --------------------------------------------------------------------------


def menu(response) -> list[str]:
    page = response.get_data(as_text=True)
    select = page.split('id="f-position"', 1)[1].split("</select>", 1)[0]
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select)


def test_the_log_filter_menu_is_bounded_and_searched(client, alliance, many):
    login(client, alliance.comms)
    assert len(menu(client.get("/meetings/log"))) == PICKER_LIMIT
    assert menu(client.get("/meetings/log?position_q=rents")) == ["Fair rents"]


def test_the_log_filter_keeps_the_chosen_position_in_its_menu(client, alliance, many):
    login(client, alliance.comms)
    fair = next(p for p in many["positions"] if p.title == "Fair rents")
    response = client.get(f"/meetings/log?position={fair.id}&position_q=route")
    assert menu(response)[0] == "Fair rents" and len(menu(response)) == PICKER_LIMIT + 1
    assert f'<option value="{fair.id}" selected>' in response.get_data(as_text=True)


def test_signed_out_the_menu_offers_published_titles_only(client, alliance, many):
    assert menu(client.get("/meetings/log?position_q=rents")) == []
