"""Writing positions: create, revise (merging concurrent edits), and read revisions back."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.alliance.models import PolicyArea
from app.alliance.settings import settings_of
from app.audit import services as audit
from app.drafting.models import Position, Revision
from app.drafting.services.consensus import ensure_open, refresh_status
from app.drafting.services.locking import lock_position
from app.extensions import utcnow
from app.web.params import MAX_ID
from positions import diffing
from positions.hashing import content_hash
from positions.refusals import Conflict, Forbidden, Invalid, NotFound
from positions.rendering import render_markdown
from positions.roles import can_draft
from positions.validation import check_position_text, slugify


@dataclass(frozen=True)
class Saved:
    revision: Revision
    merged: bool


def _check_may_draft(user: User) -> None:
    if not can_draft(user.actor):
        raise Forbidden("Only policy officers and chief officers write positions.")


def policy_areas(session: Session) -> list[PolicyArea]:
    return list(session.execute(select(PolicyArea).order_by(PolicyArea.name)).scalars())


def find_area(session: Session, ref: str | int) -> PolicyArea:
    # An id arrives as text from JSON; PostgreSQL will not compare an integer column with text.
    is_id = str(ref).isdigit() and int(ref) <= MAX_ID  # a bigger number is no row's id
    column, value = (PolicyArea.id, int(ref)) if is_id else (PolicyArea.slug, str(ref))
    area = session.execute(select(PolicyArea).where(column == value)).scalar_one_or_none()
    if area is None:
        raise NotFound(f"There is no policy area {ref!r}.", code="unknown_area", field="area")
    return area


def _new_revision(
    position: Position, number: int, title: str, body: str, author: User, **extra
) -> Revision:
    return Revision(
        position_id=position.id,
        number=number,
        title=title.strip(),
        body=body,
        body_html=render_markdown(body),  # rendered once, here, never per request
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


def create_position(
    session: Session, author: User, *, title: str, body: str, area: str | int, note: str = ""
) -> Position:
    _check_may_draft(author)
    title, body, note = check_position_text(title, body, note, settings_of(session).max_body_bytes)
    policy_area = find_area(session, area)
    position = Position(
        title=title.strip(),
        slug=_unique_slug(session, title),
        area=policy_area,
        created_by_id=author.id,
    )
    session.add(position)
    session.flush()
    revision = _new_revision(position, 1, title, body, author, note=note.strip() or "First draft")
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
    position = lock_position(session, position_id)
    ensure_open(position)
    current = position.current_revision
    base = get_revision(session, position_id, base_number)
    title = title.strip()
    merged = False
    if base.id != current.id:
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
        title, body, merged = merged_title, body_merge.text, True
    if content_hash(title, body) == current.content_hash:
        raise Invalid(
            "Nothing changed: the text is the same as the current revision.", code="no_change"
        )
    revision = _new_revision(
        position,
        current.number + 1,
        title,
        body,
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


def revision_count(session: Session, position_id: int) -> int:
    return session.execute(
        select(func.count()).select_from(Revision).where(Revision.position_id == position_id)
    ).scalar_one()
