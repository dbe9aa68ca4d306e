"""Sign in, sign out, safe redirects and the user loader."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from simulator.store.models import User
from simulator.web.auth import WRONG_CREDENTIALS, safe_next


@pytest.mark.parametrize("role", ["admin", "interviewer", "trainee"])
def test_login_success_redirects_home(
    client: FlaskClient, make_user: Callable[..., User], auth: Any, role: str
) -> None:
    user = make_user(role)
    response = auth.login(user.email, user.password)
    assert response.status_code == 302
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert user.name in page


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("nobody@example.test", "correct horse battery staple"),  # unknown account
        ("KNOWN", "wrong password entirely"),  # wrong password
        ("KNOWN", ""),  # empty password
        ("", "correct horse battery staple"),  # empty e-mail
    ],
)
def test_login_failure_is_generic(
    client: FlaskClient, make_user: Callable[..., User], auth: Any, email: str, password: str
) -> None:
    user = make_user("interviewer")
    email = user.email if email == "KNOWN" else email
    response = auth.login(email, password)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Sign in" in page
    if email and password:
        assert WRONG_CREDENTIALS in page
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_login_email_is_case_insensitive(make_user: Callable[..., User], auth: Any) -> None:
    user = make_user("admin", email="Mixed.Case@Example.test")
    assert user.email == "mixed.case@example.test"
    assert auth.login("  MIXED.case@example.TEST ", user.password).status_code == 302


def test_inactive_user_cannot_login(make_user: Callable[..., User], auth: Any) -> None:
    user = make_user("interviewer", active=False)
    response = auth.login(user.email, user.password)
    assert response.status_code == 200
    assert WRONG_CREDENTIALS in response.get_data(as_text=True)


def test_candidate_without_password_cannot_login(
    make_user: Callable[..., User], auth: Any
) -> None:
    user = make_user("candidate", password=None)
    response = auth.login(user.email, "")
    assert response.status_code == 200
    response = auth.login(user.email, "any password at all")
    assert WRONG_CREDENTIALS in response.get_data(as_text=True)


def test_logout_requires_post_and_signs_out(
    client: FlaskClient, make_user: Callable[..., User], auth: Any
) -> None:
    user = make_user("admin")
    auth.login_as(user)
    assert client.get("/logout").status_code == 405
    assert auth.logout().status_code == 302
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/admin/users", "/admin/users"),
        ("/interviewer/assessments?x=1", "/interviewer/assessments?x=1"),
        ("https://evil.example/", None),
        ("//evil.example/path", None),
        ("/\\evil.example", None),
        ("javascript:alert(1)", None),
        ("relative/path", None),
        ("", None),
        (None, None),
        ("/ok\r\nSet-Cookie: x=1", None),
        ("/" + "a" * 3000, None),
    ],
)
def test_safe_next(target: str | None, expected: str | None) -> None:
    assert safe_next(target) == expected


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil"])
def test_login_never_redirects_off_site(
    client: FlaskClient, make_user: Callable[..., User], target: str
) -> None:
    user = make_user("admin")
    response = client.post(
        "/login", query_string={"next": target},
        data={"email": user.email, "password": user.password},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil" not in location


def test_login_follows_local_next(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user("admin")
    response = client.post(
        "/login", query_string={"next": "/admin/library"},
        data={"email": user.email, "password": user.password},
    )
    assert response.headers["Location"] == "/admin/library"


def test_protected_page_redirects_to_login_with_next(client: FlaskClient) -> None:
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_user_loader_ignores_garbage_session(app: Flask) -> None:
    from simulator.web.auth import load_user

    with app.app_context():
        assert load_user("not-a-number") is None
        assert load_user("999999") is None


def test_healthz(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
