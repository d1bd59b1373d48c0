"""Notifications in `make bench` (benchmarks/run.py calls `measure_delivery` and `measure_cost`).

1. Delivery: N messages queued in the outbox of the seeded database, then one sender process
   (`python -m benchmarks.notify send`, the same `send_once` that `flask notify send-once` and
   `notify work` run) delivers them to an SMTP server (aiosmtpd) in the bench process on
   127.0.0.1: messages per second, and the sender's peak resident memory.
2. Cost: the sign-off request (an objection, through the Flask test client, as a chief officer)
   on positions two other people wrote, who are told, and on positions the chief officer wrote
   alone, so nobody is told: p50 and p95 of each, interleaved; notifications must add under 10%.
"""

import json
import resource
import statistics
import sys
import time
from datetime import UTC, datetime

COST_TARGET = 0.10  # notifications add under 10% to the request that causes them
BODY = (
    "Revision 3 of “{title}” was objected to by Moorland. Their comment: the figures in the "
    "second paragraph predate the latest survey, and the ask on rents should name the cap. "
    "Answer the objection on the position's page, or revise the text."
)


# ---- delivery ----------------------------------------------------------------------------------


class CountingHandler:
    """An SMTP server that accepts everything and counts it (parsing would cost the bench)."""

    def __init__(self):
        self.received = 0
        self.bytes = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        self.bytes += len(envelope.content)
        return "250 OK"


def queue(messages: int) -> None:
    """`python -m benchmarks.notify queue N`: N objection-like messages for the active people,
    round robin, queued now (inserted in bulk: the bench times delivery, not queuing)."""
    from sqlalchemy import insert, select

    from app import create_app
    from app.accounts.models import User
    from app.extensions import db
    from app.notifications.models import MailStatus, Notification

    app = create_app()
    with app.app_context():
        people = list(db.session.execute(select(User.id).where(User.active)).scalars())
        now = datetime.now(UTC)
        rows = [
            {
                "recipient_id": people[i % len(people)],
                "kind": "objection",
                "about_type": "position",
                "about_id": i + 1,
                "subject": f"Moorland objected to “Position {i + 1}”",
                "body": BODY.format(title=f"Position {i + 1}"),
                "link": f"/positions/{i + 1}",
                "reason": f"you wrote or edited “Position {i + 1}”",
                "created_at": now,
                "updated_at": now,
                "in_app": True,
                "mail_status": MailStatus.QUEUED,
                "next_attempt_at": now,
            }
            for i in range(messages)
        ]
        for start in range(0, len(rows), 1000):
            db.session.execute(insert(Notification), rows[start : start + 1000])
        db.session.commit()


def send() -> None:
    """`python -m benchmarks.notify send`: deliver everything due, once, and print what it
    took as JSON (its own peak memory included)."""
    from app import create_app
    from app.extensions import db
    from app.notifications.services.sending import send_once, transport_from_config

    app = create_app()
    with app.app_context():
        start_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        transport = transport_from_config(app.config)
        started = time.perf_counter()
        try:
            outcome = send_once(db.session, transport)
        finally:
            transport.close()
        seconds = time.perf_counter() - started
        print(
            json.dumps(
                {
                    "sent": outcome.sent,
                    "retrying": outcome.retrying,
                    "failed": outcome.failed,
                    "seconds": seconds,
                    "start_mb": start_mb,
                    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                }
            )
        )


def measure_delivery(database, messages: int, free_port) -> dict:
    """Queue `messages`, then time one sender delivering them to aiosmtpd on 127.0.0.1."""
    from aiosmtpd.controller import Controller

    database.run("-m", "benchmarks.notify", "queue", str(messages))
    handler = CountingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    saved = dict(database.env)
    database.env.update(
        MAIL_HOST="127.0.0.1",
        MAIL_PORT=str(port),
        MAIL_SECURITY="none",
        CONCORD_URL="http://127.0.0.1:5000",
    )
    try:
        _, output = database.run("-m", "benchmarks.notify", "send", timeout=1800)
    finally:
        database.env.clear()
        database.env.update(saved)
        controller.stop()
    report = json.loads(output.strip().splitlines()[-1])
    rate = report["sent"] / report["seconds"] if report["seconds"] else 0.0
    return {
        "queued": messages,
        **report,
        "received": handler.received,
        "mean_kb": handler.bytes / handler.received / 1024 if handler.received else 0.0,
        "per_second": rate,
        "growth_mb": report["peak_mb"] - report["start_mb"],
        # Everything queued went out (and what earlier steps queued), and was received.
        "delivered": report["sent"] >= messages
        and handler.received == report["sent"]
        and report["retrying"] == report["failed"] == 0,
    }


# ---- what a notification adds to the request that causes it ----------------------------------


