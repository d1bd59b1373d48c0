"""Signing in and out."""

import time
from urllib.parse import urlsplit

import segno
from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired

from app.accounts import devices
from app.accounts import second_factor as factors
from app.accounts import services as accounts
from app.accounts.models import User
from app.extensions import db, limiter, login_manager
from app.notifications.services import events as notification_events
from app.web.caching import never_stored
from app.web.errors import form_refused
from positions.refusals import Refused

bp = Blueprint("auth", __name__, template_folder="../templates")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return accounts.user_for_sign_in(
        db.session,
        user_id,
        second_factor_required=current_app.config["REQUIRE_SECOND_FACTOR"],
    )


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email address.")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect after login would help phishers."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("dashboard.index")


def _login_email() -> str:
    return request.form.get("email", "").strip().lower()


def _failed(response) -> bool:
    """Only failed attempts count against the limits: signing in answers a redirect."""
    return response.status_code != 302


def _from_known_browser() -> bool:
    return devices.is_known(_login_email())


# Per source (the client's address, through ProxyFix behind a proxy) and per account. The
# account's limit backs off over longer windows, and never applies to a browser that signed in
# to that account before: a flood of wrong passwords locks the attacker out, not the owner.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_failed
)
@limiter.limit(
    lambda: current_app.config["ACCOUNT_LOGIN_RATE_LIMIT"],
    methods=["POST"],
    key_func=lambda: "account:" + _login_email(),
    deduct_when=_failed,
    exempt_when=_from_known_browser,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        target = _safe_next(request.args.get("next"))
        if user is not None and _second_factor_needed(user):
            session.clear()
            session[PENDING] = {"u": user.id, "next": target, "at": int(time.time())}
            return redirect(url_for(".second_factor"))
        if user is not None:
            return _signed_in(user, redirect(target))
        form.password.errors.append("That email and password do not match an account.")
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


def _second_factor_needed(user: User) -> bool:
    return current_app.config["REQUIRE_SECOND_FACTOR"] and factors.required_for(user)


def _signed_in(user: User, response):
    """Sign `user` in (a new session, a new sign-in on the server); remember this browser."""
    session.clear()  # a fresh session at sign-in: nothing carried over from before
    # Asked before this sign-in is written (it would count as one before) and before the
    # browser is remembered.
    notification_events.signed_in(db.session, user, known_browser=devices.is_known(user.email))
    accounts.start_sign_in(db.session, user)
    login_user(user)
    flash(f"Signed in as {user.name}.", "success")
    devices.remember(response, user.email)
    return response


# ---- the second factor, after the password: a code, or enrolling first --------------------------

PENDING = "second_factor_pending"  # who typed the right password, and when
PENDING_SECONDS = 600


def _pending() -> tuple[User, str] | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("u"))
    if user is None or not user.active:
        return None
    return user, pending.get("next") or url_for("dashboard.index")


def _pending_key() -> str:
    pending = session.get(PENDING)
    return f"second-factor:{pending.get('u') if isinstance(pending, dict) else ''}"


class CodeForm(FlaskForm):
    code = StringField(
        "Code",
        validators=[DataRequired("Type the code.")],
        description="The 6 digits your authenticator app shows now, or one of your recovery codes.",
    )


class EnrolForm(CodeForm):
    sealed = HiddenField()


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["SECOND_FACTOR_RATE_LIMIT"],
    methods=["POST"],
    key_func=_pending_key,
    deduct_when=lambda response: response.status_code == 400,
)
@never_stored
def second_factor():
    pending = _pending()
    if pending is None:
        flash("Sign in with your password first.", "info")
        return redirect(url_for(".login"))
    user, target = pending
    if factors.factor_of(db.session, user) is None:
        return _enrol(user, target)
    form = CodeForm()
    if form.validate_on_submit():
        if factors.verify(db.session, user, form.code.data):
            return _signed_in(user, redirect(target))
        form.code.errors.append(
            "That code is not right, or was used already. Type the code your app shows now, "
            "or one of your recovery codes."
        )
    form.code.data = ""  # a code is never typed twice
    return render_template("auth/code.html", form=form, user=user), 400 if form.errors else 200


def _enrol(user: User, target: str):
    """Chief officers and admins enrol before they can act: scan, type a code, keep the
    recovery codes. The secret travels in the form, sealed, so showing the page writes nothing."""
    key = current_app.config["SECRET_KEY"]
    form = EnrolForm()
    status = 200
    secret = _sealed_secret(form, user, key) if form.is_submitted() else None
    if form.validate_on_submit():
        try:
            codes = factors.enrol(db.session, user, factors.unseal(form.sealed.data, user, key),
                                  form.code.data)  # fmt: skip
            accounts.end_sign_ins(db.session, user)  # any older session predates the factor
            response = _signed_in(user, make_response(""))
            # Drawn once signed in, so the page carries the "signed in" message too.
            response.set_data(
                render_template("auth/recovery_codes.html", codes=codes, target=target)
            )
            return response
        except Refused as error:
            status = form_refused(form, error, fallback="code")
    elif form.is_submitted():
        status = 400
    secret = secret or factors.new_secret()  # the same secret again after a wrong code
    form.sealed.data = factors.seal(secret, user, key)
    form.code.data = ""
    issuer = current_app.config.get("ALLIANCE_NAME") or "Concord"
    qr = segno.make(factors.provisioning_uri(secret, user, issuer), error="m")
    svg = qr.svg_inline(scale=4, title="QR code for your authenticator app")
    return render_template(
        "auth/enrol.html", form=form, user=user, secret=secret, qr=Markup(svg)
    ), status


def _sealed_secret(form: EnrolForm, user: User, key: str) -> str | None:
    try:
        return factors.unseal(form.sealed.data or "", user, key)
    except Refused:
        return None


@bp.post("/logout")
@login_required
def logout():
    accounts.record_logout(db.session, current_user)
    logout_user()
    flash("Signed out.", "info")
    return redirect(url_for("auth.login"))
