"""The play surface shared by assessments and practice: page, turn and signal endpoints.

``/attempts/<id>`` shows the current step; ``POST /attempts/<id>/turn`` takes one turn
(JSON via fetch, or a plain form POST + redirect without JavaScript);
``POST /attempts/<id>/signal`` records an integrity signal. Views stay thin: the
attempts service does the work; nothing here reveals rubrics, tags or answer keys.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from simulator.services import attempts, library, signals
from simulator.services.errors import InvalidInput, ServiceError
from simulator.store.models import Attempt
from simulator.web.extensions import now
from simulator.web.forms.play import (
    TurnForm,
    draft_text,
    form_value,
    parse_action,
    parse_expected_index,
)
from simulator.web.guards import require_roles

bp = Blueprint("play", __name__)
require_roles(bp, "candidate", "trainee")

KIND_LABELS = {
    "dialogue": "conversation",
    "terminal": "terminal",
    "writeup": "write-up",
    "triage": "queue triage",
    "classify": "classification",
    "choice": "decision",
    "end": "finished",
}
FORM_LABELS = {
    "ticket_note": "Ticket work note",
    "escalation": "Escalation hand-off",
    "email": "E-mail to the user",
    "resolution": "Resolution notes",
}
DRAFT_KEY = "play-draft-{}"


def load_attempt(attempt_id: int) -> Attempt:
    """Return the current user's attempt or 404 (others' attempts look absent)."""
    preloaded = g.pop("preloaded_attempt", None)
    if preloaded is not None and preloaded[0] == attempt_id and current_user.is_authenticated:
        attempt = preloaded[1]
        if attempt is None or attempt.user_id != current_user.id:
            abort(404)
        return attempt
    try:
        return attempts.get_attempt(current_user, attempt_id)
    except ServiceError:
        abort(404)


@bp.route("/attempts/<int:attempt_id>")
def attempt_page(attempt_id: int) -> str:
    """Show the attempt where the player left it (resume)."""
    attempt = load_attempt(attempt_id)
    play = attempts.resume(attempt, now())
    return render_template(template_for(attempt), **page_context(attempt, play))


def template_for(attempt: Attempt) -> str:
    """Return the page template for the attempt's mode."""
    return "practice/attempt.html" if attempt.mode == "practice" else "candidate/attempt.html"


@bp.route("/attempts/<int:attempt_id>/turn", methods=["POST"])
def turn(attempt_id: int) -> Response | tuple[Response, int]:
    """Take one turn: JSON in/out for fetch(), form POST + redirect without JS."""
    attempt = load_attempt(attempt_id)
    if request.is_json:
        return json_turn(attempt)
    return form_turn(attempt)


def json_turn(attempt: Attempt) -> Response | tuple[Response, int]:
    """Handle a JSON turn: 200 with events/view/ended, 409 stale, 422 refused."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify({"error": "Send a JSON object."}), 400
    try:
        expected = parse_expected_index(body.get("expected_index"))
        action = parse_action(body.get("type", "answer"), body.get("value", ""))
        play = attempts.submit_action(attempt, action, now(), expected)
    except attempts.StaleTurn as error:
        return jsonify({"error": error.message}), 409
    except InvalidInput as error:
        return jsonify({"error": error.message}), 422
    return json_response(play.to_json())


def json_response(body: dict[str, Any]) -> Response:
    """Return a compact JSON response (no key sorting or indenting: the hot path)."""
    return Response(json.dumps(body, separators=(",", ":")), mimetype="application/json")


def form_turn(attempt: Attempt) -> Response:
    """Handle a plain form turn; flash the refusal and keep the typed text."""
    back = redirect(url_for("play.attempt_page", attempt_id=attempt.id))
    value: Any = ""
    try:
        expected = parse_expected_index(request.form.get("expected_index"))
        view = current_view(attempt)
        kind = request.form.get("type", "answer")
        value = form_value(request.form, view) if kind == "answer" else request.form.get("value")
        action = parse_action(kind, value)
        attempts.submit_action(attempt, action, now(), expected)
    except attempts.StaleTurn as error:
        flash(error.message, "warning")
        return back
    except InvalidInput as error:
        session[DRAFT_KEY.format(attempt.id)] = draft_text(value)
        flash(error.message, "error")
        return back
    session.pop(DRAFT_KEY.format(attempt.id), None)
    return back


def current_view(attempt: Attempt) -> dict[str, Any]:
    """Return the normalised view of the attempt's current step."""
    play = attempts.resume(attempt, now())
    scenario = library.scenario_for_hash(attempt.scenario_hash)
    return view_model(play.view, scenario)


