"""Interviewer workspace: results, transcript review, overrides, decisions, compare, exports."""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from simulator.services import exports, results, results_query, review
from simulator.services.errors import InvalidInput
from simulator.services.radar import MAX_SERIES, Series, radar_svg
from simulator.store.db import db
from simulator.store.models import Assessment
from simulator.web.extensions import now
from simulator.web.forms.review import DecisionForm, NoteForm, OverrideForm, ResultsFilterForm
from simulator.web.guards import require_roles, role_required
from simulator.web.nav import register_nav

bp = Blueprint("review", __name__, url_prefix="/review")
require_roles(bp, "interviewer", "admin")


def init_app(app: Flask) -> None:
    """Register the review navigation entries."""
    register_nav(app, "Results", "review.index", ("interviewer", "admin"), order=30)
    register_nav(app, "Scoring quality", "review.quality", ("admin",), order=80)


@bp.route("/")
def index() -> str:
    """List the assessments whose results the user may review."""
    query = db.select(Assessment).order_by(Assessment.created_at.desc(), Assessment.id.desc())
    if current_user.role != "admin":
        query = query.where(Assessment.created_by_id == current_user.id)
    assessments = db.session.scalars(query.limit(200)).all()
    counts = results.invitation_counts([a.id for a in assessments])
    return render_template("review/index.html", assessments=assessments, counts=counts)


def _filters(form: ResultsFilterForm) -> results.ResultFilters:
    """Turn a validated filter form into service filters (bad values fall back)."""
    return results.ResultFilters(
        status=form.status.data if form.status.data in results.STATUSES else "",
        verdict=form.verdict.data if form.verdict.data in results.VERDICTS else "",
        flagged=bool(form.flagged.data),
        search=(form.q.data or "").strip()[:120],
        sort=form.sort.data if form.sort.data in results.SORTS else "overall",
        descending=form.order.data != "asc",
        page=form.page.data if isinstance(form.page.data, int) else 1,
    )


@bp.route("/assessments/<int:assessment_id>/results")
def results_view(assessment_id: int) -> tuple[str, int] | str:
    """Show one sorted, filtered, paged results table."""
    form = ResultsFilterForm(request.args)
    valid = form.validate()
    filters = _filters(form) if valid else results.ResultFilters()
    page = results_query.results_page(current_user, assessment_id, filters, now())
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    status = 200 if valid else 400
    return render_template("review/results.html", page=page, form=form, args=args,
                           names=review.competency_names()), status


@bp.route("/attempts/<int:attempt_id>")
def attempt(attempt_id: int) -> str:
    """Show the transcript beside the rubric, with override forms."""
    blind = request.args.get("blind") == "1"
    view = review.attempt_review(current_user, attempt_id, blind=blind)
    forms = {c.criterion.id: _override_form(view, c.criterion.id) for c in view.criteria
             if c.criterion.levels}
    return render_template("review/attempt.html", view=view, forms=forms, note_form=NoteForm())


def _override_form(view: review.AttemptReview, criterion_id: str,
                   form: OverrideForm | None = None) -> OverrideForm:
    """Return an override form whose level choices are the criterion's levels."""
    form = form or OverrideForm(formdata=None, criterion=criterion_id,
                                blind="1" if view.blind else "0")
    form.level.choices = [SelectChoice(lv, f"{label} ({points} pts)")
                          for lv, label, points in view.levels.get(criterion_id, [])]
    form.level.id = f"level-{criterion_id}"
    form.reason.id = f"reason-{criterion_id}"
    return form


@bp.route("/attempts/<int:attempt_id>/override", methods=["POST"])
def override(attempt_id: int) -> Any:
    """Save a human level for one criterion (a reason is required)."""
    blind = request.form.get("blind") == "1"
    view = review.attempt_review(current_user, attempt_id, blind=blind)
    criterion_id = request.form.get("criterion", "")[:120]
    if criterion_id not in view.levels:
        raise InvalidInput("Unknown criterion.")
    form = _override_form(view, criterion_id, OverrideForm())
    if form.validate():
        try:
            review.save_override(current_user, attempt_id, criterion_id, form.level.data,
                                 form.reason.data, now(), blind=blind)
        except InvalidInput as error:
            getattr(form, error.field or "reason").errors.append(error.message)
        else:
            flash("Override saved. The final score has been recalculated.", "success")
            target = url_for("review.attempt", attempt_id=attempt_id,
                             blind="1" if blind else None)
            return redirect(f"{target}#criterion-{criterion_id}")
    forms = {c.criterion.id: _override_form(view, c.criterion.id) for c in view.criteria
             if c.criterion.levels}
    forms[criterion_id] = form
    html = render_template("review/attempt.html", view=view, forms=forms, note_form=NoteForm(),
                           open_criterion=criterion_id)
    return html, 400


@bp.route("/attempts/<int:attempt_id>/notes", methods=["POST"])
def attempt_note(attempt_id: int) -> Any:
    """Add a note to an attempt."""
    form = NoteForm()
    if form.validate():
        review.add_note(current_user, form.text.data, now(), attempt_id=attempt_id)
        flash("Note added.", "success")
        return redirect(url_for("review.attempt", attempt_id=attempt_id) + "#notes")
    view = review.attempt_review(current_user, attempt_id)
    forms = {c.criterion.id: _override_form(view, c.criterion.id) for c in view.criteria
             if c.criterion.levels}
    return render_template("review/attempt.html", view=view, forms=forms, note_form=form), 400


