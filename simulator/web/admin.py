"""Admin area: users (create, reset password, deactivate) and the scenario library."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from simulator.services import accounts, library
from simulator.services.errors import InvalidInput
from simulator.web.forms.admin import CreateUserForm, ResetPasswordForm
from simulator.web.guards import require_roles
from simulator.web.nav import register_nav

bp = Blueprint("admin", __name__, url_prefix="/admin")
require_roles(bp, "admin")


@bp.route("/")
def index() -> Response:
    """Send admins to the user list."""
    return redirect(url_for("admin.users"))


@bp.route("/users")
def users() -> str:
    """List every user."""
    return render_template("admin/users.html", users=accounts.list_users())


@bp.route("/users/new", methods=["GET", "POST"])
def new_user() -> str | Response | tuple[str, int]:
    """Create a user; a generated password is shown once."""
    form = CreateUserForm()
    if form.validate_on_submit():
        try:
            user, generated = accounts.create_user(
                form.name.data or "", form.email.data or "", form.role.data or "",
                form.password.data or None,
            )
        except InvalidInput as error:
            _attach(form, error)
            return render_template("admin/user_form.html", form=form), 400
        if generated:
            return render_template("admin/password_once.html", user=user, password=generated,
                                   created=True)
        flash(f"Created {user.name} ({user.role}).", "success")
        return redirect(url_for("admin.users"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/user_form.html", form=form), status


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
def reset_password(user_id: int) -> str | Response | tuple[str, int]:
    """Reset a user's password (empty = generate one, shown once)."""
    user = accounts.get_user(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            generated = accounts.reset_password(user.id, form.password.data or None)
        except InvalidInput as error:
            _attach(form, error)
            return render_template("admin/reset_password.html", form=form, user=user), 400
        if generated:
            return render_template("admin/password_once.html", user=user, password=generated,
                                   created=False)
        flash(f"Password for {user.name} changed.", "success")
        return redirect(url_for("admin.users"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/reset_password.html", form=form, user=user), status


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
def deactivate(user_id: int) -> Response:
    """Deactivate a user (they can no longer sign in)."""
    return _set_active(user_id, False)


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
def activate(user_id: int) -> Response:
    """Re-activate a user."""
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool) -> Response:
    """Change a user's active flag and go back to the list."""
    try:
        user = accounts.set_active(user_id, active, acting_user_id=current_user.id)
    except InvalidInput as error:
        flash(error.message, "error")
        return redirect(url_for("admin.users"))
    flash(f"{user.name} is now {'active' if active else 'deactivated'}.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/library")
def library_page() -> str:
    """List every library file with its validation status and problems."""
    catalog = library.catalog()
    return render_template(
        "admin/library.html", rows=library.file_report(), catalog=catalog,
        load_error=library.load_error(),
    )


@bp.route("/library/reload", methods=["POST"])
def reload_library() -> Response:
    """Reload the library from disk."""
    catalog = library.reload()
    problems = [p for p in getattr(catalog, "problems", []) if getattr(p, "is_error", True)]
    scenarios = len(getattr(catalog, "scenarios", {}))
    if problems:
        flash(f"Reloaded: {scenarios} scenarios, {len(problems)} problems to fix.", "warning")
    else:
        flash(f"Reloaded: {scenarios} scenarios, no problems.", "success")
    return redirect(url_for("admin.library_page"))


def _attach(form: object, error: InvalidInput) -> None:
    """Show a service error on its form field (or on the form)."""
    field = getattr(form, error.field or "", None)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)  # type: ignore[attr-defined]


def init_app(app: Flask) -> None:
    """Register the admin navigation entries."""
    register_nav(app, "Users", "admin.users", ("admin",), order=80)
    register_nav(app, "Library", "admin.library_page", ("admin",), order=81)
