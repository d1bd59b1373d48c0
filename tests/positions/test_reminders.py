"""Reminders, answered objections, meetings tomorrow, new browsers and the mailed word diff."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from positions import notifying as rules
from positions.cycle import WorkingCalendar
from positions.diffing import Op, word_diff
from positions.notifying import KINDS, Kind, Reminder

GB = WorkingCalendar("GB-ENG")
MONDAY = date(2026, 11, 23)  # no bank holiday that week
FRIDAY = MONDAY + timedelta(days=4)


def test_due_soon_from_two_working_days_before_the_deadline():
    assert rules.reminder_for(FRIDAY, MONDAY, GB) is None  # four working days left
    assert rules.reminder_for(FRIDAY, MONDAY + timedelta(days=2), GB) == Reminder(
        Kind.DECISION_DUE, FRIDAY
    )
    on_the_day = rules.reminder_for(FRIDAY, FRIDAY, GB)
    assert on_the_day is not None and on_the_day.kind is Kind.DECISION_DUE


def test_due_soon_counts_working_days_across_a_weekend():
    tuesday = MONDAY + timedelta(days=8)
    assert rules.reminder_for(tuesday, FRIDAY, GB) == Reminder(Kind.DECISION_DUE, tuesday)


def test_due_soon_is_one_reminder_per_deadline_whichever_day_it_is_sent():
    keys = {
        rules.reminder_for(FRIDAY, day, GB).key(position_id=1, revision=2, partner_id=3)
        for day in (MONDAY + timedelta(days=2), MONDAY + timedelta(days=3), FRIDAY)
    }
    assert keys == {f"decision_due:1:2:3:{FRIDAY.isoformat()}"}


def test_overdue_every_working_day_and_admins_told_after_three():
    next_monday = FRIDAY + timedelta(days=3)
    first = rules.reminder_for(MONDAY, MONDAY + timedelta(days=1), GB)
    assert first == Reminder(Kind.OVERDUE, MONDAY + timedelta(days=1), late=1, escalated=False)
    third = rules.reminder_for(MONDAY, MONDAY + timedelta(days=3), GB)
    assert third.late == 3 and third.escalated
    assert rules.reminder_for(MONDAY, next_monday, GB).late == 5
    one = first.key(position_id=1, revision=1, partner_id=1)
    other = third.key(position_id=1, revision=1, partner_id=1)
    assert one != other  # a new day, a new reminder


def test_no_reminder_at_the_weekend():
    saturday = FRIDAY + timedelta(days=1)
    assert rules.reminder_for(MONDAY, saturday, GB) is None
    assert rules.reminder_for(saturday + timedelta(days=2), saturday, GB) is None


def test_a_new_revision_is_a_new_reminder():
    reminder = Reminder(Kind.DECISION_DUE, FRIDAY)
    assert reminder.key(position_id=1, revision=1, partner_id=1) != reminder.key(
        position_id=1, revision=2, partner_id=1
    )


def test_reminders_reach_the_signers_and_admins_only_when_escalated():
    signers = [(5, "Moorland"), (6, "Moorland"), (5, "Moorland")]
    due = rules.reminder_recipients(
        reminder=Reminder(Kind.DECISION_DUE, FRIDAY), signers=signers, admins=[1], title="Rents"
    )
    assert [r.user_id for r in due] == [5, 6]
    assert due[0].reason == "you sign for Moorland, whose decision on “Rents” is due soon"
    late = Reminder(Kind.OVERDUE, FRIDAY, late=3, escalated=True)
    told = rules.reminder_recipients(reminder=late, signers=signers, admins=[1, 5], title="Rents")
    assert [r.user_id for r in told] == [1, 5, 6]
    assert "3 working days overdue" in told[0].reason
    assert "is overdue" in told[1].reason  # a signer who is also an admin hears it as a signer


def test_an_answered_objection_reaches_the_partners_signers_not_the_editor():
    told = rules.objection_answered_recipients(
        signers=[(7, "Riverbank"), (8, "Riverbank")], editor=8, title="Rents"
    )
    assert [r.user_id for r in told] == [7]
    assert "Riverbank, which objected" in told[0].reason


def test_meeting_tomorrow():
    assert rules.meets_tomorrow(MONDAY + timedelta(days=1), MONDAY)
    assert not rules.meets_tomorrow(MONDAY, MONDAY)
    assert [r.user_id for r in rules.meeting_tomorrow_recipients(speakers=[3, 3], title="X")] == [3]
    key = rules.meeting_reminder_key(meeting_id=4, speaker_id=3, day=MONDAY)
    assert key == f"meeting_tomorrow:4:3:{MONDAY.isoformat()}"


def test_a_mandate_ends_soon_from_a_week_before_its_last_day_to_that_day():
    ends = MONDAY + timedelta(days=10)
    long_ago = MONDAY - timedelta(days=90)

    def soon(today, granted_on=long_ago, ends_on=ends):
        return rules.mandate_ends_soon(ends_on=ends_on, granted_on=granted_on, today=today)

    assert not soon(ends - timedelta(days=rules.MANDATE_ENDING_DAYS + 1))
    assert soon(ends - timedelta(days=rules.MANDATE_ENDING_DAYS))
    assert soon(ends)  # its last day: still in force, still worth a word
    assert not soon(ends + timedelta(days=1))  # over
    assert not soon(MONDAY, ends_on=None)  # no end date, nothing ends
    # Granted within the week before its end: the grant said when it ends.
    assert not soon(ends, granted_on=ends - timedelta(days=rules.MANDATE_ENDING_DAYS))
    assert soon(ends, granted_on=ends - timedelta(days=rules.MANDATE_ENDING_DAYS + 1))
    key = rules.mandate_ending_key(mandate_id=5, ends_on=ends)
    assert key == f"mandate:ending:5:{ends.isoformat()}"
    assert [r.user_id for r in rules.mandate_recipients(holder=3)] == [3]


def test_a_comment_reaches_the_writers_who_may_read_it_except_its_author_and_the_mentioned():
    told = rules.comment_recipients(
        writers=[1, 2, 3, 4], readers=[1, 2, 3], mentioned=[3], author=1, title="Rents"
    )
    # 1 wrote it, 3 is told by the mention, 4 may not read the thread (another partner's note).
    assert [r.user_id for r in told] == [2]
    assert told[0].reason == "you wrote or edited “Rents”"


def test_a_new_browser_is_news_except_at_the_very_first_sign_in():
    assert rules.warn_of_new_browser(known_browser=False, signed_in_before=True)
    assert not rules.warn_of_new_browser(known_browser=True, signed_in_before=True)
    assert not rules.warn_of_new_browser(known_browser=False, signed_in_before=False)
    assert KINDS[Kind.NEW_BROWSER].security
    assert Kind.NEW_BROWSER not in rules.choosable_kinds()
    assert {Kind.DECISION_DUE, Kind.OVERDUE, Kind.OBJECTION_ANSWERED} <= set(
        rules.choosable_kinds()
    )


def test_the_mailed_diff_marks_removals_and_additions_with_context():
    excerpt = rules.diff_excerpt(
        word_diff("We ask for fair rents in the city.", "We ask for fairer rents in the city.")
    )
    assert excerpt.lines == ("We ask for [-fair-]{+fairer+} rents in the city.",)
    assert excerpt.more == 0


def test_the_mailed_diff_is_bounded_and_counts_what_it_leaves_out():
    old = "\n\n".join(f"Paragraph {n} says the old thing about rents and homes." for n in range(20))
    new = old.replace("old thing", "new thing")
    excerpt = rules.diff_excerpt(word_diff(old, new), shown=5)
    assert len(excerpt.lines) == 5 and excerpt.more == 15
    assert excerpt.lines[1] == (
        "… homes. Paragraph 1 says the [-old-]{+new+} thing about rents and homes. …"
    )


def test_a_long_change_is_cut_short():
    excerpt = rules.diff_excerpt(word_diff("a b", "a " + "very " * 200 + "b"))
    assert len(excerpt.text) < 300 and "…" in excerpt.text


words = st.lists(st.sampled_from(["rent", "fair", "city", "the", "for", "\n"]), max_size=40)


@given(words, words, st.integers(min_value=1, max_value=6))
def test_every_change_is_shown_or_counted_and_lines_are_single(old, new, shown):
    changes = word_diff(" ".join(old), " ".join(new))
    runs = sum(
        1
        for i, c in enumerate(changes)
        if c.op is not Op.EQUAL and (i == 0 or changes[i - 1].op is Op.EQUAL)
    )
    excerpt = rules.diff_excerpt(changes, shown=shown)
    assert len(excerpt.lines) + excerpt.more == runs
    assert len(excerpt.lines) <= shown
    assert all("\n" not in line for line in excerpt.lines)
