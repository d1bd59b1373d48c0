"""Who is told about what, how, and when a failed delivery is tried again.

Pure rules: the shell hands in plain facts (who authored, who signed, who is in comms) and gets
back the people to tell and why. Adding a kind of notification is one Kind, one entry in KINDS
and one template (app/notifications/templates/notifications/mail/<kind>.txt).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from positions.cycle import DUE_SOON_WORKING_DAYS, WorkingCalendar
from positions.diffing import Change, Op
from positions.roles import Actor, Role


class Kind(StrEnum):
    SIGNOFF_REQUEST = "signoff_request"  # ready for sign-off, and my partner still to decide
    OBJECTION = "objection"  # an objection on a position I authored or edited
    APPROVAL_STALE = "approval_stale"  # a new revision made my partner's approval stale
    STANDING = "standing"  # published, withdrawn, agreed to differ, reopened
    AMENDMENT_PROPOSED = "amendment_proposed"  # someone proposed an amendment to my position
    AMENDMENT_DECIDED = "amendment_decided"  # my amendment was accepted or declined
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"
    TOKEN_CREATED = "token_created"
    APPEARANCE_FLAGGED = "appearance_flagged"
    CHECKPOINT = "checkpoint"  # a signed audit checkpoint, for each partner to keep
    MENTION = "mention"  # someone wrote @me in a discussion I may read
    COMMENT = "comment"  # a comment in a discussion on a position I authored or edited
    DECISION_DUE = "decision_due"  # my partner's decision is due in two working days
    OVERDUE = "overdue"  # my partner's decision is past its deadline
    OBJECTION_ANSWERED = "objection_answered"  # a new revision answers my partner's objection
    MEETING_TOMORROW = "meeting_tomorrow"  # I speak at a meeting tomorrow
    NEW_BROWSER = "new_browser"  # someone signed in to my account from a browser new to it
    MANDATE = "mandate"  # I may speak for the alliance on some areas, or that ends soon
    DIGEST = "digest"  # the daily email gathering what each person chose to get that way


class Delivery(StrEnum):
    IMMEDIATELY = "immediately"
    DIGEST = "digest"
    IN_APP = "in_app"


@dataclass(frozen=True)
class KindRule:
    label: str  # what the person chooses about on their preferences page
    security: bool = False  # cannot be switched off, always sent at once
    by_email: bool = True  # written to the outbox as mail (else in the app only)
    in_app: bool = True  # shown in the inbox (not for links that must stay private to mail)
    choosable: bool = True  # offered on the preferences page, with an unsubscribe link


KINDS: dict[Kind, KindRule] = {
    Kind.SIGNOFF_REQUEST: KindRule("A position is ready for my partner's decision"),
    Kind.OBJECTION: KindRule("An objection to a position I wrote or edited"),
    Kind.APPROVAL_STALE: KindRule("My partner's approval went stale after an edit"),
    Kind.STANDING: KindRule("A position I took part in was published, withdrawn or set to differ"),
    Kind.AMENDMENT_PROPOSED: KindRule("An amendment proposed to a position I wrote or edited"),
    Kind.AMENDMENT_DECIDED: KindRule("My amendment was accepted or declined"),
    Kind.INVITATION: KindRule("An invitation to Concord", security=True, in_app=False),
    Kind.PASSWORD_RESET: KindRule("A password reset link", security=True, in_app=False),
    Kind.TOKEN_CREATED: KindRule("A new API token on my account", security=True),
    Kind.APPEARANCE_FLAGGED: KindRule("A spokesperson appearance was flagged"),
    # Each partner holding its own copy is what makes a rewrite of the record detectable.
    Kind.CHECKPOINT: KindRule("An audit checkpoint for my partner to keep", security=True),
    Kind.MENTION: KindRule("Someone mentioned me in a discussion on a position"),
    Kind.COMMENT: KindRule("A comment on a position I wrote or edited"),
    Kind.DECISION_DUE: KindRule("My partner's decision is due in two working days"),
    Kind.OVERDUE: KindRule("My partner's decision is overdue"),
    Kind.OBJECTION_ANSWERED: KindRule("A new revision answers my partner's objection"),
    Kind.MEETING_TOMORROW: KindRule("A meeting tomorrow at which I speak"),
    Kind.NEW_BROWSER: KindRule("A sign-in to my account from a new browser", security=True),
    Kind.MANDATE: KindRule("A mandate to speak for the alliance granted to me, or ending soon"),
    # Its items are in the inbox already; each person's choices decide what it gathers.
    Kind.DIGEST: KindRule("The daily digest", in_app=False, choosable=False),
}


# The messages that ask a signer to decide on a position: their decision answers them, so they
# leave the signer's unread count (the bell counts what still needs them).
ANSWERED_BY_DECIDING = frozenset(
    {
        Kind.SIGNOFF_REQUEST,
        Kind.APPROVAL_STALE,
        Kind.OBJECTION_ANSWERED,
        Kind.DECISION_DUE,
        Kind.OVERDUE,
    }
)


def choosable_kinds() -> list[Kind]:
    """The kinds a person may set a preference for: never the security messages."""
    return [kind for kind, rule in KINDS.items() if rule.choosable and not rule.security]


def delivery_for(kind: Kind, preference: Delivery | None) -> Delivery:
    """How a message of `kind` reaches a person who chose `preference` (None: not chosen)."""
    if KINDS[kind].security or preference is None:
        return Delivery.IMMEDIATELY
    return preference


@dataclass(frozen=True)
class Recipient:
    user_id: int
    reason: str  # "You receive this because …": said in every message


def _unique(recipients: Iterable[Recipient], *, leave_out: int | None) -> list[Recipient]:
    """One message a person: the first reason wins; the person who acted is not told."""
    chosen: dict[int, Recipient] = {}
    for recipient in recipients:
        if recipient.user_id != leave_out and recipient.user_id not in chosen:
            chosen[recipient.user_id] = recipient
    return sorted(chosen.values(), key=lambda r: r.user_id)


def objection_recipients(*, writers: Iterable[int], objector: int, title: str) -> list[Recipient]:
    """An objection reaches everyone who authored or edited the text."""
    reason = f"you wrote or edited “{title}”"
    return _unique((Recipient(uid, reason) for uid in writers), leave_out=objector)


def signoff_request_recipients(
    *, signers: Iterable[tuple[int, str]], actor: int | None, title: str
) -> list[Recipient]:
    """Ready for sign-off: whoever signs today for each partner still to decide (its chief
    officers and deputies in force), as (user id, partner name)."""
    return _unique(
        (
            Recipient(uid, f"you sign for {partner}, which has yet to decide on “{title}”")
            for uid, partner in signers
        ),
        leave_out=actor,
    )


def checkpoint_recipients(chiefs: Iterable[tuple[int, str]]) -> list[Recipient]:
    """A new checkpoint goes to every chief officer of every active partner, as (user id,
    partner name): each partner keeps its own copy, so no one else can rewrite the record."""
    return _unique(
        (
            Recipient(uid, f"you keep {partner}'s copy of the alliance's audit checkpoints")
            for uid, partner in chiefs
        ),
        leave_out=None,
    )


def stale_approval_recipients(
    *, approvers: Iterable[int], editor: int, title: str
) -> list[Recipient]:
    """A new revision makes the approvals on the old one stale: their signers must look again."""
    reason = f"you approved an earlier revision of “{title}”"
    return _unique((Recipient(uid, reason) for uid in approvers), leave_out=editor)


def standing_recipients(
    *, participants: Iterable[int], comms: Iterable[int], actor: int | None, title: str
) -> list[Recipient]:
    """Published, withdrawn or set to differ: everyone who took part, and comms."""
    took_part = (Recipient(uid, f"you took part in “{title}”") for uid in participants)
    in_comms = (Recipient(uid, "you work in communications") for uid in comms)
    return _unique([*took_part, *in_comms], leave_out=actor)


def amendment_proposed_recipients(
    *, writers: Iterable[int], proposer: int, title: str
) -> list[Recipient]:
    reason = f"you wrote or edited “{title}”"
    return _unique((Recipient(uid, reason) for uid in writers), leave_out=proposer)


def amendment_decided_recipients(*, proposer: int, decider: int) -> list[Recipient]:
    return _unique([Recipient(proposer, "you proposed the amendment")], leave_out=decider)


def flagged_appearance_recipients(*, comms: Iterable[int]) -> list[Recipient]:
    return _unique(
        (Recipient(uid, "you keep the spokesperson log") for uid in comms), leave_out=None
    )


def mention_recipients(*, mentioned: Iterable[int], author: int, title: str) -> list[Recipient]:
    """Named with an @ in a comment (only ever among the people who may read the thread)."""
    reason = f"you were mentioned in a discussion on “{title}”"
    return _unique((Recipient(uid, reason) for uid in mentioned), leave_out=author)


def comment_recipients(
    *,
    writers: Iterable[int],
    readers: Iterable[int],
    mentioned: Iterable[int],
    author: int,
    title: str,
) -> list[Recipient]:
    """A comment reaches the position's writers who may read its thread (a partner's internal
    note stays within that partner), but not its author, nor anyone @mentioned in it (they are
    told so already)."""
    may_read, told = set(readers), set(mentioned)
    reason = f"you wrote or edited “{title}”"
    return _unique(
        (Recipient(uid, reason) for uid in writers if uid in may_read and uid not in told),
        leave_out=author,
    )  # fmt: skip


def objection_answered_recipients(
    *, signers: Iterable[tuple[int, str]], editor: int, title: str
) -> list[Recipient]:
    """A new revision after a partner objected: whoever signs for that partner today (its
    chief officers and deputies in force) looks again; the editor knows already."""
    return _unique(
        (
            Recipient(
                uid, f"you sign for {partner}, which objected to an earlier text of “{title}”"
            )
            for uid, partner in signers
        ),
        leave_out=editor,
    )


# ---- reminders: date-driven, sent by a timer command (`flask notify due`) ------------------------

OVERDUE_ESCALATION_WORKING_DAYS = 3  # then the alliance's admins are told too


@dataclass(frozen=True)
class Reminder:
    kind: Kind  # DECISION_DUE or OVERDUE
    day: date  # what it is about: the deadline (due soon) or the overdue day (overdue)
    late: int = 0  # working days past the deadline
    escalated: bool = False  # admins are told too

    def key(self, *, position_id: int, revision: int, partner_id: int) -> str:
        """Recorded when sent, unique: the same reminder never goes twice. Due soon is one
        reminder per deadline; overdue one per working day it stays overdue."""
        return f"{self.kind}:{position_id}:{revision}:{partner_id}:{self.day.isoformat()}"


def reminder_for(due: date, today: date, calendar: WorkingCalendar) -> Reminder | None:
    """Which reminder a partner still to decide gets today, if any: only on working days.

    Due soon from two working days before the deadline (once per deadline, so a run missed on
    the day is caught up the next); overdue each working day after it, and after three overdue
    working days the admins hear of it too.
    """
    if not calendar.is_working_day(today):
        return None
    if today > due:
        late = calendar.working_days_between(due, today)
        return Reminder(
            Kind.OVERDUE, today, late=late, escalated=late >= OVERDUE_ESCALATION_WORKING_DAYS
        )
    if calendar.working_days_between(today, due) <= DUE_SOON_WORKING_DAYS:
        return Reminder(Kind.DECISION_DUE, due)
    return None


def reminder_recipients(
    *,
    reminder: Reminder,
    signers: Iterable[tuple[int, str]],
    admins: Iterable[int],
    title: str,
) -> list[Recipient]:
    """Whoever signs for the partner today; the admins too once it is long overdue."""
    if reminder.kind is Kind.OVERDUE:
        reason = "you sign for {partner}, whose decision on “{title}” is overdue"
    else:
        reason = "you sign for {partner}, whose decision on “{title}” is due soon"
    told = [Recipient(uid, reason.format(partner=partner, title=title)) for uid, partner in signers]
    if reminder.escalated:
        told += [
            Recipient(uid, f"you are an admin, and a decision on “{title}” is "
                           f"{reminder.late} working days overdue")
            for uid in admins
        ]  # fmt: skip
    return _unique(told, leave_out=None)


def meeting_reminder_key(*, meeting_id: int, speaker_id: int, day: date) -> str:
    """One "meeting tomorrow" per speaker and meeting day (a move to another day is news)."""
    return f"{Kind.MEETING_TOMORROW}:{meeting_id}:{speaker_id}:{day.isoformat()}"


def meets_tomorrow(meeting_day: date, today: date) -> bool:
    return meeting_day == today + timedelta(days=1)


def meeting_tomorrow_recipients(*, speakers: Iterable[int], title: str) -> list[Recipient]:
    reason = f"you are down to speak at “{title}”"
    return _unique((Recipient(uid, reason) for uid in speakers), leave_out=None)


MANDATE_ENDING_DAYS = 7  # "your mandate ends soon": a week ahead, time to ask for another


def mandate_recipients(*, holder: int) -> list[Recipient]:
    return [Recipient(holder, "the mandate is yours")]


def mandate_ending_key(*, mandate_id: int, ends_on: date) -> str:
    """One "ends soon" per mandate and end date."""
    return f"{Kind.MANDATE}:ending:{mandate_id}:{ends_on.isoformat()}"


def mandate_ends_soon(*, ends_on: date | None, granted_on: date, today: date) -> bool:
    """From MANDATE_ENDING_DAYS before its last day until that day; not for a mandate granted
    that close to its end (the message that granted it said when it ends)."""
    if ends_on is None or not today <= ends_on <= today + timedelta(days=MANDATE_ENDING_DAYS):
        return False
    return granted_on < ends_on - timedelta(days=MANDATE_ENDING_DAYS)


def warn_of_new_browser(*, known_browser: bool, signed_in_before: bool) -> bool:
    """A sign-in from a browser this account never used: worth a word to its owner, unless it
    is the account's very first sign-in (every browser is new then)."""
    return signed_in_before and not known_browser