def _candidate_context(invitation_id: int) -> dict[str, Any]:
    """Return what the candidate page shows."""
    invitation = review.visible_invitation(current_user, invitation_id)
    summary = results.refresh_invitation_summary(invitation.id, now())
    scored = results.invitation_reports(invitation.id)
    attempts = sorted(invitation_attempts(invitation.id), key=lambda a: (a.position, a.id))
    finals = {a.id: report for a, _, report in scored}
    decisions = review.decisions_for(invitation.id)
    attempt_ids = [a.id for a in attempts]
    trail = review.audit_trail("invitation", [invitation.id]) + review.audit_trail(
        "attempt", attempt_ids)
    trail.sort(key=lambda entry: entry.id, reverse=True)
    return {
        "invitation": invitation, "summary": summary, "attempts": attempts, "finals": finals,
        "decisions": decisions, "notes": review.notes_for(invitation.id), "audit": trail,
        "competencies": results.assessment_competencies(invitation.assessment),
        "authors": review.author_names({e.actor_id for e in trail if e.actor_id}),
        "names": review.competency_names(),
    }


def invitation_attempts(invitation_id: int) -> list[Any]:
    """Return the attempts of an invitation."""
    from simulator.store.models import Attempt

    return list(db.session.scalars(db.select(Attempt).where(
        Attempt.invitation_id == invitation_id)))


@bp.route("/candidates/<int:invitation_id>")
def candidate(invitation_id: int) -> str:
    """Show one candidate: attempts, verdict, discuss reasons, notes, decision."""
    context = _candidate_context(invitation_id)
    return render_template("review/candidate.html", decision_form=DecisionForm(),
                           note_form=NoteForm(), **context)


@bp.route("/candidates/<int:invitation_id>/decision", methods=["POST"])
def decision(invitation_id: int) -> Any:
    """Record advance, hold or reject."""
    form = DecisionForm()
    if form.validate():
        review.record_decision(current_user, invitation_id, form.decision.data,
                               form.note.data or "", now())
        flash(f"Decision recorded: {form.decision.data}.", "success")
        return redirect(url_for("review.candidate", invitation_id=invitation_id) + "#decision")
    context = _candidate_context(invitation_id)
    return render_template("review/candidate.html", decision_form=form, note_form=NoteForm(),
                           **context), 400


@bp.route("/candidates/<int:invitation_id>/notes", methods=["POST"])
def candidate_note(invitation_id: int) -> Any:
    """Add a note to a candidate."""
    form = NoteForm()
    if form.validate():
        review.add_note(current_user, form.text.data, now(), invitation_id=invitation_id)
        flash("Note added.", "success")
        return redirect(url_for("review.candidate", invitation_id=invitation_id) + "#notes")
    context = _candidate_context(invitation_id)
    return render_template("review/candidate.html", decision_form=DecisionForm(),
                           note_form=form, **context), 400


@bp.route("/candidates/<int:invitation_id>/report")
def report(invitation_id: int) -> str:
    """Show the printable candidate report."""
    return render_template("review/report.html", **_candidate_context(invitation_id))


def _compare_ids() -> list[int]:
    """Return the candidate ids asked for (digits only, at most 20 read)."""
    raw = request.args.getlist("ids")[:20]
    return [int(v) for v in raw if v.isdigit() and len(v) < 10]


@bp.route("/compare")
def compare() -> tuple[str, int]:
    """Compare 2-5 candidates per competency (radar chart + the same data as a table)."""
    ids = _compare_ids()
    try:
        summaries = review.compare(current_user, ids, now())
    except InvalidInput as error:
        return render_template("review/compare.html", error=error.message, summaries=[],
                               axes=[], chart=""), 400
    axes = sorted({c for s in summaries for c in (s.competencies or {})})
    names = review.competency_names()
    labelled = [(a, names.get(a, a)) for a in axes]
    chart = ""
    if len(axes) >= 3:
        chart = radar_svg(labelled, [Series(s.candidate_name, s.competencies or {})
                                     for s in summaries[:MAX_SERIES]], chart_id="compare")
    return render_template("review/compare.html", error="", summaries=summaries,
                           axes=labelled, chart=chart), 200


@bp.route("/assessments/<int:assessment_id>/export.csv")
def export_csv(assessment_id: int) -> Response:
    """Download the assessment's results as CSV (one row per attempt)."""
    rows = exports.csv_rows(current_user, assessment_id, now())
    first = next(rows)  # runs the access check before streaming starts
    body = stream_with_context(_chain(first, rows))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="assessment-{assessment_id}.csv"',
        "X-Content-Type-Options": "nosniff",
    })


def _chain(first: str, rest: Any) -> Any:
    """Yield ``first`` then everything in ``rest``."""
    yield first
    yield from rest


@bp.route("/assessments/<int:assessment_id>/xapi.json")
def export_xapi(assessment_id: int) -> Response:
    """Download xAPI 1.0.3 statements for every scored attempt of the assessment."""
    base = current_app.config.get("XAPI_BASE_IRI") or request.url_root.rstrip("/") + "/xapi"
    statements = exports.xapi_statements(current_user, assessment_id, base)
    return _json_download(statements, f"assessment-{assessment_id}-xapi.json")


@bp.route("/attempts/<int:attempt_id>/export.json")
def export_json(attempt_id: int) -> Response:
    """Download one attempt (transcript, scores, overrides) as JSON."""
    document = exports.attempt_document(current_user, attempt_id, now())
    return _json_download(document, f"attempt-{attempt_id}.json")


def _json_download(payload: Any, filename: str) -> Response:
    """Return a JSON attachment response."""
    return Response(json.dumps(payload, indent=2, ensure_ascii=False), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/quality")
@role_required("admin")
def quality() -> str:
    """Show agreement between automatic and human levels, per criterion and overall."""
    rows, overall = review.scoring_quality(current_user)
    return render_template("review/quality.html", rows=rows, overall=overall)
