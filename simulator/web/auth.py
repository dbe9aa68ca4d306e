"""Sign in and out; the site index sends each role to its home page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from simulator.services import accounts, attempts
from simulator.store.db import db
from simulator.store.models import User
from simulator.web.extensions import limiter, login_manager
from simulator.web.forms.auth import LoginForm
from simulator.web.nav import home_url_for
from simulator.web.security import login_limit

bp = Blueprint("auth", __name__)

WRONG_CREDENTIALS = "Wrong e-mail or password."


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Return the active user for the id kept in the session."""
    if not user_id.isdigit():
        return None
    attempt_id = (request.view_args or {}).get("attempt_id") if has_request_context() else None
    if isinstance(attempt_id, int) and request.blueprint == "play":
        # the play endpoints need the attempt too: load both in one query
        user, attempt = attempts.user_and_attempt(int(user_id), attempt_id)
        g.preloaded_attempt = (attempt_id, attempt)
    else:
        user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None


def safe_next(target: str | None) -> str | None:
    """Return ``target`` only when it is a local path (no scheme, host or ``//``)."""
    if not target or len(target) > 2000:
        return None
    target = target.strip()
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/")
def index() -> Response | str:
    """Send signed-in users home; show the welcome page otherwise."""
    if current_user.is_authenticated:
        home = home_url_for(current_user.role)
        if home != url_for("auth.index"):
            return redirect(home)
    return render_template("auth/index.html")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login() -> Response | str | tuple[str, int]:
    """Show and handle the sign-in form."""
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or home_url_for(current_user.role))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            flash(f"Signed in as {user.name}.", "success")
            return redirect(next_url or home_url_for(user.role))
        form.password.errors.append(WRONG_CREDENTIALS)
        return render_template("auth/login.html", form=form, next_url=next_url), 200
    return render_template("auth/login.html", form=form, next_url=next_url)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """Sign out (POST only, CSRF-protected)."""
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/healthz")
def healthz() -> dict[str, str]:
    """Return a tiny liveness document."""
    return {"status": "ok"}


def init_app(app: Flask) -> None:
    """Nothing to add to the navigation: the header shows sign in/out itself."""
    del app
