"""Positions in the JSON API: what a request may send and what each answer holds."""

from datetime import date

from flask import url_for
from pydantic import BaseModel, Field

from app.api.fields import (
    Body,
    Day,
    OptionalText,
    Paged,
    RevisionNumber,
    RowId,
    Slug,
    Text,
    Timestamp,
    Url,
    choice,
    paging,
    text_filter,
)
from app.drafting import models
from app.web.pagination import MAX_PAGE, MAX_PER_PAGE
from positions import consensus as core
from positions import governance as gov
from positions.diffing import Block as FormattedBlock
from positions.diffing import Change, Op

# ---- requests ----------------------------------------------------------------------------------


class NewPosition(Body):
    title: Text
    body: Text
    area: Text = Field(description="An area's slug or id.")
    note: OptionalText = ""


class NewRevision(Body):
    body: Text
    base_revision: RevisionNumber
    title: str | None = Field(None, description="Unchanged when not sent.")
    note: OptionalText = ""


class SignOffRequest(Body):
    revision: RevisionNumber
    decision: choice(core.Decision)
    comment: OptionalText = ""


class ReadyRequest(Body):
    decision_due: Day | None = Field(
        None, description="By when a decision is needed; ten working days from today if not sent."
    )
    note: OptionalText = Field("", description="A note to the chief officers.")
    external_deadline: Day | None = Field(None, description="An outside deadline's date.")
    external_label: OptionalText = Field("", description="What it is: 'Consultation closes'.")


class PublishRequest(Body):
    revision: RevisionNumber


class WithdrawalRequest(Body):
    revision: RevisionNumber = Field(description="The published revision to withdraw.")
    reason: Text


class ReasonRequest(Body):
    reason: Text


# Any text filters; the documented values are the ones that find anything.
StatusFilter = text_filter({"type": "string", "enum": [s.value for s in core.PositionStatus]})


# Lists leave the (possibly very long) bodies out unless asked: a page of 200 positions with
# 200 KB texts would be 40 MB.
Include = text_filter({"type": "string", "enum": ["body"]})
MAX_PER_PAGE_WITH_BODIES = 20  # 20 texts of 200 KB: 4 MB, where 200 would be 40 MB
INCLUDE_HELP = (
    "include=body to have each revision's body in the list "
    f"(then at most {MAX_PER_PAGE_WITH_BODIES} per page)."
)


class WithBodies(Body):
    """A list query that may ask for bodies, and then gets smaller pages."""

    @property
    def with_bodies(self) -> bool:
        return self.include == "body"

    @property
    def page_size(self) -> int:
        return min(self.per_page, MAX_PER_PAGE_WITH_BODIES) if self.with_bodies else self.per_page


class PositionsQuery(WithBodies):
    status: StatusFilter = Field(None, description="Only positions in this status.")
    page: paging(1, MAX_PAGE, "Page number, from 1.")
    per_page: paging(50, MAX_PER_PAGE, f"Items per page (at most {MAX_PER_PAGE}).")
    include: Include = Field(None, description=INCLUDE_HELP)


class RevisionsQuery(WithBodies):
    page: paging(1, MAX_PAGE, "Page number, from 1.")
    per_page: paging(50, MAX_PER_PAGE, f"Revisions per page (at most {MAX_PER_PAGE}).")
    include: Include = Field(None, description=INCLUDE_HELP)


class PublishedQuery(Body):
    page: paging(1, MAX_PAGE, "Page number, from 1.")


DIFF_VIEWS = ("words", "formatted")


class DiffQuery(Body):
    from_: RevisionNumber = Field(alias="from", description="The older revision.", examples=[1])
    to: RevisionNumber = Field(description="The newer revision.", examples=[2])
    view: text_filter({"type": "string", "enum": list(DIFF_VIEWS)}) = Field(
        None,
        description="words (the default): the operations only. formatted: also the newer "
        "revision's rendered text, block by block, with <ins> and <del> marking the changes.",
    )


# ---- answers -----------------------------------------------------------------------------------


class Revision(BaseModel):
    number: RowId
    title: str
    hash: str
    body: str | None = Field(
        None,
        exclude_if=lambda body: body is None,
        description="The Markdown text: always for one position, in lists with include=body.",
    )
    author: str
    note: str
    created_at: Timestamp

    @classmethod
    def of(cls, revision: models.Revision | None, *, body: bool = True) -> "Revision | None":
        if revision is None:
            return None
        return cls(
            number=revision.number,
            title=revision.title,
            hash=revision.content_hash,
            body=revision.body if body else None,
            author=revision.author.name,
            note=revision.note,
            created_at=revision.created_at,
        )


class PartnerConsensus(BaseModel):
    partner: Slug
    state: core.PartnerState
    revision: int | None = Field(description="The revision of its latest decision.")
    decided_by: str | None = Field(description="Who made the latest decision.")
    acting_for: str | None = Field(
        description="Set when a deputy decided: 'the chief officer of <partner>'."
    )


class Consensus(BaseModel):
    publishable: bool
    partners: list[PartnerConsensus]

    @classmethod
    def of(cls, state: core.Consensus) -> "Consensus":
        return cls(
            publishable=state.publishable,
            partners=[
                PartnerConsensus(
                    partner=s.partner.slug,
                    state=s.state,
                    revision=s.revision_number,
                    decided_by=s.decision.decided_by if s.decision else None,
                    acting_for=s.decision.acting_for if s.decision else None,
                )
                for s in state.standings
            ],
        )


