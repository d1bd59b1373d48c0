"""Admin forms."""

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from positions.roles import Role


class InviteForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter an email."), Length(max=254)])
    name = StringField("Name", validators=[DataRequired("Enter a name."), Length(max=120)])
    partner = SelectField(
        "Partner", description="Leave as the alliance team for staff of no partner."
    )
    roles = SelectMultipleField(
        "Roles",
        choices=[SelectChoice(r.value, r.value.replace("_", " ").capitalize()) for r in Role],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[DataRequired("Choose at least one role.")],
    )


class ResetForm(FlaskForm):
    """Only the CSRF token."""


class PersonForm(FlaskForm):
    """Someone's partner and roles, as an admin changes them."""

    partner = SelectField("Partner", description="Moving someone keeps their history.")
    roles = SelectMultipleField(
        "Roles",
        choices=[SelectChoice(r.value, r.value.replace("_", " ").capitalize()) for r in Role],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[DataRequired("Choose at least one role.")],
    )
