"""The public record: published positions, readable by anyone, no sign-in."""

from flask import Blueprint, Response, abort, render_template, request, url_for

from app.alliance.settings import settings_of
from app.audit.services import as_checkpoint
from app.extensions import db
from app.public import documents, feeds, queries
from app.web.caching import conditional, etag_of, kept, public_copy, viewer
from app.web.params import bounded_int
from positions.audit import checkpoint_file

bp = Blueprint("public", __name__, url_prefix="/public", template_folder="templates")


@bp.get("/")
@public_copy
def index():
    page = queries.published_positions(
        db.session, page=request.args.get("page", 1, type=bounded_int), by_area=True
    )
    return render_template(
        "public/index.html",
        page=page,
        differ=queries.differ_positions(db.session),
        checkpoint=queries.latest_checkpoint(db.session),
        members=queries.member_names(db.session),
    )


@bp.get("/checkpoint.json")
def checkpoint():
    """The latest signed checkpoint as a file a partner keeps, for `audit verify --checkpoint`."""
    row = queries.latest_checkpoint(db.session)
    if row is None:
        abort(404)
    held = as_checkpoint(row)
    answer = Response(checkpoint_file(held), mimetype="application/json")
    answer.headers["Content-Disposition"] = f'attachment; filename="checkpoint-{held.seq}.json"'
    return answer


@bp.get("/<slug>")
@public_copy
def position(slug: str):
    version = queries.public_version(db.session, slug)
    if version is None:
        abort(404)
    who = viewer()
    # The accountable body is on the page: a new one (kept in memory, no query) is a new page.
    etag = etag_of(*version, *who, settings_of(db.session).accountable_body)

    def render() -> str:
        record = queries.public_record(db.session, slug)
        if record is None:
            abort(404)
        return render_template(
            "public/position.html",
            record=record,
            position=record.position,
            members=queries.member_names(db.session),
        )

    # Anyone's copy of a published page is everyone's: served from the app's page cache, and
    # cacheable by browsers and proxies (a signed-in member's copy, with their name, is not).
    return conditional(etag, kept(etag, render), public=who == (None, None))


FORMATS = {"pdf": (documents.as_pdf, documents.PDF), "docx": (documents.as_word, documents.WORD)}


@bp.get("/<slug>/document.<any(pdf, docx):kind>")
def document(slug: str, kind: str):
    """The published text (or an agree-to-differ outcome's statements) as PDF or Word: made
    once per published version, then kept."""
    version = queries.public_version(db.session, slug)
    if version is None:
        abort(404)
    make, mimetype = FORMATS[kind]
    etag = etag_of("document", kind, *version, settings_of(db.session).name)

    def render() -> bytes:
        record = queries.public_record(db.session, slug)
        url = url_for("public.position", slug=slug, _external=True)
        text = queries.document_of(db.session, record, url) if record else None
        if text is None:
            abort(404)
        return make(text)

    answer = conditional(
        etag, lambda: Response(kept(etag, render)(), mimetype=mimetype), public=True
    )
    answer.headers["Content-Disposition"] = f'attachment; filename="{slug}.{kind}"'
    return answer


@bp.get("/feed.atom")
@public_copy
def feed():
    """Publications and withdrawals as an Atom feed, for anyone's feed reader."""
    name = settings_of(db.session).name
    etag = etag_of("feed", *queries.feed_version(db.session), name)

    def render() -> bytes:
        return feeds.atom(name, queries.feed_entries(db.session))

    return conditional(
        etag, lambda: Response(kept(etag, render)(), mimetype=feeds.ATOM), public=True
    )
