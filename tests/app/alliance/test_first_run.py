"""The first run: no admin yet, so `/` leads to /setup, which needs the token from the log."""

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.alliance import first_run
from app.alliance.models import AllianceSettings, Partner
from app.extensions import SETTINGS
from tests.support.factories import make_user


@pytest.fixture
def first_run_app(app, tmp_path, monkeypatch):
    """The shared test app started as on an empty database, its token file in tmp_path."""
    monkeypatch.setitem(app.config, "SETUP_ON_FIRST_RUN", True)
    monkeypatch.setitem(app.config, "SETUP_TOKEN_FILE", str(tmp_path / "setup_token"))
    monkeypatch.setitem(app.extensions, SETTINGS, app.extensions[SETTINGS])
    monkeypatch.delitem(app.extensions, first_run.SETUP_TOKEN, raising=False)
    first_run.prepare(app)
    yield app
    app.extensions.pop(first_run.SETUP_TOKEN, None)


def token_of(app) -> str:
    return (first_run.token_file(app)).read_text().strip()


FORM = {
    "name": "Estuary Alliance",
    "time_zone": "Europe/Dublin",
    "partners": "Riverbank Trust=riverbank\nMoor Group\n",
    "areas": "Housing\nClean rivers",
    "admin_name": "Dana Director",
    "admin_email": "dana@estuary.test",
}


def test_start_up_without_an_admin_prints_a_set_up_link(first_run_app, caplog):
    # Started again inside the test: the first use of a worker's database configures logging
    # (Alembic's fileConfig) and drops what pytest captured while the fixtures were set up.
    caplog.clear()
    first_run.prepare(first_run_app)
    token = token_of(first_run_app)
    assert len(token) >= 24
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert f"/setup?token={token}" in logged


def test_the_front_door_leads_to_set_up_and_the_page_needs_the_token(first_run_app, client):
    front = client.get("/")
    assert front.status_code == 302 and front.headers["Location"].endswith("/setup")
    locked = client.get("/setup")
    assert locked.status_code == 403 and "finds the set-up link" in locked.get_data(as_text=True)
    guessed = client.post("/setup", data={**FORM, "token": "guess"})
    assert guessed.status_code == 403
    assert client.get(f"/setup?token={token_of(first_run_app)}").status_code == 200


def test_set_up_makes_the_alliance_and_hands_the_admin_their_password_page(
    first_run_app, client, session
):
    token = token_of(first_run_app)
    done = client.post("/setup", data={**FORM, "token": token})
    assert done.status_code == 302 and "/welcome/" in done.headers["Location"]
    welcome = client.get(done.headers["Location"])
    assert welcome.status_code == 200 and "Dana Director" in welcome.get_data(as_text=True)
    assert {p.slug for p in session.execute(select(Partner)).scalars()} == {
        "riverbank",
        "moor-group",
    }
    assert session.get(AllianceSettings, 1).time_zone == "Europe/Dublin"
    dana = session.execute(select(User).filter_by(email="dana@estuary.test")).scalar_one()
    assert dana.roles == "admin"
    # One time only: the token is gone, and the page is no longer there.
    assert not first_run.token_file(first_run_app).exists()
    assert client.post("/setup", data={**FORM, "token": token}).status_code == 404
    assert client.get("/").headers["Location"].startswith("/login")


def test_a_refused_set_up_keeps_what_was_typed(first_run_app, client, session):
    token = token_of(first_run_app)
    response = client.post("/setup", data={**FORM, "time_zone": "Mars/Olympus", "token": token})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "not a time zone" in html and "Riverbank Trust=riverbank" in html
    assert session.execute(select(Partner)).first() is None
    assert first_run.token_file(first_run_app).exists()


def test_an_alliance_with_an_admin_never_opens_set_up(app, tmp_path, monkeypatch, client):
    make_user("admin@example.org", "admin")
    monkeypatch.setitem(app.config, "SETUP_ON_FIRST_RUN", True)
    monkeypatch.setitem(app.config, "SETUP_TOKEN_FILE", str(tmp_path / "setup_token"))
    first_run.prepare(app)
    assert first_run.pending(app) is None and not (tmp_path / "setup_token").exists()
    assert client.get("/setup?token=anything").status_code == 404


@pytest.mark.parametrize(
    ("command", "prints_the_link"),
    [(None, True), ("run", True), ("upgrade", False), ("load", False)],
)
def test_only_a_serving_process_prints_the_set_up_link(
    first_run_app, caplog, command, prints_the_link
):
    """`make run` migrates and loads the demo before it serves: only the server says where to go."""
    import click

    first_run_app.extensions.pop(first_run.SETUP_TOKEN, None)
    caplog.clear()
    if command is None:  # gunicorn: no command line around the app
        first_run.prepare(first_run_app)
    else:
        with click.Context(click.Command(command), info_name=command):
            first_run.prepare(first_run_app)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert ("/setup?token=" in logged) is prints_the_link
    assert (first_run.pending(first_run_app) is not None) is prints_the_link
