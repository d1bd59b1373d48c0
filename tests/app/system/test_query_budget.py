"""Every page type costs the same number of SQL statements at any size of archive.

The same world is seeded twice (`bench seed`'s builder: every status, sign-offs, stances,
publications, meetings), once small and once six times larger; each page is fetched on both,
first view (nothing cached) and again (served from what the first view cached), and the counts
must match. Time is for `make bench`; here only counts, which do not depend on the machine.

Who is looking is the same kind of person in both worlds. The spokesperson log's pages commit
before they read (flags are judged again on reading), which expires the signed-in person; the
page shows their name, so they are read again, unless a query of the page happened to read
their row already: the menu of everyone who has spoken does, for someone who has spoken. One
statement more or less by who is looking, never by how much is logged; so each page is
measured for a chief officer who has spoken in both worlds and, on the log's pages, for someone
who never speaks, and every count must match exactly.
"""

from sqlalchemy import func, select, update

from app.accounts import services as accounts
from app.accounts.models import User
from app.drafting.models import Position, Revision
from app.drafting.queries import comparing
from app.extensions import db
from app.meetings.models import Appearance
from benchmarks import seed as bench
from tests.support.queries import counting_queries

SMALL = bench.Plan(
    positions=12,
    revisions=80,
    long_histories=1,
    long_history=24,
    big_documents=1,
    big_words=600,
    signoffs=60,
    meetings=6,
    appearances=24,
)
LARGE = bench.Plan(
    positions=72,
    revisions=500,
    long_histories=1,
    long_history=120,
    big_documents=2,
    big_words=600,
    signoffs=360,
    meetings=36,
    appearances=144,
)


SPEAKER = "a chief officer who has spoken"
QUIET = "someone who never speaks"


def world(plan: bench.Plan) -> dict:
    """A fresh database seeded to `plan`, the people who look, and the rows each page shows."""
    db.session.execute(update(Position).values(current_revision_id=None, publication_id=None))
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    bench.seed(db.session, plan)
    s = db.session
    spoken = select(Appearance.speaker_id)
    chief = s.execute(
        select(User)
        .where(User.roles == "chief_officer", User.id.in_(spoken))
        .order_by(User.id)
        .limit(1)
    ).scalar_one()
    quiet = s.execute(
        select(User).where(User.roles == "comms", User.id.not_in(spoken)).limit(1)
    ).scalar_one()
    counts = (
        select(Revision.position_id, func.count().label("n"))
        .group_by(Revision.position_id)
        .subquery()
    )
    typical = s.execute(
        select(Position)
        .join(counts, counts.c.position_id == Position.id)
        .where(Position.status == "published", counts.c.n >= 3)
        .order_by(Position.id)
        .limit(1)
    ).scalar_one()
    longest = s.execute(
        select(counts.c.position_id).order_by(counts.c.n.desc()).limit(1)
    ).scalar_one()
    revisions = s.execute(select(counts.c.n).where(counts.c.position_id == typical.id)).scalar()
    viewers = {
        SPEAKER: (chief.email, accounts.issue_token(s, chief, "query budget")),
        QUIET: (quiet.email, accounts.issue_token(s, quiet, "query budget")),
    }
    s.commit()
    return {
        "viewers": viewers,
        "p": typical.id,
        "slug": typical.slug,
        "n": revisions,
        "longest": longest,
    }


