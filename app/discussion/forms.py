"""Discussion forms: plain values for app/discussion/services.py, which checks them."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from app.web.params import MAX_ID
from positions.anchoring import VISIBILITY_LABELS, Visibility


class ThreadForm(FlaskForm):
    """A new thread: on a whole paragraph (works without JavaScript), or on a selected passage
    (concord-discussion.js fills in the quote and its context)."""

    body = TextAreaField("Comment", validators=[InputRequired("Write a comment.")])
    visibility = RadioField(
        "Who sees it",
        choices=[SelectChoice(v.value, label) for v, label in VISIBILITY_LABELS.items()],
        default=Visibility.ALLIANCE.value,
        validators=[Optional()],  # not chosen: the whole alliance
    )
    paragraph = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(min=0, max=MAX_ID)]
    )
    revision = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(min=1, max=MAX_ID)]
    )
    quote = HiddenField()
    prefix = HiddenField()
    suffix = HiddenField()


class CommentForm(FlaskForm):
    """A reply, or an edit of one's own comment."""

    body = TextAreaField("Comment", validators=[InputRequired("Write a comment.")])


class ActionForm(FlaskForm):
    """Resolve or reopen: nothing to fill in but the CSRF token."""
