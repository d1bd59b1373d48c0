"""Issue 11's "done means", walked as a person following the README would, on an empty database:
an alliance of three partners and four policy areas, a chief officer and a policy officer
invited for each, every invitee choosing a password from their own link and signing in, and
then each doing what their role allows. Once through the first-run page (real forms, CSRF tokens
and second factors, as in production) and once through `alliance init` and `users invite`."""

import re
from dataclasses import dataclass

import pyotp
import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.alliance.models import Partner, PolicyArea
from app.drafting.models import Position
from app.notifications.models import Notification

PARTNERS = {"harbourside": "Harbourside Trust", "moorland": "Moorland", "riverbank": "Riverbank"}
AREAS = ["Housing", "Clean rivers", "Transport", "Food"]
PASSWORD = "a long walk from nothing"


@dataclass(frozen=True)
class Invitee:
    email: str
    name: str
    partner: str  # slug
    role: str

    @property
    def signs(self) -> bool:
        return self.role == "chief_officer"


INVITEES = [
    Invitee(f"{who}@{slug}.test", f"{who.capitalize()} of {name}", slug, role)
    for slug, name in PARTNERS.items()
    for who, role in (("chief", "chief_officer"), ("policy", "policy_officer"))
]


@pytest.fixture
def start_server(another_app, tmp_path):
    """`start_server()`: a second app on the test's database, started as a server is: CSRF on
    every form, a second factor for chief officers and admins, and, while no admin exists, a
    set-up token."""
    return lambda: another_app(
        WTF_CSRF_ENABLED=True,
        REQUIRE_SECOND_FACTOR=True,
        SETUP_ON_FIRST_RUN=True,
        SETUP_TOKEN_FILE=str(tmp_path / "setup_token"),
    )


def text(response) -> str:
    return response.get_data(as_text=True)


def csrf_token(client, path: str) -> str:
    page = text(client.get(path))
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def submit(client, path: str, data: dict, *, action: str | None = None):
    """Fill in the form on the page at `path` (its CSRF token and all) and send it."""
    return client.post(action or path, data={**data, "csrf_token": csrf_token(client, path)})


def choose_password(client, link: str) -> None:
    path = "/" + link.split("://", 1)[-1].split("/", 1)[1] if "://" in link else link
    chosen = submit(client, path, {"new": PASSWORD, "confirm": PASSWORD})
    assert chosen.status_code == 302 and chosen.headers["Location"].endswith("/login"), text(chosen)


def sign_in(client, email: str) -> None:
    """Password, then (for chief officers and admins) enrolment in a second factor."""
    signed = submit(client, "/login", {"email": email, "password": PASSWORD})
    assert signed.status_code == 302, text(signed)[:500]
    if not signed.headers["Location"].endswith("/login/code"):
        return
    page = text(client.get("/login/code"))
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    sealed = re.search(r'name="sealed"[^>]*value="([^"]+)"', page).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    enrolled = client.post(
        "/login/code",
        data={"code": pyotp.TOTP(secret).now(), "sealed": sealed, "csrf_token": token},
    )
    assert enrolled.status_code == 200 and "recovery" in text(enrolled).lower()


def the_alliance_stands(session) -> None:
    assert {p.slug: p.name for p in session.execute(select(Partner)).scalars()} == PARTNERS
    assert {a.name for a in session.execute(select(PolicyArea)).scalars()} == set(AREAS)


def each_invitee_signs_in_and_sees_their_partner_and_role(app, session, links) -> dict:
    """Every invitee opens their own link, chooses a password and signs in; their account page
    names their partner and role. Returns a signed-in client for each."""
    clients = {}
    for person in INVITEES:
        client = app.test_client()
        choose_password(client, links[person.email])
        sign_in(client, person.email)
        account = text(client.get("/account"))
        role = person.role.replace("_", " ")
        assert f"{person.email} · {PARTNERS[person.partner]} · {role}" in account
        user = session.execute(select(User).filter_by(email=person.email)).scalar_one()
        assert (user.partner.slug, user.roles) == (person.partner, person.role)
        clients[person.email] = client
    return clients


