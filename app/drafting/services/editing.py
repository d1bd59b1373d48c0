"""Writing positions: create, revise (merging concurrent edits), and read revisions back."""

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from app.accounts.models import User
from app.alliance.models import PolicyArea
from app.alliance.settings import settings_of
from app.audit import services as audit
from app.drafting import signals
from app.drafting.models import Position, Revision
from app.drafting.services import cycle
from app.drafting.services.consensus import ensure_open, refresh_status
from app.drafting.services.locking import lock_position
from app.extensions import utcnow
from app.web.pagination import Page, paginate, rows_by_id
from app.web.params import MAX_ID, is_number
from app.web.rendering import render_bounded
from positions import diffing
from positions.alliance import check_new_position_area
from positions.hashing import content_hash
from positions.refusals import Conflict, Forbidden, Invalid, NotFound
from positions.roles import can_draft
from positions.validation import check_position_text, slugify


@dataclass(frozen=True)
class Saved:
    revision: Revision
    merged: bool


def _check_may_draft(user: User) -> None:
    if not can_draft(user.actor):
        raise Forbidden("Only policy officers and chief officers write positions.")


def policy_areas(session: Session, *, current_only: bool = False) -> list[PolicyArea]:
    """Every area, or only those a new position may take (retired ones stay on old ones)."""
    query = select(PolicyArea).order_by(PolicyArea.name)
    if current_only:
        query = query.where(PolicyArea.retired.is_(False))
    return list(session.execute(query).scalars())


def find_area(session: Session, ref: str | int) -> PolicyArea:
    # An id arrives as text from JSON; PostgreSQL will not compare an integer column with text.
    is_id = is_number(str(ref)) and int(ref) <= MAX_ID  # a bigger number is no row's id
    column, value = (PolicyArea.id, int(ref)) if is_id else (PolicyArea.slug, str(ref))
    area = session.execute(select(PolicyArea).where(column == value)).scalar_one_or_none()
    if area is None:
        raise NotFound(f"There is no policy area {ref!r}.", code="unknown_area", field="area")
    return area


def _new_revision(
    position: Position, number: int, title: str, body: str, body_html: str, author: User, **extra
) -> Revision:
    return Revision(
        position_id=position.id,
        number=number,
        title=title.strip(),
        body=body,
        body_html=body_html,  # rendered once, before saving, never per request
        content_hash=content_hash(title.strip(), body),
        author=author,
        **extra,
    )


