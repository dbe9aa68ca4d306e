"""xAPI 1.0.3 statements for finished attempts (pure builders, no IO).

One statement per scored attempt: the candidate (actor, ``mbox``) ``passed`` or
``failed`` the scenario (an Activity), or ``terminated`` it (timed out, left), with
a result (scaled/raw score, success, completion, ISO 8601 duration) and a context
whose ``registration`` is a stable UUID per invitation (all attempts of one
assessment sitting share it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

XAPI_VERSION = "1.0.3"
VERBS = {
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "terminated": "http://adlnet.gov/expapi/verbs/terminated",
}
ASSESSMENT_TYPE = "http://adlnet.gov/expapi/activities/assessment"
SIMULATION_TYPE = "http://adlnet.gov/expapi/activities/simulation"
SCORE_MIN, SCORE_MAX = 0.0, 100.0


@dataclass(frozen=True)
class AttemptFacts:
    """What a statement says about one scored attempt."""

    attempt_id: int
    invitation_id: int | None
    actor_name: str
    actor_email: str
    scenario_id: str
    scenario_title: str
    assessment_id: int | None
    assessment_title: str
    total: float
    passed: bool
    completed: bool
    started_at: datetime
    finished_at: datetime


def iso_duration(seconds: float) -> str:
    """Return an ISO 8601 duration such as ``PT1H2M3.5S`` (never negative)."""
    remaining = max(0.0, round(float(seconds), 2))
    hours, remaining = divmod(remaining, 3600)
    minutes, secs = divmod(remaining, 60)
    out = "PT"
    if hours:
        out += f"{int(hours)}H"
    if minutes:
        out += f"{int(minutes)}M"
    if secs or out == "PT":
        out += f"{secs:g}S" if secs != int(secs) else f"{int(secs)}S"
    return out


def iso_timestamp(moment: datetime) -> str:
    """Return an ISO 8601 UTC timestamp with a ``Z`` suffix."""
    if moment.tzinfo is None:
        raise ValueError("timestamp must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def registration_uuid(base_iri: str, invitation_id: int | None, attempt_id: int) -> str:
    """Return a stable UUID for the sitting (invitation, or the attempt in practice)."""
    key = f"invitation/{invitation_id}" if invitation_id is not None else f"attempt/{attempt_id}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base_iri.rstrip('/')}/{key}"))


def _activity(iri: str, name: str, kind: str) -> dict[str, Any]:
    """Return an Activity object with a definition."""
    return {
        "objectType": "Activity",
        "id": iri,
        "definition": {"name": {"en-US": name}, "type": kind},
    }


def statement(facts: AttemptFacts, base_iri: str) -> dict[str, Any]:
    """Return the xAPI statement for one scored attempt."""
    base = base_iri.rstrip("/")
    verb = "terminated" if not facts.completed else ("passed" if facts.passed else "failed")
    total = min(SCORE_MAX, max(SCORE_MIN, round(float(facts.total), 2)))
    context: dict[str, Any] = {
        "registration": registration_uuid(base, facts.invitation_id, facts.attempt_id),
        "platform": "Help Desk Simulator",
        "language": "en-US",
    }
    if facts.assessment_id is not None:
        parent = _activity(f"{base}/assessments/{facts.assessment_id}",
                           facts.assessment_title or f"Assessment {facts.assessment_id}",
                           ASSESSMENT_TYPE)
        context["contextActivities"] = {"parent": [parent]}
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base}/attempts/{facts.attempt_id}/{verb}")),
        "version": XAPI_VERSION,
        "actor": {
            "objectType": "Agent",
            "name": facts.actor_name,
            "mbox": f"mailto:{facts.actor_email}",
        },
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": _activity(f"{base}/scenarios/{facts.scenario_id}",
                            facts.scenario_title or facts.scenario_id, SIMULATION_TYPE),
        "result": {
            "score": {"scaled": round(total / SCORE_MAX, 4), "raw": total,
                      "min": SCORE_MIN, "max": SCORE_MAX},
            "success": bool(facts.passed),
            "completion": bool(facts.completed),
            "duration": iso_duration((facts.finished_at - facts.started_at).total_seconds()),
        },
        "context": context,
        "timestamp": iso_timestamp(facts.finished_at),
    }
