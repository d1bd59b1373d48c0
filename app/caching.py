"""HTTP caching for things that never change: a revision, a diff, a published page.

The ETag is computed from identifiers and content hashes before anything is rendered, so a
browser that already has the page gets a 304 without the server building it again.
"""

import hashlib
from collections.abc import Callable

from flask import Response, make_response, request, session
from flask_login import current_user


def etag_of(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]


def private_etag(*parts: object) -> str:
    """An ETag for a signed-in page: the parts, and who is looking.

    Every signed-in page carries a form token bound to the session (the sign-out button), so the
    session's CSRF secret is part of the tag too: a new session never revalidates an old copy.
    """
    return etag_of(current_user.get_id(), session.get("csrf_token"), *parts)


def conditional(
    etag: str, render: Callable[[], object], *, public: bool = False, max_age: int = 0
) -> Response:
    """Answer 304 when the client's copy is current; otherwise render, with validators set.

    `max_age=0` means "always revalidate": right for pages that can change state (a published
    page can be withdrawn) while still sparing the work and the bytes when nothing changed.
    """
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = make_response(render())
    response.set_etag(etag)
    scope = "public" if public else "private"
    response.headers["Cache-Control"] = (
        f"{scope}, max-age={max_age}, immutable" if max_age else f"{scope}, no-cache"
    )
    if not public:
        response.headers["Vary"] = "Cookie, Authorization"
    return response
