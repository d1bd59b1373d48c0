"""Cycle figures in the JSON API: the same numbers as the page, durations in working days."""

from datetime import date

from pydantic import BaseModel, Field

from app.api.fields import RowId, Slug, Timestamp
from positions import cycle_figures as core

METHOD = (
    "Durations are working days (weekends and the alliance country's bank holidays do not count; "
    "time of day does, in the alliance's time zone). Median and 90th percentile by the "
    "nearest-rank method. A period holds the cycles that became unanimous and the decisions "
    "made within it."
)


class Spread(BaseModel):
    count: int = Field(description="How many durations the figures are taken from.")
    median: float | None = Field(description="Working days; null when there are none.")
    p90: float | None = Field(description="90th percentile, in working days.")

    @classmethod
    def of(cls, s: core.Spread) -> "Spread":
        return cls(count=s.count, median=s.median, p90=s.p90)


class PartnerSpread(BaseModel):
    partner: Slug
    partner_name: str
    spread: Spread

    @classmethod
    def of(cls, p: core.PartnerSpread) -> "PartnerSpread":
        return cls(partner=p.partner.slug, partner_name=p.partner.name, spread=Spread.of(p.spread))


class Period(BaseModel):
    name: str = Field(description="quarter or year")
    starts_on: date
    ends_on: date = Field(description="Today, inclusive.")
    ready_to_unanimous: Spread
    ready_to_first_decision: list[PartnerSpread] = Field(
        description="Per partner, in alphabetical order (never ranked)."
    )

    @classmethod
    def of(cls, w: core.WindowFigures) -> "Period":
        return cls(
            name=w.window.name,
            starts_on=w.window.start,
            ends_on=w.window.end,
            ready_to_unanimous=Spread.of(w.to_unanimous),
            ready_to_first_decision=[PartnerSpread.of(p) for p in w.to_first_decision],
        )


class Month(BaseModel):
    month: str = Field(description="YYYY-MM, by the month unanimity came.")
    ready_to_unanimous: Spread

    @classmethod
    def of(cls, m: core.MonthFigures) -> "Month":
        return cls(month=m.month.strftime("%Y-%m"), ready_to_unanimous=Spread.of(m.to_unanimous))


class OverduePosition(BaseModel):
    position: RowId
    title: str
    decision_due: date
    waiting_for: list[Slug] = Field(description="Partners still to decide, alphabetically.")

    @classmethod
    def of(cls, p: core.OverduePosition) -> "OverduePosition":
        return cls(
            position=p.position_id,
            title=p.title,
            decision_due=p.decision_due,
            waiting_for=[w.slug for w in p.waiting_for],
        )


class OverdueShare(BaseModel):
    partner: Slug
    partner_name: str
    overdue_decisions: int
    share: float = Field(description="Of all overdue decisions, 0 to 1.")

    @classmethod
    def of(cls, s: core.PartnerShare) -> "OverdueShare":
        return cls(
            partner=s.partner.slug,
            partner_name=s.partner.name,
            overdue_decisions=s.count,
            share=round(s.share, 4),
        )


class CycleFigures(BaseModel):
    method: str = Field(description="How the figures are counted.")
    goal_working_days: float = Field(description="Ready to unanimous within this, typically.")
    periods: list[Period] = Field(description="The last quarter and the last year.")
    months: list[Month] = Field(description="The last twelve months, oldest first.")
    overdue: list[OverduePosition] = Field(description="Longest overdue first.")
    overdue_shares: list[OverdueShare] = Field(
        description="Each partner's share of overdue decisions, alphabetically (never ranked)."
    )
    open_cycles: int = Field(description="Positions up for sign-off now.")

    @classmethod
    def of(cls, f) -> "CycleFigures":
        return cls(
            method=METHOD,
            goal_working_days=f.target,
            periods=[Period.of(w) for w in f.windows],
            months=[Month.of(m) for m in f.months],
            overdue=[OverduePosition.of(p) for p in f.overdue.positions],
            overdue_shares=[OverdueShare.of(s) for s in f.overdue.shares],
            open_cycles=f.open_cycles,
        )


class TimelineDecision(BaseModel):
    decision: str = Field(description="approve or object")
    revision: RowId
    at: Timestamp
    working_days: float = Field(description="Since the position was marked ready.")
    decided_by: str


class TimelineLane(BaseModel):
    partner: Slug
    partner_name: str
    decisions: list[TimelineDecision]


class Timeline(BaseModel):
    position: RowId
    title: str
    ready_at: Timestamp
    decision_due: date | None = Field(description="While up for sign-off.")
    unanimous_at: Timestamp | None
    outcome: str | None = Field(description="published or taken_back; null while open.")
    working_days: float = Field(description="From ready to the end of the cycle, or to now.")
    partners: list[TimelineLane] = Field(description="Alphabetically.")

    @classmethod
    def of(cls, t: core.Timeline) -> "Timeline":
        return cls(
            position=t.position_id,
            title=t.title,
            ready_at=t.started_at,
            decision_due=t.decision_due,
            unanimous_at=t.unanimous_at,
            outcome=t.outcome,
            working_days=round(t.length, 4),
            partners=[
                TimelineLane(
                    partner=lane.partner.slug,
                    partner_name=lane.partner.name,
                    decisions=[
                        TimelineDecision(
                            decision=m.decision,
                            revision=m.revision,
                            at=m.at,
                            working_days=round(m.working_days, 4),
                            decided_by=m.decided_by,
                        )
                        for m in lane.marks
                    ],
                )
                for lane in t.lanes
            ],
        )
