"""Governance of published text: what all partners did together, only all partners undo.

Withdrawing a published position needs every active partner's chief officer, each confirming the
published revision with a reason; one partner may say it no longer supports a text, which stays
public; a draft nobody published is archived by its author or any chief officer.
"""

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.drafting.models import MotionConfirmation, Position, Publication, Revision, SignOff
from app.drafting.services import cycle, governance
from app.extensions import db
from positions.refusals import Conflict, Forbidden
from tests.support.client import api_headers, api_post, error_of, login
from tests.support.factories import make_partner, make_position, make_user, published_position


def withdraw(client, chief, position, revision=1, reason="Superseded by the 2027 text."):
    return api_post(
        client,
        chief,
        f"/positions/{position.id}/withdrawal",
        {"revision": revision, "reason": reason},
    )


def status_of(position) -> str:
    db.session.rollback()
    return db.session.get(Position, position.id).status


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def actions() -> list[str]:
    """What the record says happened to positions (API tokens issued on the way left out)."""
    return list(
        db.session.execute(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "position")
            .order_by(AuditEvent.seq)
        ).scalars()
    )


# ---- withdrawal ---------------------------------------------------------------------------------


def test_no_single_chief_officer_withdraws_a_published_position(alliance, client):
    """Issue 11 part 3: one partner's chief officer (or an admin) took a published text down."""
    position = published_position(alliance)
    answer = withdraw(client, alliance.chiefs["moorland"], position).get_json()
    assert answer["carried"] is False
    assert [(p["partner"], p["state"]) for p in answer["partners"]] == [
        ("harbourside", "awaiting"),
        ("moorland", "confirmed"),
        ("riverbank", "awaiting"),
    ]
    assert status_of(position) == "published"
    public = client.get(f"/public/{position.slug}").get_data(as_text=True)
    assert "Withdrawn" not in public


def test_the_last_confirmation_withdraws_it_and_the_public_page_keeps_the_text(alliance, client):
    position = published_position(alliance)
    before = (count(Revision), count(SignOff), count(Publication))
    for slug in ("harbourside", "moorland"):
        assert withdraw(client, alliance.chiefs[slug], position).get_json()["carried"] is False
    answer = withdraw(client, alliance.chiefs["riverbank"], position).get_json()
    assert answer["carried"] is True and answer["motion"] == "withdraw"
    assert answer["subject"] == 1 and answer["hash"] == position.current_revision.content_hash
    assert status_of(position) == "withdrawn"
    assert (count(Revision), count(SignOff), count(Publication)) == before  # nothing erased
    withdrawn = db.session.get(Position, position.id)
    page = client.get(f"/public/{position.slug}").get_data(as_text=True)
    assert f"Withdrawn on {withdrawn.withdrawn_at.day}" in page
    assert withdrawn.current_revision.body_html in page
    login(client, alliance.drafter)
    own = client.get(f"/positions/{position.id}").get_data(as_text=True)
    assert "every partner confirmed its withdrawal on" in own
    assert "Published as the alliance's position" not in own
    assert actions()[-4:] == [
        "withdraw.confirm",
        "withdraw.confirm",
        "withdraw.confirm",
        "position.withdraw",
    ]


@pytest.mark.parametrize("who", ["admin", "comms", "drafter"])
def test_nobody_but_chief_officers_confirms_a_withdrawal(alliance, client, who):
    position = published_position(alliance)
    user = getattr(alliance, who)
    error_of(withdraw(client, user, position), 403)
    login(client, user)
    response = client.post(
        f"/positions/{position.id}/withdraw",
        data={"withdraw-revision": 1, "withdraw-reason": "Mine."},
    )
    assert response.status_code == 403
    assert count(MotionConfirmation) == 0
    assert status_of(position) == "published"


def test_a_chief_officer_of_a_partner_that_left_does_not_confirm(alliance, client):
    gone = make_partner("Gone Housing", active=False)
    chief = make_user("chief@gone.example", "chief_officer", partner=gone)
    position = published_position(alliance)
    error_of(withdraw(client, chief, position), 403)


