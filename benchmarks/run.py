"""`make bench`: seed ten years of alliance work, then measure what a user would feel.

1. Seeds a fresh database (a SQLite file in a temporary folder; or, when DATABASE_URL points at
   PostgreSQL, a database of its own on that server, dropped afterwards) with
   `python -m benchmarks.seed`, timed; and a small one (100 positions) to compare query counts.
2. Page cost: every page type through the Flask test client, N requests each (default 200):
   median and 95th percentile time, and SQL statements per request at 10,000 positions and at 100.
3. Throughput: gunicorn (the production server, its production settings) on 127.0.0.1 serves the
   app and a bare constant-string Flask endpoint side by side (benchmarks/serve.py); wrk (or a
   small Python client when wrk is missing) measures requests per second on each, in this run.
4. Diffs: a 20,000-word document with 30 scattered edits, and a heavy rewrite, against
   `git diff --no-index --word-diff=porcelain` on the same texts; the ops must rebuild both.
5. Memory: the peak resident set of each gunicorn worker after everything above.
6. Notifications (benchmarks/notify.py): 10,000 queued messages delivered by one sender to an
   SMTP server (aiosmtpd) on 127.0.0.1, messages per second and the sender's peak memory; and
   p50/p95 of the sign-off request with and without people to tell (target: under 10% added).

Prints a table, and writes JSON and Markdown to benchmarks/results/ (git-ignored). Every loop is
bounded in count and time, and all traffic goes to 127.0.0.1.
"""

import argparse
import http.cookiejar
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent
USER_AGENT = "concord-bench/1"
TARGETS = {"public page": 0.6, "position page": 0.4}  # of the bare endpoint (issue 19)
DIFF_TARGETS = {"scattered edits": 3.0, "heavy rewrite": 10.0}
MERGE_TARGET = 10.0  # a three-way merge against a plain diff of the same texts
CSV_TARGET_S = 2.0  # the spokesperson log as CSV, 20,000 appearances at the full scale (issue 19)
REANCHOR_TARGET_MS = 200  # 500 discussion threads carried across one edit of 20,000 words
SEED_TARGET_S = 120
RSS_TARGET_MB = 150
P95_TARGETS_MS = {"search, two words": 100, "public search, two words": 100}
SIGNED_IN_P95_MS = 100  # every page a signed-in person opens (issue 19), at the seed's scale

sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- databases -------------------------------------------------------------------------------


