"""The app served by gunicorn on loopback, for the load and fault tests, and a small HTTP client.

Each server gets a free port, its own log file and a bounded life: it is stopped with SIGTERM
(SIGKILL to its own process group if it will not stop) when the `with` block ends.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from config import BASE_DIR
from tests.support.client import csrf_token

START_TIMEOUT = 60
STOP_TIMEOUT = 10
IDLE_SECONDS = 1.0  # gunicorn keeps an idle connection open for 2 seconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def client(self, timeout: float = 30) -> "Client":
        return Client(self.port, timeout)


@contextmanager
def served(database_url: str, workdir: Path, *, workers=2, threads=4, config: str | None = None):
    """gunicorn serving wsgi:app on the database at database_url, on 127.0.0.1 only."""
    port = free_port()
    log = workdir / f"gunicorn-{port}.log"
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--timeout=60",
        "--graceful-timeout=5",
        "--error-logfile=-",
    ]
    if config is not None:
        config_file = workdir / f"gunicorn_conf_{port}.py"
        config_file.write_text(config)
        command.append(f"--config={config_file}")
    command.append("wsgi:app")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "served-by-the-tests",
        "CONCORD_INSTANCE": str(workdir / "instance"),
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: ours to end, and nothing else
        )
    server = Server(port, process, log)
    try:
        _wait_until_answering(server)
        yield server
    finally:
        _stop(process)


def _wait_until_answering(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{server.log_text()}")
        probe = server.client(timeout=5)
        try:
            probe.get("/static/concord.css")
            return
        except OSError:
            time.sleep(0.2)
        finally:
            probe.close()
    raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT}s:\n{server.log_text()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(STOP_TIMEOUT)


@dataclass
class Answer:
    status: int
    headers: dict
    body: str

    def json(self):
        return json.loads(self.body)


class Client:
    """One keep-alive connection with a cookie jar; reconnects when the server closed it."""

    def __init__(self, port: int, timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.connection: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}
        self.last_used = 0.0

    def request(self, method: str, path: str, body=None, headers=None) -> Answer:
        all_headers = {**self.headers, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.connection is not None and time.monotonic() - self.last_used > IDLE_SECONDS:
            self.close()  # the server may have closed it; a POST must not find out the hard way
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout
                )
            try:
                self.connection.request(method, path, body=body, headers=all_headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", errors="replace")
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2 or method != "GET":
                    raise
        self.last_used = time.monotonic()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return Answer(response.status, dict(response.headers), text)

    def get(self, path: str, **headers) -> Answer:
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, data: dict) -> Answer:
        return self.request(
            "POST",
            path,
            body=urlencode(data),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def post_json(self, path: str, data: dict, token: str) -> Answer:
        return self.request(
            "POST",
            path,
            body=json.dumps(data),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )

    def sign_in(self, email: str, password: str) -> None:
        page = self.get("/login")
        answer = self.post_form(
            "/login", {"csrf_token": csrf_token(page.body), "email": email, "password": password}
        )
        if answer.status != 302:
            raise AssertionError(f"sign-in as {email} answered {answer.status}")

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
