"""Naming a deputy: plain values for app/deputies/services.py."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import InputRequired


class DeputationForm(FlaskForm):
    partner = SelectField("Partner", coerce=int, validators=[InputRequired("Choose a partner.")])
    deputy = SelectField(
        "Deputy",
        coerce=int,
        validators=[InputRequired("Choose who deputises.")],
        description="Someone of the same partner. They can approve or object for it during the "
        "period, and the record says they acted for the chief officer.",
    )
    starts_on = DateField("From", validators=[InputRequired("Give the first day.")])
    ends_on = DateField("To (inclusive)", validators=[InputRequired("Give the last day.")])


class ActionForm(FlaskForm):
    """Confirm or revoke: nothing to fill in but the CSRF token."""
