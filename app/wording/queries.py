"""The wording check's reads: the texts a passage may draw on, as they stood on the day."""

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.alliance.settings import clock_of
from app.drafting.models import Position, Publication, Revision
from app.search.queries import published_drawn_on
from positions import searching, wording


def texts_in_force(
    session: Session, position_ids: list[int], day: date
) -> list[wording.AgreedText]:
    """Each position's latest text published by the end of `day` (in the alliance's zone), unless
    it had been withdrawn by then; in the order the ids came."""
    if not position_ids:
        return []
    end = clock_of(session).day_start(day + timedelta(days=1))
    rows = session.execute(
        select(
            Position.id, Position.slug, Position.withdrawn_at, Revision.title, Revision.number,
            Revision.body, Publication.published_at,
        )
        .join(Publication, Publication.position_id == Position.id)
        .join(Revision, Revision.id == Publication.revision_id)
        .where(Position.id.in_(position_ids), Publication.published_at < end)
        .order_by(Publication.published_at, Publication.id)
    )  # fmt: skip
    latest = {}
    for row in rows:
        if row.withdrawn_at is None or row.withdrawn_at >= end:
            latest[row.id] = row  # later publications overwrite earlier ones
    local = clock_of(session).local_date
    return [
        wording.AgreedText(r.id, r.title, r.slug, r.number, local(r.published_at), r.body)
        for r in (latest[i] for i in position_ids if i in latest)
    ]


def check(session: Session, text: str, day: date | None = None) -> list[wording.PassageCheck]:
    """Each passage of `text` against the published texts it most likely draws on: one search
    a passage, then the texts in force read once for them all."""
    day = day or clock_of(session).today()
    said = wording.passages(text)
    drawn_on = [
        published_drawn_on(session, searching.key_words(p), limit=wording.CANDIDATES) for p in said
    ]
    everything = list(dict.fromkeys(i for ids in drawn_on for i in ids))
    texts = {t.position_id: t for t in texts_in_force(session, everything, day)}
    return [
        wording.check_passage(passage, [texts[i] for i in ids if i in texts])
        for passage, ids in zip(said, drawn_on, strict=True)
    ]