def test_a_withdrawal_names_the_published_revision(alliance, client):
    position = published_position(alliance)
    error_of(withdraw(client, alliance.chiefs["moorland"], position, revision=2), 409)
    response = withdraw(client, alliance.chiefs["moorland"], position, revision=2)
    assert response.get_json()["error"]["code"] == "not_published_revision"


def test_a_withdrawal_says_why_and_a_refused_form_keeps_the_typed_text(alliance, client):
    position = published_position(alliance)
    response = withdraw(client, alliance.chiefs["moorland"], position, reason="  ")
    error_of(response, 400, "reason_required")
    login(client, alliance.chiefs["moorland"])
    typed = "Our members voted against <this> text."
    response = client.post(
        f"/positions/{position.id}/withdraw",
        data={"withdraw-revision": 9, "withdraw-reason": typed},
    )
    assert response.status_code == 409
    assert "Our members voted against &lt;this&gt; text." in response.get_data(as_text=True)


def test_a_draft_is_not_withdrawn_and_a_partner_confirms_once(alliance, client):
    draft = make_position(alliance.drafter)
    db.session.commit()
    error_of(withdraw(client, alliance.chiefs["moorland"], draft), 409, "not_published")
    position = published_position(alliance, title="Clean rivers")
    assert withdraw(client, alliance.chiefs["moorland"], position).status_code == 200
    error_of(withdraw(client, alliance.chiefs["moorland"], position), 409, "already_confirmed")


def test_confirmations_of_an_earlier_published_text_do_not_withdraw_a_later_one(alliance, client):
    from tests.support.factories import publish, revise

    position = published_position(alliance)
    withdraw(client, alliance.chiefs["harbourside"], position)
    withdraw(client, alliance.chiefs["moorland"], position)
    revise(alliance.drafter, position, "A better text.")
    alliance.approve_all(position)
    publish(alliance.comms, position)
    db.session.commit()
    answer = withdraw(client, alliance.chiefs["riverbank"], position, revision=2).get_json()
    assert answer["carried"] is False
    assert [p["state"] for p in answer["partners"]] == ["stale", "stale", "confirmed"]
    assert status_of(position) == "published"


def test_a_withdrawn_position_is_not_withdrawn_again(alliance, client):
    position = published_position(alliance)
    alliance.withdraw_all(position)
    db.session.commit()
    error_of(withdraw(client, alliance.chiefs["moorland"], position), 409, "closed")


def test_the_position_page_shows_who_has_confirmed_the_withdrawal(alliance, app, client):
    position = published_position(alliance)
    withdraw(client, alliance.chiefs["moorland"], position, reason="Our board decided.")
    login(client, alliance.chiefs["harbourside"])
    page = client.get(f"/positions/{position.id}").get_data(as_text=True)
    assert "Our board decided." in page
    assert f'action="/positions/{position.id}/withdraw"' in page
    admin = app.test_client()
    login(admin, alliance.admin)
    page = admin.get(f"/positions/{position.id}").get_data(as_text=True)
    assert "Our board decided." in page  # the motion is shown to everyone
    assert f'action="/positions/{position.id}/withdraw"' not in page  # admins never confirm


def test_a_withdrawal_under_way_reaches_the_other_partners_dashboards(alliance, app, client):
    position = published_position(alliance, title="Fair rents")
    published_position(alliance, title="Clean rivers")
    withdraw(client, alliance.chiefs["moorland"], position)

    def awaiting(user) -> str:
        browser = app.test_client()
        login(browser, user)
        home = browser.get("/").get_data(as_text=True)
        if "Withdrawals awaiting" not in home:
            return ""
        section = home[home.index("Withdrawals awaiting") :]
        return section[: section.index("</section>")]

    assert "Fair rents" in awaiting(alliance.chiefs["harbourside"])
    assert "Clean rivers" not in awaiting(alliance.chiefs["harbourside"])
    assert awaiting(alliance.chiefs["moorland"]) == ""  # confirmed already
    withdraw(client, alliance.chiefs["harbourside"], position)
    withdraw(client, alliance.chiefs["riverbank"], position)
    assert awaiting(alliance.chiefs["harbourside"]) == ""  # withdrawn: nothing left to do


