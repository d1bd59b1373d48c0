"""A real SMTP server in the test process (aiosmtpd), recording what it was handed.

Its answer can be set per test: accept, refuse for now (4xx), refuse for good (5xx), or hold
a message until released (to kill a sender mid-send).
"""

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Recorder:
    received: list[EmailMessage] = field(default_factory=list)
    answer: str = "250 OK"
    hold_from: int | None = None  # hold the message with this index (0-based) and later ones
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    release_answer: str = "451 Try again later"
    seen: int = 0

    async def handle_DATA(self, server, session, envelope):
        index = self.seen
        self.seen += 1
        if self.hold_from is not None and index >= self.hold_from:
            self.holding.set()
            # Blocking here stops the server's loop: nothing else is answered meanwhile, as
            # with a mail server that hangs. The test releases it after killing the sender.
            self.release.wait(30)
            return self.release_answer
        if self.answer.startswith("250"):
            self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return self.answer

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.received]


class SmtpServer:
    def __init__(self):
        self.recorder = Recorder()
        self.port = free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.recorder.release.set()
        self.controller.stop()

    @property
    def received(self) -> list[EmailMessage]:
        return self.recorder.received

    def settings(self) -> dict:
        return {
            "MAIL_HOST": "127.0.0.1",
            "MAIL_PORT": self.port,
            "MAIL_SECURITY": "none",
            "MAIL_USER": None,
        }
