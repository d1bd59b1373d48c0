"""Forms of the spokesperson log. They hand plain values to the services, which decide."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.meetings.services.meetings import CounterpartInput, MeetingInput
from positions import mandate as core
from positions import meetings as meeting_rules

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
SPARE_AUDIENCE_ROWS = 3


class CounterpartForm(Form):
    """One audience row; a subform, so it carries no CSRF token of its own."""

    organisation = StringField("Organisation", validators=[Length(max=meeting_rules.TEXT_MAX)])
    person = StringField("Person", validators=[Length(max=meeting_rules.TEXT_MAX)])
    role = StringField("Role", validators=[Length(max=meeting_rules.TEXT_MAX)])
    represents = StringField("Represents", validators=[Length(max=meeting_rules.TEXT_MAX)])


class MeetingForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[DataRequired("Give the meeting a title."), Length(max=meeting_rules.TITLE_MAX)],
    )
    starts_at = DateTimeLocalField(
        "Starts",
        format=DATETIME_FORMATS,
        validators=[InputRequired("Give the date and time it starts.")],
    )
    ends_at = DateTimeLocalField("Ends", format=DATETIME_FORMATS, validators=[Optional()])
    place = StringField(
        "Place",
        validators=[Length(max=meeting_rules.TEXT_MAX)],
        description="An address, a room, or a link.",
    )
    online = BooleanField("Online")
    organiser = StringField("Organiser", validators=[Length(max=meeting_rules.TEXT_MAX)])
    kind = SelectField(
        "Kind",
        choices=[SelectChoice(k.value, label) for k, label in meeting_rules.KIND_LABELS.items()],
    )
    status = SelectField(
        "Status",
        choices=[SelectChoice(s.value, label) for s, label in meeting_rules.STATUS_LABELS.items()],
    )
    areas = SelectMultipleField("Policy areas", coerce=int, validate_choice=False)
    minutes = TextAreaField("Minutes or notes", validators=[Length(max=meeting_rules.MINUTES_MAX)])
    public = BooleanField(
        "Public record",
        description="Public records can be seen without signing in, once what was said there "
        "cites a published position. Internal records never leave Concord.",
    )
    audience = FieldList(FormField(CounterpartForm), min_entries=SPARE_AUDIENCE_ROWS)

    def to_input(self) -> MeetingInput:
        return MeetingInput(
            title=self.title.data or "",
            starts_at=self.starts_at.data,
            ends_at=self.ends_at.data,
            place=self.place.data or "",
            online=bool(self.online.data),
            organiser=self.organiser.data or "",
            kind=self.kind.data,
            status=self.status.data,
            areas=list(self.areas.data or []),
            minutes=self.minutes.data or "",
            public=bool(self.public.data),
            counterparts=[
                CounterpartInput(
                    row.organisation.data or "",
                    row.person.data or "",
                    row.role.data or "",
                    row.represents.data or "",
                )
                for row in self.audience
            ],
        )


class AppearanceForm(FlaskForm):
    # Choices are offered, but the service judges the values, so a refusal says why.
    speaker = SelectField("Who spoke", validate_choice=False)
    capacity = SelectField("Speaking for", validate_choice=False)
    positions = SelectMultipleField("Positions they spoke to", validate_choice=False)
    summary = TextAreaField(
        "What was said",
        validators=[Length(max=core.SUMMARY_MAX)],
        description="A short summary, in plain words.",
    )
    follow_up = TextAreaField(
        "Follow-up", validators=[Length(max=core.SUMMARY_MAX)], description="Optional."
    )


class MandateForm(FlaskForm):
    user = SelectField("Who", validate_choice=False)
    areas = SelectMultipleField("Policy areas", coerce=int, validate_choice=False)
    starts_on = DateField("From", validators=[InputRequired("Give the first day.")])
    ends_on = DateField(
        "To (inclusive)",
        validators=[Optional()],
        description="Leave empty for a mandate until further notice.",
    )
    note = StringField("Note", validators=[Length(max=core.MANDATE_NOTE_MAX)])


class ReviewForm(FlaskForm):
    note = TextAreaField(
        "Review note",
        validators=[
            DataRequired("Write a note: what was checked, and what was decided."),
            Length(max=core.NOTE_MAX),
        ],
    )


class AliasForm(FlaskForm):
    alias = StringField(
        "Another name for this organisation",
        validators=[DataRequired("Type the other name."), Length(max=meeting_rules.TEXT_MAX)],
        description="For example an abbreviation or an old name. Typing it in an audience row "
        "will then find this organisation.",
    )


class FeedForm(FlaskForm):
    name = StringField("Name of the link", validators=[Length(max=meeting_rules.FEED_NAME_MAX)])


class ConfirmForm(FlaskForm):
    """A button that changes something: just the CSRF token."""