class Position(BaseModel):
    id: RowId
    title: str
    slug: str
    area: str
    status: core.PositionStatus
    current_revision: Revision | None
    published_revision: Revision | None
    consensus: Consensus
    ready: bool = Field(description="Ready for sign-off: in the chief officers' to-do lists.")
    decision_due: date | None = Field(description="By when a decision is needed, while ready.")
    external_deadline: date | None = Field(description="An outside deadline, while ready.")
    external_label: str = Field(description="What the outside deadline is.")
    ready_note: str = Field(description="The note to the chief officers, while ready.")

    @classmethod
    def of(
        cls, position: models.Position, state: core.Consensus, *, bodies: bool = True
    ) -> "Position":
        return cls(
            id=position.id,
            title=position.title,
            slug=position.slug,
            area=position.area.slug,
            status=position.status,
            current_revision=Revision.of(position.current_revision, body=bodies),
            published_revision=Revision.of(position.published_revision, body=bodies),
            consensus=Consensus.of(state),
            ready=position.ready,
            decision_due=position.decision_due,
            external_deadline=position.external_deadline,
            external_label=position.external_label or "",
            ready_note=position.ready_note or "",
        )


class PositionPage(Paged[Position]):
    """A page of positions, most recently changed first."""


class RevisionPage(Paged[Revision]):
    """A page of a position's revisions, newest first."""


class SavedRevision(BaseModel):
    number: RowId
    merged: bool = Field(description="True when others' edits since the base were merged in.")
    hash: str


class DiffOp(BaseModel):
    op: Op
    text: str


class DiffBlock(BaseModel):
    html: str = Field(description="Sanitised HTML: the renderer's tags plus <ins> and <del>.")
    changed: bool = Field(description="Whether anything in this block changed.")


class Diff(BaseModel):
    """Word-level operations: equal and delete rebuild the older body, equal and insert the
    newer, exactly."""

    from_: RowId = Field(alias="from")
    to: RowId
    ops: list[DiffOp]
    blocks: list[DiffBlock] | None = Field(
        None,
        exclude_if=lambda blocks: blocks is None,
        description="With view=formatted: the newer text as it reads, with the changes marked.",
    )

    @classmethod
    def of(
        cls,
        old: models.Revision,
        new: models.Revision,
        changes: list[Change],
        blocks: list[FormattedBlock] | None = None,
    ) -> "Diff":
        return cls.model_validate(
            {
                "from": old.number,
                "to": new.number,
                "ops": [DiffOp(op=c.op, text=c.text) for c in changes],
                "blocks": None
                if blocks is None
                else [DiffBlock(html=b.html, changed=b.changed) for b in blocks],
            }
        )


class SignOff(BaseModel):
    partner: Slug
    decision: core.Decision
    revision: RowId
    hash: str
    at: Timestamp
    decided_by: str
    acting_for: str | None = Field(
        description="Set when a deputy decided: 'the chief officer of <partner>'."
    )

    @classmethod
    def of(cls, signoff: models.SignOff) -> "SignOff":
        return cls(
            partner=signoff.partner.slug,
            decision=signoff.decision,
            revision=signoff.revision.number,
            hash=signoff.content_hash,
            at=signoff.created_at,
            decided_by=signoff.user.name,
            acting_for=signoff.acting_for,
        )


class Signatory(BaseModel):
    partner: str
    name: str
    at: Timestamp
    acting_for: str | None = Field(
        None, description="Set when a deputy signed: 'the chief officer of <partner>'."
    )


class Publication(BaseModel):
    """A published text, signed by every partner."""

    id: RowId
    title: str
    revision: RowId
    hash: str
    published_at: Timestamp
    url: Url
    signatories: list[Signatory]

    @classmethod
    def of(cls, position: models.Position, publication: models.Publication) -> "Publication":
        signed = sorted(publication.signatories, key=lambda s: s.partner.name.casefold())
        return cls(
            id=position.id,
            title=publication.revision.title,
            revision=publication.revision.number,
            hash=publication.revision.content_hash,
            published_at=publication.published_at,
            url=url_for("public.position", slug=position.slug, _external=True),
            signatories=[
                Signatory(
                    partner=s.partner.name,
                    name=s.user.name,
                    at=s.created_at,
                    acting_for=s.acting_for,
                )
                for s in signed
            ],
        )


# ---- undoing what all partners did together, and one partner's dissent ----------------------


class MotionPartner(BaseModel):
    partner: Slug
    state: gov.ConfirmationState
    reason: str | None = Field(description="Why, when this partner confirmed.")


class JointMotion(BaseModel):
    """A withdrawal or a reopening, and where every partner's chief officer stands on it."""

    motion: gov.Motion
    subject: int = Field(description="The published revision, or the agree-to-differ outcome.")
    hash: str = Field(description="The content hash of the revision, or of the statements.")
    carried: bool = Field(description="Every partner confirmed: it is done.")
    partners: list[MotionPartner]

    @classmethod
    def of(cls, state: gov.MotionState) -> "JointMotion":
        return cls(
            motion=state.subject.motion,
            subject=state.subject.number,
            hash=state.subject.content_hash,
            carried=state.carried,
            partners=[
                MotionPartner(
                    partner=s.partner.slug,
                    state=s.state,
                    reason=s.confirmation.reason if s.confirmation else None,
                )
                for s in state.standings
            ],
        )


class Dissent(BaseModel):
    """A partner's statement that it no longer supports a published position."""

    partner: Slug
    reason: str
    since: Timestamp
    retracted_at: Timestamp | None

    @classmethod
    def of(cls, dissent: models.Dissent) -> "Dissent":
        return cls(
            partner=dissent.partner.slug,
            reason=dissent.reason,
            since=dissent.created_at,
            retracted_at=dissent.retracted_at,
        )
