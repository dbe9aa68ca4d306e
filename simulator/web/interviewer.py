"""Interviewer area: assessments, their window, invitations (create, revoke, resend,
extra time). The candidate side of a link (/i/<token>) lives in the candidate blueprint."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from simulator.services import assessments, library
from simulator.services.errors import Conflict, InvalidInput
from simulator.store.models import Assessment
from simulator.web.extensions import now
from simulator.web.forms.interviewer import (
    AssessmentForm,
    ExtraTimeForm,
    InvitationForm,
    WindowForm,
)
from simulator.web.guards import require_roles
from simulator.web.nav import register_nav

bp = Blueprint("interviewer", __name__, url_prefix="/interviewer")
require_roles(bp, "interviewer", "admin")

CUSTOM = ""


def _utc(value: datetime | None) -> datetime | None:
    """Read a naive form datetime as UTC."""
    return None if value is None else value.replace(tzinfo=UTC)


def _fill_choices(form: AssessmentForm, catalog: Any) -> None:
    """Offer the library's role profiles and scenarios."""
    roles = list(catalog.framework.roles)
    form.role_profile_id.choices = [SelectChoice(CUSTOM, "Custom set (choose scenarios below)")] + [
        SelectChoice(r.id, f"{r.name} — {len(r.scenarios)} scenarios") for r in roles
    ]
    form.scenario_ids.choices = [
        SelectChoice(s.id, f"{s.title} ({s.level}, up to {s.maximum_minutes} min)")
        for s in sorted(catalog.scenarios.values(), key=lambda s: s.title)
    ]


def link_for(token: str) -> str:
    """Return the absolute candidate link for a token."""
    return request.url_root.rstrip("/") + "/i/" + token


@bp.route("/")
def index() -> Response:
    """Send interviewers to their assessments."""
    return redirect(url_for("interviewer.assessments"))


@bp.route("/assessments", endpoint="assessments")
def assessments_list() -> str:
    """List the assessments the user may see, with invitation counts."""
    moment = now()
    items = assessments.assessments_for(current_user)
    counts = {a.id: assessments.invitation_counts(a, moment) for a in items}
    return render_template(
        "interviewer/assessments.html", items=items, counts=counts, now=moment,
        titles=_scenario_titles(),
    )



@bp.route("/assessments/new", methods=["GET", "POST"])
def new_assessment() -> str | Response | tuple[str, int]:
    """Create an assessment from a role profile or a custom scenario set."""
    catalog = library.catalog()
    form = AssessmentForm()
    _fill_choices(form, catalog)
    if form.validate_on_submit():
        try:
            created = _create(form, catalog)
        except InvalidInput as error:
            _attach(form, error)
        else:
            flash(f"Assessment “{created.title}” created. Now invite candidates.", "success")
            return redirect(url_for("interviewer.assessment", assessment_id=created.id))
    if not form.is_submitted():
        form.opens_at.data = now().replace(tzinfo=None, second=0, microsecond=0)
    status = 400 if form.is_submitted() else 200
    return render_template("interviewer/assessment_form.html", form=form), status


def _create(form: AssessmentForm, catalog: Any) -> Assessment:
    """Create the assessment described by a valid form."""
    profile = form.role_profile_id.data or None
    ids = assessments.scenario_ids_for(catalog, profile, list(form.scenario_ids.data or []))
    return assessments.create_assessment(
        current_user, form.title.data or "", ids,
        opens_at=_utc(form.opens_at.data) or now(), closes_at=_utc(form.closes_at.data),
        time_limit_minutes=form.time_limit_minutes.data, role_profile_id=profile,
    )


@bp.route("/assessments/<int:assessment_id>")
def assessment(assessment_id: int) -> str:
    """Show an assessment, its invitations and the invite form."""
    item = assessments.get_assessment(current_user, assessment_id)
    return _detail(item, InvitationForm(formdata=None), _window_form(item))


def _window_form(item: Assessment) -> WindowForm:
    """Return the window form pre-filled with the current window."""
    form = WindowForm(formdata=None)
    form.opens_at.data = item.opens_at.replace(tzinfo=None)
    form.closes_at.data = item.closes_at.replace(tzinfo=None) if item.closes_at else None
    return form


def _detail(
    item: Assessment, invite_form: InvitationForm, window_form: WindowForm, status: int = 200
) -> Any:
    """Render the assessment page."""
    html = render_template(
        "interviewer/assessment.html", item=item, invite_form=invite_form,
        window_form=window_form, now=now(), titles=_scenario_titles(),
        counts=assessments.invitation_counts(item, now()),
    )
    return (html, status) if status != 200 else html