def pages(app, w: dict) -> list[tuple[str, str, str]]:
    """(page, path, who): who is "member" (signed in), "api" (a token) or "anyone"."""
    p, n = w["p"], w["n"]
    found = [
        ("dashboard", "/", "member"),
        ("positions list", "/positions/", "member"),
        ("positions list, filtered", "/positions/?status=draft", "member"),
        ("position page", f"/positions/{p}", "member"),
        ("position page, longest history", f"/positions/{w['longest']}", "member"),
        ("history", f"/positions/{p}/history", "member"),
        ("history, longest", f"/positions/{w['longest']}/history", "member"),
        ("diff inline", f"/positions/{p}/compare?from=1&to={n}", "member"),
        ("diff side by side", f"/positions/{p}/compare?from=1&to={n}&view=side", "member"),
        ("diff formatted", f"/positions/{p}/compare?from=1&to={n}&view=formatted", "member"),
        ("diff changes only", f"/positions/{p}/compare?from=1&to={n}&only=1", "member"),
        ("public page", f"/public/{w['slug']}", "anyone"),
        ("published list", "/public/", "anyone"),
        ("divergence board", "/divergence/", "member"),
        ("timeline", f"/positions/{p}/timeline", "member"),
        ("API partners", "/api/v1/partners", "api"),
        ("API positions", "/api/v1/positions", "api"),
        ("API position", f"/api/v1/positions/{p}", "api"),
        ("API revisions", f"/api/v1/positions/{p}/revisions", "api"),
        ("API diff", f"/api/v1/positions/{p}/diff?from=1&to={n}", "api"),
        ("API published", "/api/v1/published", "anyone"),
    ]
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    optional = [
        ("spokesperson log", "/meetings/log", "member"),
        ("meetings", "/meetings/", "member"),
        ("API divergence board", "/api/v1/divergence", "api"),
        ("API meetings", "/api/v1/meetings", "api"),
        ("API appearances", "/api/v1/appearances", "api"),
    ]
    found += [page for page in optional if page[1] in rules]
    return found


def statements(app, w: dict, viewer: str = SPEAKER) -> dict[str, tuple[int, int]]:
    """Per page: statements for a first view (nothing cached), then for the same view again."""
    email, token = w["viewers"][viewer]
    member, anyone = app.test_client(), app.test_client()
    signed_in = member.post("/login", data={"email": email, "password": bench.PASSWORD})
    assert signed_in.status_code == 302
    clients = {"member": (member, {}), "anyone": (anyone, {})}
    clients["api"] = (anyone, {"Authorization": f"Bearer {token}"})
    found = {}
    for name, path, who in pages(app, w):
        client, headers = clients[who]
        client.get(path, headers=headers)  # templates compiled, the session settled
        counts = []
        for cold in (True, False):
            if cold:
                app.extensions.pop("concord_pages", None)
                comparing.cache.clear()
                comparing.formatted_cache.clear()
            with app.app_context(), counting_queries() as executed:
                response = client.get(path, headers=headers)
            assert response.status_code == 200, (name, path, response.status_code)
            counts.append(len(executed))
        found[name] = tuple(counts)
    return found


# The pages of the spokesperson log: measured again for someone who never speaks.
LOG_PAGES = {"spokesperson log", "meetings", "API meetings", "API appearances"}


def report(small: dict, large: dict) -> str:
    return "\n".join(
        f"{name:32} first view {small[name][0]:3} / {large[name][0]:3}, "
        f"again {small[name][1]:3} / {large[name][1]:3}"
        for name in small
    )


def both_sizes(app, viewer: str = SPEAKER) -> tuple[dict, dict, str]:
    small = statements(app, world(SMALL), viewer)
    large = statements(app, world(LARGE), viewer)
    assert small.keys() == large.keys()
    print(f"\nSQL statements per request for {viewer}, {SMALL.positions} / {LARGE.positions}:")
    print(report(small, large))
    return small, large, report(small, large)


def test_every_page_costs_the_same_queries_at_any_size(app):
    small, large, report = both_sizes(app)
    assert small.keys() >= LOG_PAGES
    differing = {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    assert not differing, f"query counts change with the data: {differing}\n{report}"


def test_spokesperson_log_pages_cost_the_same_queries_at_any_size(app):
    """The log's pages again, for someone who never speaks (so is never in the speakers' menu)."""
    small, large, report = both_sizes(app, QUIET)
    differing = {n: (small[n], large[n]) for n in LOG_PAGES if small[n] != large[n]}
    assert not differing, f"query counts change with the data: {differing}\n{report}"


def test_a_repeat_view_of_a_cached_page_costs_at_most_two_queries(app):
    """The position page and the public page, seen again unchanged: who is asking, and the
    one small query that proves nothing changed."""
    w = world(SMALL)
    counts = statements(app, w)
    assert counts["public page"][1] <= 1
    assert counts["position page"][1] <= 2
