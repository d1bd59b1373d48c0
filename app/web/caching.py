"""HTTP caching for things that never change: a revision, a diff, a published page.

The ETag is computed from identifiers and content hashes before anything is rendered, so a
browser that already has the page gets a 304 without the server building it again; and a page
rendered once is kept (per app, bounded in size) under its ETag, so the next visitor with the
same view of it gets the same bytes without the queries and the template.
"""

import functools
import hashlib
import threading
import time
from collections.abc import Callable

from cachetools import LRUCache
from flask import Response, current_app, g, make_response, request, session
from flask_login import current_user


def etag_of(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]


def viewer() -> tuple[str | None, str | None]:
    """Who is looking: their id, and their session's CSRF secret (None, None for the public).

    Every signed-in page carries a form token bound to the session (the sign-out button), so a
    page is only ever reused within the session it was made for.
    """
    if not current_user.is_authenticated:
        return None, None
    return current_user.get_id(), session.get("csrf_token")


def private_etag(*parts: object) -> str:
    """An ETag for a signed-in page: the parts, and who is looking."""
    return etag_of(*viewer(), *parts)


def _messages_waiting() -> bool:
    """A flashed message must be shown, never swallowed by a 304 or a cached page."""
    return bool(session.get("_flashes"))


PAGE_BUDGET_CHARS = 8_000_000  # rendered pages kept per process


class BoundedCache:
    """A least-recently-used cache bounded by the total weight of what it holds, thread-safe.

    A weight bound rather than a count: one page of a 20,000-word text weighs as much as a
    thousand short ones. Anything heavier than an eighth of the budget is not kept at all, so one
    huge entry never empties the cache.
    """

    def __init__(self, budget: int, weigh: Callable[[object], int]):
        self.entries = LRUCache(maxsize=budget, getsizeof=weigh)
        self.largest = budget // 8
        self.weigh = weigh
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            return self.entries.get(key)

    def put(self, key, value) -> None:
        if self.weigh(value) > self.largest:
            return
        with self.lock:
            self.entries[key] = value

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


def page_cache() -> BoundedCache:
    """This app's cache (one per app object, so tests on fresh databases never share one)."""
    cache = current_app.extensions.get("concord_pages")
    if cache is None:
        cache = current_app.extensions.setdefault(
            "concord_pages", BoundedCache(PAGE_BUDGET_CHARS, len)
        )
    return cache


def kept(etag: str, render: Callable[[], str]) -> Callable[[], str]:
    """`render`, but a page already rendered under this ETag is served as it was."""

    def page() -> str:
        if _messages_waiting():
            return render()
        cache = page_cache()
        html = cache.get(etag)
        if html is None:
            html = render()
            cache.put(etag, html)
        return html

    return page


# ---- the public's copies: up to a second old, served without the database ------------------

PUBLIC_COPY_BUDGET_CHARS = 4_000_000
# The headers a page's view sets that belong to the page (the rest are added per request).
_PAGE_HEADERS = ("Content-Type", "ETag", "Cache-Control", "Vary", "Content-Disposition")
clock = time.monotonic  # a test moves it on


def _public_copies() -> BoundedCache:
    copies = current_app.extensions.get("concord_public_copies")
    if copies is None:
        copies = current_app.extensions.setdefault(
            "concord_public_copies",
            BoundedCache(PUBLIC_COPY_BUDGET_CHARS, lambda copy: len(copy[1])),
        )
    return copies


def public_copy(view: Callable) -> Callable:
    """A public page for someone signed out may be up to PUBLIC_COPY_SECONDS old (config): each
    process keeps the answer that long and serves it again without asking the database
    (micro-caching: a busy public page costs one render a second). Signed-in people, whose pages
    may never be stale, and answers with a message waiting are never served from or kept."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        seconds = current_app.config["PUBLIC_COPY_SECONDS"]
        signed_in = "_user_id" in session or "Authorization" in request.headers
        if not seconds or signed_in or _messages_waiting():
            return view(*args, **kwargs)
        copies, key = _public_copies(), request.full_path
        copy = copies.get(key)
        if copy is not None and clock() < copy[0]:
            _, body, headers = copy
            if request.if_none_match.contains(headers.get("ETag", "").strip('"')):
                return Response(status=304, headers=headers)
            return Response(body, headers=headers)
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and not response.is_streamed:
            headers = {k: response.headers[k] for k in _PAGE_HEADERS if k in response.headers}
            copies.put(key, (clock() + seconds, response.get_data(), headers))
        return response

    return wrapped


def conditional(
    etag: str, render: Callable[[], object], *, public: bool = False, max_age: int = 0
) -> Response:
    """Answer 304 when the client's copy is current; otherwise render, with validators set.

    `max_age=0` means "always revalidate": right for pages that can change state (a published
    page can be withdrawn) while still sparing the work and the bytes when nothing changed.
    """
    if request.if_none_match.contains(etag) and not _messages_waiting():
        response = Response(status=304)
    else:
        response = make_response(render())
    response.set_etag(etag)
    scope = "public" if public else "private"
    response.headers["Cache-Control"] = (
        f"{scope}, max-age={max_age}, immutable" if max_age else f"{scope}, no-cache"
    )
    response.headers["Vary"] = "Cookie" if public else "Cookie, Authorization"
    return response


def never_stored(view: Callable) -> Callable:
    """For a page that shows a secret (a new API token, an invitation or reset link, a private
    calendar link): no cache, not even the browser's history, may keep a copy."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        g.never_store = True
        return view(*args, **kwargs)

    return wrapped


def cache_policy(response: Response) -> Response:
    """Signed-in answers are private to the person who asked; secret pages are never stored.

    A response that set its own Cache-Control (the ETag pages, the calendar feeds) keeps it,
    except that nothing seen signed in is ever marked public: a shared cache would hand one
    person's page to the next.
    """
    if g.get("never_store"):
        response.headers["Cache-Control"] = "no-store, private"
        return response
    # The session cookie, not current_user: no query after the view (the database may be gone).
    signed_in = "_user_id" in session or "Authorization" in request.headers
    if not signed_in:
        return response
    current = response.headers.get("Cache-Control")
    if current is None:
        response.headers["Cache-Control"] = "private, no-cache"
    elif "public" in current:
        response.headers["Cache-Control"] = current.replace("public", "private")
    if "Cookie" not in response.headers.get("Vary", ""):
        response.vary.add("Cookie")
    return response
