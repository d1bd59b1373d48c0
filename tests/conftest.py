"""Shared fixtures: an app on a fresh database (SQLite always; PostgreSQL when DATABASE_URL says).

`make_*` helpers build rows through the real services, so tests exercise the same paths as users.
"""

import os
from datetime import date

import pytest
from flask import g
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.accounts import services as accounts
from app.accounts.models import User
from app.alliance.models import Partner, PolicyArea
from app.drafting.services import consensus
from app.drafting.services import editing as drafting
from app.extensions import db
from config import TestConfig

PASSWORD = "correct horse battery"
POSTGRES_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith("postgres")


_RUN_DATABASE = f"concord_test_{os.getpid()}"


def server_url():
    """The PostgreSQL server of DATABASE_URL, with the psycopg driver named."""
    url = make_url(POSTGRES_URL)
    return url.set(drivername="postgresql+psycopg")


def database_url(tmp_path) -> str:
    """A database of this run's own: parallel runs on one PostgreSQL server never collide."""
    if ON_POSTGRES:
        return server_url().set(database=_RUN_DATABASE).render_as_string(hide_password=False)
    return f"sqlite:///{tmp_path / 'test.db'}"


def _reset_postgres() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def _postgres_schema():
    """On PostgreSQL, create this run's database and schema once; each test empties the tables."""
    if not ON_POSTGRES:
        yield
        return
    admin = create_engine(server_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{_RUN_DATABASE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{_RUN_DATABASE}"'))
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url(None))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    yield
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{_RUN_DATABASE}" WITH (FORCE)'))
    admin.dispose()


def _forget_user_after_each_request(app) -> None:
    """Tests hold one app context open, and requests reuse it; without this, Flask-Login's
    cached user (kept on `g`) would follow one test client into another client's requests."""

    @app.teardown_request
    def forget_user(exc):
        g.pop("_login_user", None)


@pytest.fixture
def app(tmp_path, _postgres_schema):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url(tmp_path))
    _forget_user_after_each_request(app)
    with app.app_context():
        if ON_POSTGRES:
            _reset_postgres()
        else:
            db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def session(app):
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


# ---- factories -------------------------------------------------------------------------------


def make_partner(name: str, *, active: bool = True, joined_on=None, left_on=None) -> Partner:
    slug = name.lower().replace(" ", "-")
    partner = Partner(
        name=name,
        slug=slug,
        active=active,
        joined_on=joined_on or date(2020, 1, 1),
        left_on=left_on,
    )
    db.session.add(partner)
    db.session.flush()
    return partner


def make_area(name: str = "Housing") -> PolicyArea:
    area = PolicyArea(name=name, slug=name.lower().replace(" ", "-"))
    db.session.add(area)
    db.session.flush()
    return area


def make_user(
    email: str, *roles: str, partner: Partner | None = None, name: str | None = None
) -> User:
    return accounts.create_user(
        db.session,
        email=email,
        name=name or email.split("@")[0].title(),
        password=PASSWORD,
        roles=list(roles) or ["policy_officer"],
        partner_slug=partner.slug if partner else None,
    )


def make_position(author: User, *, title="Fair rents", body="We ask for fair rents.", area=None):
    area = area or db.session.query(PolicyArea).first() or make_area()
    return drafting.create_position(db.session, author, title=title, body=body, area=area.id)


def revise(author: User, position, body: str, *, title=None, base=None, note="edit"):
    current = position.current_revision
    return drafting.save_revision(
        db.session,
        author,
        position.id,
        title=title or current.title,
        body=body,
        base_number=base or current.number,
        note=note,
    )


def approve(chief: User, position, decision: str = "approve", comment: str = ""):
    return consensus.sign_off(
        db.session,
        chief,
        position.id,
        revision_number=position.current_revision.number,
        decision=decision,
        comment=comment,
    )


class Alliance:
    """An alliance of n partners, each with a chief and a policy officer, plus comms and admin."""

    def __init__(self, names: list[str]):
        self.partners = [make_partner(n) for n in names]
        self.area = make_area()
        self.chiefs = {}
        self.officers = {}
        for p in self.partners:
            self.chiefs[p.slug] = make_user(f"chief@{p.slug}.test", "chief_officer", partner=p)
            self.officers[p.slug] = make_user(f"policy@{p.slug}.test", "policy_officer", partner=p)
        self.comms = make_user("comms@alliance.test", "comms")
        self.admin = make_user("admin@alliance.test", "admin")
        db.session.commit()

    @property
    def drafter(self) -> User:
        return self.officers[self.partners[0].slug]

    def approve_all(self, position) -> None:
        for chief in self.chiefs.values():
            approve(chief, position)


@pytest.fixture
def alliance(app) -> Alliance:
    return Alliance(["Harbourside", "Moorland", "Riverbank"])


def login(client, user: User, password: str = PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def api_headers(user: User) -> dict:
    token = accounts.issue_token(db.session, user, "tests")
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}