# ---- archiving drafts ---------------------------------------------------------------------------


def archive(client, user, position, reason="Started by mistake."):
    return api_post(client, user, f"/positions/{position.id}/archive", {"reason": reason})


@pytest.mark.parametrize("who", ["author", "other chief"])
def test_a_never_published_draft_is_archived_by_its_author_or_any_chief(alliance, client, who):
    draft = make_position(alliance.drafter)
    db.session.commit()
    user = alliance.drafter if who == "author" else alliance.chiefs["riverbank"]
    response = archive(client, user, draft)
    assert response.status_code == 200 and response.get_json()["status"] == "archived"
    assert actions()[-1] == "position.archive"


@pytest.mark.parametrize("who", ["admin", "comms", "other policy officer"])
def test_nobody_else_archives_a_draft(alliance, client, who):
    draft = make_position(alliance.drafter)
    db.session.commit()
    user = {
        "admin": alliance.admin,
        "comms": alliance.comms,
        "other policy officer": alliance.officers["moorland"],
    }[who]
    error_of(archive(client, user, draft), 403)
    assert status_of(draft) == "draft"


def test_a_published_position_is_not_archived(alliance, client):
    position = published_position(alliance)
    error_of(archive(client, alliance.chiefs["moorland"], position), 409, "published")
    assert status_of(position) == "published"


def test_archiving_says_why(alliance, client):
    draft = make_position(alliance.drafter)
    db.session.commit()
    error_of(archive(client, alliance.drafter, draft, reason=""), 400)
    login(client, alliance.drafter)
    response = client.post(f"/positions/{draft.id}/archive", data={"archive-reason": ""})
    assert response.status_code == 400
    assert status_of(draft) == "draft"


def test_an_archived_draft_leaves_every_chiefs_list(alliance, client):
    draft = make_position(alliance.drafter, title="Accidental draft")
    cycle.mark_ready(db.session, alliance.drafter, draft.id)
    db.session.commit()
    login(client, alliance.chiefs["moorland"])
    assert "Accidental draft" in client.get("/").get_data(as_text=True)
    client.post(f"/positions/{draft.id}/archive", data={"archive-reason": "Duplicate."})
    assert status_of(draft) == "archived"
    assert "Accidental draft" not in client.get("/").get_data(as_text=True)


# ---- one partner no longer supports a published text -------------------------------------------


def dissent(client, chief, position, reason="Our members have changed their view."):
    return api_post(client, chief, f"/positions/{position.id}/dissents", {"reason": reason})


def test_a_partner_says_it_no_longer_supports_a_text_which_stays_public(alliance, client):
    position = published_position(alliance)
    response = dissent(client, alliance.chiefs["moorland"], position)
    assert response.status_code == 201
    assert response.get_json()["partner"] == "moorland"
    assert status_of(position) == "published"
    assert client.get(f"/public/{position.slug}").status_code == 200
    login(client, alliance.drafter)
    page = client.get(f"/positions/{position.id}").get_data(as_text=True)
    assert "Moorland no longer supports this position" in page
    assert "Our members have changed their view." in page
    assert actions()[-1] == "dissent.state"


def test_the_public_page_says_so_beside_the_text_until_retracted(alliance, client):
    position = published_position(alliance)
    before = client.get(f"/public/{position.slug}").get_data(as_text=True)
    assert "no longer supports" not in before
    dissent(client, alliance.chiefs["moorland"], position, reason="Members voted.")
    page = client.get(f"/public/{position.slug}").get_data(as_text=True)  # not the kept copy
    assert "Moorland no longer supports this position" in page and "Members voted." in page
    assert position.current_revision.body_html in page
    api_post(client, alliance.chiefs["moorland"], f"/positions/{position.id}/dissents/retract")
    assert "no longer supports" not in client.get(f"/public/{position.slug}").get_data(as_text=True)


