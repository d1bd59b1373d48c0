"""A person's own account: password, API tokens, and the page an invitation or reset link opens."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.accounts import services as accounts
from app.extensions import db
from app.web.caching import never_stored
from app.web.errors import form_refused
from positions.refusals import Refused

bp = Blueprint("account", __name__, template_folder="../templates")


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired("Enter it.")])
    new = PasswordField(
        "New password",
        validators=[DataRequired("Choose a password.")],
        description="At least 10 characters; not a common password or your name.",
    )
    confirm = PasswordField(
        "New password again", validators=[EqualTo("new", "The two passwords differ.")]
    )
    revoke_tokens = BooleanField("Also revoke my API tokens")


class SetPasswordForm(FlaskForm):
    new = PasswordField(
        "Choose a password",
        validators=[DataRequired("Choose a password.")],
        description="At least 10 characters; not a common password or your name.",
    )
    confirm = PasswordField("Again", validators=[EqualTo("new", "The two passwords differ.")])


class TokenForm(FlaskForm):
    name = StringField(
        "What the token is for",
        validators=[DataRequired("Name the token."), Length(max=120)],
        description="For example 'newsletter script'. You can revoke it at any time.",
    )


class RevokeForm(FlaskForm):
    """Only the CSRF token."""


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            accounts.change_password(
                db.session,
                current_user,
                current=form.current.data,
                new=form.new.data,
                revoke_tokens=form.revoke_tokens.data,
            )
            flash("Password changed. You are signed out everywhere else.", "success")
            return redirect(url_for(".profile"))
        except Refused as error:
            status = form_refused(form, error, fallback="new")
    elif form.is_submitted():
        status = 400
    return render_template("account/profile.html", form=form, everywhere_form=RevokeForm()), status


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    if not RevokeForm().validate():
        flash("That request was incomplete; try again.", "error")
        return redirect(url_for(".profile"))
    accounts.sign_out_everywhere(db.session, current_user)
    flash("Signed out everywhere else.", "success")
    return redirect(url_for(".profile"))


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
@never_stored
def tokens():
    form = TokenForm()
    new_token = None
    status = 200
    if form.validate_on_submit():
        new_token = accounts.issue_token(db.session, current_user, form.name.data)
        flash("Token created. Copy it now: it is shown only once.", "success")
        form = TokenForm(formdata=None)
    elif form.is_submitted():
        status = 400
    return render_template(
        "account/tokens.html",
        form=form,
        new_token=new_token,
        tokens=accounts.tokens_of(db.session, current_user),
        revoke_form=RevokeForm(),
    ), status


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    if RevokeForm().validate():
        token = accounts.revoke_token(db.session, current_user, token_id)
        flash(f"Revoked “{token.name}”. It no longer works.", "success")
    return redirect(url_for(".tokens"))


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def welcome(token: str):
    """Open an invitation or reset link and choose a password."""
    secret = current_app.config["SECRET_KEY"]
    try:
        user, purpose = accounts.user_for_link(db.session, token, secret)
    except Refused as error:
        return render_template("account/link_invalid.html", message=error.message), 400
    form = SetPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            accounts.redeem_link(db.session, token, secret, form.new.data)
            if current_user.is_authenticated:
                logout_user()
            flash("Your password is set. Sign in with it now.", "success")
            return redirect(url_for("auth.login"))
        except Refused as error:
            status = form_refused(form, error, fallback="new")
    elif form.is_submitted():
        status = 400
    return render_template("account/welcome.html", form=form, user=user, purpose=purpose), status
