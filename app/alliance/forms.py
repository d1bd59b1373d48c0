"""The alliance's admin forms: partners, policy areas and settings."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

NAME = [DataRequired("Enter a name."), Length(max=120)]


class PartnerForm(FlaskForm):
    name = StringField("Name", validators=NAME)
    slug = StringField(
        "Slug",
        validators=[Optional(), Length(max=60)],
        description="Its stable address; made from the name when left empty.",
    )
    joined_on = DateField("Joined on", validators=[Optional()])


class EditPartnerForm(FlaskForm):
    name = StringField("Name", validators=NAME)
    joined_on = DateField("Joined on", validators=[Optional()])
    left_on = DateField(
        "Leaves on",
        validators=[Optional()],
        description="From this day it is no longer a required signatory.",
    )


class AreaForm(FlaskForm):
    name = StringField("Name", validators=NAME)


class EditAreaForm(FlaskForm):
    name = StringField("Name", validators=NAME)
    retired = BooleanField("Retired (kept on its positions, offered for no new one)")


class MergeAreaForm(FlaskForm):
    into = SelectField("Merge into", validators=[DataRequired("Choose an area.")])


class SettingsForm(FlaskForm):
    name = StringField("Alliance name", validators=NAME)
    time_zone = StringField(
        "Time zone",
        validators=[DataRequired("Enter a time zone."), Length(max=64)],
        description="A name like Europe/London.",
    )
    holiday_country = StringField(
        "Bank holidays of",
        validators=[DataRequired("Enter a country code."), Length(max=10)],
        description="An ISO code like GB-ENG, GB-SCT or DE: sign-off deadlines skip these "
        "holidays and weekends.",
    )
    public_introduction = TextAreaField(
        "Introduction on the public site", validators=[Length(max=5000)]
    )
    accountable_partner = SelectField("Accountable body", description="Shown on the public pages.")


class SetupForm(FlaskForm):
    token = HiddenField()
    name = StringField("Alliance name", validators=NAME)
    time_zone = StringField(
        "Time zone",
        default="Europe/London",
        validators=[DataRequired("Enter a time zone."), Length(max=64)],
        description="A name like Europe/London: dates and deadlines are read in it.",
    )
    partners = TextAreaField(
        "Partners",
        validators=[DataRequired("Name at least one partner."), Length(max=5000)],
        description="One a line; add =slug to choose its short name: Riverbank Trust=riverbank.",
    )
    areas = TextAreaField(
        "Policy areas", validators=[Length(max=5000)], description="One a line; more can follow."
    )
    admin_name = StringField("Your name", validators=NAME)
    admin_email = EmailField(
        "Your email", validators=[DataRequired("Enter your email."), Length(max=254)]
    )
