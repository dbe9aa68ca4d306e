"""Candidate assessment: invitation link, instructions and consent, scenarios, finish.

``/i/<token>`` is the only way in: the token (never stored, only its sha256) signs the
candidate in as the invitation's candidate user, created on first open. After consent
the candidate plays each scenario in position order on the shared play pages
(``simulator.web.play_views``); ``/candidate/next`` resumes or starts the next one.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, redirect, render_template, session, url_for
from flask_login import current_user, login_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from simulator.services import candidate_flow, library
from simulator.services.errors import NotFound
from simulator.store.db import db
from simulator.store.models import Attempt, Invitation
from simulator.web import play_views
from simulator.web.extensions import limiter, now
from simulator.web.forms.play import ConsentForm
from simulator.web.guards import require_roles
from simulator.web.nav import register_nav
from simulator.web.security import invitation_limit

bp = Blueprint("candidate", __name__)
require_roles(bp, "candidate", public=("landing", "consent"))

RETENTION_DAYS_DEFAULT = 365
INVITATION_KEY = "candidate-invitation"


def init_app(app: Flask) -> None:
    """Register the shared play blueprint and the candidate's navigation entry."""
    if "play" not in app.blueprints:
        app.register_blueprint(play_views.bp)
    register_nav(app, "My assessment", "candidate.index", ["candidate"], order=10)


def _enter(token: str) -> Invitation:
    """Verify the link, sign its candidate in and return the invitation."""
    invitation = candidate_flow.open_invitation(token, now())
    user = candidate_flow.candidate_for(invitation)
    if not current_user.is_authenticated or current_user.id != user.id:
        login_user(user)
    session[INVITATION_KEY] = invitation.id
    return invitation


@bp.route("/i/<token>")
@limiter.limit(invitation_limit)
def landing(token: str) -> Response | str:
    """Open an invitation: welcome page, or straight back to where the candidate was."""
    invitation = _enter(token)
    if invitation.finished_at is not None:
        return redirect(url_for("candidate.done"))
    if invitation.consented_at is not None:
        return redirect(url_for("candidate.next"))
    return render_template("candidate/landing.html", token=token, **overview(invitation))


@bp.route("/i/<token>/start", methods=["GET", "POST"])
@limiter.limit(invitation_limit)
def consent(token: str) -> Response | str:
    """Instructions and consent: what is recorded, how long, who sees it, for how long."""
    invitation = _enter(token)
    if invitation.consented_at is not None:
        return redirect(url_for("candidate.next"))
    form = ConsentForm()
    if form.validate_on_submit():
        candidate_flow.consent(invitation, now())
        return redirect(url_for("candidate.next"))
    retention = current_app.config.get("RETENTION_DAYS", RETENTION_DAYS_DEFAULT)
    return render_template(
        "candidate/consent.html", form=form, token=token, retention_days=retention,
        **overview(invitation),
    )


def current_invitation() -> Invitation:
    """Return the signed-in candidate's invitation (404 if none)."""
    query = select(Invitation).where(Invitation.candidate_user_id == current_user.id)
    chosen = session.get(INVITATION_KEY)
    if isinstance(chosen, int):
        query = query.where(Invitation.id == chosen)
    invitation = db.session.execute(query.order_by(Invitation.id.desc())).scalars().first()
    if invitation is None or invitation.revoked_at is not None:
        raise NotFound("There is no assessment for this account.")
    return invitation


@bp.route("/candidate/")
def index() -> str:
    """Show the assessment's parts and where the candidate is."""
    invitation = current_invitation()
    return render_template("candidate/index.html", **overview(invitation))


@bp.route("/candidate/next", endpoint="next")
def continue_assessment() -> Response:
    """Resume the scenario in progress or start the next one; finish after the last."""
    invitation = current_invitation()
    if invitation.consented_at is None:
        return redirect(url_for("candidate.index"))
    attempt = candidate_flow.next_attempt(invitation, current_user, now())
    if attempt is None:
        return redirect(url_for("candidate.done"))
    return redirect(url_for("play.attempt_page", attempt_id=attempt.id))


@bp.route("/candidate/done")
def done() -> Response | str:
    """Thank the candidate once every scenario is finished."""
    invitation = current_invitation()
    if invitation.finished_at is None:
        return redirect(url_for("candidate.index"))
    return render_template("candidate/done.html", **overview(invitation))


def overview(invitation: Invitation) -> dict[str, Any]:
    """Return the assessment's parts (titles, limits, statuses) for the candidate pages."""
    assessment = invitation.assessment
    by_position: dict[int, Attempt] = candidate_flow.invitation_attempts(invitation)
    scenarios = library.catalog().scenarios
    parts = []
    for position, scenario_id in enumerate(assessment.scenario_ids or []):
        scenario = scenarios.get(scenario_id)
        attempt = by_position.get(position)
        minutes = assessment.time_limit_minutes or (scenario.maximum_minutes if scenario else 0)
        parts.append({
            "title": scenario.title if scenario else scenario_id,
            "minutes": int(minutes) + int(invitation.extra_minutes or 0),
            "status": _part_status(attempt),
        })
    return {
        "invitation": invitation,
        "assessment": assessment,
        "parts": parts,
        "total_minutes": sum(p["minutes"] for p in parts),
    }


def _part_status(attempt: Attempt | None) -> str:
    """Return a candidate-facing status of one part."""
    if attempt is None:
        return "Not started"
    if attempt.status == "in_progress":
        return "In progress"
    return "Done"
