"""What happens elsewhere, turned into notifications: signal receivers and one-line calls.

Each runs in the transaction of the event, so its messages commit or roll back with it. Who is
told is decided in positions/notifying.py; here the facts are gathered and the message written.
"""

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.alliance.models import Partner
from app.alliance.settings import settings_of
from app.drafting import signals
from app.drafting.models import Position, Revision, SignOff
from app.notifications.services.inbox import mark_answered_by_decision
from app.notifications.services.outbox import notify
from positions import notifying as rules
from positions.audit import checkpoint_file
from positions.consensus import Decision, changed_since_decision
from positions.diffing import word_diff
from positions.notifying import Kind


def path_for(endpoint: str, **values) -> str:
    """A path inside the app, also outside a request (the command line, the sender)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def position_path(position_id: int) -> str:
    return path_for("drafting.show", position_id=position_id)


def writers_of(session: Session, position: Position) -> set[int]:
    """Everyone who authored or edited the position's text."""
    authors = session.execute(
        select(Revision.author_id).where(Revision.position_id == position.id).distinct()
    ).scalars()
    return {position.created_by_id, *authors}


def comms_people(session: Session) -> list[int]:
    people = session.execute(select(User.id, User.roles).where(User.active.is_(True)))
    return [uid for uid, roles in people if "comms" in roles.split(",")]


@signals.signed_off.connect
def on_signed_off(_sender=None, *, session: Session, signoff: SignOff) -> None:
    mark_answered_by_decision(session, signoff.user_id, signoff.position_id)
    if signoff.decision != Decision.OBJECT:
        return
    position = session.get(Position, signoff.position_id)
    notify(
        session,
        Kind.OBJECTION,
        rules.objection_recipients(
            writers=writers_of(session, position), objector=signoff.user_id, title=position.title
        ),
        link=position_path(position.id),
        about=("position", position.id),
        title=position.title,
        partner=signoff.partner.name,
        signer=signoff.user.name,
        revision=signoff.revision.number,
        comment=signoff.comment,
    )


@signals.readiness_changed.connect
def on_readiness_changed(_sender=None, *, session: Session, position_id: int, ready: bool) -> None:
    """Put up for sign-off: whoever signs for each partner that has not approved this text."""
    if not ready:
        return
    from app.drafting.services.consensus import consensus_for

    position = session.get(Position, position_id)
    standings = consensus_for(session, position).not_approving
    current = position.current_revision
    due = position.decision_due.strftime("%-d %B %Y") if position.decision_due else ""
    for standing in standings:
        # One call a partner: each is shown what changed since it last decided.
        partner = {standing.partner.id: standing.partner.name}
        since = changed_since_decision(standing, current.as_core())
        notify(
            session,
            Kind.SIGNOFF_REQUEST,
            rules.signoff_request_recipients(
                signers=signers_today(session, partner), actor=None, title=position.title
            ),
            link=position_path(position.id) + "#sign-off",
            about=("position", position.id),
            title=position.title,
            revision=current.number,
            due=due,
            note=position.ready_note or "",
            partner=standing.partner.name,
            since=since,
            **changes_since(session, position, since),
        )


def changes_since(session: Session, position: Position, number: int | None) -> dict:
    """The word diff from revision `number` to the current text, bounded for a mail."""
    if number is None:
        return {}
    from app.notifications.services.mail import absolute

    earlier = session.execute(
        select(Revision).where(Revision.position_id == position.id, Revision.number == number)
    ).scalar_one_or_none()
    current = position.current_revision
    if earlier is None:
        return {}
    excerpt = rules.diff_excerpt(word_diff(earlier.body, current.body))
    compare = path_for("drafting.compare_view", position_id=position.id)
    return {
        "diff": excerpt.text,
        "more": excerpt.more,
        "compare": absolute(compare + f"?from={number}&to={current.number}"),
    }


