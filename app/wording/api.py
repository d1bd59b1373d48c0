"""POST /api/v1/wording-check: the same check as the page."""

from flask import url_for

from app.api.contract import operation
from app.extensions import db
from app.wording import queries
from app.wording import schemas as s
from positions import wording
from positions.clock import check_year


@operation(
    "POST",
    "/wording-check",
    summary="Check any text against the positions published on a day: for each passage, "
    "the closest agreed sentence, a verdict and the word-by-word departures.",
    answer=s.WordingAnswer,
    errors=(400, 401, 413),
    body=s.WordingRequest,
)
def wording_check(body: s.WordingRequest):
    if body.day is not None:
        check_year(body.day, "day")
    checks = queries.check(db.session, body.text, body.day)
    return s.WordingAnswer(
        verdict=wording.overall(checks).value,
        passages=[
            s.PassageCheck(
                passage=c.passage,
                verdict=c.verdict.value,
                similarity=round(c.similarity, 3),
                source=s.Source(
                    position=c.source.position_id,
                    title=c.source.title,
                    public_url=url_for("public.position", slug=c.source.slug, _external=True),
                    revision=c.source.revision,
                    published_on=c.source.published_on,
                )
                if c.source
                else None,
                agreed=c.agreed,
                changes=[s.Change(op=ch.op.value, text=ch.text) for ch in c.changes],
            )
            for c in checks
        ],
    )
