"""The dashboard's lists are the consensus rules said in SQL (app/dashboard/queries.py); here
they must say what the core says (positions.consensus.assess) on random sign-off histories.

Each example is an alliance of 2 to 5 partners (and sometimes one that is not active, whose
people see nothing to sign), a few positions, and a random run of edits, approvals, objections,
everyone approving, and publications, all through the services. A model kept beside it records
every decision as the core sees it (partner, revision number and hash, approve or object, in
order), every current revision and every publication; from the model alone `assess` and
`status_of` say, for each position, whether it is open, where each partner stands, and whether
it may be published. For every chief officer, a policy officer and the comms officer, the
dashboard's lists must then be exactly what follows:

- awaiting my partner: open, and my partner is required and has not decided on this text
  (awaiting, or its approval has gone stale);
- my stale approvals: open, and my partner's latest decision is my approval of an earlier text;
- objections: open, and some required partner's latest decision is an objection;
- ready to publish: open, and every required partner approves the current text.

Each example runs inside the test's transaction and is rolled back when it ends.
"""

from dataclasses import dataclass, field
from datetime import datetime

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.alliance.settings import clock_of
from app.dashboard.queries import dashboard
from app.extensions import db
from positions import consensus as core
from tests.support.factories import (
    approve,
    make_area,
    make_partner,
    make_position,
    make_user,
    publish,
    revise,
)

AT = datetime(2024, 6, 1, 9, 0)
NAMES = ["Upland", "Harbourside", "Riverbank", "Fenland", "Moorland"]
OPEN = (core.PositionStatus.DRAFT, core.PositionStatus.AGREED)
# Weighted towards decisions, so that texts are often agreed before an edit makes them stale.
KINDS = ["approve"] * 4 + ["object", "edit", "edit", "everyone", "everyone", "publish"]

steps = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(0, 3), st.integers(0, len(NAMES) - 1)),
    min_size=5,
    max_size=40,
)


@dataclass
class Model:
    """What the core is told: every decision, the current text and the published one."""

    partners: list[core.Partner]
    signoffs: dict[int, list[core.SignOff]] = field(default_factory=dict)
    current: dict[int, core.Revision] = field(default_factory=dict)
    published: dict[int, int | None] = field(default_factory=dict)

    def consensus(self, position_id: int) -> core.Consensus:
        day = clock_of(db.session).today()
        return core.assess(
            self.partners, self.signoffs[position_id], self.current[position_id], day
        )

    def status(self, position_id: int) -> core.PositionStatus:
        return core.status_of(self.consensus(position_id), self.published[position_id])

    def decide(self, position_id: int, chief, decision: core.Decision) -> None:
        history = self.signoffs[position_id]
        current = self.current[position_id]
        history.append(
            core.SignOff(
                partner_id=chief.partner_id,
                revision_number=current.number,
                content_hash=current.content_hash,
                decision=decision,
                at=AT,  # one instant: the core orders them by sequence, the order they were made
                sequence=len(history),
            )
        )

    def edited(self, position_id: int, revision) -> None:
        self.current[position_id] = core.Revision(revision.number, revision.content_hash)

    def expected(self, viewer) -> dict[str, set[int]]:
        lists = {"awaiting": set(), "objections": set(), "ready": set()}
        for position_id in self.current:
            consensus = self.consensus(position_id)
            if self.status(position_id) not in OPEN:
                continue
            mine = next((s for s in consensus.standings if s.partner.id == viewer.partner_id), None)
            if mine is not None and mine.state in (
                core.PartnerState.AWAITING,
                core.PartnerState.STALE,
            ):
                lists["awaiting"].add(position_id)
            if consensus.count(core.PartnerState.OBJECTED):
                lists["objections"].add(position_id)
            if consensus.publishable:
                lists["ready"].add(position_id)
        return lists


def shown(viewer) -> dict[str, set[int]]:
    board = dashboard(db.session, viewer)
    lists = {
        "awaiting": [p.id for p in board.awaiting_my_partner],
        "objections": [p.id for p in board.objections],
        "ready": [p.id for p in board.ready_to_publish],
    }
    for name, ids in lists.items():
        assert len(ids) == len(set(ids)), f"{name} lists a position twice: {ids}"
    return {name: set(ids) for name, ids in lists.items()}


def build(partner_count: int, inactive: bool, position_count: int):
    names = NAMES[:partner_count]
    partners = [make_partner(name) for name in names]
    if inactive:
        partners.append(make_partner("Old Mill", active=False))
    area = make_area()
    chiefs = [make_user(f"chief@{p.slug}.test", "chief_officer", partner=p) for p in partners]
    officer = make_user(f"policy@{partners[0].slug}.test", "policy_officer", partner=partners[0])
    comms = make_user("comms@alliance.test", "comms")
    positions = [
        make_position(officer, title=f"Position {i}", body=f"Text {i}, first draft.", area=area)
        for i in range(position_count)
    ]
    model = Model(partners=[p.as_core() for p in partners])
    for position in positions:
        model.signoffs[position.id] = []
        model.published[position.id] = None
        model.edited(position.id, position.current_revision)
    active_chiefs = chiefs[:partner_count]
    return model, positions, active_chiefs, chiefs + [officer, comms], officer, comms


@settings(
    max_examples=50,
    deadline=None,
    # The app and its session are the test's; each example rolls back all it wrote.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    partner_count=st.integers(2, 5),
    inactive=st.booleans(),
    position_count=st.integers(1, 4),
    history=steps,
)
def test_the_dashboard_lists_what_the_core_says(
    app, session, partner_count, inactive, position_count, history
):
    try:
        model, positions, chiefs, viewers, officer, comms = build(
            partner_count, inactive, position_count
        )
        edits = 0
        for kind, which, who in history:
            position = positions[which % len(positions)]
            pid = position.id
            if kind == "edit":
                edits += 1
                revise(officer, position, f"Text {which}, edit {edits}.")
                model.edited(pid, position.current_revision)
            elif kind in ("approve", "object"):
                chief = chiefs[who % len(chiefs)]
                decision = core.Decision(kind)
                approve(chief, position, decision.value, "Not this." if kind == "object" else "")
                model.decide(pid, chief, decision)
            elif kind == "everyone":
                for chief in chiefs:
                    approve(chief, position)
                    model.decide(pid, chief, core.Decision.APPROVE)
            elif kind == "publish" and model.status(pid) is core.PositionStatus.AGREED:
                publish(comms, position)
                model.published[pid] = model.current[pid].number
        db.session.flush()
        for position in positions:  # the status the app keeps is the core's, too
            assert position.status == model.status(position.id), position.title
        for viewer in viewers:
            expected = model.expected(viewer)
            assert shown(viewer) == expected, viewer.email
            for name, ids in expected.items():  # --hypothesis-show-statistics tells how often
                event(f"{name} listed" if ids else f"{name} empty")
    finally:
        db.session.rollback()