def signers_today(session: Session, partners: dict[int, str]) -> list[tuple[int, str]]:
    """(user id, partner name) of the active chief officers and the deputies in force today."""
    from app.alliance.settings import clock_of
    from app.deputies.models import Deputation
    from positions.deputies import acting_deputation

    chiefs = session.execute(
        select(User.id, User.partner_id, User.roles).where(
            User.active.is_(True), User.partner_id.in_(partners)
        )
    )
    found = [
        (uid, partners[partner]) for uid, partner, roles in chiefs
        if "chief_officer" in roles.split(",")
    ]  # fmt: skip
    day = clock_of(session).today()
    deputations = session.execute(
        select(Deputation).where(
            Deputation.partner_id.in_(partners),
            Deputation.revoked_at.is_(None),
            Deputation.starts_on <= day,
            Deputation.ends_on >= day,
        )
    ).scalars()
    found += [
        (d.deputy_id, partners[d.partner_id])
        for d in deputations
        if d.deputy.active
        and acting_deputation([d.as_core()], d.deputy_id, d.partner_id, day) is not None
    ]
    return found


@signals.revision_saved.connect
def on_revision_saved(
    _sender=None, *, session: Session, revision: Revision, previous: Revision
) -> None:
    """Approvals of the revision just replaced went stale: their signers decide again. An
    objection to an earlier text is answered by the new one: its partner's signers look again."""
    from app.drafting.services.consensus import latest_signoffs

    latest = latest_signoffs(session, [revision.position_id])[revision.position_id]
    _objections_answered(session, revision, latest)
    approvers = [
        s for s in latest if s.decision == Decision.APPROVE and s.revision_id == previous.id
    ]
    for signoff in approvers:
        notify(
            session,
            Kind.APPROVAL_STALE,
            rules.stale_approval_recipients(
                approvers=[signoff.user_id], editor=revision.author_id, title=revision.title
            ),
            link=path_for("drafting.compare_view", position_id=revision.position_id)
            + f"?from={previous.number}&to={revision.number}",
            about=("position", revision.position_id),
            title=revision.title,
            editor=revision.author.name,
            partner=signoff.partner.name,
            revision=revision.number,
        )


def _objections_answered(session: Session, revision: Revision, latest) -> None:
    position = session.get(Position, revision.position_id)
    for signoff in latest:
        if signoff.decision != Decision.OBJECT or signoff.revision.number >= revision.number:
            continue
        partner = {signoff.partner.id: signoff.partner.name}
        notify(
            session,
            Kind.OBJECTION_ANSWERED,
            rules.objection_answered_recipients(
                signers=signers_today(session, partner),
                editor=revision.author_id,
                title=revision.title,
            ),
            link=position_path(revision.position_id) + "#sign-off",
            about=("position", revision.position_id),
            title=revision.title,
            editor=revision.author.name,
            partner=signoff.partner.name,
            revision=revision.number,
            objected=signoff.revision.number,
            **changes_since(session, position, signoff.revision.number),
        )


STANDING_WORDS = {
    "published": "published as the alliance's position",
    "withdrawn": "withdrawn",
    "archived": "archived",
    "differ": "settled as an agreement to differ",
}


@signals.standing_changed.connect
def on_standing_changed(
    _sender=None, *, session: Session, position_id: int, actor_id: int | None = None
) -> None:
    """Told to everyone who took part, and comms; never to the person who did it."""
    position = session.get(Position, position_id)
    what = STANDING_WORDS.get(position.status, f"reopened (now {position.status})")
    signers = session.execute(
        select(SignOff.user_id).where(SignOff.position_id == position_id).distinct()
    ).scalars()
    notify(
        session,
        Kind.STANDING,
        rules.standing_recipients(
            participants=[*sorted(writers_of(session, position)), *signers],
            comms=comms_people(session),
            actor=actor_id,
            title=position.title,
        ),
        link=position_path(position.id),
        about=("position", position.id),
        title=position.title,
        what=what,
    )


# ---- one-line calls from other features --------------------------------------------------------


def amendment_proposed(session: Session, amendment) -> None:
    position = session.get(Position, amendment.position_id)
    notify(
        session,
        Kind.AMENDMENT_PROPOSED,
        rules.amendment_proposed_recipients(
            writers=writers_of(session, position),
            proposer=amendment.proposed_by_id,
            title=position.title,
        ),
        link=path_for("divergence.amendment", position_id=position.id, number=amendment.number),
        about=("amendment", amendment.id),
        title=position.title,
        proposer=amendment.proposed_by.name,
        number=amendment.number,
    )


