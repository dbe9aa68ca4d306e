"""Exports: CSV (formula-safe), JSON valid against the published schema, xAPI 1.0.3."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import sqlalchemy as sa

from simulator.services import review
from simulator.services.exports import BASE_COLUMNS, safe_cell
from simulator.services.xapi import AttemptFacts, iso_duration, statement
from simulator.store.db import db
from simulator.store.models import Invitation, User
from tests.web.review_factories import criterion_with_levels, review_env

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "schemas" / "export-attempt.schema.json").read_text()
)
DURATION = re.compile(r"^P(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


@pytest.fixture
def env(app: Any, make_user: Any, now: Any) -> Any:
    return review_env(app, make_user, now, role_profile_id="entry-technician")


def _override_first(app: Any, env: Any, now: Any) -> str:
    with app.app_context():
        user = db.session.get(User, env.interviewer.id)
        criterion, _ = criterion_with_levels(env.seeded.attempt_ids[0])
        review.save_override(user, env.seeded.attempt_ids[0], criterion.id,
                             criterion.levels[0].id, "Too thin.", now())
        return criterion.id


def test_csv_has_one_row_per_attempt_and_a_column_per_competency(
    app: Any, client: Any, auth: Any, env: Any, now: Any
) -> None:
    overridden = _override_first(app, env, now)
    auth.login_as(env.interviewer)
    response = client.get(f"/review/assessments/{env.seeded.assessment_id}/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == len(env.seeded.attempt_ids)
    header = list(rows[0])
    assert header[:len(BASE_COLUMNS)] == list(BASE_COLUMNS)
    competencies = [h for h in header if h.startswith("competency:")]
    assert "competency:troubleshooting" in competencies
    ada = next(r for r in rows if r["candidate_name"] == "Ada Expert")
    assert ada["overridden_criteria"] == overridden
    assert float(ada["final_total"]) < float(ada["auto_total"])
    assert ada["integrity_signals"] == "1"
    assert ada["verdict"] == "pass"
    unsafe = next(r for r in rows if r["candidate_name"] == "Cy Unsafe")
    assert unsafe["flags"] and unsafe["passed"] == "false"
    assert unsafe["verdict"] == "below"  # summaries never viewed are built for the export
    for row in rows:
        for name in competencies:
            assert row[name] == "" or 0 <= float(row[name]) <= 100


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2+3", "'-2+3"),
     ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"), ("\rx", "'\rx"), ("Ada", "Ada"),
     ("", ""), (-5, -5), (3.5, 3.5)],
)
def test_safe_cell(value: Any, expected: Any) -> None:
    assert safe_cell(value) == expected


def test_csv_neutralises_formula_names(app: Any, client: Any, auth: Any, env: Any) -> None:
    with app.app_context():
        invitation = db.session.get(Invitation, env.seeded.invitation_ids[0])
        invitation.candidate_name = '=cmd|" /C calc"!A0'
        invitation.candidate_email = "@evil.example"
        db.session.commit()
    auth.login_as(env.interviewer)
    text = client.get(f"/review/assessments/{env.seeded.assessment_id}/export.csv").get_data(
        as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    evil = next(r for r in rows if "calc" in r["candidate_name"])
    assert evil["candidate_name"].startswith("'=")
    assert evil["candidate_email"] == "'@evil.example"
    for row in rows:
        for cell in row.values():
            assert not (cell or "").startswith(("=", "+", "@", "\t", "\r"))


def test_json_export_validates_against_the_schema(
    app: Any, client: Any, auth: Any, env: Any, now: Any
) -> None:
    overridden = _override_first(app, env, now)
    auth.login_as(env.interviewer)
    for attempt_id in env.seeded.attempt_ids:
        response = client.get(f"/review/attempts/{attempt_id}/export.json")
        assert response.status_code == 200
        document = response.get_json()
        jsonschema.Draft202012Validator(SCHEMA).validate(document)
        assert document["transcript"] and document["auto_score"]["criteria"]
        assert [e["index"] for e in document["transcript"]] == list(
            range(len(document["transcript"])))
    first = client.get(f"/review/attempts/{env.seeded.attempt_ids[0]}/export.json").get_json()
    assert first["overrides"][0]["criterion_id"] == overridden
    assert first["overrides"][0]["reason"] == "Too thin."
    assert first["final_score"]["total"] < first["auto_score"]["total"]
    assert len(first["integrity_signals"]) == 1


@pytest.mark.parametrize(
    "mutation",
    [
        lambda d: d.pop("transcript"),
        lambda d: d["attempt"].update(status="paused"),
        lambda d: d.update(exported_at="yesterday"),
        lambda d: d["overrides"].append({"criterion_id": "x"}),
        lambda d: d["auto_score"].update(total=140),
    ],
)
def test_schema_rejects_broken_documents(client: Any, auth: Any, env: Any,
                                         mutation: Any) -> None:
    auth.login_as(env.interviewer)
    document = client.get(f"/review/attempts/{env.seeded.attempt_ids[0]}/export.json").get_json()
    mutation(document)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(SCHEMA).validate(document)


def _check_statement(s: dict[str, Any]) -> None:
    """Assert one statement meets the xAPI 1.0.3 constraints the export promises."""
    uuid.UUID(s["id"])
    assert s["version"] == "1.0.3"
    assert s["actor"]["objectType"] == "Agent" and s["actor"]["name"]
    assert re.match(r"^mailto:[^@\s]+@[^@\s]+$", s["actor"]["mbox"])
    assert s["verb"]["id"].startswith("http://adlnet.gov/expapi/verbs/")
    assert s["verb"]["display"]["en-US"] == s["verb"]["id"].rsplit("/", 1)[1]
    obj = s["object"]
    assert obj["objectType"] == "Activity" and obj["id"].startswith(("http://", "https://"))
    assert obj["definition"]["name"]["en-US"] and obj["definition"]["type"].startswith("http")
    result = s["result"]
    score = result["score"]
    assert -1 <= score["scaled"] <= 1
    assert score["min"] <= score["raw"] <= score["max"]
    assert score["scaled"] == pytest.approx(score["raw"] / 100, abs=1e-4)
    assert isinstance(result["success"], bool) and isinstance(result["completion"], bool)
    assert DURATION.match(result["duration"]) and result["duration"] != "PT"
    assert str(uuid.UUID(s["context"]["registration"])) == s["context"]["registration"]
    parent = s["context"]["contextActivities"]["parent"][0]
    assert parent["objectType"] == "Activity" and parent["id"].startswith("http")
    assert TIMESTAMP.match(s["timestamp"])


def test_xapi_statements_meet_the_spec(app: Any, client: Any, auth: Any, env: Any) -> None:
    auth.login_as(env.interviewer)
    response = client.get(f"/review/assessments/{env.seeded.assessment_id}/xapi.json")
    assert response.status_code == 200
    statements = json.loads(response.get_data(as_text=True))
    assert len(statements) == len(env.seeded.attempt_ids)
    for item in statements:
        _check_statement(item)
    verbs = {s["actor"]["name"]: s["verb"]["display"]["en-US"] for s in statements}
    assert verbs["Ada Expert"] == "passed" and verbs["Bob Weak"] == "failed"
    assert len({s["context"]["registration"] for s in statements}) == len(statements)
    assert len({s["id"] for s in statements}) == len(statements)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0, "PT0S"), (59.5, "PT59.5S"), (60, "PT1M"), (3725, "PT1H2M5S"), (7200, "PT2H"),
     (-5, "PT0S")],
)
def test_iso_duration(seconds: float, expected: str) -> None:
    assert iso_duration(seconds) == expected


@pytest.mark.parametrize(("total", "completed"), [(150.0, True), (-3.0, True), (50.0, False)])
def test_statement_clamps_scores(total: float, completed: bool) -> None:
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    facts = AttemptFacts(1, None, "Ada", "ada@example.test", "dns", "DNS", None, "", total,
                         total >= 70, completed, start, start.replace(minute=12))
    made = statement(facts, "https://example.test/xapi")
    assert -1 <= made["result"]["score"]["scaled"] <= 1
    assert made["result"]["duration"] == "PT12M"
    assert "contextActivities" not in made["context"]
    if not completed:
        assert made["verb"]["display"]["en-US"] == "terminated"
        assert made["result"]["completion"] is False


def test_naive_timestamps_are_refused() -> None:
    start = datetime(2026, 1, 5, 9, 0)
    facts = AttemptFacts(1, 2, "Ada", "ada@example.test", "dns", "DNS", 3, "A", 80.0, True, True,
                         start, start)
    with pytest.raises(ValueError):
        statement(facts, "https://example.test/xapi")


def test_exports_hold_nothing_for_an_empty_assessment(
    app: Any, client: Any, auth: Any, make_user: Any, now: Any
) -> None:
    env = review_env(app, make_user, now, candidates=[("Only Invited", None)])
    auth.login_as(env.interviewer)
    text = client.get(f"/review/assessments/{env.seeded.assessment_id}/export.csv").get_data(
        as_text=True)
    assert text.count("\r\n") == 1
    assert client.get(f"/review/assessments/{env.seeded.assessment_id}/xapi.json").get_json() == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 1
