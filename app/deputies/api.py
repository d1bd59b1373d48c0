"""API routes for deputations: each parses with its schema, calls one service, answers."""

from flask import g

from app.api.contract import WRITES, operation
from app.deputies import schemas as s
from app.deputies import services
from app.extensions import db


@operation(
    "GET",
    "/deputations",
    summary="Your partner's deputations, newest period first (an admin sees every partner's).",
    answer=list[s.Deputation],
)
def list_deputations():
    return [s.Deputation.of(d) for d in services.deputations_for(db.session, g.api_user)]


@operation(
    "POST",
    "/deputations",
    summary="Name a deputy for a partner for a period: its chief officer (in force at once) or "
    "an admin (pending that chief officer's confirmation).",
    answer=s.Deputation,
    status=201,
    errors=WRITES,
    body=s.NewDeputation,
)
def name_deputy(body: s.NewDeputation):
    row = services.name_deputy(
        db.session,
        g.api_user,
        partner_id=body.partner,
        deputy_id=body.deputy,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
    )
    return s.Deputation.of(row)


@operation(
    "POST",
    "/deputations/<int:deputation_id>/confirm",
    summary="Confirm a deputation an admin named (the partner's chief officer).",
    answer=s.Deputation,
    errors=WRITES,
)
def confirm_deputation(deputation_id: int):
    return s.Deputation.of(services.confirm(db.session, g.api_user, deputation_id))


@operation(
    "POST",
    "/deputations/<int:deputation_id>/revoke",
    summary="End a deputation now; decisions made under it stay valid.",
    answer=s.Deputation,
    errors=WRITES,
)
def revoke_deputation(deputation_id: int):
    return s.Deputation.of(services.revoke(db.session, g.api_user, deputation_id))
