"""The app served in a thread of the test process on 127.0.0.1, for the browser tests.

`live(app)` serves an app on a free port until the `with` block ends. The browser journeys
(tests/e2e/conftest.py) share one such server on the demo database; tests/e2e/test_xss.py runs
one of its own, full of hostile text. For the app served by gunicorn in processes of its own
(the load and fault tests) see tests/support/serving.py.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import WSGIRequestHandler, make_server

from config import Config


class E2EConfig(Config):
    TESTING = True  # unexpected exceptions reach got_request_exception, and so fail the test
    SECRET_KEY = "e2e-secret-not-for-production"
    WTF_CSRF_ENABLED = True  # the real forms, tokens and all
    REQUIRE_SECOND_FACTOR = False  # journeys that need it turn it on (sign_in types the code)
    PUBLIC_COPY_SECONDS = 0  # a journey looks at each change at once (the copies have own tests)


class QuietHandler(WSGIRequestHandler):
    """No access log: a failing journey's output should show the failure, not every GET."""

    def log_request(self, code="-", size="-"):
        pass


def whole_bodies(app):
    """Read each response whole, and close it, before the server writes it.

    werkzeug's server skips closing a response when the browser drops the connection mid-write
    (Chromium does so for a favicon it no longer wants), which leaves a static file open and
    fails the test with a ResourceWarning that is not the app's.
    """

    def application(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return application


@contextmanager
def live(app, name: str = "live-server") -> Iterator[str]:
    """Serve `app` on 127.0.0.1 (a free port) in a daemon thread; yields its base URL."""
    server = make_server(
        "127.0.0.1", 0, whole_bodies(app), threaded=True, request_handler=QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
