"""Account pages: register, verify, sign in and out, passwords, profile."""

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from .. import held
from ..extensions import limiter, login_manager
from ..links import public_url
from ..redirects import is_safe_next, redirect_next
from ..tokens import InvalidToken
from . import services
from .forms import (
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    SignInForm,
)


@login_manager.user_loader
def load_user(session_id):
    return services.load_session_user(session_id)


@login_manager.unauthorized_handler
def unauthorized():
    flash(_("Sign in to see this page."), "info")
    if request.method == "GET":
        return redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")))
    # A form sent after the session ended: come back to its page, not to a POST-only URL.
    return redirect(url_for("accounts.sign_in", next=held.page_to_return_to()))


def _account_limit():
    return current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"]


def _address_limit():
    return current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"]


def _address_key():
    return "address:" + get_remote_address()


def _failed(response):
    """A sign-in that showed the form again: wrong details. Signing in is not counted."""
    return response.status_code == 200


def _reset_limit():
    return current_app.config["RESET_LIMIT"]


def _email_key():
    return "email:" + services.normalise_email(request.form.get("email", ""))


def _verify_url(token):
    return public_url("accounts.verify_email", token=token)


def _reset_url(token):
    return public_url("accounts.reset_password", token=token)


def register():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    form = RegisterForm()
    if request.method == "GET":
        form.locale.data = str(get_locale())
    if form.validate_on_submit():
        try:
            services.register(
                email=form.email.data,
                display_name=form.display_name.data,
                pseudonym=form.pseudonym.data,
                password=form.password.data,
                locale=form.locale.data,
                verify_url=_verify_url,
            )
        except services.PseudonymTaken:
            form.pseudonym.errors.append(_("That pseudonym is taken. Choose a different one"))
        else:
            session["registered_email"] = services.normalise_email(form.email.data)
            return redirect(url_for("accounts.check_email"))
    return render_template("accounts/register.html", form=form, title=_("Create an account"))


def check_email():
    email = session.get("registered_email")
    if not email:
        return redirect(url_for("accounts.register"))
    return render_template("accounts/check_email.html", email=email, title=_("Check your email"))


def verify_email(token):
    form = ConfirmForm()
    try:
        user = services.user_from_verification(token)
    except InvalidToken:
        return render_template(
            "accounts/link_invalid.html", title=_("This link has expired or is not valid")
        ), 400
    if form.validate_on_submit():
        services.verify_email(token)
        flash(_("Your email address is confirmed. You can now sign in."), "success")
        return redirect(url_for("accounts.sign_in"))
    return render_template(
        "accounts/verify_email.html", form=form, email=user.email, title=_("Confirm your email")
    )


@limiter.limit(_address_limit, methods=["POST"], key_func=_address_key, deduct_when=_failed)
@limiter.limit(_account_limit, methods=["POST"], key_func=_email_key, deduct_when=_failed)
def sign_in():
    next_page = request.values.get("next")
    if current_user.is_authenticated:
        return redirect_next(next_page)
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.email.errors.append(_("Enter a correct email address and password"))
        elif not user.is_verified:
            session["unverified_user_id"] = user.id
            return redirect(url_for("accounts.unverified"))
        else:
            held_page = held.claim(session.get(held.SESSION_KEY), user)
            held_token = session.get(held.SESSION_KEY)
            services.start_session(user, request.user_agent.string)
            session.clear()
            login_user(user)
            if held_page is not None:  # what they typed before their session ended
                session[held.SESSION_KEY] = held_token
                return redirect(held_page)
            return redirect_next(next_page)
    return render_template(
        "accounts/sign_in.html",
        form=form,
        next_page=next_page if is_safe_next(next_page) else None,
        title=_("Sign in"),
    )


def unverified():
    user_id = session.get("unverified_user_id")
    user = services.get_user(user_id) if user_id else None
    if user is None or user.is_verified:
        return redirect(url_for("accounts.sign_in"))
    form = ConfirmForm()
    if form.validate_on_submit():
        services.send_verification(user, _verify_url)
        flash(_("We have sent you a new link. Check your email."), "success")
        return redirect(url_for("accounts.unverified"))
    return render_template(
        "accounts/unverified.html", form=form, email=user.email, title=_("Confirm your email first")
    )


def sign_out():
    if current_user.is_authenticated:
        services.end_session(current_user, current_user.session_id)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("main.index"))


@limiter.limit(_reset_limit, methods=["POST"])
@limiter.limit(_reset_limit, methods=["POST"], key_func=_email_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, _reset_url)
        return render_template(
            "accounts/reset_sent.html", email=form.email.data, title=_("Check your email")
        )
    return render_template(
        "accounts/forgot_password.html", form=form, title=_("Reset your password")
    )


@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token):
    try:
        services.user_from_reset(token)
    except InvalidToken:
        return render_template(
            "accounts/link_invalid.html",
            title=_("This link has expired or is not valid"),
            reset=True,
        ), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(token, form.password.data)
        logout_user()
        session.clear()
        flash(_("Your password has been changed. Sign in with your new password."), "success")
        return redirect(url_for("accounts.sign_in"))
    return render_template(
        "accounts/reset_password.html", form=form, title=_("Choose a new password")
    )


@login_required
def profile():
    return render_template(
        "accounts/profile.html",
        sign_out_form=ConfirmForm(),
        devices=services.live_sessions(current_user),
        title=_("Your profile"),
    )


@login_required
def edit_profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.notifications.data = "email" if current_user.email_notifications else "in_app"
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user,
                display_name=form.display_name.data,
                pseudonym=form.pseudonym.data,
                locale=form.locale.data,
                email_notifications=form.notifications.data == "email",
            )
        except services.PseudonymTaken:
            form.pseudonym.errors.append(_("That pseudonym is taken. Choose a different one"))
        else:
            flash(_("Your details have been saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/edit_profile.html", form=form, title=_("Change your details"))


@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except services.WrongPassword:
            form.current_password.errors.append(_("Your current password is not correct"))
        else:
            login_user(current_user._get_current_object())  # this device's new token
            flash(_("Your password has been changed. Other devices are signed out."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/change_password.html", form=form, title=_("Change your password")
    )


@login_required
def sign_out_everywhere():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    services.end_sessions(current_user)
    logout_user()
    session.clear()
    flash(_("You have signed out on every device."), "success")
    return redirect(url_for("accounts.sign_in"))


@login_required
def end_session(session_id):
    """Sign one of the person's devices out: this one, or another they no longer use."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not services.end_session(current_user, session_id):
        abort(404)
    if session_id == current_user.session_id:
        logout_user()
        session.clear()
        flash(_("You have signed out on this device."), "success")
        return redirect(url_for("accounts.sign_in"))
    flash(_("That device is signed out."), "success")
    return redirect(url_for("accounts.profile", _anchor="devices"))
