"""Signing in and out."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from app.accounts import devices
from app.accounts import services as accounts
from app.accounts.models import User
from app.extensions import db, limiter, login_manager

bp = Blueprint("auth", __name__, template_folder="../templates")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return accounts.user_for_sign_in(db.session, user_id)


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
        if user is not None:
            session.clear()  # a fresh session at sign-in: nothing carried over from before
            accounts.start_sign_in(db.session, user)
            login_user(user)
            flash(f"Signed in as {user.name}.", "success")
            response = redirect(_safe_next(request.args.get("next")))
            devices.remember(response, user.email)
            return response
        form.password.errors.append("That email and password do not match an account.")
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    accounts.record_logout(db.session, current_user)
    logout_user()
    flash("Signed out.", "info")
    return redirect(url_for("auth.login"))
