"""Every WEB-CORE form with empty, oversized and malicious input: a clear message, no 500,
nothing a user typed is echoed unescaped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from simulator.services import assessments
from simulator.store.db import db
from simulator.store.models import Assessment, User
from tests.conftest import csrf_token

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQLISH = "'; DROP TABLE \"user\"; --"
UNICODE = "Zoë Ñúñez 山田 🙂 \u202eevil"
HUGE = "x" * 100_000
PAYLOADS = {
    "empty": "",
    "spaces": "    ",
    "xss": XSS,
    "sqlish": SQLISH,
    "unicode": UNICODE,
    "nul": "abc\x00def",
    "huge": HUGE,
}


def _assert_safe(response: Any) -> str:
    assert response.status_code < 500, response.status_code
    page = response.get_data(as_text=True)
    assert "<script>alert" not in page
    assert "onerror=alert" not in page or "&lt;img" in page
    return page


def _setup(app: Flask, make_user: Callable[..., User]) -> tuple[FlaskClient, int, int]:
    """Sign in an admin; return the client, an assessment id and an invitation id."""
    admin = make_user("admin")
    client = app.test_client()
    client.post("/login", data={"email": admin.email, "password": admin.password})
    with app.app_context():
        owner = db.session.get(User, admin.id)
        assert owner is not None
        item = assessments.create_assessment(owner, "Bad input", ["outlook-password-prompt"],
                                             app.extensions["simulator.clock"]())
        issued = assessments.invite(owner, item.id, "Cara", "cara@example.test",
                                    app.extensions["simulator.clock"]())
        return client, item.id, issued.invitation.id


FORMS: list[tuple[str, str, list[str], dict[str, str]]] = [
    ("login", "/login", ["email", "password"], {}),
    ("create user", "/admin/users/new", ["name", "email", "password"], {"role": "trainee"}),
    ("reset password", "/admin/users/1/password", ["password"], {}),
    ("new assessment", "/interviewer/assessments/new",
     ["title", "time_limit_minutes", "opens_at", "closes_at", "role_profile_id", "scenario_ids"],
     {}),
    ("invite", "/interviewer/assessments/{aid}/invitations",
     ["candidate_name", "candidate_email", "extra_minutes"], {}),
    ("window", "/interviewer/assessments/{aid}/window", ["opens_at", "closes_at"], {}),
    ("extra time", "/interviewer/invitations/{iid}/extra-time", ["extra_minutes"], {}),
]


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
@pytest.mark.parametrize(("form", "url", "fields", "fixed"), FORMS, ids=[f[0] for f in FORMS])
def test_form_survives_bad_input(
    app: Flask, make_user: Callable[..., User], form: str, url: str, fields: list[str],
    fixed: dict[str, str], payload: str,
) -> None:
    client, aid, iid = _setup(app, make_user)
    url = url.format(aid=aid, iid=iid)
    data = {name: PAYLOADS[payload] for name in fields}
    data.update(fixed)
    if form == "login":
        client.post("/logout")
    response = client.post(url, data=data, follow_redirects=True)
    page = _assert_safe(response)
    if payload in ("empty", "spaces") and form not in ("reset password", "extra time"):
        assert 'class="error"' in page or "form-errors" in page


@pytest.mark.parametrize("payload", ["xss", "sqlish", "unicode"])
def test_malicious_values_are_stored_verbatim_and_escaped(
    app: Flask, make_user: Callable[..., User], payload: str
) -> None:
    client, aid, _ = _setup(app, make_user)
    value = PAYLOADS[payload]
    response = client.post(f"/interviewer/assessments/{aid}/invitations", data={
        "candidate_name": value, "candidate_email": "ok@example.test", "extra_minutes": "0"})
    page = _assert_safe(response)
    assert response.status_code == 200
    response = client.post("/interviewer/assessments/new", data={
        "title": value, "scenario_ids": ["outlook-password-prompt"]}, follow_redirects=True)
    page = _assert_safe(response)
    with app.app_context():
        titles = list(db.session.scalars(sa.select(Assessment.title)))
    assert value.strip() in titles
    if payload == "xss":
        assert "&lt;script&gt;" in page


@pytest.mark.parametrize("field", ["title", "candidate_name", "name"])
def test_oversized_values_get_a_length_message(
    app: Flask, make_user: Callable[..., User], field: str
) -> None:
    client, aid, _ = _setup(app, make_user)
    url = {
        "title": "/interviewer/assessments/new",
        "candidate_name": f"/interviewer/assessments/{aid}/invitations",
        "name": "/admin/users/new",
    }[field]
    response = client.post(url, data={field: "y" * 500})
    page = _assert_safe(response)
    assert response.status_code == 400
    assert "Use at most" in page


@pytest.mark.parametrize(("form", "url", "fields", "fixed"), FORMS, ids=[f[0] for f in FORMS])
def test_every_form_requires_csrf(
    app_factory: Callable[..., Flask], make_user: Callable[..., User], form: str, url: str,
    fields: list[str], fixed: dict[str, str],
) -> None:
    app = app_factory(WTF_CSRF_ENABLED=True)
    admin = make_user("admin")
    client = app.test_client()
    client.post("/login", data={"email": admin.email, "password": admin.password,
                                "csrf_token": csrf_token(client)})
    with app.app_context():
        owner = db.session.get(User, admin.id)
        assert owner is not None
        item = assessments.create_assessment(owner, "CSRF", ["a"],
                                             app.extensions["simulator.clock"]())
        issued = assessments.invite(owner, item.id, "C", "c@example.test",
                                    app.extensions["simulator.clock"]())
        aid, iid = item.id, issued.invitation.id
    url = url.format(aid=aid, iid=iid)
    response = client.post(url, data={name: "value" for name in fields} | fixed)
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