def what_each_can_then_do(session, clients: dict, admin_client) -> None:
    """A policy officer drafts a position and puts it up for sign-off: each partner's chief
    officer is a required signatory and finds it on their dashboard; nobody else may decide;
    the three approvals make it agreed."""
    drafter = clients["policy@riverbank.test"]
    form = text(drafter.get("/positions/new"))
    area = re.search(r'<option value="(\d+)">Clean rivers</option>', form).group(1)
    made = submit(
        drafter,
        "/positions/new",
        {"title": "Rivers fit to swim in", "body": "Every river clean by 2035.", "area": area},
    )
    assert made.status_code == 302, text(made)[:500]
    position = session.execute(select(Position)).scalar_one()
    page = f"/positions/{position.id}"
    ready = submit(drafter, page, {}, action=f"{page}/ready")
    assert ready.status_code == 302, text(ready)[:500]

    shown = text(drafter.get(page))
    for name in PARTNERS.values():
        assert re.search(rf'partner-name">{name}</span>', shown)  # whose approval it needs
    for person in INVITEES:
        client = clients[person.email]
        partner = PARTNERS[person.partner]
        board = text(client.get("/"))
        mine = text(client.get(page))
        if person.signs:
            assert f"To decide for {partner} (1)" in board and "Rivers fit to swim in" in board
            assert f"Your decision for {partner}" in mine
        else:
            assert "To decide for" not in board and "Your decision for" not in mine
    assert "Your decision for" not in text(admin_client.get(page))

    decision = {"revision": "1", "decision": "approve", "comment": ""}
    refused = submit(clients["policy@moorland.test"], page, decision, action=f"{page}/signoff")
    assert refused.status_code == 403
    assert refused_by_admin(admin_client, page, decision)
    chiefs = [p for p in INVITEES if p.signs]
    for person in chiefs:
        approved = submit(clients[person.email], page, decision, action=f"{page}/signoff")
        assert approved.status_code == 302, text(approved)[:500]
        session.expire_all()
        expected = "agreed" if person is chiefs[-1] else "draft"
        assert session.get(Position, position.id).status == expected


def refused_by_admin(admin_client, page: str, decision: dict) -> bool:
    """The admin's position page offers no decision; sent anyway (a token from their account
    page), it is refused."""
    sent = submit(admin_client, "/account", decision, action=f"{page}/signoff")
    return sent.status_code == 403


def test_the_first_run_page_sets_up_an_alliance_and_its_people(start_server, session, tmp_path):
    app = start_server()
    admin_client = app.test_client()
    front = admin_client.get("/")
    assert front.status_code == 302 and front.headers["Location"].endswith("/setup")
    token = (tmp_path / "setup_token").read_text().strip()  # as printed in the server log
    set_up = submit(
        admin_client,
        f"/setup?token={token}",
        {
            "token": token,
            "name": "Estuary Alliance",
            "time_zone": "Europe/London",
            "partners": "\n".join(f"{name}={slug}" for slug, name in PARTNERS.items()),
            "areas": "\n".join(AREAS),
            "admin_name": "Dana Director",
            "admin_email": "dana@estuary.test",
        },
        action="/setup",
    )
    assert set_up.status_code == 302 and "/welcome/" in set_up.headers["Location"], text(set_up)
    the_alliance_stands(session)
    choose_password(admin_client, set_up.headers["Location"])
    sign_in(admin_client, "dana@estuary.test")

    for person in INVITEES:
        invited = submit(
            admin_client,
            "/admin/people",
            {
                "email": person.email,
                "name": person.name,
                "partner": person.partner,
                "roles": [person.role],
            },
        )
        assert invited.status_code == 200 and f"Invited {person.name}." in text(invited)
        assert "only when another of its chief officers confirms" not in text(invited)
    links = {}  # what each invitee receives: the link in their invitation
    for person in INVITEES:
        user = session.execute(select(User).filter_by(email=person.email)).scalar_one()
        mail = session.execute(
            select(Notification).filter_by(recipient_id=user.id, kind="invitation")
        ).scalar_one()
        links[person.email] = mail.link

    clients = each_invitee_signs_in_and_sees_their_partner_and_role(app, session, links)
    what_each_can_then_do(session, clients, admin_client)


def test_alliance_init_and_users_invite_set_up_the_same(flask_cli, start_server, session):
    init = flask_cli(
        "alliance", "init", "--name", "Estuary Alliance", "--timezone", "Europe/London",
        *[arg for slug, name in PARTNERS.items() for arg in ("--partner", f"{name}={slug}")],
        *[arg for area in AREAS for arg in ("--area", area)],
        "--admin-email", "dana@estuary.test", "--admin-name", "Dana Director",
    )  # fmt: skip
    assert init.exit_code == 0, init.output
    assert "3 partners, 4 policy areas" in init.output
    the_alliance_stands(session)
    links = {}
    for person in INVITEES:
        invited = flask_cli(
            "users", "invite", person.email, "--name", person.name,
            "--partner", person.partner, "--role", person.role,
        )  # fmt: skip
        assert invited.exit_code == 0, invited.output
        assert "confirms the chief officer role" not in invited.output
        links[person.email] = re.search(r"http://\S+/welcome/\S+", invited.output).group(0)

    app = start_server()  # after set-up, as the README has it: no set-up page then
    assert app.test_client().get("/setup?token=anything").status_code == 404
    admin_client = app.test_client()
    choose_password(admin_client, re.search(r"http://\S+/welcome/\S+", init.output).group(0))
    sign_in(admin_client, "dana@estuary.test")
    clients = each_invitee_signs_in_and_sees_their_partner_and_role(app, session, links)
    what_each_can_then_do(session, clients, admin_client)
