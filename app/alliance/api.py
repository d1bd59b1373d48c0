"""API routes for administering the alliance (admins): partners, policy areas, settings."""

from flask import g

from app.alliance import schemas as s
from app.alliance.services import administration as admin
from app.api.contract import READS, WRITES, operation
from app.extensions import db


@operation(
    "POST",
    "/partners",
    summary="Add a partner; it must sign from its join date (admins).",
    answer=s.Partner,
    status=201,
    errors=WRITES,
    body=s.NewPartner,
)
def create_partner(body: s.NewPartner):
    partner = admin.add_partner(
        db.session, g.api_user, name=body.name, slug=body.slug or None, joined_on=body.joined_on
    )
    return s.Partner.of(partner.as_core())


@operation(
    "PATCH",
    "/partners/<partner_slug>",
    summary="Rename a partner or record its join or leave date (admins).",
    answer=s.Partner,
    errors=WRITES,
    body=s.PartnerChanges,
)
def update_partner(partner_slug: str, body: s.PartnerChanges):
    partner = admin.update_partner(db.session, g.api_user, partner_slug, **body.changes())
    return s.Partner.of(partner.as_core())


@operation("GET", "/areas", summary="Policy areas, retired ones too.", answer=list[s.Area])
def list_areas():
    return [s.Area.of(area) for area in admin.all_areas(db.session)]


@operation(
    "POST",
    "/areas",
    summary="Add a policy area (admins).",
    answer=s.Area,
    status=201,
    errors=WRITES,
    body=s.NewArea,
)
def create_area(body: s.NewArea):
    return s.Area.of(admin.add_area(db.session, g.api_user, name=body.name))


@operation(
    "PATCH",
    "/areas/<area_slug>",
    summary="Rename a policy area, or retire it (admins).",
    answer=s.Area,
    errors=WRITES,
    body=s.AreaChanges,
)
def update_area(area_slug: str, body: s.AreaChanges):
    return s.Area.of(admin.update_area(db.session, g.api_user, area_slug, **body.changes()))


@operation(
    "POST",
    "/areas/<area_slug>/merge",
    summary="Move everything in an area into another, and retire it (admins).",
    answer=s.Area,
    errors=WRITES,
    body=s.AreaMerge,
)
def merge_area(area_slug: str, body: s.AreaMerge):
    return s.Area.of(admin.merge_areas(db.session, g.api_user, area_slug, into=body.into))


@operation(
    "GET",
    "/settings",
    summary="The alliance's settings (admins).",
    answer=s.Settings,
    errors=(*READS, 403),
)
def get_settings():
    return s.Settings.of(admin.settings_for(db.session, g.api_user))


@operation(
    "PATCH",
    "/settings",
    summary="Change the alliance's settings (admins).",
    answer=s.Settings,
    errors=WRITES,
    body=s.SettingsChanges,
)
def update_settings(body: s.SettingsChanges):
    return s.Settings.of(admin.save_settings(db.session, g.api_user, **body.changes()))