@bp.route("/attempts/<int:attempt_id>/signal", methods=["POST"])
def signal(attempt_id: int) -> tuple[Response, int]:
    """Record an integrity signal (JSON {kind, detail})."""
    attempt = load_attempt(attempt_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify({"error": "Send a JSON object."}), 400
    try:
        signals.record_signal(attempt, body.get("kind"), body.get("detail"), now())
    except ServiceError as error:
        return jsonify({"error": error.message}), 422
    return jsonify({"ok": True}), 201


@bp.route("/attempts/<int:attempt_id>/state")
def state(attempt_id: int) -> Response:
    """Return the resumed view and transcript as JSON (no answer keys)."""
    attempt = load_attempt(attempt_id)
    return jsonify(attempts.resume(attempt, now()).to_json())


def page_context(attempt: Attempt, play: attempts.Play) -> dict[str, Any]:
    """Return the template context of the play surface."""
    scenario = library.scenario_for_hash(attempt.scenario_hash)
    v = view_model(play.view, scenario)
    if v["kind"] == "triage":
        expected = list(scenario.step(v["step_id"]).expected_order)
        v["options"] = queue_order(v["options"], f"{attempt.id}:{v['step_id']}", expected)
    kinds = {step.id: step.kind for step in scenario.steps}
    form = TurnForm(formdata=None, expected_index=str(v["event_count"]))
    return {
        "attempt": attempt,
        "v": v,
        "form": form,
        "conversation": [e for e in play.events if kinds.get(e["step"]) != "terminal"],
        "terminal_events": [e for e in play.events if kinds.get(e["step"]) == "terminal"],
        "has_terminal": "terminal" in kinds.values(),
        "turn_url": url_for("play.turn", attempt_id=attempt.id),
        "signal_url": url_for("play.signal", attempt_id=attempt.id),
        "signals": attempt.mode == "assessment",
        "practice": attempt.mode == "practice",
        "draft": session.pop(DRAFT_KEY.format(attempt.id), ""),
        "positions": {},
        "kind_labels": KIND_LABELS,
        "form_labels": FORM_LABELS,
        "speaker": speaker,
    }


def queue_order(
    options: list[dict[str, str]], seed: str, expected: list[str]
) -> list[dict[str, str]]:
    """Return the queue in a stable per-attempt order that is never the expected one."""
    def key(option: dict[str, str]) -> str:
        return hashlib.sha256(f"{seed}:{option['id']}".encode()).hexdigest()

    shuffled = sorted(options, key=key)
    if len(shuffled) > 1 and [o["id"] for o in shuffled] == expected:
        shuffled = shuffled[1:] + shuffled[:1]
    return shuffled


def speaker(event: Mapping[str, Any], v: Mapping[str, Any]) -> str:
    """Return who said a transcript line, as shown to the player."""
    if event["type"] == "feedback":
        return "Feedback"
    if event["type"] == "hint":
        return "Hint"
    if event["type"] == "step":
        return ""
    actor = event["actor"]
    if actor == "candidate":
        return "You"
    if actor == "persona":
        return str(event.get("who") or v["persona"].get("name") or "Caller")
    return "Output" if actor == "machine" else "Note"


def view_model(view: Mapping[str, Any], scenario: Any) -> dict[str, Any]:
    """Flatten the engine's public view into the names the templates use."""
    step = _mapping(view.get("step"))
    machine = _mapping(view.get("machine"))
    shell = str(view.get("shell") or "cmd")
    return {
        "step_id": str(step.get("id", "")),
        "kind": str(step.get("kind", "")),
        "title": str(step.get("title", "")),
        "prompt": str(step.get("prompt", "")),
        "options": _items(view.get("options")),
        "multiple": bool(view.get("multiple")),
        "fields": _fields(view.get("fields")),
        "form": view.get("form") or "ticket_note",
        "min_words": int(view.get("min_words") or 0),
        "shell": shell,
        "hints": [dict(h) for h in view.get("hints") or ()],
        "seconds_left": view.get("seconds_left"),
        "ended": bool(view.get("ended")),
        "result": view.get("result", ""),
        "persona": _mapping(view.get("persona")),
        "ticket": _mapping(view.get("ticket")),
        "machine": machine,
        "event_count": int(view.get("event_count") or 0),
        "terminal_prompt": terminal_prompt(shell, str(machine.get("user") or "")),
        "scenario_title": scenario.title,
    }


def terminal_prompt(shell: str, user: str) -> str:
    """Return a realistic prompt for the shell (``C:\\Users\\pshah>``)."""
    name = user.split("\\")[-1] or "user"
    if shell == "powershell":
        return f"PS C:\\Users\\{name}> "
    if shell == "bash":
        return f"{name}@host:~$ "
    return f"C:\\Users\\{name}>"


def _mapping(value: Any) -> dict[str, Any]:
    """Return value as a dict (empty when absent)."""
    return dict(value) if isinstance(value, Mapping) else {}


def _items(value: Iterable[Any] | None) -> list[dict[str, str]]:
    """Return options as dicts with id/label/detail."""
    out = []
    for item in value or ():
        raw = _mapping(item)
        out.append(
            {"id": str(raw.get("id", "")), "label": str(raw.get("label", "")),
             "detail": str(raw.get("detail", ""))}
        )
    return out


def _fields(value: Iterable[Any] | None) -> list[dict[str, Any]]:
    """Return classify fields as dicts with id/label/options."""
    return [
        {"id": str(_mapping(f).get("id", "")), "label": str(_mapping(f).get("label", "")),
         "options": _items(_mapping(f).get("options"))}
        for f in value or ()
    ]