class Database:
    """A fresh database for one size of data, and the environment that points the app at it."""

    def __init__(self, label: str, server_url: str | None):
        self.label = label
        self.folder = Path(tempfile.mkdtemp(prefix=f"concord-bench-{label}-"))
        self.env = {
            **os.environ,
            "CONCORD_INSTANCE": str(self.folder),
            "SECRET_KEY": SECRET_KEY,
            "FLASK_APP": "wsgi",
            # The bench signs in as a chief officer many times a minute; a TOTP code is good for
            # one sign-in per 30 s. The second factor costs nothing on a page once signed in.
            "REQUIRE_SECOND_FACTOR": "0",
        }
        self.server_url = server_url
        if server_url:
            from sqlalchemy.engine import make_url

            self.name = f"concord_bench_{label}_{os.getpid()}"
            base = make_url(server_url).set(drivername="postgresql+psycopg")
            self.admin_url = base
            self.url = base.set(database=self.name).render_as_string(hide_password=False)
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"', f'CREATE DATABASE "{self.name}"')
            self.env["DATABASE_URL"] = self.url
        else:
            self.env.pop("DATABASE_URL", None)
            self.url = f"sqlite:///{self.folder / 'concord.db'}"

    def _admin(self, *statements: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
        engine.dispose()

    def run(self, *args: str, timeout: int = 600) -> tuple[float, str]:
        """`python ARGS` in the repository, on this database; (seconds, output)."""
        started = time.perf_counter()
        done = subprocess.run(
            [str(BIN / "python"), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise SystemExit(f"python {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return time.perf_counter() - started, done.stdout

    def drop(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.server_url:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


SECRET_KEY = secrets.token_hex(32)


# ---- page cost -------------------------------------------------------------------------------


class QueryCounter:
    def __init__(self):
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        self.count = 0
        event.listen(Engine, "before_cursor_execute", self._count)

    def _count(self, *args, **kwargs):
        self.count += 1


def build_app(database: Database):
    from app import create_app
    from config import Config

    return create_app(
        Config,
        SQLALCHEMY_DATABASE_URI=database.url,
        WTF_CSRF_ENABLED=False,
        REQUIRE_SECOND_FACTOR=False,  # as for gunicorn (Database.env)
    )


def pick_targets(app) -> dict:
    """The rows to visit: a chief officer, a typical published position, the longest history, the
    biggest document (its revisions 1→2 are scattered edits, 2→3 a heavy rewrite)."""
    from sqlalchemy import func, select

    from app.accounts import services as accounts
    from app.accounts.models import User
    from app.drafting.models import Position, Revision
    from app.extensions import db

    with app.app_context():
        s = db.session
        chief = s.execute(select(User).where(User.roles == "chief_officer")).scalars().first()
        per_position = (
            select(Revision.position_id, func.count().label("n"))
            .group_by(Revision.position_id)
            .subquery()
        )
        longest = s.execute(
            select(per_position.c.position_id).order_by(per_position.c.n.desc()).limit(1)
        ).scalar_one()
        biggest = s.execute(
            select(Revision.position_id).order_by(func.length(Revision.body).desc()).limit(1)
        ).scalar_one()
        typical = s.execute(
            select(Position)
            .join(per_position, per_position.c.position_id == Position.id)
            .where(Position.status == "published", per_position.c.n.between(5, 20))
            .order_by(Position.id)
            .limit(1)
        ).scalar_one()
        token = accounts.issue_token(s, chief, "bench")
        s.commit()
        positions = s.execute(select(func.count()).select_from(Position)).scalar_one()
        published = s.execute(
            select(func.count()).where(Position.publication_id.is_not(None))
        ).scalar_one()
        return {
            # three quarters of the way down each list (a page that exists at any size)
            "deep_list_page": max(1, -(-positions // 25) * 3 // 4),
            "deep_published_page": max(1, -(-published // 50) * 3 // 4),
            "chief_email": chief.email,
            "typical": typical.id,
            "typical_slug": typical.slug,
            "typical_revisions": s.execute(
                select(func.count()).where(Revision.position_id == typical.id)
            ).scalar_one(),
            "longest": longest,
            "biggest": biggest,
            "token": token,
        }


def page_list(app, t: dict) -> list[tuple[str, str, dict]]:
    """(name, path, options) for every page type; options: api=True, conditional=True."""
    p, big, n = t["typical"], t["biggest"], t["typical_revisions"]
    pages = [
        ("dashboard", "/", {}),
        ("positions list", "/positions/", {}),
        ("positions list, deep page", f"/positions/?page={t['deep_list_page']}", {}),
        ("position page", f"/positions/{p}", {"cold": True}),
        ("position page, 200 revisions", f"/positions/{t['longest']}", {"cold": True}),
        ("position page, 20,000 words", f"/positions/{big}", {"cold": True}),
        ("history", f"/positions/{p}/history", {}),
        ("history, 200 revisions", f"/positions/{t['longest']}/history", {}),
        ("diff inline", f"/positions/{p}/compare?from={n - 1}&to={n}", {"conditional": True}),
        (
            "diff side by side",
            f"/positions/{p}/compare?from={n - 1}&to={n}&view=side",
            {"conditional": True},
        ),
        (
            "diff inline, 20,000 words rewritten",
            f"/positions/{big}/compare?from=2&to=3",
            {"conditional": True, "cold": True},
        ),
        (
            "diff side by side, 20,000 words rewritten",
            f"/positions/{big}/compare?from=2&to=3&view=side",
            {"conditional": True, "cold": True},
        ),
        (
            "public page",
            f"/public/{t['typical_slug']}",
            {"conditional": True, "anonymous": True, "cold": True},
        ),
        ("published list", "/public/", {"anonymous": True}),
        (
            "published list, deep page",
            f"/public/?page={t['deep_published_page']}",
            {"anonymous": True},
        ),
        ("divergence board", "/divergence/", {}),
    ]
    if "search.page" in app.view_functions:
        from benchmarks.corpus import search_words

        words = quote_plus(search_words())
        pages += [
            ("search, two words", f"/search?q={words}", {}),
            ("public search, two words", f"/public/search?q={words}", {"anonymous": True}),
        ]
    if "meetings.log_index" in app.view_functions:
        pages += [("spokesperson log", "/meetings/log", {})]
    if "meetings.index" in app.view_functions:
        pages += [("meetings", "/meetings/", {})]
    api = {"api": True}
    pages += [
        ("API positions", "/api/v1/positions", api),
        ("API position", f"/api/v1/positions/{p}", api),
        ("API revisions", f"/api/v1/positions/{p}/revisions", api),
        (
            "API diff",
            f"/api/v1/positions/{p}/diff?from={n - 1}&to={n}",
            {**api, "conditional": True},
        ),
        (
            "API diff, 20,000 words rewritten",
            f"/api/v1/positions/{big}/diff?from=2&to=3",
            {**api, "conditional": True},
        ),
        ("API published", "/api/v1/published", {"anonymous": True}),
    ]
    if any(rule.rule == "/api/v1/meetings" for rule in app.url_map.iter_rules()):
        pages += [("API meetings", "/api/v1/meetings", api)]
    return pages


def measure_pages(app, targets: dict, requests: int, budget_s: float, counter) -> list[dict]:
    from app.drafting.queries import comparing
    from benchmarks.seed import PASSWORD

    member = app.test_client()
    response = member.post("/login", data={"email": targets["chief_email"], "password": PASSWORD})
    assert response.status_code == 302, "could not sign in"
    anonymous = app.test_client()
    bearer = {"Authorization": f"Bearer {targets['token']}"}
    rows = []
    for name, path, options in page_list(app, targets):
        client = anonymous if options.get("anonymous") or options.get("api") else member
        headers = bearer if options.get("api") else {}

        def get(extra=None, client=client, path=path, headers=headers):
            counter.count = 0
            started = time.perf_counter()
            response = client.get(path, headers={**headers, **(extra or {})})
            body = response.get_data()
            return time.perf_counter() - started, counter.count, response, len(body)

        cold = []
        if options.get("cold"):  # the first view: nothing computed or rendered before
            for _ in range(max(3, requests // 20)):
                comparing.cache.clear()
                app.extensions.pop("concord_pages", None)
                cold.append(get()[0])
        for _ in range(3):  # warm up: templates compiled, the diff cached
            _, _, response, _ = get()
        assert response.status_code == 200, f"{name}: {response.status_code} {path}"
        times, queries, size = [], [], 0
        started = time.perf_counter()
        for _ in range(requests):
            elapsed, statements, response, size = get()
            times.append(elapsed)
            queries.append(statements)
            if time.perf_counter() - started > budget_s:
                break
        row = {
            "page": name,
            "path": path,
            "requests": len(times),
            "p50_ms": 1000 * statistics.median(times),
            "p95_ms": 1000 * percentile(times, 95),
            "queries": max(queries),
            "queries_vary": min(queries) != max(queries),
            "bytes": size,
        }
        if cold:
            row["cold_p50_ms"] = 1000 * statistics.median(cold)
        signed_in = not (options.get("anonymous") or options.get("api"))
        target = P95_TARGETS_MS.get(name, SIGNED_IN_P95_MS if signed_in else None)
        if target is not None:
            row.update(target_p95_ms=target, met=row["p95_ms"] <= target)
        etag = response.headers.get("ETag")
        if options.get("conditional"):
            row["cache_control"] = response.headers.get("Cache-Control")
            if etag:
                times304 = []
                for _ in range(min(requests, 50)):
                    elapsed, statements, again, _ = get({"If-None-Match": etag})
                    times304.append(elapsed)
                row["revalidated_status"] = again.status_code
                row["revalidated_p50_ms"] = 1000 * statistics.median(times304)
                row["revalidated_queries"] = statements
        rows.append(row)
        log(
            f"  {name:44} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  "
            f"{row['queries']:3d} queries"
        )
    return rows


def count_queries(app, targets: dict, counter) -> dict[str, int]:
    """SQL statements per page (after one warm-up request), on a database of another size."""
    from benchmarks.seed import PASSWORD

    member = app.test_client()
    member.post("/login", data={"email": targets["chief_email"], "password": PASSWORD})
    anonymous = app.test_client()
    bearer = {"Authorization": f"Bearer {targets['token']}"}
    counts = {}
    for name, path, options in page_list(app, targets):
        client = anonymous if options.get("anonymous") or options.get("api") else member
        headers = bearer if options.get("api") else {}
        client.get(path, headers=headers)
        counter.count = 0
        response = client.get(path, headers=headers)
        counts[name] = counter.count if response.status_code == 200 else None
    return counts


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


# ---- diffs -----------------------------------------------------------------------------------


def measure_diffs(rounds: int) -> list[dict]:
    import random

    from benchmarks import corpus
    from positions import diffing

    rng = random.Random(2026)
    blocks = corpus.document(rng, 20_000)
    old = corpus.body(blocks)
    cases = {
        "scattered edits": corpus.body(corpus.scattered_edits(rng, blocks, 30)),
        "heavy rewrite": corpus.body(corpus.heavy_rewrite(rng, blocks)),
    }
    rows = []
    with tempfile.TemporaryDirectory(prefix="concord-bench-diff-") as folder:
        for name, new in cases.items():
            a, b = Path(folder, "old.md"), Path(folder, "new.md")
            a.write_text(old)
            b.write_text(new)
            command = ["git", "diff", "--no-index", "--word-diff=porcelain", str(a), str(b)]
            git_times, ours, sides = [], [], []
            changes = None
            for _ in range(rounds):  # interleaved, so both see the same machine
                started = time.perf_counter()
                subprocess.run(command, capture_output=True, check=False, timeout=60)
                git_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                changes = diffing.word_diff(old, new)
                ours.append(time.perf_counter() - started)
                started = time.perf_counter()
                rows_ = diffing.side_by_side(old, new)
                sides.append(time.perf_counter() - started)
            exact = diffing.rebuild(changes) == (old, new)
            left = "".join(c.text for r in rows_ if r.left for c in r.left)
            right = "".join(c.text for r in rows_ if r.right for c in r.right)
            git_ms, our_ms = 1000 * statistics.median(git_times), 1000 * statistics.median(ours)
            rows.append(
                {
                    "case": name,
                    "words": len(old.split()),
                    "ops": len(changes),
                    "concord_ms": our_ms,
                    "side_by_side_ms": 1000 * statistics.median(sides),
                    "git_ms": git_ms,
                    "ratio": our_ms / git_ms,
                    "target": DIFF_TARGETS[name],
                    "met": our_ms / git_ms <= DIFF_TARGETS[name],
                    "exact": exact and (left, right) == (old, new),
                    **diffing.summary(changes),
                }
            )
            log(f"  {name}: concord {our_ms:.1f} ms, git {git_ms:.1f} ms, exact {exact}")
    return rows


def merge_texts(rng, n_words: int) -> tuple[str, str, str]:
    """A base and two concurrent edits of it that touch different words in every paragraph.

    Thousands of edits on each side, none overlapping: the case where comparing every pair of
    edits took 28 s on 27,000 words (issue 12), while the merge is clean and so does it all.
    """
    from benchmarks import corpus

    blocks = corpus.document(rng, n_words)
    words = corpus.body(blocks).split(" ")

    def every_fourth(offset: int) -> str:
        return " ".join(w + "x" if i % 4 == offset else w for i, w in enumerate(words))

    return " ".join(words), every_fourth(0), every_fourth(2)


def measure_merge(rounds: int) -> dict:
    """The three-way merge of a 27,000-word text, against a plain diff of the same two texts."""
    import random

    from positions import diffing

    base, mine, theirs = merge_texts(random.Random(2026), 27_000)
    diff_times, merge_times = [], []
    merged = None
    for _ in range(rounds):  # interleaved, so both see the same machine
        started = time.perf_counter()
        diffing.word_diff(base, mine)
        diff_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        merged = diffing.three_way_merge(base, mine, theirs)
        merge_times.append(time.perf_counter() - started)
    diff_ms, merge_ms = 1000 * statistics.median(diff_times), 1000 * statistics.median(merge_times)
    edits = len(diffing._edits(diffing.word_diff(base, mine)))
    log(f"  merge: {merge_ms:.0f} ms, plain diff {diff_ms:.0f} ms, {edits} edits a side")
    return {
        "words": len(base.split()),
        "edits_per_side": edits,
        "merge_ms": merge_ms,
        "diff_ms": diff_ms,
        "ratio": merge_ms / diff_ms,
        "target": MERGE_TARGET,
        "met": merge_ms / diff_ms <= MERGE_TARGET,
        "clean": bool(merged and merged.clean),
    }


def measure_log_csv(app) -> dict:
    """The whole spokesperson log as CSV, streamed: the time to the last byte, then (in a second
    pass, since tracing slows Python down) the memory held at each quarter of the stream."""
    import tracemalloc

    from benchmarks.seed import PASSWORD

    comms = app.test_client()
    comms.post("/login", data={"email": "comms@bench.example", "password": PASSWORD})

    def stream(each_chunk=lambda sent: None) -> tuple[int, int]:
        response = comms.get("/meetings/log.csv", buffered=False)
        assert response.status_code == 200, response.status_code
        sent = chunks = 0
        for chunk in response.iter_encoded():
            sent += len(chunk)
            chunks += 1
            each_chunk(sent)
        response.close()
        return sent, chunks

    started = time.perf_counter()
    size, chunks = stream()
    seconds = time.perf_counter() - started
    held: list[float] = []
    tracemalloc.start()
    marks = iter([size * q / 4 for q in (1, 2, 3)] + [float("inf")])
    next_mark = [next(marks)]

    def note(sent: int) -> None:
        while sent >= next_mark[0]:  # a big chunk may pass more than one quarter
            held.append(tracemalloc.get_traced_memory()[0] / 2**20)
            next_mark[0] = next(marks)

    stream(note)
    held.append(tracemalloc.get_traced_memory()[0] / 2**20)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    flat = held[-1] <= 1.5 * held[0] + 1  # what it holds does not grow with what it has sent
    mbs = ", ".join(f"{mb:.1f}" for mb in held)
    log(f"  log CSV: {size / 2**20:.1f} MB in {seconds:.2f} s, held {mbs} MB, peak {peak:.0f} MB")
    return {
        "bytes": size,
        "chunks": chunks,
        "seconds": seconds,
        "held_mb": held,
        "peak_mb": peak,
        "flat": flat,
        "target_s": CSV_TARGET_S,
        "met": seconds < CSV_TARGET_S and flat,
    }


def measure_reanchoring(rounds: int) -> dict:
    """500 threads on a 20,000-word text carried across an edit of one clause (issue 16)."""
    import random

    from benchmarks import corpus
    from positions import anchoring

    rng = random.Random(2026)
    blocks = corpus.document(rng, 20_000)
    old = corpus.body(blocks)
    paragraphs = anchoring.blocks(old)
    anchors = []
    for n in range(500):  # passages of a few words, spread over the text
        block = paragraphs[n * len(paragraphs) // 500]
        start = min(block.start + 3 * (n % 7), block.end - 1)
        anchors.append(anchoring.anchor_at(old, start, min(block.end, start + 40)))
    new = corpus.body(corpus.scattered_edits(rng, blocks, 1))
    times, kept = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        carried = anchoring.reanchor_all(anchors, old, new)
        times.append(time.perf_counter() - started)
        kept = sum(isinstance(c, anchoring.Anchor) for c in carried)
    ms = 1000 * statistics.median(times)
    log(f"  re-anchoring: {ms:.0f} ms for {len(anchors)} threads, {kept} still anchored")
    return {
        "words": len(old.split()),
        "threads": len(anchors),
        "anchored": kept,
        "ms": ms,
        "target_ms": REANCHOR_TARGET_MS,
        "met": ms <= REANCHOR_TARGET_MS,
    }


# ---- throughput and memory under gunicorn ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(database: Database, workers: int):
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "benchmarks.serve:app",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=database.env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/__bare__/", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
        yield server, base
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def sign_in(base: str, email: str) -> str:
    """A real sign-in over HTTP (CSRF and all); the session cookie, for the load generator."""
    from benchmarks.seed import PASSWORD

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(f"{base}/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    form = {"email": email, "password": PASSWORD, "csrf_token": token.group(1) if token else ""}
    opener.open(f"{base}/login", data=urllib.parse.urlencode(form).encode(), timeout=10).read()
    cookies = {c.name: c.value for c in jar}
    if "session" not in cookies:
        raise SystemExit("could not sign in over HTTP")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def fetch(url: str, cookie: str | None = None, token: str | None = None) -> tuple[int, str]:
    """Status and final address (after redirects) of one GET."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    if cookie:
        request.add_header("Cookie", cookie)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return response.status, response.geturl()
    except urllib.error.HTTPError as error:
        return error.code, url


def load(url: str, seconds: float, connections: int, cookie: str | None) -> dict:
    if shutil.which("wrk"):
        command = [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds:.0f}s",
            "-H",
            f"User-Agent: {USER_AGENT}",
            url,
        ]
        if cookie:
            command[1:1] = ["-H", f"Cookie: {cookie}"]
        out = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, check=True
        ).stdout
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        return {"rps": rate, "tool": "wrk", "errors": int(errors.group(1)) if errors else 0}
    return python_load(url, seconds, connections, cookie)


def python_load(url: str, seconds: float, connections: int, cookie: str | None) -> dict:
    """A small bounded load client: `connections` threads, each one request at a time."""
    import http.client

    parts = urllib.parse.urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"User-Agent": USER_AGENT, **({"Cookie": cookie} if cookie else {})}
    done, errors, lock = [0], [0], threading.Lock()
    stop_at = time.monotonic() + seconds
    cap = 200_000

    def worker():
        while time.monotonic() < stop_at and done[0] < cap:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            try:
                connection.request("GET", target, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status < 400
            except OSError:
                ok = False
            finally:
                connection.close()
            with lock:
                done[0] += 1
                errors[0] += not ok

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"rps": done[0] / (time.monotonic() - started), "tool": "python", "errors": errors[0]}


def worker_memory(server: subprocess.Popen) -> list[dict]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    workers = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        fields = dict(re.findall(r"^(VmHWM|VmRSS):\s+(\d+) kB", status, re.M))
        workers.append(
            {
                "pid": int(pid),
                "peak_mb": int(fields["VmHWM"]) / 1024,
                "rss_mb": int(fields["VmRSS"]) / 1024,
            }
        )
    return workers


def measure_server(database: Database, targets: dict, pages, seconds: float, workers: int):
    connections = 8
    with gunicorn(database, workers) as (server, base):
        cookie = sign_in(base, targets["chief_email"])
        endpoints = {
            "bare endpoint": (f"{base}/__bare__/", None),
            "public page": (f"{base}/public/{targets['typical_slug']}", None),
            "position page": (f"{base}/positions/{targets['typical']}", cookie),
        }
        for name, (url, with_cookie) in endpoints.items():
            status, final = fetch(url, with_cookie)
            if status != 200 or final != url:
                raise SystemExit(f"{name} answered {status} at {final} instead of {url}")
        results: dict[str, list[float]] = {name: [] for name in endpoints}
        tool, errors = None, 0
        order = ["bare endpoint", "public page", "position page", "bare endpoint"]
        for name in order:  # the bare endpoint before and after: the machine drifts
            url, with_cookie = endpoints[name]
            outcome = load(url, seconds, connections, with_cookie)
            results[name].append(outcome["rps"])
            tool, errors = outcome["tool"], errors + outcome["errors"]
            log(f"  {name}: {outcome['rps']:.0f} requests/s ({outcome['tool']})")
        bare = statistics.mean(results["bare endpoint"])
        throughput = []
        for name, rates in results.items():
            rps = statistics.mean(rates)
            row = {"endpoint": name, "rps": rps, "ratio": rps / bare}
            if name in TARGETS:
                row.update(target=TARGETS[name], met=rps / bare >= TARGETS[name])
            throughput.append(row)
        # Every page type once more through the real server, so the workers' peak memory is
        # that of the whole benchmark (big diffs included), then read it from /proc.
        for _ in range(3):
            for _, path, options in pages:
                if options.get("api"):
                    fetch(base + path, token=targets["token"])
                else:
                    fetch(base + path, None if options.get("anonymous") else cookie)
        memory = worker_memory(server)
    return (
        throughput,
        {
            "tool": tool,
            "errors": errors,
            "connections": connections,
            "seconds": seconds,
            "workers": workers,
        },
        memory,
    )


# ---- notifications ---------------------------------------------------------------------------


def measure_notifications(database: Database, targets: dict, messages: int, requests: int):
    """What notifying adds to a sign-off, then delivery of a full outbox (benchmarks/notify.py)."""
    from benchmarks import notify

    # The cost first: the delivery's 10,000 unread messages would be a backlog nobody has.
    app = build_app(database)
    try:
        cost = notify.measure_cost(app, targets["chief_email"], requests, percentile)
    finally:
        with app.app_context():
            from app.extensions import db

            db.session.remove()
            db.engine.dispose()
    log(f"  sign-off p50 {cost['told']['p50_ms']:.1f} ms told, {cost['alone']['p50_ms']:.1f} alone")
    delivery = notify.measure_delivery(database, messages, free_port)
    log(
        f"  {delivery['sent']:,} sent, {delivery['per_second']:.0f}/s, "
        f"sender peak {delivery['peak_mb']:.0f} MB"
    )
    return delivery, cost


# ---- report ----------------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "system": platform.platform(),
        "load_average": os.getloadavg(),
    }


def markdown(result: dict) -> str:
    m, seed = result["machine"], result["seed"]
    lines = [
        f"# Concord benchmark, {result['when']}",
        "",
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory']}, Python {m['python']}; "
        f"load average at the start {m['load_average'][0]:.1f}. Database: {result['database']}.",
        "",
        f"Data: {seed['counts_text']}. Seeded in **{seed['seconds']:.1f} s** "
        f"(target under {SEED_TARGET_S} s: {'met' if seed['met'] else 'missed'}).",
        "",
        "## Page cost",
        "",
        f"Flask test client, up to {result['requests']} requests per page after 3 warm-up ones; "
        "queries are SQL statements per request, at 10,000 positions and at 100.",
        "",
        f"Target: p95 under {SIGNED_IN_P95_MS} ms for every signed-in page, and for searches.",
        "",
        "| page | p50 ms | p95 ms | p95 target | queries | at 100 | same | 304 p50 ms | "
        "first view ms |",
        "|---|---:|---:|:-:|---:|---:|:-:|---:|---:|",
    ]
    for r in result["pages"]:
        small = result["queries_small"].get(r["page"])
        verdict = "" if "met" not in r else ("met" if r["met"] else "MISSED")
        lines.append(
            f"| {r['page']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {verdict} | {r['queries']} | "
            f"{small if small is not None else '—'} | "
            f"{'yes' if small == r['queries'] else 'NO'} | "
            f"{_num(r.get('revalidated_p50_ms'))} | {_num(r.get('cold_p50_ms'))} |"
        )
    load = result["load"]
    lines += [
        "",
        "## Throughput",
        "",
        f"gunicorn, {load['workers']} sync workers, on 127.0.0.1; {load['tool']} with "
        f"{load['connections']} connections for {load['seconds']:.0f} s per run; the bare "
        "endpoint measured before and after, averaged.",
        "",
        "| endpoint | requests/s | of bare | target | met |",
        "|---|---:|---:|---:|:-:|",
    ]
    for r in result["throughput"]:
        target = f"≥ {r['target']:.0%}" if "target" in r else ""
        met = ("yes" if r["met"] else "NO") if "met" in r else ""
        lines.append(f"| {r['endpoint']} | {r['rps']:.0f} | {r['ratio']:.0%} | {target} | {met} |")
    lines += [
        "",
        "## Diffs of a 20,000-word document",
        "",
        "Median of the rounds, interleaved with `git diff --no-index --word-diff=porcelain` "
        "(its time includes starting the process).",
        "",
        "| case | concord ms | git ms | ratio | target | met | exact | side by side ms |",
        "|---|---:|---:|---:|---:|:-:|:-:|---:|",
    ]
    for r in result["diffs"]:
        lines.append(
            f"| {r['case']} | {r['concord_ms']:.1f} | {r['git_ms']:.1f} | {r['ratio']:.1f}× | "
            f"≤ {r['target']:.0f}× | {'yes' if r['met'] else 'NO'} | "
            f"{'yes' if r['exact'] else 'NO'} | {r['side_by_side_ms']:.1f} |"
        )
    merge = result["merge"]
    lines += [
        "",
        "## Three-way merge of a 27,000-word text",
        "",
        f"{merge['edits_per_side']} edits on each side, none overlapping (clean: "
        f"{'yes' if merge['clean'] else 'NO'}): **{merge['merge_ms']:.0f} ms**, "
        f"{merge['ratio']:.1f}× a plain diff of the same texts ({merge['diff_ms']:.0f} ms; "
        f"target ≤ {merge['target']:.0f}×: {'met' if merge['met'] else 'missed'}).",
    ]
    exported = result.get("log_csv")
    if exported:
        held = ", ".join(f"{mb:.1f}" for mb in exported["held_mb"])
        lines += [
            "",
            "## The spokesperson log as CSV",
            "",
            f"{result['seed']['counts'].get('appearances', 0):,} appearances, "
            f"{exported['bytes'] / 2**20:.1f} MB streamed in **{exported['seconds']:.2f} s** "
            f"(target under {exported['target_s']:.0f} s); memory held at each quarter of the "
            f"stream {held} MB (flat: {'yes' if exported['flat'] else 'NO'}): "
            f"{'met' if exported['met'] else 'missed'}.",
        ]
    carried = result.get("reanchoring")
    if carried:
        lines += [
            "",
            "## Discussion threads carried across an edit",
            "",
            f"{carried['threads']} threads on a {carried['words']:,}-word text, one clause "
            f"edited: **{carried['ms']:.0f} ms** ({carried['anchored']} still anchored; target "
            f"≤ {carried['target_ms']} ms: {'met' if carried['met'] else 'missed'}).",
        ]
    peak = max(w["peak_mb"] for w in result["memory"])
    lines += [
        "",
        "## Memory",
        "",
        f"Peak resident memory of one gunicorn worker after the whole run: **{peak:.0f} MB** "
        f"(target under {RSS_TARGET_MB} MB: {'met' if peak < RSS_TARGET_MB else 'missed'}); "
        + ", ".join(f"worker {w['pid']}: peak {w['peak_mb']:.0f} MB" for w in result["memory"])
        + ".",
    ]
    if "notify_delivery" in result:
        from benchmarks import notify

        lines += notify.markdown(result["notify_delivery"], result["notify_cost"])
    lines.append("")
    return "\n".join(lines)


def _num(value) -> str:
    return "—" if value is None else f"{value:.1f}"


# ---- main ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="per page (default 200)")
    parser.add_argument("--page-budget", type=float, default=60, help="seconds per page, at most")
    parser.add_argument("--load-seconds", type=float, default=8, help="per throughput run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--diff-rounds", type=int, default=15)
    parser.add_argument("--scale", type=float, default=1.0, help="of the full data set")
    parser.add_argument(
        "--messages", type=int, default=10_000, help="queued for the sender (default 10,000)"
    )
    args = parser.parse_args()

    server_url = os.environ.get("DATABASE_URL", "")
    server_url = server_url if server_url.startswith("postgres") else None
    os.environ.pop("DATABASE_URL", None)  # the app in this process gets its URL explicitly
    when = datetime.now(UTC)
    result = {
        "when": when.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "database": "PostgreSQL" if server_url else "SQLite",
        "requests": args.requests,
    }
    large, small = Database("large", server_url), Database("small", server_url)
    try:
        log("Seeding (10,000 positions)..." if args.scale >= 1 else "Seeding...")
        large.run("-m", "flask", "--app", "wsgi", "db", "upgrade")
        seconds, output = large.run("-m", "benchmarks.seed", "--scale", str(args.scale))
        counts = dict(
            (m.group(1), int(m.group(2).replace(",", "")))
            for m in re.finditer(r"^\s+(\w+)\s+([\d,]+) rows", output, re.M)
        )
        result["seed"] = {
            "seconds": seconds,
            "met": seconds < SEED_TARGET_S,
            "counts": counts,
            "counts_text": ", ".join(
                f"{counts.get(k, 0):,} {k}"
                for k in ("positions", "revisions", "signoffs", "meetings", "appearances")
            ),
        }
        log(f"  seeded in {seconds:.1f}s: {result['seed']['counts_text']}")
        small.run("-m", "flask", "--app", "wsgi", "db", "upgrade")
        small.run("-m", "benchmarks.seed", "--scale", "0.01")

        counter = QueryCounter()
        log("Page cost:")
        app = build_app(large)
        targets = pick_targets(app)
        result["targets"] = {k: v for k, v in targets.items() if k != "token"}
        result["pages"] = measure_pages(app, targets, args.requests, args.page_budget, counter)
        pages = page_list(app, targets)
        small_app = build_app(small)
        result["queries_small"] = count_queries(small_app, pick_targets(small_app), counter)
        result["log_csv"] = measure_log_csv(app)
        for app_ in (app, small_app):
            with app_.app_context():
                from app.extensions import db

                db.session.remove()
                db.engine.dispose()

        log("Diffs:")
        result["diffs"] = measure_diffs(args.diff_rounds)
        result["merge"] = measure_merge(args.diff_rounds)
        result["reanchoring"] = measure_reanchoring(args.diff_rounds)

        log("Throughput (gunicorn):")
        result["throughput"], result["load"], result["memory"] = measure_server(
            large, targets, pages, args.load_seconds, args.workers
        )

        log("Notifications:")
        result["notify_delivery"], result["notify_cost"] = measure_notifications(
            large, targets, args.messages, args.requests
        )
    finally:
        large.drop()
        small.drop()

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = when.strftime("%Y%m%d-%H%M%S")
    text = markdown(result)
    for name in (f"bench-{stamp}", "latest"):
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, default=str))
        (RESULTS / f"{name}.md").write_text(text)
    print(text)
    print(f"Written to {RESULTS / f'bench-{stamp}.json'} and .md (and latest.*).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
