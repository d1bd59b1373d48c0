"""The alliance's admin page: settings, partners and policy areas."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app.accounts import services as accounts
from app.alliance import first_run
from app.alliance.forms import (
    AreaForm,
    EditAreaForm,
    EditPartnerForm,
    MergeAreaForm,
    PartnerForm,
    SettingsForm,
    SetupForm,
)
from app.alliance.services import administration as admin
from app.alliance.settings import clock_of, settings_of
from app.drafting.services.consensus import all_partners
from app.extensions import db
from app.web.errors import form_refused
from positions import alliance as core
from positions.refusals import Forbidden, NotFound, Refused
from positions.roles import can_administer_alliance

bp = Blueprint("alliance", __name__, url_prefix="/admin/alliance", template_folder="templates")


@bp.before_request
@login_required
def require_admin():
    if not can_administer_alliance(current_user.actor):
        raise Forbidden("Only admins administer the alliance.")


def _settings_form(**kwargs) -> SettingsForm:
    settings = settings_of(db.session)
    row = admin.stored_settings(db.session)
    form = SettingsForm(
        name=row.name if row else settings.name,
        time_zone=row.time_zone if row else settings.time_zone.key,
        holiday_country=row.holiday_country if row else settings.holiday_country,
        public_introduction=row.public_introduction if row else "",
        accountable_partner=(
            row.accountable_partner.slug if row and row.accountable_partner else ""
        ),
        **kwargs,
    )
    form.accountable_partner.choices = [SelectChoice("", "None named")] + [
        SelectChoice(p.slug, p.name) for p in all_partners(db.session)
    ]
    return form


def _merge_form(area, **kwargs) -> MergeAreaForm:
    form = MergeAreaForm(prefix=f"merge-{area.slug}", **kwargs)
    form.into.choices = [
        SelectChoice(a.slug, a.name)
        for a in admin.all_areas(db.session)
        if a.id != area.id and not a.retired
    ]
    return form


def _page(status: int = 200, **forms):
    """The page, with any form that failed kept as it was typed."""
    partners = all_partners(db.session)
    areas = admin.all_areas(db.session)
    today = clock_of(db.session).today()
    edit_partners = {
        p.slug: forms.get(f"partner:{p.slug}")
        or EditPartnerForm(
            formdata=None,
            prefix=f"p-{p.slug}",
            name=p.name,
            joined_on=p.joined_on,
            left_on=p.left_on,
        )
        for p in partners
    }
    edit_areas = {
        a.slug: forms.get(f"area:{a.slug}")
        or EditAreaForm(formdata=None, prefix=f"a-{a.slug}", name=a.name, retired=a.retired)
        for a in areas
    }
    merges = {
        a.slug: forms.get(f"merge:{a.slug}") or _merge_form(a, formdata=None)
        for a in areas
        if not a.retired
    }
    return render_template(
        "alliance/admin.html",
        partners=partners,
        areas=areas,
        settings_form=forms.get("settings") or _settings_form(formdata=None),
        partner_form=forms.get("partner") or PartnerForm(formdata=None, prefix="new-partner"),
        area_form=forms.get("area") or AreaForm(formdata=None, prefix="new-area"),
        edit_partners=edit_partners,
        standings={p.slug: core.standing(p.joined_on, p.left_on, today) for p in partners},
        edit_areas=edit_areas,
        merges=merges,
    ), status


def _done(message: str):
    flash(message, "success")
    return redirect(url_for("alliance.page"))


def _submit(form, key: str, change, message, fallback: str = "name"):
    """Run a change from a valid form; otherwise show the page again with the form as typed."""
    if form.validate_on_submit():
        try:
            result = change()
            return _done(message(result))
        except Refused as error:
            return _page(form_refused(form, error, fallback=fallback), **{key: form})
    return _page(400, **{key: form})


@bp.route("", methods=["GET", "POST"])
def page():
    form = _settings_form()
    if not form.is_submitted():
        return _page()
    return _submit(
        form,
        "settings",
        lambda: admin.save_settings(
            db.session,
            current_user,
            name=form.name.data,
            time_zone=form.time_zone.data,
            holiday_country=form.holiday_country.data,
            public_introduction=form.public_introduction.data or "",
            accountable_partner=form.accountable_partner.data or None,
        ),
        lambda row: "The alliance's settings are saved.",
    )


@bp.post("/partners")
def add_partner():
    form = PartnerForm(prefix="new-partner")
    return _submit(
        form,
        "partner",
        lambda: admin.add_partner(
            db.session,
            current_user,
            name=form.name.data,
            slug=form.slug.data or None,
            joined_on=form.joined_on.data,
        ),
        lambda p: f"Added {p.name}.",
    )


@bp.post("/partners/<slug>")
def edit_partner(slug: str):
    admin.find_partner(db.session, slug)  # 404 for none
    form = EditPartnerForm(prefix=f"p-{slug}")
    return _submit(
        form,
        f"partner:{slug}",
        lambda: admin.update_partner(
            db.session,
            current_user,
            slug,
            name=form.name.data,
            joined_on=form.joined_on.data,
            left_on=form.left_on.data,
        ),
        lambda p: f"Saved {p.name}.",
    )


@bp.post("/areas")
def add_area():
    form = AreaForm(prefix="new-area")
    return _submit(
        form,
        "area",
        lambda: admin.add_area(db.session, current_user, name=form.name.data),
        lambda a: f"Added the policy area {a.name}.",
    )


@bp.post("/areas/<slug>")
def edit_area(slug: str):
    admin.find_area(db.session, slug)
    form = EditAreaForm(prefix=f"a-{slug}")
    return _submit(
        form,
        f"area:{slug}",
        lambda: admin.update_area(
            db.session, current_user, slug, name=form.name.data, retired=form.retired.data
        ),
        lambda a: f"Saved the policy area {a.name}.",
    )


@bp.post("/areas/<slug>/merge")
def merge_area(slug: str):
    area = admin.find_area(db.session, slug)
    form = _merge_form(area)
    return _submit(
        form,
        f"merge:{slug}",
        lambda: admin.merge_areas(db.session, current_user, slug, into=form.into.data),
        lambda target: f"Merged {area.name} into {target.name}; {area.name} is retired.",
        fallback="into",
    )


# ---- the first run ---------------------------------------------------------------------------

setup_bp = Blueprint("setup", __name__, template_folder="templates")


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@setup_bp.route("/setup", methods=["GET", "POST"])
def start():
    if admin.has_admin(db.session):
        first_run.finished(current_app)  # done, perhaps by another worker
        raise NotFound("Concord is set up already: sign in instead.")
    form = SetupForm(token=request.args.get("token", ""))
    if not first_run.token_matches(form.token.data):
        return render_template("alliance/setup_locked.html"), 403
    if not form.is_submitted():
        return render_template("alliance/setup.html", form=form)
    status = 400
    if form.validate_on_submit():
        try:
            user = admin.set_up(
                db.session,
                name=form.name.data,
                time_zone=form.time_zone.data,
                partners=[core.parse_partner_spec(line) for line in _lines(form.partners.data)],
                areas=_lines(form.areas.data),
                admin_email=form.admin_email.data,
                admin_name=form.admin_name.data,
            )
        except Refused as error:
            status = form_refused(form, error, fallback="name")
        else:
            first_run.finished(current_app)
            token = accounts.account_link_token(user, "invite", current_app.config["SECRET_KEY"])
            flash("Your alliance is set up. Choose your password to sign in.", "success")
            return redirect(url_for("account.welcome", token=token))
    return render_template("alliance/setup.html", form=form), status
