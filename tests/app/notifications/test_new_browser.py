"""A sign-in from a browser new to the account tells its owner, through the real SMTP path."""

from flask import current_app
from sqlalchemy import select

from app.notifications.models import Notification
from app.notifications.services.sending import send_once, transport_from_config
from tests.support.client import login


def warnings(session, user) -> list[Notification]:
    session.expire_all()
    return list(
        session.execute(
            select(Notification).where(
                Notification.kind == "new_browser", Notification.recipient_id == user.id
            )
        ).scalars()
    )


def test_a_new_browser_is_told_a_known_one_and_the_first_sign_in_are_not(
    app, session, alliance, smtp
):
    person = alliance.officers["harbourside"]
    first = app.test_client()
    login(first, person)  # the account's first sign-in: every browser is new then
    assert warnings(session, person) == []
    login(first, person)  # the same browser again
    assert warnings(session, person) == []
    login(app.test_client(), person)  # a browser it never used
    [warning] = warnings(session, person)
    assert warning.subject == "A sign-in to your Concord account from a new browser"
    assert warning.link == "/account"

    transport = transport_from_config(current_app.config)
    try:
        assert send_once(session, transport).sent >= 1
    finally:
        transport.close()
    mail = next(m for m in smtp.received if m["Subject"] == warning.subject)
    assert mail["To"] == person.email
    assert "List-Unsubscribe" not in mail  # security messages cannot be switched off
    text = mail.get_body(("plain",)).get_content()
    assert "This is a security message: it is always sent." in text
    assert "https://concord.example.org/account" in text
