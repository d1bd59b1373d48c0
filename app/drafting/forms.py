"""Forms for writing and deciding on positions. They hand plain values to the services."""

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from app.web.params import MAX_ID
from positions import cycle
from positions.validation import NOTE_MAX, TITLE_MAX


class PositionForm(FlaskForm):
    title = StringField(
        "Title", validators=[DataRequired("Give the position a title."), Length(max=TITLE_MAX)]
    )
    area = SelectField("Policy area", coerce=int, validators=[InputRequired("Choose an area.")])
    body = TextAreaField("Text (Markdown)", validators=[Optional()])
    note = StringField(
        "Note on this revision",
        validators=[Length(max=NOTE_MAX)],
        description="A few words on what this revision changes, for the history.",
    )


class EditForm(FlaskForm):
    title = StringField(
        "Title", validators=[DataRequired("Give the position a title."), Length(max=TITLE_MAX)]
    )
    body = TextAreaField("Text (Markdown)", validators=[Optional()])
    note = StringField(
        "What changed",
        validators=[Length(max=NOTE_MAX)],
        description="A short note for the history, e.g. 'Tightened paragraph 2'.",
    )
    # A number no revision can have (tampered with, or 10**30) is refused here, before
    # PostgreSQL would fail to compare it with an integer column.
    base_revision = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(), NumberRange(1, MAX_ID)]
    )


class SignOffForm(FlaskForm):
    revision = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(), NumberRange(1, MAX_ID)]
    )
    decision = RadioField(
        "Your decision",
        choices=[SelectChoice("approve", "Approve this text"), SelectChoice("object", "Object")],
        validators=[InputRequired("Choose approve or object.")],
    )
    comment = TextAreaField(
        "Comment", description="Optional when approving; required when objecting."
    )


class PublishForm(FlaskForm):
    revision = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class ReadyForm(FlaskForm):
    """Put the current text up for sign-off, or change its deadline (the same fields)."""

    decision_due = DateField(
        "Decision needed by",
        validators=[Optional()],
        description="Ten working days from today unless you choose another day.",
    )
    note = StringField(
        "Note to the chief officers",
        validators=[Length(max=cycle.NOTE_MAX)],
        description="Optional: what they should look at, why it matters now.",
    )
    external_label = StringField(
        "External deadline",
        validators=[Length(max=cycle.LABEL_MAX)],
        description="Optional, e.g. 'Consultation closes'.",
    )
    external_deadline = DateField("External deadline's date", validators=[Optional()])


class TakeBackForm(FlaskForm):
    """Back to drafting: nothing to fill in but the CSRF token."""
