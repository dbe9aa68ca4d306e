"""Role guards, per-object 404s, notes and decisions (with bad input)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from simulator.store.db import db
from simulator.store.review_models import AuditLog, Decision, InvitationSummary, ReviewNote
from tests.web.review_factories import review_env


@pytest.fixture
def env(app: Any, make_user: Any, now: Any) -> Any:
    return review_env(app, make_user, now)


def _urls(env: Any) -> list[str]:
    s = env.seeded
    return [
        "/review/", f"/review/assessments/{s.assessment_id}/results",
        f"/review/attempts/{s.attempt_ids[0]}", f"/review/candidates/{s.invitation_ids[0]}",
        f"/review/candidates/{s.invitation_ids[0]}/report",
        f"/review/compare?ids={s.invitation_ids[0]}&ids={s.invitation_ids[1]}",
        f"/review/assessments/{s.assessment_id}/export.csv",
        f"/review/assessments/{s.assessment_id}/xapi.json",
        f"/review/attempts/{s.attempt_ids[0]}/export.json", "/review/quality",
    ]


def test_anonymous_users_are_sent_to_login(client: Any, env: Any) -> None:
    for url in _urls(env):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["candidate", "trainee"])
def test_players_are_forbidden(client: Any, auth: Any, make_user: Any, env: Any,
                               role: str) -> None:
    auth.login_as(make_user(role))
    for url in _urls(env):
        assert client.get(url).status_code == 403, url


def test_other_interviewers_get_404_for_every_object(client: Any, auth: Any, env: Any) -> None:
    auth.login_as(env.other)
    for url in _urls(env)[1:-1]:
        assert client.get(url).status_code == 404, url
    s = env.seeded
    posts = [
        (f"/review/attempts/{s.attempt_ids[0]}/override", {"criterion": "x", "level": "y",
                                                           "reason": "zzz"}),
        (f"/review/attempts/{s.attempt_ids[0]}/notes", {"text": "hi"}),
        (f"/review/candidates/{s.invitation_ids[0]}/notes", {"text": "hi"}),
        (f"/review/candidates/{s.invitation_ids[0]}/decision", {"decision": "advance"}),
    ]
    for url, data in posts:
        assert client.post(url, data=data).status_code == 404, url
    index = client.get("/review/").get_data(as_text=True)
    assert "Service desk hiring" not in index


def test_quality_page_is_admin_only(client: Any, auth: Any, env: Any) -> None:
    auth.login_as(env.interviewer)
    assert client.get("/review/quality").status_code == 403
    auth.logout()
    auth.login_as(env.admin)
    assert client.get("/review/quality").status_code == 200


def test_admin_sees_every_assessment(client: Any, auth: Any, env: Any) -> None:
    auth.login_as(env.admin)
    for url in _urls(env):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "url",
    ["/review/attempts/999999", "/review/candidates/999999", "/review/assessments/999999/results",
     "/review/assessments/999999/export.csv", "/review/attempts/999999/export.json",
     "/review/assessments/999999/xapi.json", "/review/candidates/999999/report"],
)
def test_missing_objects_are_404(client: Any, auth: Any, env: Any, url: str) -> None:
    auth.login_as(env.interviewer)
    assert client.get(url).status_code == 404


def test_decision_is_recorded_audited_and_summarised(
    app: Any, client: Any, auth: Any, env: Any
) -> None:
    invitation_id = env.seeded.invitation_ids[1]
    auth.login_as(env.interviewer)
    response = client.post(f"/review/candidates/{invitation_id}/decision",
                           data={"decision": "hold", "note": "Wait for the panel."})
    assert response.status_code == 302
    client.post(f"/review/candidates/{invitation_id}/decision", data={"decision": "reject"})
    page = client.get(f"/review/candidates/{invitation_id}").get_data(as_text=True)
    assert "Current: <strong>reject</strong>" in page
    with app.app_context():
        assert [d.decision for d in db.session.scalars(
            sa.select(Decision).order_by(Decision.id))] == ["hold", "reject"]
        assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
            AuditLog.action == "decision")) == 2
        summary = db.session.scalar(sa.select(InvitationSummary).where(
            InvitationSummary.invitation_id == invitation_id))
        assert summary.decision == "reject"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose advance, hold or reject."),
        ({"decision": "hire-now"}, "Not a valid choice"),
        ({"decision": "advance", "note": "x" * 5001}, "Keep the note under"),
    ],
)
def test_bad_decisions_are_refused(app: Any, client: Any, auth: Any, env: Any,
                                   data: dict[str, str], message: str) -> None:
    auth.login_as(env.interviewer)
    response = client.post(f"/review/candidates/{env.seeded.invitation_ids[0]}/decision",
                           data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Decision.id))) == 0


@pytest.mark.parametrize("kind", ["attempt", "candidate"])
@pytest.mark.parametrize(
    ("text", "ok"),
    [("Solid call handling.", True), ("", False), ("   ", False), ("x" * 5001, False),
     ("<img src=x onerror=alert(1)>", True)],
)
def test_notes(app: Any, client: Any, auth: Any, env: Any, kind: str, text: str,
               ok: bool) -> None:
    s = env.seeded
    url = (f"/review/attempts/{s.attempt_ids[0]}" if kind == "attempt"
           else f"/review/candidates/{s.invitation_ids[0]}")
    auth.login_as(env.interviewer)
    response = client.post(f"{url}/notes", data={"text": text})
    assert response.status_code == (302 if ok else 400)
    page = client.get(url).get_data(as_text=True)
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(ReviewNote.id)))
    assert count == (1 if ok else 0)
    if ok:
        assert "<img src=x" not in page
        assert text.replace("<", "&lt;").replace(">", "&gt;") in page


def test_post_without_csrf_token_is_refused(app_factory: Any, make_user: Any, now: Any,
                                            get_csrf: Any) -> None:
    app = app_factory(WTF_CSRF_ENABLED=True)
    env = review_env(app, make_user, now)
    client = app.test_client()
    token = get_csrf(client, "/login")
    signed_in = client.post("/login", data={"email": env.interviewer.email, "csrf_token": token,
                                            "password": env.interviewer.password})
    assert signed_in.status_code == 302
    assert client.get("/review/").status_code == 200
    response = client.post(f"/review/candidates/{env.seeded.invitation_ids[0]}/decision",
                           data={"decision": "advance"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Decision.id))) == 0