# ---- the changes in a sign-off request ----------------------------------------------------------

DIFF_CHANGES_SHOWN = 8
DIFF_CONTEXT_WORDS = 5
DIFF_PIECE_CHARS = 160


def _flat(text: str) -> str:
    return " ".join(text.split())


def _cut(text: str, limit: int = DIFF_PIECE_CHARS) -> str:
    text = _flat(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class DiffExcerpt:
    lines: tuple[str, ...]  # one line per change: "… some words [-old-]{+new+} more …"
    more: int  # changes not shown

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def diff_excerpt(
    changes: list[Change],
    *,
    shown: int = DIFF_CHANGES_SHOWN,
    context: int = DIFF_CONTEXT_WORDS,
) -> DiffExcerpt:
    """A word diff for a plain-text email: each change as [-removed-]{+added+} with a few words
    either side, at most `shown` changes (a run of removals and additions is one change)."""
    edits: list[tuple[int, int]] = []  # [start, end) index ranges of non-equal runs
    i = 0
    while i < len(changes):
        if changes[i].op is Op.EQUAL:
            i += 1
            continue
        start = i
        while i < len(changes) and changes[i].op is not Op.EQUAL:
            i += 1
        edits.append((start, i))
    lines = []
    for start, end in edits[:shown]:
        before = changes[start - 1].text.split() if start > 0 else []
        after = changes[end].text.split() if end < len(changes) else []
        head = ("… " if len(before) > context else "") + " ".join(before[-context:])
        tail = " ".join(after[:context]) + (" …" if len(after) > context else "")
        marked = "".join(
            f"[-{_cut(c.text)}-]" if c.op is Op.DELETE else f"{{+{_cut(c.text)}+}}"
            for c in changes[start:end]
            if _flat(c.text)
        )
        if not marked:
            marked = "(line breaks)"
        lines.append(" ".join(part for part in (head.strip(), marked, tail.strip()) if part))
    return DiffExcerpt(tuple(lines), max(0, len(edits) - shown))


def is_comms(actor: Actor) -> bool:
    return actor.has(Role.COMMS)


DIGEST_HOUR = 7  # weekday mornings, in the alliance's time zone


def digest_cutoff(now_local: datetime, *, hour: int = DIGEST_HOUR) -> datetime | None:
    """Messages queued before this moment go into this morning's digest; None: no digest now.

    Weekday mornings from `hour` on; what waited over the weekend goes out on Monday. Asking again
    later the same day gathers only what is older than the cutoff, so nothing goes twice.
    """
    if now_local.weekday() >= 5 or now_local.hour < hour:
        return None
    return now_local.replace(hour=hour, minute=0, second=0, microsecond=0)


# ---- delivery ----------------------------------------------------------------------------------

MAX_ATTEMPTS = 8  # then the failure is permanent and shown to admins
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)


def retry_at(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed tries: doubling waits; None once given up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    wait = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)
    return now + wait


def is_permanent(smtp_code: int | None) -> bool:
    """A 5xx answer from the mail server will not change on retry (a bad address, say)."""
    return smtp_code is not None and 500 <= smtp_code < 600