@bp.route("/assessments/<int:assessment_id>/invitations", methods=["POST"])
def invite(assessment_id: int) -> Any:
    """Create an invitation and show its link once."""
    item = assessments.get_assessment(current_user, assessment_id)
    form = InvitationForm()
    if form.validate_on_submit():
        try:
            issued = assessments.invite(
                current_user, item.id, form.candidate_name.data or "",
                form.candidate_email.data or "", now(),
                extra_minutes=form.extra_minutes.data or 0, days=_days(),
            )
        except InvalidInput as error:
            _attach(form, error)
        else:
            return _link_page(issued, created=True)
    return _detail(item, form, _window_form(item), status=400)


def _days() -> int:
    """Return the configured invitation lifetime in days."""
    from flask import current_app

    return int(current_app.config.get("INVITATION_DAYS", assessments.DEFAULT_INVITATION_DAYS))


def _link_page(issued: assessments.IssuedInvitation, created: bool) -> str:
    """Render the one-time link page (never stored, never in a URL or session)."""
    return render_template(
        "interviewer/invitation_link.html", invitation=issued.invitation,
        link=link_for(issued.token), created=created,
    )


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
def revoke(invitation_id: int) -> Response:
    """Revoke an invitation."""
    try:
        invitation = assessments.revoke(current_user, invitation_id, now())
    except Conflict as error:
        flash(error.message, "error")
        invitation = assessments.get_invitation(current_user, invitation_id)
    else:
        flash(f"Invitation for {invitation.candidate_name} revoked.", "success")
    return redirect(url_for("interviewer.assessment", assessment_id=invitation.assessment_id))


@bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
def resend(invitation_id: int) -> Any:
    """Issue a new link (the old one stops working) and show it once."""
    try:
        issued = assessments.resend(current_user, invitation_id, now(), days=_days())
    except Conflict as error:
        invitation = assessments.get_invitation(current_user, invitation_id)
        flash(error.message, "error")
        return redirect(url_for("interviewer.assessment", assessment_id=invitation.assessment_id))
    return _link_page(issued, created=False)


@bp.route("/invitations/<int:invitation_id>/extra-time", methods=["POST"])
def extra_time(invitation_id: int) -> Response:
    """Set a candidate's extra time (accommodation)."""
    invitation = assessments.get_invitation(current_user, invitation_id)
    form = ExtraTimeForm()
    if form.validate_on_submit():
        assessments.set_extra_time(current_user, invitation.id, form.extra_minutes.data or 0)
        flash(f"{invitation.candidate_name} now has {form.extra_minutes.data} extra minutes "
              "per scenario.", "success")
    else:
        message = next(iter(form.extra_minutes.errors), "Enter 0 to 1440 minutes.")
        flash(f"Extra time not changed: {message}", "error")
    return redirect(url_for("interviewer.assessment", assessment_id=invitation.assessment_id))


@bp.route("/assessments/<int:assessment_id>/window", methods=["POST"])
def window(assessment_id: int) -> Any:
    """Change when the assessment is open."""
    item = assessments.get_assessment(current_user, assessment_id)
    form = WindowForm()
    if form.validate_on_submit():
        try:
            assessments.set_window(current_user, item.id, _utc(form.opens_at.data) or now(),
                                   _utc(form.closes_at.data))
        except InvalidInput as error:
            _attach(form, error)
        else:
            flash("Assessment window saved.", "success")
            return redirect(url_for("interviewer.assessment", assessment_id=item.id))
    return _detail(item, InvitationForm(formdata=None), form, status=400)


@bp.route("/assessments/<int:assessment_id>/close", methods=["POST"])
def close(assessment_id: int) -> Response:
    """Close the window now."""
    assessments.close_now(current_user, assessment_id, now())
    flash("Assessment closed: invitation links no longer open it.", "success")
    return redirect(url_for("interviewer.assessment", assessment_id=assessment_id))


@bp.route("/assessments/<int:assessment_id>/reopen", methods=["POST"])
def reopen(assessment_id: int) -> Response:
    """Open the window from now, with no closing time."""
    assessments.reopen(current_user, assessment_id, now())
    flash("Assessment reopened.", "success")
    return redirect(url_for("interviewer.assessment", assessment_id=assessment_id))


def _scenario_titles() -> dict[str, str]:
    """Map scenario ids to titles for display."""
    return {s.id: s.title for s in library.catalog().scenarios.values()}


def _attach(form: Any, error: InvalidInput) -> None:
    """Show a service error on its field, or above the form."""
    field = getattr(form, error.field or "", None)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def init_app(app: Flask) -> None:
    """Register the interviewer navigation entry."""
    register_nav(app, "Assessments", "interviewer.assessments", ("interviewer", "admin"),
                 order=20)
