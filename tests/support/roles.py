"""The world of roles: one person of each role the permission table names, and the data every
route of the app is tried on, with one realistic request per route and method.

Harbourside (partner A) owns the data; Moorland's people are the other partner's (see
tests/support/permissions.py). Every internal record carries SECRET, which no answer to a
signed-out visitor may show. tests/app/system/test_permissions.py walks every route with every
role; tests/app/api/test_openapi.py and tests/app/system/test_schemathesis.py call the API on
this data.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from app.accounts import services as accounts
from app.alliance.services import administration
from app.audit import services as audit
from app.deputies import services as deputations
from app.discussion import services as discussion
from app.divergence.services import amendments, differ, stances
from app.drafting.models import Position
from app.drafting.services import cycle, governance
from app.extensions import db
from app.meetings.models import Appearance, Flag, Meeting
from app.meetings.services import appearances, feeds, mandates
from app.notifications.models import MailStatus, Notification
from app.notifications.services import mail, outbox
from app.signatories import services as signatories
from positions.notifying import Kind, Recipient
from tests.support.factories import (
    PASSWORD,
    make_meeting,
    make_position,
    make_user,
    publish,
    revise,
)
from tests.support.permissions import (
    ADMIN,
    ANON,
    CHIEF,
    COMMS,
    OTHER_CHIEF,
    OTHER_POLICY,
    POLICY,
)
from tests.support.world import Alliance

SECRET = "zq-internal-7731"  # in every internal record; never in an answer to a signed-out tab
NEW_PASSWORD = "a different long passphrase 42"
FAR_FUTURE = date(2999, 1, 1)


@dataclass
class Case:
    method: str
    path: str
    form: dict | None = None
    json: dict | None = None
    relogin: bool = False  # the request signs its client out (a welcome link, signing out)
    after: object = None  # a clean-up to run after the request
    secret_ok: bool = False  # a secret link: its holder reads internal records by design


@dataclass
class World:
    """Harbourside (partner A) owns the data; Moorland's people are the other partner's."""

    alliance: Alliance
    users: dict = field(default_factory=dict)
    serial: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self):
        a = self.alliance
        self.users = {
            ANON: None,
            ADMIN: a.admin,
            CHIEF: a.chiefs["harbourside"],
            POLICY: a.officers["harbourside"],
            COMMS: a.comms,
            OTHER_CHIEF: a.chiefs["moorland"],
            OTHER_POLICY: a.officers["moorland"],
        }
        self.chief, self.policy = self.users[CHIEF], self.users[POLICY]
        self.area = a.area
        # A draft with two revisions, partner A's stance and an open amendment.
        self.draft = self.position()
        revise(self.policy, self.draft, f"Second draft {SECRET}.")
        stances.set_stance(
            db.session,
            self.chief,
            self.draft.id,
            "harbourside",
            view="support",
            rationale=f"Why {SECRET}",
        )
        self.amendment = self.propose(self.draft)
        self.published = self.approved(title="Clean rivers")
        publish(a.comms, self.published)
        # Every partner's statement written: ready for agree-to-differ confirmations.
        self.differing = self.position()
        for officer in a.officers.values():
            differ.write_statement(db.session, officer, self.differing.id, text=f"We {SECRET}")
        # An internal meeting at which partner A's chief spoke for the alliance (flagged).
        self.meeting = self.internal_meeting()
        self.appearance = self.speak(self.meeting)
        self.organisation_id = self.meeting.counterparts[0].organisation_id
        mandates.grant_mandate(
            db.session, a.admin, user=self.policy.id, areas=[self.area.id], starts_on="2024-01-01"
        )
        _, self.feed_token = feeds.create_feed(db.session, self.chief, "mine")
        self.invitation = self.invite()
        self.throwaway = make_user("throwaway@example.org", "comms")  # its password is reset
        self.visitor = make_user("visitor@example.org", "comms")  # signs in on a fresh tab
        self.tokens = {
            role: accounts.issue_token(db.session, user, "permissions")
            for role, user in self.users.items()
            if user is not None
        }
        audit.make_checkpoint(db.session, b"test-checkpoint-key-not-for-production")
        db.session.commit()

    def n(self) -> int:
        return next(self.serial)

    def future_partner(self) -> str:
        """A partner joining far in the future: never a signatory of the world's positions."""
        partner = administration.add_partner(
            db.session, None, name=f"Future {self.n()}", joined_on=FAR_FUTURE
        )
        db.session.commit()
        return partner.slug

    def pending_appointment(self) -> int:
        """A request to make someone a second chief officer of partner A, waiting for its chief."""
        appointee = make_user(
            f"appointee{self.n()}@example.org", "chief_officer", partner=self.chief.partner
        )
        db.session.commit()
        return signatories.pending_for_person(db.session, appointee)[0].id

    def spare_person(self, *, active: bool = True) -> int:
        user = make_user(f"spare{self.n()}@example.org", "policy_officer")
        user.active = active
        db.session.commit()
        return user.id

    def spare_area(self) -> str:
        area = administration.add_area(db.session, None, name=f"Spare area {self.n()}")
        db.session.commit()
        return area.slug

    def settings_form(self) -> dict:
        """The configured name and zone again (the app keeps them for every later test)."""
        return {
            "name": current_app.config["ALLIANCE_NAME"],
            "time_zone": current_app.config["ALLIANCE_TIMEZONE"],
            "public_introduction": "We speak together.",
            "accountable_partner": "harbourside",
        }

    # ---- fresh data for one try ---------------------------------------------------------------

    def position(self, title: str | None = None, body: str = f"Draft {SECRET}.") -> Position:
        title = title or f"Draft {self.n()} {SECRET}"
        position = make_position(self.policy, title=title, body=body)
        db.session.commit()
        return position

    def ready(self) -> Position:
        """A draft of partner A's policy officer, up for sign-off."""
        position = self.position()
        cycle.mark_ready(db.session, self.policy, position.id)
        db.session.commit()
        return position

    def period(self) -> dict:
        """A future period of its own, so no two tries' deputations overlap."""
        start = date(2040, 1, 1) + timedelta(days=10 * self.n())
        return {"starts_on": start.isoformat(), "ends_on": (start + timedelta(2)).isoformat()}

    def deputation(self, *, pending: bool = False) -> int:
        """Partner A's policy officer deputising for it: named by its chief, or (pending) by an
        admin."""
        period = self.period()
        row = deputations.name_deputy(
            db.session,
            self.alliance.admin if pending else self.chief,
            partner_id=self.policy.partner_id,
            deputy_id=self.policy.id,
            starts_on=date.fromisoformat(period["starts_on"]),
            ends_on=date.fromisoformat(period["ends_on"]),
        )
        db.session.commit()
        return row.id

    def note(self, *, resolved: bool = False) -> int:
        """Partner A's internal note on the draft, by its policy officer (resolved, or open)."""
        thread = discussion.start_thread(
            db.session,
            self.policy,
            self.draft.id,
            body=f"Note {self.n()} {SECRET}",
            paragraph=0,
            visibility="partner",
        )
        if resolved:
            discussion.set_resolved(db.session, self.policy, thread.id, resolved=True)
        db.session.commit()
        return thread.id

    def chief_comment(self) -> int:
        """A comment partner A's chief just wrote in its note (editable for a while)."""
        comment = discussion.reply(
            db.session, self.chief, self.note(), body=f"Comment {self.n()} {SECRET}"
        )
        db.session.commit()
        return comment.id

    def approved(self, title: str | None = None) -> Position:
        """Unanimously approved, not yet published: nothing secret, since it may be published."""
        position = self.position(title=title or f"Agreed {self.n()}", body="Agreed text.")
        self.alliance.approve_all(position)
        db.session.commit()
        return position

    def published_fresh(self) -> Position:
        """Published by every partner: public, so nothing secret in it."""
        position = self.approved()
        publish(self.alliance.comms, position)
        db.session.commit()
        return position

    def dissented(self) -> Position:
        """Published, and each partner's chief has said it no longer supports it."""
        position = self.published_fresh()
        for chief in self.alliance.chiefs.values():
            governance.state_dissent(db.session, chief, position.id, reason="No longer.")
        db.session.commit()
        return position

    def propose(self, position: Position) -> int:
        amendment = amendments.propose(
            db.session,
            self.policy,
            position.id,
            base_number=position.current_revision.number,
            body=f"Amended {self.n()} {SECRET}.",
            reason=f"Because {SECRET}",
        )
        db.session.commit()
        return amendment.number

    def agreed_to_differ(self) -> Position:
        """Published as agreed to differ: public, so nothing secret in it."""
        position = self.position(title=f"Differ {self.n()}", body="Our views.")
        for officer in self.alliance.officers.values():
            differ.write_statement(db.session, officer, position.id, text="We differ.")
        for chief in self.alliance.chiefs.values():
            differ.confirm(db.session, chief, position.id)
        db.session.commit()
        return position

    def internal_meeting(self) -> Meeting:
        return make_meeting(
            self.alliance.comms,
            title=f"Briefing {self.n()} {SECRET}",
            audience=(f"Ministry {SECRET}",),
            areas=(self.area,),
        )

    def speak(self, meeting: Meeting) -> Appearance:
        appearance = appearances.record_appearance(
            db.session,
            self.alliance.comms,
            meeting.id,
            speaker=self.chief.id,
            capacity="alliance",
            positions=[self.draft.id],
            summary=f"Said {SECRET}",
        )
        db.session.commit()
        return appearance

    def flag(self) -> int:
        appearance = self.speak(self.internal_meeting())
        flag = db.session.execute(
            select(Flag).where(Flag.appearance_id == appearance.id).limit(1)
        ).scalar_one()
        return flag.id

    def token_of_chief(self) -> int:
        accounts.issue_token(db.session, self.chief, "to revoke")
        db.session.commit()
        return accounts.tokens_of(db.session, self.chief)[0].id

    def notification_of_chief(self) -> int:
        [message_id] = outbox.notify(
            db.session,
            Kind.OBJECTION,
            [Recipient(self.chief.id, f"a test {SECRET}")],
            link=f"/positions/{self.draft.id}",
            about=("position", self.draft.id),
            title=self.draft.title,
            partner="Moorland",
            signer="Someone",
            revision=1,
            comment="",
        )
        db.session.commit()
        return message_id

    def failed_mail(self) -> int:
        message = db.session.get(Notification, self.notification_of_chief())
        message.mail_status = MailStatus.FAILED
        message.attempts = 8
        db.session.commit()
        return message.id

    def feed_of_chief(self) -> int:
        feed, _ = feeds.create_feed(db.session, self.chief, "to revoke")
        db.session.commit()
        return feed.id

    def invite(self) -> str:
        user = accounts.invite_user(
            db.session,
            self.alliance.admin,
            email=f"invitee{self.n()}@example.org",
            name="Invited Person",
            roles=["policy_officer"],
            partner_slug="harbourside",
        )
        db.session.commit()
        return accounts.account_link_token(user, "invite", current_app.config["SECRET_KEY"])

    def restore_password(self, role: str):
        def restore():
            user = self.users[role]
            if user is None:
                return
            user.password_hash = accounts.generate_password_hash(PASSWORD)
            db.session.commit()

        return restore


