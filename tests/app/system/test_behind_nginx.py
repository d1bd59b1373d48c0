"""Behind nginx (Debian's, on loopback, with TLS): the app sees the client's address and the
scheme, and secure cookies work. PROXY_COUNT=1 trusts exactly the one proxy in front."""

import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from app.demo import alliance as demo
from app.extensions import db
from config import BASE_DIR
from tests.support.serving import free_port, served

pytestmark = [pytest.mark.slow, pytest.mark.fresh_db]

CLIENT_ADDRESS = "127.0.0.2"  # a loopback address of its own, so the proxy's is not mistaken


SITE = Path(BASE_DIR) / "deploy" / "nginx.conf"


def site_config(folder, port: int, app_port: int) -> str:
    """The production guide's site, deploy/nginx.conf, on loopback ports with our certificate."""
    site = SITE.read_text()
    for shipped, here in (
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("listen 80;", f"listen 127.0.0.1:{free_port()};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{port} ssl http2;"),
        ("/etc/letsencrypt/live/alliance.example.org/fullchain.pem", f"{folder}/cert.pem"),
        ("/etc/letsencrypt/live/alliance.example.org/privkey.pem", f"{folder}/key.pem"),
    ):
        assert shipped in site, f"deploy/nginx.conf no longer has {shipped!r}"
        site = site.replace(shipped, here)
    return site


def nginx_config(folder, port: int, app_port: int) -> str:
    (folder / "site.conf").write_text(site_config(folder, port, app_port))
    user = "user root;" if os.geteuid() == 0 else ""
    temp = " ".join(
        f"{kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    return f"""
daemon off; {user} worker_processes 1; pid {folder}/nginx.pid; error_log {folder}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off; {temp} uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;
  include {folder}/site.conf;
}}
"""


@pytest.fixture
def behind_nginx(app, tmp_path, monkeypatch):
    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed (make install-test installs it)")
    demo.load(db.session)
    db.session.commit()
    db.session.remove()
    monkeypatch.setenv("PROXY_COUNT", "1")
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", tmp_path / "key.pem", "-out", tmp_path / "cert.pem"],
        check=True, capture_output=True,
    )  # fmt: skip
    with served(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path) as server:
        port = free_port()
        (tmp_path / "nginx.conf").write_text(nginx_config(tmp_path, port, server.port))
        nginx = subprocess.Popen(
            ["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            yield port, server
        finally:
            nginx.terminate()
            nginx.wait(10)


def ask(port: int, path: str, **headers) -> http.client.HTTPResponse:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # our own certificate, made a moment ago
    connection = http.client.HTTPSConnection(
        "127.0.0.1", port, context=context, source_address=(CLIENT_ADDRESS, 0), timeout=30
    )
    connection.request("GET", path, headers=headers)
    answer = connection.getresponse()
    answer.body = answer.read()
    connection.close()
    return answer


def test_the_app_sees_the_client_address_and_https_and_sets_secure_cookies(behind_nginx):
    port, server = behind_nginx
    page = ask(port, "/login")
    assert page.status == 200
    cookie = page.getheader("Set-Cookie") or ""
    assert "session=" in cookie and "Secure" in cookie
    published = json.loads(ask(port, "/api/v1/published").body)
    assert published and all(
        p["url"].startswith(f"https://127.0.0.1:{port}/public/") for p in published
    )
    lines = [json.loads(line) for line in server.log_text().splitlines() if line.startswith("{")]
    login_lines = [line for line in lines if line.get("route") == "/login"]
    assert login_lines and all(line["client"] == CLIENT_ADDRESS for line in login_lines)


def test_the_request_id_is_nginxs_and_metrics_are_not_served_through_it(behind_nginx):
    port, server = behind_nginx
    page = ask(port, "/healthz", **{"X-Request-ID": "chosen-by-the-client"})
    request_id = page.getheader("X-Request-ID")
    assert request_id and request_id != "chosen-by-the-client"  # nginx's $request_id replaces it
    lines = [json.loads(line) for line in server.log_text().splitlines() if line.startswith("{")]
    assert [line["route"] for line in lines if line.get("request_id") == request_id] == ["/healthz"]
    assert ask(port, "/metrics").status == 404
