"""API routes for people (admins): invite, change partner and roles, deactivate, sign out."""

from flask import current_app, g

from app.accounts import schemas as s
from app.accounts import second_factor as factors
from app.accounts import services as accounts
from app.accounts.links import mail_account_link
from app.api.contract import READS, WRITES, operation
from app.extensions import db


@operation(
    "GET",
    "/people",
    summary="Everyone with an account (admins).",
    answer=list[s.Person],
    errors=(*READS, 403),
)
def list_people():
    return [s.Person.of(user) for user in accounts.people(db.session, g.api_user)]


@operation(
    "POST",
    "/people",
    summary="Invite someone (admins); their set-password link is emailed to them, and is in the "
    "answer only when no mail server is configured.",
    answer=s.Invited,
    status=201,
    errors=WRITES,
    body=s.NewPerson,
)
def invite_person(body: s.NewPerson):
    user = accounts.invite_user(
        db.session,
        g.api_user,
        email=body.email,
        name=body.name,
        roles=body.roles,
        partner_slug=body.partner,
    )
    link = mail_account_link(user, "invite")
    return s.Invited(**s.Person.of(user).model_dump(), set_password_link=link)


@operation(
    "PATCH",
    "/people/<int:user_id>",
    summary="Change someone's roles or partner, or (de)activate them (admins).",
    answer=s.Person,
    errors=WRITES,
    body=s.PersonChanges,
)
def update_person(user_id: int, body: s.PersonChanges):
    user = accounts.person(db.session, g.api_user, user_id)
    sent = body.model_fields_set
    if sent & {"roles", "partner"}:
        current_partner = user.partner.slug if user.partner else None
        accounts.update_person(
            db.session,
            g.api_user,
            user_id,
            roles=body.roles if "roles" in sent else [r for r in user.roles.split(",") if r],
            partner_slug=body.partner if "partner" in sent else current_partner,
        )
    if "active" in sent:
        accounts.set_active(db.session, g.api_user, user_id, active=body.active)
    return s.Person.of(user)


@operation(
    "POST",
    "/people/<int:user_id>/sign-out",
    summary="End every session of someone and revoke their API tokens (admins).",
    answer=s.Person,
    errors=WRITES,
)
def sign_out_person(user_id: int):
    return s.Person.of(accounts.revoke_everything(db.session, g.api_user, user_id))


@operation(
    "GET",
    "/account/second-factor",
    summary="Whether I sign in with a second factor, and how many recovery codes I have left.",
    answer=s.SecondFactorStatus,
    errors=READS,
)
def second_factor_status():
    user = g.api_user
    return s.SecondFactorStatus(
        required=current_app.config["REQUIRE_SECOND_FACTOR"] and factors.required_for(user),
        enrolled=factors.factor_of(db.session, user) is not None,
        recovery_codes_left=factors.recovery_codes_left(db.session, user),
    )
