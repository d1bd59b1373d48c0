"""The search API: the alliance's own search (a token), and the public one (no token)."""

from flask import g

from app.api.contract import operation
from app.extensions import db
from app.search import queries
from app.search import schemas as s
from app.search.views import link_to
from positions import searching as core


def _answer(query: s.SearchQuery, *, signed_in: bool) -> s.SearchAnswer:
    found = queries.search(
        db.session, core.parse(query.q), signed_in=signed_in,
        partner_id=g.api_user.partner_id if signed_in else None, filters=query.filters(),
        page=query.page,
    )  # fmt: skip
    return s.SearchAnswer(
        query=list(found.query.terms),
        page=found.page,
        more=found.more,
        hits=[
            s.Hit(
                kind=hit.kind.value,
                id=hit.object_id,
                title=hit.plain_title,
                snippet=core.plain(hit.snippet),
                highlights=[part for part, match in core.highlighted(hit.snippet) if match],
                day=hit.day,
                area=hit.area,
                url=link_to(hit, signed_in=signed_in, external=True),
            )
            for hit in found.hits
        ],
    )


@operation(
    "GET",
    "/search",
    summary="Search positions, published texts, agree-to-differ outcomes, meetings, the "
    "spokesperson log and the discussion threads the token's holder may read, best match first.",
    answer=s.SearchAnswer,
    errors=(400, 401),
    query=s.SearchQuery,
)
def search(query: s.SearchQuery):
    return _answer(query, signed_in=True)


@operation(
    "GET",
    "/published/search",
    summary="Search the public record: published positions and agree-to-differ outcomes "
    "(no token needed).",
    answer=s.SearchAnswer,
    errors=(400,),
    query=s.SearchQuery,
    public=True,
)
def search_published(query: s.SearchQuery):
    return _answer(query, signed_in=False)
