"""The wording check's form: a text, and the day it was (or will be) said."""

from flask_wtf import FlaskForm
from wtforms import DateField, TextAreaField
from wtforms.validators import Optional


class WordingForm(FlaskForm):
    text = TextAreaField(
        "Text to check",
        description="A press release, a partner's web page, a quote from a debate: each "
        "sentence is compared with the positions the alliance had published on the day.",
    )
    day = DateField(
        "Said on",
        validators=[Optional()],
        description="Leave empty for today. The texts in force that day are the ones compared.",
    )