def amendment_decided(session: Session, amendment, decider: User) -> None:
    position = session.get(Position, amendment.position_id)
    notify(
        session,
        Kind.AMENDMENT_DECIDED,
        rules.amendment_decided_recipients(proposer=amendment.proposed_by_id, decider=decider.id),
        link=path_for("divergence.amendment", position_id=position.id, number=amendment.number),
        about=("amendment", amendment.id),
        title=position.title,
        decider=decider.name,
        outcome=amendment.status,
        number=amendment.number,
    )


def token_created(session: Session, user: User, name: str) -> None:
    notify(
        session,
        Kind.TOKEN_CREATED,
        [rules.Recipient(user.id, "a token was created on your account")],
        link=path_for("account.tokens"),
        token_name=name,
    )


def _tell_mandate_holder(session: Session, mandate, *, ending: bool, **context) -> None:
    notify(
        session,
        Kind.MANDATE,
        rules.mandate_recipients(holder=mandate.user_id),
        link=path_for("meetings.mandates_page"),
        about=("mandate", mandate.id),
        ending=ending,
        areas=", ".join(a.name for a in mandate.areas),
        starts=mandate.starts_on.strftime("%-d %B %Y"),
        ends=mandate.ends_on.strftime("%-d %B %Y") if mandate.ends_on else "",
        note=mandate.note,
        **context,
    )


def mandate_granted(session: Session, mandate) -> None:
    """The holder learns what they may now speak on for the alliance, and until when."""
    _tell_mandate_holder(session, mandate, ending=False, granter=mandate.granted_by.name)


def mandate_ending(session: Session, mandate) -> None:
    """The holder learns, once, that the mandate ends within the week."""
    _tell_mandate_holder(session, mandate, ending=True)


def account_link(session: Session, user: User, purpose: str, token: str) -> None:
    """An invitation or password-reset link, mailed to the person (the admin sees it too)."""
    from app.accounts.services import LINK_LIFETIMES

    kind = Kind.INVITATION if purpose == "invite" else Kind.PASSWORD_RESET
    days = LINK_LIFETIMES[purpose].days
    notify(
        session,
        kind,
        [rules.Recipient(user.id, "an admin of your alliance asked Concord to send it")],
        link=path_for("account.welcome", token=token),
        alliance=settings_of(session).name,
        lifetime=f"{days} day{'s' if days != 1 else ''}" if days else "24 hours",
    )


def checkpoint_made(session: Session, checkpoint) -> None:
    """Each active partner's chief officers get the signed checkpoint to keep, in the mail."""
    chiefs = session.execute(
        select(User.id, User.roles, Partner.name)
        .join(Partner, Partner.id == User.partner_id)
        .where(User.active.is_(True), Partner.active.is_(True))
        .order_by(User.id)
    )
    notify(
        session,
        Kind.CHECKPOINT,
        rules.checkpoint_recipients(
            (uid, partner) for uid, roles, partner in chiefs if "chief_officer" in roles.split(",")
        ),
        link=path_for("public.checkpoint"),
        about=("checkpoint", checkpoint.seq),
        checkpoint=checkpoint,
        checkpoint_json=checkpoint_file(checkpoint).strip(),
    )


def flags_raised(session: Session, flags) -> None:
    """A flag on the spokesperson log is for comms to review."""
    comms = comms_people(session)
    for flag in flags:
        appearance = flag.appearance
        notify(
            session,
            Kind.APPEARANCE_FLAGGED,
            rules.flagged_appearance_recipients(comms=comms),
            link=path_for("meetings.flags"),
            about=("appearance", appearance.id),
            meeting=appearance.meeting.title,
            flag=flag.detail,
        )


def signed_in(session: Session, user: User, *, known_browser: bool) -> None:
    """A sign-in from a browser new to this account: its owner hears of it (a security message,
    never switched off), unless it is the account's first sign-in."""
    from app.accounts.models import SignIn
    from app.alliance.settings import clock_of

    before = session.execute(select(SignIn.id).where(SignIn.user_id == user.id).limit(1)).first()
    if not rules.warn_of_new_browser(known_browser=known_browser, signed_in_before=bool(before)):
        return
    clock = clock_of(session)
    now = clock.local(clock.now())
    notify(
        session,
        Kind.NEW_BROWSER,
        [rules.Recipient(user.id, "someone signed in to your account")],
        link=path_for("account.profile"),  # where to change the password, sign out everywhere
        when=now.strftime("%-d %B %Y, %H:%M"),
    )
