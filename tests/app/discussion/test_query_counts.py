"""The discussion costs the same SQL statements with a few threads or many: a position page and
the API's list, with 5 threads and with 120 (comments, edits, internal notes, outdated ones)."""

import pytest

from app.discussion import services
from app.extensions import db
from tests.support.client import api_headers, login
from tests.support.factories import make_position, revise
from tests.support.queries import counting_queries

PARAGRAPHS = 40
TEXT = "\n\n".join(f"Clause {n}: the partners agree on point {n} of the plan." for n in range(40))


def add_threads(alliance, position, count: int) -> None:
    people = [*alliance.officers.values(), *alliance.chiefs.values()]
    for n in range(count):
        author = people[n % len(people)]
        thread = services.start_thread(
            db.session,
            author,
            position.id,
            body=f"Thread {n}, @{people[(n + 1) % len(people)].email.split('@')[0]}",
            paragraph=n % PARAGRAPHS,
            visibility="partner" if n % 3 == 0 else "alliance",
        )
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
