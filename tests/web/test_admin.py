"""Admin area: users (create, generated password once, reset, deactivate) and library."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from simulator.services import accounts
from simulator.store.db import db
from simulator.store.models import User


@pytest.fixture
def admin(make_user: Callable[..., User], auth: Any) -> User:
    """Return a signed-in admin."""
    user = make_user("admin")
    auth.login_as(user)
    return user


def _user(app: Flask, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def test_users_page_lists_users(client: FlaskClient, admin: User,
                                make_user: Callable[..., User]) -> None:
    other = make_user("trainee", name="Tariq Trainee")
    page = client.get("/admin/users").get_data(as_text=True)
    assert admin.email in page
    assert other.email in page
    assert "Tariq Trainee" in page


@pytest.mark.parametrize("role", ["interviewer", "trainee", "admin"])
def test_create_user_with_password(app: Flask, client: FlaskClient, admin: User,
                                   role: str) -> None:
    response = client.post("/admin/users/new", data={
        "name": "New Person", "email": f"new.{role}@example.test", "role": role,
        "password": "a long enough password",
    })
    assert response.status_code == 302
    created = _user(app, f"new.{role}@example.test")
    assert created is not None and created.role == role
    assert created.password_hash and created.password_hash.startswith("$argon2id$")
    assert "a long enough password" not in created.password_hash


def test_create_user_generated_password_is_shown_once_and_works(
    app: Flask, client: FlaskClient, admin: User
) -> None:
    response = client.post("/admin/users/new", data={
        "name": "Gen Erated", "email": "gen@example.test", "role": "interviewer",
        "password": "",
    })
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "shown <strong>only once</strong>" in page
    password = re.search(r'id="generated-password"[^>]*value="([^"]+)"', page)
    assert password is not None
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        assert accounts.authenticate("gen@example.test", password.group(1)) is not None
    # the users list never shows it again
    assert password.group(1) not in client.get("/admin/users").get_data(as_text=True)


def test_create_user_duplicate_email(client: FlaskClient, admin: User) -> None:
    response = client.post("/admin/users/new", data={
        "name": "Dup", "email": admin.email.upper(), "role": "trainee", "password": "",
    })
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)


def test_reset_password_generated(app: Flask, client: FlaskClient, admin: User,
                                  make_user: Callable[..., User]) -> None:
    target = make_user("trainee")
    response = client.post(f"/admin/users/{target.id}/password", data={"password": ""})
    assert response.status_code == 200
    match = re.search(r'id="generated-password"[^>]*value="([^"]+)"', response.get_data(
        as_text=True))
    assert match is not None
    with app.app_context():
        assert accounts.authenticate(target.email, target.password) is None
        assert accounts.authenticate(target.email, match.group(1)) is not None


def test_reset_password_chosen(app: Flask, client: FlaskClient, admin: User,
                               make_user: Callable[..., User]) -> None:
    target = make_user("interviewer")
    response = client.post(f"/admin/users/{target.id}/password",
                           data={"password": "brand new password"})
    assert response.status_code == 302
    with app.app_context():
        assert accounts.authenticate(target.email, "brand new password") is not None


def test_reset_password_unknown_user_is_404(client: FlaskClient, admin: User) -> None:
    assert client.get("/admin/users/9999/password").status_code == 404
    assert client.post("/admin/users/9999/password", data={"password": ""}).status_code == 404


def test_deactivate_and_activate(app: Flask, client: FlaskClient, admin: User,
                                 make_user: Callable[..., User]) -> None:
    target = make_user("interviewer")
    assert client.post(f"/admin/users/{target.id}/deactivate").status_code == 302
    with app.app_context():
        assert accounts.authenticate(target.email, target.password) is None
    other = app.test_client()
    response = other.post("/login", data={"email": target.email, "password": target.password})
    assert response.status_code == 200
    assert client.post(f"/admin/users/{target.id}/activate").status_code == 302
    with app.app_context():
        assert accounts.authenticate(target.email, target.password) is not None


def test_deactivated_user_session_ends(app: Flask, client: FlaskClient,
                                       make_user: Callable[..., User]) -> None:
    interviewer = make_user("interviewer")
    client.post("/login", data={"email": interviewer.email, "password": interviewer.password})
    assert client.get("/interviewer/assessments").status_code == 200
    with app.app_context():
        accounts.set_active(interviewer.id, False)
    response = client.get("/interviewer/assessments")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_admin_cannot_deactivate_self(app: Flask, client: FlaskClient, admin: User) -> None:
    response = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "cannot deactivate your own account" in response.get_data(as_text=True)
    user = _user(app, admin.email)
    assert user is not None and user.is_active


def test_library_page_lists_files_with_status(client: FlaskClient, admin: User) -> None:
    page = client.get("/admin/library").get_data(as_text=True)
    assert "competencies.yaml" in page
    assert "roles.yaml" in page
    assert re.search(r"badge-(valid|invalid|warning)", page)


def test_library_page_shows_problem_location_and_fix(
    app_factory: Callable[..., Flask], make_user: Callable[..., User], tmp_path: Any
) -> None:
    scenarios = tmp_path / "lib" / "scenarios"
    rubrics = tmp_path / "lib" / "rubrics"
    scenarios.mkdir(parents=True)
    rubrics.mkdir(parents=True)
    (scenarios / "broken.yaml").write_text(
        "schema_version: 1\nkind: scenario\nid: broken\ntitle: [unclosed\n", encoding="utf-8"
    )
    app = app_factory(SCENARIOS_DIR=str(scenarios), RUBRICS_DIR=str(rubrics))
    client = app.test_client()
    admin = make_user("admin")
    client.post("/login", data={"email": admin.email, "password": admin.password})
    page = client.get("/admin/library").get_data(as_text=True)
    assert "broken.yaml" in page
    assert "badge-invalid" in page
    assert re.search(r"broken\.yaml:\d+", page)


def test_library_reload(client: FlaskClient, admin: User, app: Flask) -> None:
    from simulator.services import library

    response = client.post("/admin/library/reload")
    assert response.status_code == 302
    page = client.get("/admin/library").get_data(as_text=True)
    assert "Reloaded:" in page
    with app.app_context():
        assert library.load_error() == ""
    assert client.get("/admin/library/reload").status_code == 405
