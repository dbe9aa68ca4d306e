"""Practice mode for trainees: catalogue, start/retry, debrief and progress pages."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from simulator.services import attempts, library, practice, progress
from simulator.services.errors import Conflict
from simulator.web import play_views
from simulator.web.extensions import now
from simulator.web.forms.play import LEVELS, TurnForm, practice_filters
from simulator.web.guards import require_roles
from simulator.web.nav import register_nav

bp = Blueprint("practice", __name__, url_prefix="/practice")
require_roles(bp, "trainee")


def init_app(app: Flask) -> None:
    """Register the shared play blueprint and the trainee's navigation entries."""
    if "play" not in app.blueprints:
        app.register_blueprint(play_views.bp)
    register_nav(app, "Practice", "practice.index", ["trainee"], order=10)
    register_nav(app, "Progress", "practice.progress_page", ["trainee"], order=20)


def competency_names() -> dict[str, str]:
    """Return competency id -> name from the framework, in framework order."""
    framework = library.catalog().framework
    return {c.id: c.name for c in framework.competencies} if framework else {}


@bp.route("/")
def index() -> str:
    """Show the catalogue, filtered by competency and level."""
    names = competency_names()
    filters = practice_filters(request.args, list(names))
    entries = practice.catalogue(filters["competency"] or None, filters["level"] or None)
    return render_template(
        "practice/index.html", filters=filters, entries=entries, names=names,
        levels=LEVELS, start_form=TurnForm(formdata=None), titles=scenario_titles(),
        recent=practice.history(current_user, limit=5),
    )


def scenario_titles() -> dict[str, str]:
    """Return scenario id -> title for history tables."""
    return {s.id: s.title for s in library.catalog().scenarios.values()}


@bp.route("/start/<scenario_id>", methods=["POST"])
def start(scenario_id: str) -> Response:
    """Start (or retry) a scenario and open it."""
    form = TurnForm()
    if not form.validate_on_submit():
        return redirect(url_for("practice.index"))
    attempt = practice.start(current_user, scenario_id, now())
    return redirect(url_for("play.attempt_page", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>/retry", methods=["POST"])
def retry(attempt_id: int) -> Response:
    """Start a new attempt of the same scenario."""
    form = TurnForm()
    previous = play_views.load_attempt(attempt_id)
    if not form.validate_on_submit():
        return redirect(url_for("practice.debrief_page", attempt_id=attempt_id))
    attempt = practice.start(current_user, previous.scenario_id, now())
    return redirect(url_for("play.attempt_page", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>/debrief")
def debrief_page(attempt_id: int) -> Response | str:
    """Show points per criterion with cited turns and what an expert did differently."""
    attempt = play_views.load_attempt(attempt_id)
    attempts.expire_if_due(attempt, now())
    try:
        report = practice.debrief(current_user, attempt_id)
    except Conflict:
        return redirect(url_for("play.attempt_page", attempt_id=attempt_id))
    return render_template(
        "practice/debrief.html", d=report, names=competency_names(),
        retry_form=TurnForm(formdata=None),
    )


@bp.route("/progress")
def progress_page() -> str:
    """Show per-competency scores over time and the practice history."""
    return render_template(
        "practice/progress.html",
        series=progress.progress(current_user),
        history=practice.history(current_user),
        titles=scenario_titles(),
    )