def _unique_slug(session: Session, title: str) -> str:
    base = slugify(title)
    taken = set(
        session.execute(select(Position.slug).where(Position.slug.like(f"{base}%"))).scalars()
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


SLUG_ATTEMPTS = 5


def _insert_with_free_slug(session: Session, make, title: str) -> Position:
    """Insert the position under a slug no other has, even when others create the same title at
    the same moment: the free slug seen here may be taken by a commit this transaction cannot
    see yet, so a clash is retried (in a savepoint) with a random suffix."""
    slug = _unique_slug(session, title)
    for _ in range(SLUG_ATTEMPTS):
        position = make(slug)
        try:
            with session.begin_nested():
                session.add(position)
                session.flush()
            return position
        except IntegrityError:
            slug = f"{slugify(title)}-{secrets.token_hex(3)}"
    raise Conflict(
        "Many positions with this title are being created at once; try again.",
        code="slug_taken",
        field="title",
    )


def create_position(
    session: Session, author: User, *, title: str, body: str, area: str | int, note: str = ""
) -> Position:
    _check_may_draft(author)
    title, body, note = check_position_text(title, body, note, settings_of(session).max_body_bytes)
    policy_area = find_area(session, area)
    check_new_position_area(policy_area.as_core())
    # Before the first write: on SQLite that takes the database's write lock, which nobody else
    # should wait on while Markdown renders.
    body_html = render_bounded(body)
    position = _insert_with_free_slug(
        session,
        lambda slug: Position(
            title=title.strip(), slug=slug, area=policy_area, created_by_id=author.id
        ),
        title,
    )
    revision = _new_revision(
        position, 1, title, body, body_html, author, note=note.strip() or "First draft"
    )
    session.add(revision)
    session.flush()
    position.current_revision = revision
    refresh_status(session, position)
    audit.record(
        session,
        "position.create",
        actor=author,
        object_type="position",
        object_id=position.id,
        details={"title": position.title, "revision": 1, "hash": revision.content_hash},
    )
    return position


def get_revision(session: Session, position_id: int, number: int) -> Revision:
    revision = session.execute(
        select(Revision).where(Revision.position_id == position_id, Revision.number == number)
    ).scalar_one_or_none()
    if revision is None:
        raise NotFound(f"Position {position_id} has no revision {number}.", code="unknown_revision")
    return revision


def _merge_title(base: str, mine: str, theirs: str) -> str | None:
    if mine in (theirs, base):
        return theirs
    if theirs == base:
        return mine
    return None


def _merge_edit(base: Revision, current: Revision, title: str, body: str) -> tuple[str, str, bool]:
    """An edit begun from base, as it applies to the current text: (title, body, merged?)."""
    if base.id == current.id:
        return title, body, False
    body_merge = diffing.three_way_merge(base.body, body, current.body)
    merged_title = _merge_title(base.title, title, current.title)
    if not body_merge.clean or merged_title is None:
        # The typed text stays with the caller (the form, the API client): nothing is lost.
        raise Conflict(
            f"Revision {current.number} was saved by {current.author.name} after you "
            f"started from revision {base.number}, and your edits overlap. "
            "Your text is kept below.",
            "edit_conflict",
            current_revision=current.number,
            base_revision=base.number,
        )
    return merged_title, body_merge.text, True


def save_revision(
    session: Session,
    author: User,
    position_id: int,
    *,
    title: str,
    body: str,
    base_number: int,
    note: str = "",
    amendment_id: int | None = None,
) -> Saved:
    """Save an edit as a new revision; an edit started from an older revision is merged."""
    _check_may_draft(author)
    title, body, note = check_position_text(title, body, note, settings_of(session).max_body_bytes)
    # Merge and render first, without the lock: both take time on a long text, and other people's
    # sign-offs wait on the lock. Then lock and make sure nobody saved in between.
    position = session.get(Position, position_id)
    if position is None:
        raise NotFound(f"There is no position {position_id}.")
    ensure_open(position)
    current = position.current_revision
    base = get_revision(session, position_id, base_number)
    title, body, merged = _merge_edit(base, current, title.strip(), body)
    if content_hash(title, body) == current.content_hash:
        raise Invalid(
            "Nothing changed: the text is the same as the current revision.", code="no_change"
        )
    body_html = render_bounded(body)
    position = lock_position(session, position_id)
    ensure_open(position)
    if position.current_revision_id != current.id:
        # Saved by someone else while this edit was merged and rendered: merging again here would
        # hold the lock for as long again, so the person saves once more (their text is kept).
        raise Conflict(
            "Someone saved a new revision of this position while yours was being saved. "
            "Your text is kept below: save again to merge it with theirs.",
            "edit_conflict",
            current_revision=current.number + 1,
            base_revision=base.number,
        )
    revision = _new_revision(
        position,
        current.number + 1,
        title,
        body,
        body_html,
        author,
        base_number=base.number,
        note=note.strip(),
        merged=merged,
        amendment_id=amendment_id,
    )
    session.add(revision)
    session.flush()
    position.current_revision = revision
    position.title = revision.title
    position.updated_at = utcnow()
    refresh_status(session, position)
    cycle.restart_clock(session, author, position)
    audit.record(
        session,
        "revision.create",
        actor=author,
        object_type="position",
        object_id=position.id,
        details={
            "revision": revision.number,
            "base": base.number,
            "merged": merged,
            "hash": revision.content_hash,
        },
    )
    signals.revision_saved.send(session=session, revision=revision, previous=current)
    return Saved(revision, merged)


def current_revision(session: Session, position_id: int) -> Revision:
    position = session.get(Position, position_id)
    if position is None:
        raise NotFound(f"There is no position {position_id}.")
    return position.current_revision


def revisions(session: Session, position_id: int) -> list[Revision]:
    return list(
        session.execute(
            select(Revision)
            .where(Revision.position_id == position_id)
            .order_by(Revision.number.desc())
        ).scalars()
    )


def revisions_page(
    session: Session, position_id: int, *, page: int, per_page: int, with_bodies: bool
) -> Page[Revision]:
    """One page of a position's revisions, newest first; the texts stay in the database unless
    asked for, so a long history never passes through memory whole."""
    load = select(Revision)
    if not with_bodies:
        load = load.options(defer(Revision.body), defer(Revision.body_html))
    return paginate(
        session,
        select(Revision.id)
        .where(Revision.position_id == position_id)
        .order_by(Revision.number.desc()),
        rows_by_id(session, load),
        page=page,
        per_page=per_page,
    )


def revision_count(session: Session, position_id: int) -> int:
    return session.execute(
        select(func.count()).select_from(Revision).where(Revision.position_id == position_id)
    ).scalar_one()
