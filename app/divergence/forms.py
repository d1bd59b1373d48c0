"""Forms for stances, amendments, agree-to-differ and a position's lifecycle."""

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from app.web.params import MAX_ID
from positions.divergence import VIEW_LABELS


class StanceForm(FlaskForm):
    stance = RadioField(
        "Your partner's stance",
        choices=[SelectChoice(view.value, label) for view, label in VIEW_LABELS.items()],
        validators=[InputRequired("Choose a stance.")],
    )
    rationale = TextAreaField(
        "Rationale (Markdown)", description="Why your partner holds this view, in a few lines."
    )


class AmendmentForm(FlaskForm):
    # A number no revision can have (tampered with, or 10**30) is refused here, before
    # PostgreSQL would fail to compare it with an integer column.
    base_revision = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(), NumberRange(1, MAX_ID)]
    )
    body = TextAreaField("Proposed text (Markdown)", validators=[DataRequired("Write the text.")])
    reason = TextAreaField("Why this wording", validators=[DataRequired("Give a reason.")])


class DeclineForm(FlaskForm):
    reason = TextAreaField("Reason for declining", validators=[DataRequired("Give a reason.")])


class StatementForm(FlaskForm):
    statement = TextAreaField(
        "Your partner's statement (Markdown)",
        validators=[DataRequired("Write the statement.")],
        description="Published under your partner's name beside the others'.",
    )


class ReviewDateForm(FlaskForm):
    review_by = DateField("Review by", validators=[Optional()])


class WithdrawalForm(FlaskForm):
    """A chief officer's confirmation that the published revision be withdrawn."""

    revision = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    reason = TextAreaField("Reason, for the record", validators=[DataRequired("Give a reason.")])


class ReasonForm(FlaskForm):
    """Archiving a draft, confirming a reopening, saying a partner no longer supports a text."""

    reason = TextAreaField("Reason, for the record", validators=[DataRequired("Give a reason.")])


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the action is the button."""
