"""The discussion costs the same SQL statements with a few threads or many: a position page and
the API's list, with 5 threads and with 120 (comments, edits, internal notes, outdated ones), and
at the issue's scale, 500 threads on a text of 20,000 words, read and carried to a new revision."""

import pytest

from app.discussion import services
from app.extensions import db
from tests.support.client import api_headers, login
from tests.support.factories import make_position, revise
from tests.support.queries import counting_queries

PARAGRAPHS = 40
TEXT = "\n\n".join(f"Clause {n}: the partners agree on point {n} of the plan." for n in range(40))


def add_threads(
    alliance, position, count: int, paragraphs: int = PARAGRAPHS, *, replies: bool = True
) -> None:
    people = [*alliance.officers.values(), *alliance.chiefs.values()]
    for n in range(count):
        author = people[n % len(people)]
        thread = services.start_thread(
            db.session,
            author,
            position.id,
            body=f"Thread {n}, @{people[(n + 1) % len(people)].email.split('@')[0]}",
            paragraph=n % paragraphs,
            visibility="partner" if n % 3 == 0 else "alliance",
        )
        if replies:
            comment = services.reply(db.session, author, thread.id, body=f"Reply {n}")
            services.edit_comment(db.session, author, comment.id, body=f"Reply {n}, edited")
        if n % 4 == 0:
            services.set_resolved(db.session, author, thread.id, resolved=True)
    db.session.commit()


def count(client, path: str, **kw) -> int:
    with client.application.app_context(), counting_queries() as statements:
        response = client.get(path, **kw)
    assert response.status_code == 200, path
    return len(statements)


@pytest.mark.parametrize("path", ["/positions/{id}", "/api/v1/positions/{id}/threads"])
def test_many_threads_cost_the_same_statements_as_a_few(alliance, client, path):
    position = make_position(alliance.drafter, title="Plan", body=TEXT)
    viewer = alliance.chiefs["harbourside"]
    headers = api_headers(viewer) if "api" in path else {}
    if not headers:
        login(client, viewer)
    url = path.format(id=position.id)
    add_threads(alliance, position, 5)
    count(client, url, headers=headers)  # warm-up: templates compiled, the session settled
    add_threads(alliance, position, 1)  # the page is rendered afresh, not served from the cache
    few = count(client, url, headers=headers)
    add_threads(alliance, position, 114)
    revise(alliance.drafter, position, TEXT.replace("Clause 3:", "Clause three:"))
    db.session.commit()
    many = count(client, url, headers=headers)
    print(f"{path}: {few} statements with 6 threads, {many} with 120")
    assert few == many


# 400 paragraphs of 50 words: 20,000 words, about 150 KB (under the 200 KB limit).
LONG_PARAGRAPHS = 400
LONG_TEXT = "\n\n".join(
    f"Clause {n}: " + " ".join(f"w{w}p{n}" for w in range(48)) + "." for n in range(400)
)


def carried_statements(alliance, position) -> int:
    """Statements of saving a revision that moves every thread (a clause added at the top)."""
    with counting_queries() as statements:
        revise(alliance.drafter, position, "Preamble: a new first clause.\n\n" + LONG_TEXT)
        db.session.flush()
    return len(statements)


def test_five_hundred_threads_on_twenty_thousand_words_cost_what_six_do(alliance, client):
    assert len(LONG_TEXT.split()) == 20_000
    viewer = alliance.chiefs["harbourside"]
    headers = api_headers(viewer)
    counts = {}
    for threads in (6, 500):
        position = make_position(alliance.drafter, title=f"Plan {threads}", body=LONG_TEXT)
        # Threads only: replies and edits are counted at 120 above, and cost the set-up minutes.
        add_threads(alliance, position, threads, LONG_PARAGRAPHS, replies=False)
        carried = carried_statements(alliance, position)
        db.session.commit()
        login(client, viewer)
        page = count(client, f"/positions/{position.id}")
        listed = count(client, f"/api/v1/positions/{position.id}/threads", headers=headers)
        counts[threads] = (carried, page, listed)
        client.post("/logout")
    print(f"statements (carry, page, API) with 6 threads {counts[6]}, with 500 {counts[500]}")
    assert counts[6] == counts[500]
