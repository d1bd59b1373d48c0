"""Stances, amendments, the divergence board, agree-to-differ and the timeline in the JSON API."""

from pydantic import BaseModel, Field

from app.api.fields import (
    Body,
    IdFilter,
    OptionalText,
    RevisionNumber,
    RowId,
    Slug,
    Text,
    Timestamp,
    choice,
)
from app.divergence import models
from app.divergence.queries import board, timeline
from app.divergence.services.differ import DifferState
from app.drafting.schemas import StatusFilter
from positions import consensus as core
from positions import divergence as rules

# ---- requests ----------------------------------------------------------------------------------


class StanceRequest(Body):
    stance: choice(rules.View)
    rationale: OptionalText = ""


class AmendmentRequest(Body):
    base_revision: RevisionNumber
    body: Text
    reason: Text


class DeclineRequest(Body):
    reason: Text


class StatementRequest(Body):
    statement: Text


class BoardQuery(Body):
    # Junk in either filter is ignored, as on the web page: the board is shown unfiltered.
    area: IdFilter = Field(None, description="A policy area's id.")
    status: StatusFilter = Field(None, description="Only positions in this status.")


# ---- answers -----------------------------------------------------------------------------------


class Stance(BaseModel):
    """A partner's working view of a position; undecided until its officers say."""

    partner: Slug
    stance: rules.View
    rationale: str
    by: str | None
    at: Timestamp | None

    @classmethod
    def of(cls, stance: models.Stance | None, partner_slug: str) -> "Stance":
        if stance is None:
            return cls(partner=partner_slug, stance="undecided", rationale="", by=None, at=None)
        return cls(
            partner=partner_slug,
            stance=stance.view,
            rationale=stance.rationale,
            by=stance.user.name,
            at=stance.created_at,
        )


class Amendment(BaseModel):
    """A proposed wording, and whether it still applies to the current text."""

    number: RowId
    base_revision: RowId
    partner: Slug | None
    proposed_by: str
    body: str
    reason: str
    status: rules.AmendmentStatus
    applies: rules.AmendmentFit | None
    decision_reason: str | None
    result_revision: RowId | None
    created_at: Timestamp

    @classmethod
    def of(cls, amendment: models.Amendment, fit: rules.AmendmentFit | None = None) -> "Amendment":
        return cls(
            number=amendment.number,
            base_revision=amendment.base_revision.number,
            partner=amendment.partner.slug if amendment.partner else None,
            proposed_by=amendment.proposed_by.name,
            body=amendment.body,
            reason=amendment.reason,
            status=amendment.status,
            applies=fit,
            decision_reason=amendment.decision_reason,
            result_revision=(
                amendment.result_revision.number if amendment.result_revision else None
            ),
            created_at=amendment.created_at,
        )


class BoardPartner(BaseModel):
    slug: Slug
    name: str


class BoardCell(BaseModel):
    partner: Slug
    stance: rules.View
    signoff: core.PartnerState
    no_longer_supports: bool = Field(
        description="The partner has said it no longer supports the published text."
    )


class BoardRow(BaseModel):
    id: RowId
    title: str
    area: str
    status: core.PositionStatus
    trend: rules.Trend
    spread: int
    partners: list[BoardCell]


class DivergenceBoard(BaseModel):
    """Where the partners' views diverge: positions by partners, stance and sign-off state."""

    partners: list[BoardPartner]
    positions: list[BoardRow]
    summary: dict[str, dict[rules.Trend, int]] = Field(
        description="Per area slug: how many positions have each trend."
    )

    @classmethod
    def of(cls, data: board.Board) -> "DivergenceBoard":
        return cls(
            partners=[BoardPartner(slug=p.slug, name=p.name) for p in data.partners],
            positions=[
                BoardRow(
                    id=row.position.id,
                    title=row.position.title,
                    area=row.position.area.slug,
                    status=row.position.status,
                    trend=row.trend,
                    spread=row.divergence.spread,
                    partners=[
                        BoardCell(
                            partner=c.partner.slug,
                            stance=c.view,
                            signoff=c.state,
                            no_longer_supports=c.no_longer_supports,
                        )
                        for c in row.cells
                    ],
                )
                for row in data.rows
            ],
            summary=data.summary,
        )


class DifferPartner(BaseModel):
    partner: Slug
    statement: str | None
    confirmed: bool


class Differ(BaseModel):
    """The partners' agree-to-differ statements and who has confirmed them."""

    published: bool
    statements_hash: str | None
    partners: list[DifferPartner]

    @classmethod
    def of(cls, state: DifferState) -> "Differ":
        return cls(
            published=state.published is not None,
            statements_hash=state.outcome.statements_hash,
            partners=[
                DifferPartner(
                    partner=s.partner.slug,
                    statement=s.statement.text if s.statement else None,
                    confirmed=s.state == core.PartnerState.APPROVED,
                )
                for s in state.outcome.standings
            ],
        )


class TimelineEvent(BaseModel):
    at: Timestamp
    kind: str = Field(
        description="revision, stance, amendment, signoff, publication, differ or governance."
    )
    who: str
    partner: str | None
    text: str
    revision: int | None

    @classmethod
    def of(cls, event: timeline.Event) -> "TimelineEvent":
        return cls(
            at=event.at,
            kind=event.kind,
            who=event.who,
            partner=event.partner,
            text=event.text,
            revision=event.revision,
        )