def _positions_to_object_to(app, chief_email: str, count: int) -> tuple[list[int], list[int]]:
    """`count` positions two policy officers of another partner wrote (both are told of an
    objection) and `count` the chief officer wrote alone (nobody is told); each has two
    revisions, so both kinds cost the same to load and sign."""
    from sqlalchemy import select

    from app.accounts.models import User
    from app.alliance.models import PolicyArea
    from app.drafting.services import editing
    from app.extensions import db

    with app.app_context():
        s = db.session
        chief = s.execute(select(User).where(User.email == chief_email)).scalar_one()
        writers = list(
            s.execute(
                select(User)
                .where(
                    User.active,
                    User.roles == "policy_officer",
                    User.partner_id.is_not(None),
                    User.partner_id != chief.partner_id,
                )
                .order_by(User.partner_id, User.id)
                .limit(2)
            ).scalars()
        )
        area = s.execute(select(PolicyArea.id).limit(1)).scalar_one()
        told, alone = [], []
        for i in range(count):
            for author, editor, ids in ((writers[0], writers[-1], told), (chief, chief, alone)):
                title = f"Notification cost {len(ids) + 1} by {author.name}"
                position = editing.create_position(
                    s, author, title=title, body=BODY.format(title=title), area=area
                )
                editing.save_revision(
                    s,
                    editor,
                    position.id,
                    title=title,
                    body=BODY.format(title=title) + " A second thought.",
                    base_number=1,
                    note="edit",
                )
                ids.append(position.id)
            if i % 50 == 49:
                s.commit()
        s.commit()
        return told, alone


def _notifications(app) -> int:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.notifications.models import Notification

    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Notification)).scalar_one()


def measure_cost(app, chief_email: str, requests: int, percentile) -> dict:
    """p50/p95 of an objection with people to tell and with nobody, interleaved (alternating
    which goes first), after three warm-up requests of each."""
    from benchmarks.seed import PASSWORD

    warm_up = 3
    told, alone = _positions_to_object_to(app, chief_email, requests + warm_up)
    client = app.test_client()
    signed_in = client.post("/login", data={"email": chief_email, "password": PASSWORD})
    assert signed_in.status_code == 302, "the bench's chief officer could not sign in"
    times: dict[str, list[float]] = {"told": [], "alone": []}
    before = _notifications(app)
    messages = {"told": 0, "alone": 0}
    for i, pair in enumerate(zip(told, alone, strict=True)):
        order = [("told", pair[0]), ("alone", pair[1])]
        for case, position_id in order if i % 2 else reversed(order):
            data = {"revision": 2, "decision": "object", "comment": "Not yet: see the figures."}
            started = time.perf_counter()
            answer = client.post(f"/positions/{position_id}/signoff", data=data)
            elapsed = time.perf_counter() - started
            assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
            if i >= warm_up:
                times[case].append(elapsed * 1000)
            after = _notifications(app)
            messages[case] += after - before
            before = after
    rows = {
        case: {
            "p50_ms": statistics.median(values),
            "p95_ms": percentile(values, 95),
            "messages_per_request": messages[case] / (requests + warm_up),
        }
        for case, values in times.items()
    }
    added = rows["told"]["p50_ms"] / rows["alone"]["p50_ms"] - 1
    added_p95 = rows["told"]["p95_ms"] / rows["alone"]["p95_ms"] - 1
    return {
        "requests": requests,
        **rows,
        "added": added,
        "added_p95": added_p95,
        "target": COST_TARGET,
        "met": added < COST_TARGET,
    }


def markdown(delivery: dict, cost: dict) -> list[str]:
    lines = [
        "",
        "## Notifications",
        "",
        f"Delivery: {delivery['queued']:,} queued messages, one sender (`send_once`) to an "
        f"SMTP server (aiosmtpd) on 127.0.0.1: **{delivery['per_second']:.0f} messages/s** "
        f"({delivery['sent']:,} sent in {delivery['seconds']:.1f} s, {delivery['received']:,} "
        f"received, {delivery['mean_kb']:.1f} KB each; {delivery['retrying']} to retry, "
        f"{delivery['failed']} failed; all delivered: {'yes' if delivery['delivered'] else 'NO'})."
        f" The sender's peak memory: **{delivery['peak_mb']:.0f} MB**; it rose "
        f"{delivery['growth_mb']:.0f} MB while sending (the rest is the app, loaded first).",
        "",
        f"Cost to the request that causes them: an objection (sign-off) through the test "
        f"client, {cost['requests']} of each, interleaved.",
        "",
        "| sign-off | p50 ms | p95 ms | messages written |",
        "|---|---:|---:|---:|",
        f"| with people to tell | {cost['told']['p50_ms']:.1f} | {cost['told']['p95_ms']:.1f} "
        f"| {cost['told']['messages_per_request']:.1f} |",
        f"| with nobody to tell | {cost['alone']['p50_ms']:.1f} | "
        f"{cost['alone']['p95_ms']:.1f} | {cost['alone']['messages_per_request']:.1f} |",
        "",
        f"Notifications add **{cost['added']:+.1%}** at p50 ({cost['added_p95']:+.1%} at p95); "
        f"target under {cost['target']:.0%}: {'met' if cost['met'] else 'missed'}.",
    ]
    return lines


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "queue" and len(sys.argv) == 3:
        queue(int(sys.argv[2]))
    elif command == "send":
        send()
    else:
        sys.exit("usage: python -m benchmarks.notify queue N | send")