def test_only_a_partners_own_chief_speaks_its_dissent(alliance, client):
    position = published_position(alliance)
    for user in (alliance.admin, alliance.comms, alliance.officers["moorland"]):
        error_of(dissent(client, user, position), 403)
    draft = make_position(alliance.drafter, title="Draft")
    db.session.commit()
    error_of(dissent(client, alliance.chiefs["moorland"], draft), 409, "not_published")


def test_a_dissent_is_stated_once_and_retracted_by_its_partner(alliance, client):
    position = published_position(alliance)
    dissent(client, alliance.chiefs["moorland"], position)
    error_of(dissent(client, alliance.chiefs["moorland"], position), 409, "already")
    retract = f"/positions/{position.id}/dissents/retract"
    error_of(api_post(client, alliance.chiefs["riverbank"], retract), 409, "no_dissent")
    answer = api_post(client, alliance.chiefs["moorland"], retract).get_json()
    assert answer["retracted_at"] is not None
    assert governance.standing_dissents(db.session, [position.id])[position.id] == []
    assert actions()[-1] == "dissent.retract"


def test_refusals_raise_through_the_services(alliance, session):
    position = published_position(alliance)
    with pytest.raises(Forbidden):
        governance.confirm_withdrawal(
            session, alliance.admin, position.id, revision_number=1, reason="x"
        )
    with pytest.raises(Conflict):
        governance.retract_dissent(session, alliance.chiefs["moorland"], position.id)


def test_the_board_and_the_dashboard_show_a_partner_no_longer_supports_a_text(alliance, client):
    position = published_position(alliance, title="Fair rents")
    published_position(alliance, title="Clean rivers")
    dissent(client, alliance.chiefs["moorland"], position)
    board = client.get("/api/v1/divergence", headers=api_headers(alliance.comms)).get_json()
    cells = {
        row["title"]: {c["partner"]: c["no_longer_supports"] for c in row["partners"]}
        for row in board["positions"]
    }
    assert cells["Fair rents"] == {"harbourside": False, "moorland": True, "riverbank": False}
    assert not any(cells["Clean rivers"].values())
    login(client, alliance.comms)
    assert "No longer supports" in client.get("/divergence/").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    section = home[home.index("No longer supported by a partner") :]
    assert "Fair rents" in section[: section.index("</section>")]
    assert "Clean rivers" not in section[: section.index("</section>")]


def test_the_timeline_tells_the_withdrawal_and_the_dissent(alliance, client):
    position = published_position(alliance)
    dissent(client, alliance.chiefs["moorland"], position, reason="Members voted.")
    for slug in ("harbourside", "moorland", "riverbank"):
        withdraw(client, alliance.chiefs[slug], position, reason=f"{slug} agrees.")
    response = client.get(
        f"/api/v1/positions/{position.id}/timeline", headers=api_headers(alliance.comms)
    )
    texts = [e["text"] for e in response.get_json() if e["kind"] == "governance"]
    assert texts == [
        "No longer supports the published text: Members voted.",
        "Confirmed withdrawing revision 1: harbourside agrees.",
        "Confirmed withdrawing revision 1: moorland agrees.",
        "Confirmed withdrawing revision 1: riverbank agrees.",
        "Withdrawn by every partner",
    ]


def test_the_consensus_panel_never_offers_publishing_a_withdrawn_position(alliance, client):
    position = published_position(alliance)
    login(client, alliance.comms)
    assert "It is published." in client.get(f"/positions/{position.id}").get_data(as_text=True)
    alliance.withdraw_all(position)
    db.session.commit()
    text = client.get(f"/positions/{position.id}").get_data(as_text=True)
    assert "It can be published" not in text and "It is published" not in text
    assert "This position is withdrawn: nothing more is published from it." in text