def meeting_form(title: str) -> dict:
    return {
        "title": title,
        "starts_at": "2026-03-02T10:00",
        "ends_at": "2026-03-02T11:00",
        "kind": "meeting",
        "status": "planned",
        "areas": [],
        "audience-0-organisation": f"Ministry {SECRET}",
        "audience-0-person": "A. Official",
    }


def appearance_form(w: World) -> dict:
    return {
        "speaker": str(w.chief.id),
        "capacity": "alliance",
        "positions": [str(w.draft.id)],
        "summary": f"Said {SECRET}",
    }


# ---- one realistic request per route and method --------------------------------------------


def cases(w: World, role: str) -> dict[tuple[str, str], Case]:
    """The request each role tries on each route; writes get fresh data of their own."""
    d, p, m = w.draft.id, w.published, w.meeting.id
    api = "/api/v1"
    c = {
        # signing in, accounts, administration
        ("auth.login", "GET"): lambda: Case("GET", "/login"),
        ("auth.login", "POST"): lambda: Case(
            "POST", "/login", form={"email": w.visitor.email, "password": PASSWORD}
        ),
        ("auth.logout", "POST"): lambda: Case("POST", "/logout", relogin=True),
        ("account.profile", "GET"): lambda: Case("GET", "/account"),
        ("account.profile", "POST"): lambda: Case(
            "POST",
            "/account",
            form={"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
            after=w.restore_password(role),
        ),
        ("account.tokens", "GET"): lambda: Case("GET", "/account/tokens"),
        ("account.tokens", "POST"): lambda: Case("POST", "/account/tokens", form={"name": "x"}),
        ("account.revoke", "POST"): lambda: Case(
            "POST", f"/account/tokens/{w.token_of_chief()}/revoke"
        ),
        ("account.welcome", "GET"): lambda: Case("GET", f"/welcome/{w.invitation}"),
        ("account.welcome", "POST"): lambda: Case(
            "POST",
            f"/welcome/{w.invite()}",
            form={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
            relogin=True,
        ),
        ("admin.audit_log", "GET"): lambda: Case("GET", "/admin/audit?verify=1&what=position"),
        ("admin.audit_csv", "GET"): lambda: Case("GET", "/admin/audit.csv?who=admin"),
        ("admin.people", "GET"): lambda: Case("GET", "/admin/people"),
        ("admin.people", "POST"): lambda: Case(
            "POST",
            "/admin/people",
            form={
                "email": f"new{w.n()}@example.org",
                "name": "New Person",
                "partner": "harbourside",
                "roles": ["policy_officer"],
            },
        ),
        ("admin.reset", "POST"): lambda: Case("POST", f"/admin/people/{w.throwaway.id}/reset"),
        ("setup.start", "GET"): lambda: Case("GET", "/setup?token=guess"),
        ("setup.start", "POST"): lambda: Case(
            "POST",
            "/setup",
            form={"token": "guess", "name": "Take-over", "partners": "Mine", "time_zone": "UTC"},
        ),
        ("admin.person", "GET"): lambda: Case("GET", f"/admin/people/{w.throwaway.id}"),
        ("admin.person", "POST"): lambda: Case(
            "POST",
            f"/admin/people/{w.spare_person()}",
            form={"partner": "harbourside", "roles": ["policy_officer", "comms"]},
        ),
        ("admin.deactivate", "POST"): lambda: Case(
            "POST", f"/admin/people/{w.spare_person()}/deactivate"
        ),
        ("admin.reactivate", "POST"): lambda: Case(
            "POST", f"/admin/people/{w.spare_person(active=False)}/reactivate"
        ),
        ("admin.sign_out", "POST"): lambda: Case(
            "POST", f"/admin/people/{w.spare_person()}/sign-out"
        ),
        ("auth.second_factor", "GET"): lambda: Case("GET", "/login/code"),
        ("auth.second_factor", "POST"): lambda: Case("POST", "/login/code", form={"code": "1"}),
        ("signatories.waiting", "GET"): lambda: Case("GET", "/signatories"),
        ("signatories.confirm", "POST"): lambda: Case(
            "POST", f"/signatories/{w.pending_appointment()}/confirm"
        ),
        ("signatories.decline", "POST"): lambda: Case(
            "POST", f"/signatories/{w.pending_appointment()}/decline"
        ),
        ("account.sign_out_everywhere", "POST"): lambda: Case(
            "POST", "/account/sign-out-everywhere"
        ),
        ("alliance.page", "GET"): lambda: Case("GET", "/admin/alliance"),
        ("alliance.page", "POST"): lambda: Case("POST", "/admin/alliance", form=w.settings_form()),
        ("alliance.add_partner", "POST"): lambda: Case(
            "POST",
            "/admin/alliance/partners",
            form={
                "new-partner-name": f"New partner {w.n()}",
                "new-partner-joined_on": "2999-01-01",
            },
        ),
        ("alliance.edit_partner", "POST"): lambda: (
            lambda slug: Case(
                "POST",
                f"/admin/alliance/partners/{slug}",
                form={f"p-{slug}-name": f"Renamed {w.n()}", f"p-{slug}-joined_on": "2999-01-01"},
            )
        )(w.future_partner()),
        ("alliance.add_area", "POST"): lambda: Case(
            "POST", "/admin/alliance/areas", form={"new-area-name": f"New area {w.n()}"}
        ),
        ("alliance.edit_area", "POST"): lambda: (
            lambda slug: Case(
                "POST",
                f"/admin/alliance/areas/{slug}",
                form={f"a-{slug}-name": f"Renamed area {w.n()}", f"a-{slug}-retired": "y"},
            )
        )(w.spare_area()),
        ("alliance.merge_area", "POST"): lambda: (
            lambda slug: Case(
                "POST",
                f"/admin/alliance/areas/{slug}/merge",
                form={f"merge-{slug}-into": w.spare_area()},
            )
        )(w.spare_area()),
        # positions on the web
        ("dashboard.index", "GET"): lambda: Case("GET", "/"),
        ("drafting.index", "GET"): lambda: Case("GET", "/positions/?q=draft"),
        ("drafting.new", "GET"): lambda: Case("GET", "/positions/new"),
        ("drafting.new", "POST"): lambda: Case(
            "POST",
            "/positions/new",
            form={"title": f"New {w.n()} {SECRET}", "area": w.area.id, "body": SECRET},
        ),
        ("drafting.show", "GET"): lambda: Case("GET", f"/positions/{d}"),
        ("drafting.edit", "GET"): lambda: Case("GET", f"/positions/{d}/edit"),
        ("drafting.edit", "POST"): lambda: Case(
            "POST",
            f"/positions/{w.position().id}/edit",
            form={"title": f"Edited {SECRET}", "body": SECRET, "base_revision": 1, "note": "e"},
        ),
        ("drafting.history", "GET"): lambda: Case("GET", f"/positions/{d}/history"),
        ("drafting.compare_view", "GET"): lambda: Case("GET", f"/positions/{d}/compare?from=1"),
        ("drafting.sign_off", "POST"): lambda: Case(
            "POST",
            f"/positions/{w.position().id}/signoff",
            form={"revision": 1, "decision": "approve", "comment": "Fine."},
        ),
        ("drafting.publish", "POST"): lambda: Case(
            "POST", f"/positions/{w.approved().id}/publish", form={"revision": 1}
        ),
        ("drafting.ready", "POST"): lambda: Case(
            "POST",
            f"/positions/{w.position().id}/ready",
            form={"ready-decision_due": "2040-01-31", "ready-note": SECRET},
        ),
        ("drafting.take_back", "POST"): lambda: Case(
            "POST", f"/positions/{w.ready().id}/take-back", form={}
        ),
        ("discussion.start", "POST"): lambda: Case(
            "POST",
            f"/discussion/positions/{d}/threads",
            form={"body": f"On {w.n()} {SECRET}", "paragraph": 0, "visibility": "alliance"},
        ),
        ("discussion.reply", "POST"): lambda: Case(
            "POST", f"/discussion/threads/{w.note()}/replies", form={"body": f"Re {SECRET}"}
        ),
        ("discussion.resolve", "POST"): lambda: Case(
            "POST", f"/discussion/threads/{w.note()}/resolve", form={}
        ),
        ("discussion.reopen", "POST"): lambda: Case(
            "POST", f"/discussion/threads/{w.note(resolved=True)}/reopen", form={}
        ),
        ("discussion.edit", "POST"): lambda: Case(
            "POST",
            f"/discussion/comments/{w.chief_comment()}/edit",
            form={"body": f"Edited {w.n()} {SECRET}"},
        ),
        ("discussion.history", "GET"): lambda: Case(
            "GET", f"/discussion/comments/{w.chief_comment()}/history"
        ),
        ("deputies.index", "GET"): lambda: Case("GET", "/deputies/"),
        ("figures.index", "GET"): lambda: Case("GET", "/figures/"),
        ("figures.cycle_times_chart", "GET"): lambda: Case("GET", "/figures/cycle-times.svg"),
        ("figures.timeline_chart", "GET"): lambda: Case(
            "GET", f"/figures/positions/{w.ready().id}/timeline.svg"
        ),
        ("deputies.name", "POST"): lambda: Case(
            "POST",
            "/deputies/",
            form={"partner": w.policy.partner_id, "deputy": w.policy.id, **w.period()},
        ),
        ("deputies.confirm", "POST"): lambda: Case(
            "POST", f"/deputies/{w.deputation(pending=True)}/confirm", form={}
        ),
        ("deputies.revoke", "POST"): lambda: Case(
            "POST", f"/deputies/{w.deputation()}/revoke", form={}
        ),
        ("drafting.preview", "POST"): lambda: Case(
            "POST", "/positions/preview", form={"body": "**b**"}
        ),
        ("divergence.board_view", "GET"): lambda: Case("GET", "/divergence/"),
        ("divergence.set_stance", "POST"): lambda: Case(
            "POST",
            f"/positions/{d}/stance",
            form={"stance": "oppose", "rationale": f"{w.n()} {SECRET}"},
        ),
        ("divergence.propose_amendment", "GET"): lambda: Case(
            "GET", f"/positions/{d}/amendments/new"
        ),
        ("divergence.propose_amendment", "POST"): lambda: Case(
            "POST",
            f"/positions/{d}/amendments/new",
            form={"base_revision": 2, "body": f"Other {w.n()} {SECRET}", "reason": SECRET},
        ),
        ("divergence.amendment", "GET"): lambda: Case(
            "GET", f"/positions/{d}/amendments/{w.amendment}"
        ),
        ("divergence.accept_amendment", "POST"): lambda: _fresh_amendment(w, "accept"),
        ("divergence.decline_amendment", "POST"): lambda: Case(
            "POST",
            f"/positions/{d}/amendments/{w.propose(w.draft)}/decline",
            form={"reason": SECRET},
        ),
        ("divergence.differ_page", "GET"): lambda: Case(
            "GET", f"/positions/{w.differing.id}/differ"
        ),
        ("divergence.differ_page", "POST"): lambda: Case(
            "POST", f"/positions/{w.differing.id}/differ", form={"statement": f"Ours {SECRET}"}
        ),
        ("divergence.confirm_differ", "POST"): lambda: Case(
            "POST", f"/positions/{w.differing.id}/differ/confirm"
        ),
        ("divergence.reopen", "POST"): lambda: Case(
            "POST",
            f"/positions/{w.agreed_to_differ().id}/reopen",
            form={"reopen-reason": "Views have moved."},
        ),
        ("divergence.timeline", "GET"): lambda: Case("GET", f"/positions/{d}/timeline"),
        ("divergence.review_date", "POST"): lambda: Case(
            "POST", f"/positions/{d}/review-date", form={"review_by": "2030-01-31"}
        ),
        ("divergence.withdraw", "POST"): lambda: Case(
            "POST",
            f"/positions/{w.published_fresh().id}/withdraw",
            form={"withdraw-revision": 1, "withdraw-reason": SECRET},
        ),
        ("divergence.archive", "POST"): lambda: Case(
            "POST", f"/positions/{w.position().id}/archive", form={"archive-reason": SECRET}
        ),
        ("divergence.dissent", "POST"): lambda: Case(
            "POST",
            f"/positions/{w.published_fresh().id}/dissent",
            form={"dissent-reason": SECRET},
        ),
        ("divergence.retract_dissent", "POST"): lambda: Case(
            "POST", f"/positions/{w.dissented().id}/dissent/retract"
        ),
        # the public record
        ("public.index", "GET"): lambda: Case("GET", "/public/"),
        ("public.position", "GET"): lambda: Case("GET", f"/public/{p.slug}"),
        ("public.checkpoint", "GET"): lambda: Case("GET", "/public/checkpoint.json"),
        ("public.document", "GET"): lambda: Case("GET", f"/public/{p.slug}/document.docx"),
        ("public.feed", "GET"): lambda: Case("GET", "/public/feed.atom"),
        ("search.page", "GET"): lambda: Case("GET", "/search?q=rents"),
        ("search.public", "GET"): lambda: Case("GET", "/public/search?q=rents"),
        ("wording.page", "GET"): lambda: Case("GET", "/wording"),
        ("wording.check", "POST"): lambda: Case(
            "POST", "/wording", {"text": "We ask for fair rents in every town."}
        ),
        ("static", "GET"): lambda: Case("GET", "/static/concord.css"),
        # the spokesperson log
        ("meetings.index", "GET"): lambda: Case("GET", "/meetings/?when=past"),
        ("meetings.show", "GET"): lambda: Case("GET", f"/meetings/{m}"),
        ("meetings.new", "GET"): lambda: Case("GET", "/meetings/new"),
        ("meetings.new", "POST"): lambda: Case(
            "POST", "/meetings/new", form=meeting_form(f"New {w.n()} {SECRET}")
        ),
        ("meetings.edit", "GET"): lambda: Case("GET", f"/meetings/{m}/edit"),
        ("meetings.edit", "POST"): lambda: Case(
            "POST", f"/meetings/{m}/edit", form=meeting_form(f"Briefing {SECRET}")
        ),
        ("meetings.briefing", "GET"): lambda: Case("GET", f"/meetings/{m}/briefing"),
        ("meetings.briefing_pdf", "GET"): lambda: Case("GET", f"/meetings/{m}/briefing.pdf"),
        ("meetings.new_appearance", "GET"): lambda: Case("GET", f"/meetings/{m}/appearances/new"),
        ("meetings.new_appearance", "POST"): lambda: Case(
            "POST",
            f"/meetings/{w.internal_meeting().id}/appearances/new",
            form=appearance_form(w),
        ),
        ("meetings.edit_appearance", "GET"): lambda: Case(
            "GET", f"/meetings/appearances/{w.appearance.id}/edit"
        ),
        ("meetings.edit_appearance", "POST"): lambda: Case(
            "POST", f"/meetings/appearances/{w.appearance.id}/edit", form=appearance_form(w)
        ),
        ("meetings.log_index", "GET"): lambda: Case("GET", "/meetings/log"),
        ("meetings.log_csv", "GET"): lambda: Case("GET", "/meetings/log.csv"),
        ("meetings.position_log", "GET"): lambda: Case("GET", f"/meetings/positions/{d}"),
        ("meetings.audiences", "GET"): lambda: Case("GET", "/meetings/audiences"),
        ("meetings.audience", "GET"): lambda: Case(
            "GET", f"/meetings/audiences/{w.organisation_id}"
        ),
        ("meetings.audience", "POST"): lambda: Case(
            "POST",
            f"/meetings/audiences/{w.organisation_id}",
            form={"alias": f"Alias {w.n()} {SECRET}"},
        ),
        ("meetings.flags", "GET"): lambda: Case("GET", "/meetings/flags"),
        ("meetings.review", "POST"): lambda: Case(
            "POST", f"/meetings/flags/{w.flag()}/review", form={"note": f"Checked {SECRET}"}
        ),
        ("meetings.mandates_page", "GET"): lambda: Case("GET", "/meetings/mandates"),
        ("meetings.mandates_page", "POST"): lambda: Case(
            "POST",
            "/meetings/mandates",
            form={
                "user": str(w.policy.id),
                "areas": [w.area.id],
                "starts_on": "2025-01-01",
                "note": SECRET,
            },
        ),
        ("meetings.calendar_links", "GET"): lambda: Case("GET", "/meetings/calendar"),
        ("meetings.calendar_links", "POST"): lambda: Case(
            "POST", "/meetings/calendar", form={"name": "phone"}
        ),
        ("meetings.revoke_calendar", "POST"): lambda: Case(
            "POST", f"/meetings/calendar/{w.feed_of_chief()}/revoke"
        ),
        ("meetings.calendar_feed", "GET"): lambda: Case(
            "GET", f"/meetings/calendar/{w.feed_token}.ics", secret_ok=True
        ),
        ("meetings.public_calendar", "GET"): lambda: Case("GET", "/meetings/public.ics"),
        # the JSON API
        ("api.openapi", "GET"): lambda: Case("GET", f"{api}/openapi.json"),
        ("operations.healthz", "GET"): lambda: Case("GET", "/healthz"),
        ("operations.readyz", "GET"): lambda: Case("GET", "/readyz"),
        ("metrics.metrics", "GET"): lambda: Case("GET", "/metrics"),
        ("api.published", "GET"): lambda: Case("GET", f"{api}/published"),
        ("api.search", "GET"): lambda: Case("GET", f"{api}/search?q=rents"),
        ("api.search_published", "GET"): lambda: Case("GET", f"{api}/published/search?q=rents"),
        ("api.wording_check", "POST"): lambda: Case(
            "POST", f"{api}/wording-check", json={"text": "We ask for fair rents in every town."}
        ),
        ("api.partners", "GET"): lambda: Case("GET", f"{api}/partners"),
        ("api.create_partner", "POST"): lambda: Case(
            "POST",
            f"{api}/partners",
            json={"name": f"API partner {w.n()}", "joined_on": "2999-01-01"},
        ),
        ("api.update_partner", "PATCH"): lambda: Case(
            "PATCH", f"{api}/partners/{w.future_partner()}", json={"name": f"Renamed {w.n()}"}
        ),
        ("api.list_areas", "GET"): lambda: Case("GET", f"{api}/areas"),
        ("api.create_area", "POST"): lambda: Case(
            "POST", f"{api}/areas", json={"name": f"API area {w.n()}"}
        ),
        ("api.update_area", "PATCH"): lambda: Case(
            "PATCH", f"{api}/areas/{w.spare_area()}", json={"retired": True}
        ),
        ("api.merge_area", "POST"): lambda: Case(
            "POST", f"{api}/areas/{w.spare_area()}/merge", json={"into": w.spare_area()}
        ),
        ("api.list_people", "GET"): lambda: Case("GET", f"{api}/people"),
        ("api.invite_person", "POST"): lambda: Case(
            "POST",
            f"{api}/people",
            json={"email": f"api{w.n()}@example.org", "name": "New", "roles": ["comms"]},
        ),
        ("api.update_person", "PATCH"): lambda: Case(
            "PATCH", f"{api}/people/{w.spare_person()}", json={"active": False}
        ),
        ("api.sign_out_person", "POST"): lambda: Case(
            "POST", f"{api}/people/{w.spare_person()}/sign-out"
        ),
        ("api.second_factor_status", "GET"): lambda: Case("GET", f"{api}/account/second-factor"),
        ("api.list_signatory_requests", "GET"): lambda: Case("GET", f"{api}/signatory-requests"),
        ("api.confirm_signatory_request", "POST"): lambda: Case(
            "POST", f"{api}/signatory-requests/{w.pending_appointment()}/confirm"
        ),
        ("api.decline_signatory_request", "POST"): lambda: Case(
            "POST", f"{api}/signatory-requests/{w.pending_appointment()}/decline"
        ),
        ("api.get_settings", "GET"): lambda: Case("GET", f"{api}/settings"),
        ("api.update_settings", "PATCH"): lambda: Case(
            "PATCH", f"{api}/settings", json=w.settings_form()
        ),
        ("api.list_positions", "GET"): lambda: Case("GET", f"{api}/positions"),
        ("api.create_position", "POST"): lambda: Case(
            "POST",
            f"{api}/positions",
            json={"title": f"API {w.n()} {SECRET}", "body": SECRET, "area": w.area.slug},
        ),
        ("api.show_position", "GET"): lambda: Case("GET", f"{api}/positions/{d}"),
        ("api.create_revision", "POST"): lambda: Case(
            "POST",
            f"{api}/positions/{w.position().id}/revisions",
            json={"body": f"New {SECRET}", "base_revision": 1, "note": "n"},
        ),
        ("api.list_revisions", "GET"): lambda: Case("GET", f"{api}/positions/{d}/revisions"),
        ("api.diff", "GET"): lambda: Case("GET", f"{api}/positions/{d}/diff?from=1&to=2"),
        ("api.sign_off", "POST"): lambda: Case(
            "POST",
            f"{api}/positions/{w.position().id}/signoffs",
            # A body naming partner A changes nothing: the signer's own partner decides.
            json={"revision": 1, "decision": "approve", "partner": "harbourside"},
        ),
        ("api.mark_ready", "POST"): lambda: Case(
            "POST", f"{api}/positions/{w.position().id}/ready", json={"note": SECRET}
        ),
        ("api.change_deadline", "POST"): lambda: Case(
            "POST", f"{api}/positions/{w.ready().id}/deadline", json={"decision_due": "2040-02-01"}
        ),
        ("api.take_back", "POST"): lambda: Case(
            "POST", f"{api}/positions/{w.ready().id}/take-back"
        ),
        ("api.list_threads", "GET"): lambda: Case("GET", f"{api}/positions/{d}/threads"),
        ("api.start_thread", "POST"): lambda: Case(
            "POST",
            f"{api}/positions/{d}/threads",
            json={"body": f"On {w.n()} {SECRET}", "quote": "Second draft"},
        ),
        ("api.get_thread", "GET"): lambda: Case("GET", f"{api}/threads/{w.note()}"),
        ("api.reply", "POST"): lambda: Case(
            "POST", f"{api}/threads/{w.note()}/comments", json={"body": f"Re {SECRET}"}
        ),
        ("api.resolve_thread", "POST"): lambda: Case(
            "POST", f"{api}/threads/{w.note()}/resolution", json={"resolved": True}
        ),
        ("api.edit_comment", "PUT"): lambda: Case(
            "PUT", f"{api}/comments/{w.chief_comment()}", json={"body": f"Edited {w.n()}"}
        ),
        ("api.comment_edits", "GET"): lambda: Case(
            "GET", f"{api}/comments/{w.chief_comment()}/edits"
        ),
        ("api.list_deputations", "GET"): lambda: Case("GET", f"{api}/deputations"),
        ("api.cycle_figures", "GET"): lambda: Case("GET", f"{api}/figures/cycle"),
        ("api.position_timeline", "GET"): lambda: Case(
            "GET", f"{api}/figures/positions/{w.ready().id}/timeline"
        ),
        ("api.name_deputy", "POST"): lambda: Case(
            "POST",
            f"{api}/deputations",
            json={"partner": w.policy.partner_id, "deputy": w.policy.id, **w.period()},
        ),
        ("api.confirm_deputation", "POST"): lambda: Case(
            "POST", f"{api}/deputations/{w.deputation(pending=True)}/confirm"
        ),
        ("api.revoke_deputation", "POST"): lambda: Case(
            "POST", f"{api}/deputations/{w.deputation()}/revoke"
        ),
        ("api.publish", "POST"): lambda: Case(
            "POST", f"{api}/positions/{w.approved().id}/publish", json={"revision": 1}
        ),
        ("api.get_stance", "GET"): lambda: Case("GET", f"{api}/positions/{d}/stances/harbourside"),
        ("api.put_stance", "PUT"): lambda: Case(
            "PUT",
            f"{api}/positions/{d}/stances/harbourside",
            json={"stance": "reservations", "rationale": f"{w.n()} {SECRET}"},
        ),
        ("api.list_amendments", "GET"): lambda: Case("GET", f"{api}/positions/{d}/amendments"),
        ("api.propose_amendment", "POST"): lambda: Case(
            "POST",
            f"{api}/positions/{d}/amendments",
            json={"base_revision": 2, "body": f"API {w.n()} {SECRET}", "reason": SECRET},
        ),
        ("api.accept_amendment", "POST"): lambda: _fresh_amendment(w, "accept", api=True),
        ("api.decline_amendment", "POST"): lambda: Case(
            "POST",
            f"{api}/positions/{d}/amendments/{w.propose(w.draft)}/decline",
            json={"reason": SECRET},
        ),
        ("api.divergence_board", "GET"): lambda: Case("GET", f"{api}/divergence"),
        ("api.differ_statement", "POST"): lambda: Case(
            "POST", f"{api}/positions/{w.differing.id}/differ", json={"statement": SECRET}
        ),
        ("api.withdraw", "POST"): lambda: Case(
            "POST",
            f"{api}/positions/{w.published_fresh().id}/withdrawal",
            json={"revision": 1, "reason": SECRET},
        ),
        ("api.archive", "POST"): lambda: Case(
            "POST", f"{api}/positions/{w.position().id}/archive", json={"reason": SECRET}
        ),
        ("api.state_dissent", "POST"): lambda: Case(
            "POST", f"{api}/positions/{w.published_fresh().id}/dissents", json={"reason": SECRET}
        ),
        ("api.retract_dissent", "POST"): lambda: Case(
            "POST", f"{api}/positions/{w.dissented().id}/dissents/retract"
        ),
        ("api.differ_reopen", "POST"): lambda: Case(
            "POST",
            f"{api}/positions/{w.agreed_to_differ().id}/differ/reopen",
            json={"reason": "Views have moved."},
        ),
        ("api.differ_confirm", "POST"): lambda: Case(
            "POST", f"{api}/positions/{w.differing.id}/differ/confirm", json={}
        ),
        ("api.timeline", "GET"): lambda: Case("GET", f"{api}/positions/{d}/timeline"),
        ("api.list_meetings", "GET"): lambda: Case("GET", f"{api}/meetings"),
        # notifications
        ("notifications.index", "GET"): lambda: Case("GET", "/notifications"),
        ("notifications.read", "POST"): lambda: Case(
            "POST", f"/notifications/{w.notification_of_chief()}/read"
        ),
        ("notifications.read_all", "POST"): lambda: Case("POST", "/notifications/read-all"),
        ("notifications.preferences", "GET"): lambda: Case("GET", "/notifications/preferences"),
        ("notifications.preferences", "POST"): lambda: Case(
            "POST", "/notifications/preferences", form={"objection": "digest"}
        ),
        ("notifications.unsubscribe", "GET"): lambda: Case(
            "GET", f"/notifications/unsubscribe/{mail.unsubscribe_token(w.chief.id, 'standing')}"
        ),
        ("notifications.unsubscribe", "POST"): lambda: Case(
            "POST", f"/notifications/unsubscribe/{mail.unsubscribe_token(w.chief.id, 'standing')}"
        ),
        ("notifications.sent_mail", "GET"): lambda: Case("GET", "/admin/mail?view=failed"),
        ("notifications.mail_message", "GET"): lambda: Case(
            "GET", f"/admin/mail/{w.notification_of_chief()}", secret_ok=True
        ),
        ("notifications.retry", "POST"): lambda: Case(
            "POST", f"/admin/mail/{w.failed_mail()}/retry"
        ),
        ("api.list_notifications", "GET"): lambda: Case("GET", f"{api}/notifications"),
        ("api.mark_notification_read", "POST"): lambda: Case(
            "POST", f"{api}/notifications/{w.notification_of_chief()}/read"
        ),
        ("api.mark_all_notifications_read", "POST"): lambda: Case(
            "POST", f"{api}/notifications/read-all"
        ),
        ("api.create_meeting", "POST"): lambda: Case(
            "POST",
            f"{api}/meetings",
            json={"title": SECRET, "starts_at": "2026-03-02T10:00", "audience": ["Ministry"]},
        ),
        ("api.show_meeting", "GET"): lambda: Case("GET", f"{api}/meetings/{m}"),
        ("api.update_meeting", "PATCH"): lambda: Case(
            "PATCH", f"{api}/meetings/{m}", json={"place": "Room 1"}
        ),
        ("api.record_appearance", "POST"): lambda: Case(
            "POST",
            f"{api}/meetings/{w.internal_meeting().id}/appearances",
            json={"speaker": w.chief.id, "capacity": "alliance", "summary": SECRET},
        ),
        ("api.list_appearances", "GET"): lambda: Case("GET", f"{api}/appearances"),
        ("api.list_mandates", "GET"): lambda: Case("GET", f"{api}/mandates"),
        ("api.grant_mandate", "POST"): lambda: Case(
            "POST",
            f"{api}/mandates",
            json={"user": w.policy.id, "areas": [w.area.slug], "starts_on": "2025-01-01"},
        ),
        ("api.list_flags", "GET"): lambda: Case("GET", f"{api}/flags"),
        ("api.review_flag", "POST"): lambda: Case(
            "POST", f"{api}/flags/{w.flag()}/review", json={"note": SECRET}
        ),
    }
    return c


def _fresh_amendment(w: World, action: str, *, api: bool = False) -> Case:
    position = w.position()
    number = w.propose(position)
    prefix = "/api/v1" if api else ""
    return Case("POST", f"{prefix}/positions/{position.id}/amendments/{number}/{action}", json={})
