"""An SMTP server per test, and the app pointed at it."""

import pytest

from tests.support.smtp import SmtpServer


@pytest.fixture
def smtp(app, monkeypatch):
    with SmtpServer() as server:
        for key, value in server.settings().items():
            monkeypatch.setitem(app.config, key, value)
        monkeypatch.setitem(app.config, "CONCORD_URL", "https://concord.example.org")
        monkeypatch.setitem(app.config, "MAIL_FROM", "Concord <concord@example.org>")
        yield server
