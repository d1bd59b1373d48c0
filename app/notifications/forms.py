"""Notification forms: each is a CSRF-protected POST."""

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice

from positions.notifying import KINDS, Delivery, Kind, choosable_kinds

DELIVERY_LABELS = {
    Delivery.IMMEDIATELY: "Email at once",
    Delivery.DIGEST: "Daily email digest",
    Delivery.IN_APP: "In Concord only",
}


class ActionForm(FlaskForm):
    """Only the CSRF token: mark read, mark all read, retry."""


def preferences_form(current: dict[Kind, Delivery], **kwargs) -> FlaskForm:
    """One choice per kind a person may change; security messages are not offered."""

    class PreferencesForm(FlaskForm):
        pass

    for kind in choosable_kinds():
        field = RadioField(
            KINDS[kind].label,
            choices=[SelectChoice(d.value, label) for d, label in DELIVERY_LABELS.items()],
            default=current.get(kind, Delivery.IMMEDIATELY).value,
        )
        setattr(PreferencesForm, kind.value, field)
    return PreferencesForm(**kwargs)
