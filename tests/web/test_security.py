"""Security: role guards (every route × role), CSRF, rate limits, headers, error pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from simulator.store.models import User
from simulator.web import create_app
from tests.conftest import csrf_token

#: blueprint -> roles allowed in it
GUARDED = {"admin": ("admin",), "interviewer": ("interviewer", "admin")}
ROLES = ("admin", "interviewer", "trainee", "candidate")


def _routes() -> list[tuple[str, str, str]]:
    """Return (blueprint, method, url) for every route of the guarded blueprints."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    routes = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".", 1)[0]
        if blueprint not in GUARDED:
            continue
        url = re.sub(r"<(?:int:)?[a-z_]+>", "1", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((blueprint, method, url))
    return routes


ROUTES = _routes()


def test_route_inventory_is_complete() -> None:
    urls = {url for _, _, url in ROUTES}
    assert "/admin/users" in urls
    assert "/admin/library/reload" in urls
    assert "/interviewer/assessments/new" in urls
    assert "/interviewer/invitations/1/resend" in urls


@pytest.mark.parametrize(("blueprint", "method", "url"), ROUTES)
def test_anonymous_is_sent_to_login(client: FlaskClient, blueprint: str, method: str,
                                    url: str) -> None:
    response = client.open(url, method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("blueprint", "method", "url"), ROUTES)
def test_role_guard(app: Flask, make_user: Callable[..., User], blueprint: str, method: str,
                    url: str, role: str) -> None:
    user = make_user(role, password=None if role == "candidate" else "role guard password")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    response = client.open(url, method=method)
    if role in GUARDED[blueprint]:
        assert response.status_code not in (401, 403), (role, url)
        assert response.status_code < 500
    else:
        assert response.status_code == 403, (role, url)
        assert "Not allowed" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/login", {"email": "a@example.test", "password": "x"}),
        ("/admin/users/new", {"name": "X", "email": "x@example.test", "role": "trainee"}),
        ("/interviewer/assessments/new", {"title": "X"}),
    ],
)
def test_post_without_csrf_token_is_refused(
    app_factory: Callable[..., Flask], make_user: Callable[..., User], url: str,
    data: dict[str, str],
) -> None:
    app = app_factory(WTF_CSRF_ENABLED=True)
    admin = make_user("admin")
    client = app.test_client()
    token = csrf_token(client, "/login")
    client.post("/login", data={"email": admin.email, "password": admin.password,
                                "csrf_token": token})
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    response = client.post(url, data={**data, "csrf_token": "forged-token"})
    assert response.status_code == 400


def test_csrf_token_never_expires_and_works_in_header(
    app_factory: Callable[..., Flask], make_user: Callable[..., User]
) -> None:
    app = app_factory(WTF_CSRF_ENABLED=True)
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None
    admin = make_user("admin")
    client = app.test_client()
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": admin.email, "password": admin.password,
                                            "csrf_token": token})
    assert response.status_code == 302
    # a fetch() call sends the token as a header instead of a form field
    token = csrf_token(client, "/admin/users")
    response = client.post("/admin/library/reload", headers={"X-CSRFToken": token})
    assert response.status_code == 302


def test_login_is_rate_limited(app_factory: Callable[..., Flask]) -> None:
    from simulator.web.extensions import limiter

    app = app_factory(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    limiter.reset()
    client = app.test_client()
    codes = [client.post("/login", data={"email": "a@example.test", "password": "nope"}
                         ).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = client.post("/login", data={"email": "a@example.test", "password": "nope"})
    assert "Too many" in response.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # only POSTs count
    limiter.reset()


@pytest.mark.parametrize("url", ["/login", "/", "/no-such-page"])
def test_security_headers(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_flags(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user("admin")
    response = client.post("/login", data={"email": user.email, "password": user.password})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_cookies_are_secure(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("SIMULATOR_ENV", "production")
    monkeypatch.setenv("FLASK_SECRET_KEY", "production-secret")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/x")
    monkeypatch.setenv("SIMULATOR_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1:5432/x"
    assert app.config["SECRET_KEY"] == "production-secret"


def test_production_requires_secret(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("SIMULATOR_ENV", "production")
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SIMULATOR_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


@pytest.mark.parametrize(
    ("method", "url", "code", "text"),
    [
        ("GET", "/no-such-page", 404, "Page not found"),
        ("GET", "/logout", 405, "Method not allowed"),
        ("DELETE", "/login", 405, "Method not allowed"),
    ],
)
def test_error_pages(client: FlaskClient, method: str, url: str, code: int, text: str) -> None:
    response = client.open(url, method=method)
    assert response.status_code == code
    page = response.get_data(as_text=True)
    assert text in page
    assert "Traceback" not in page


def test_json_errors_for_scripts(client: FlaskClient) -> None:
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_too_large_body(app_factory: Callable[..., Flask], make_user: Callable[..., User]
                        ) -> None:
    app = app_factory(MAX_CONTENT_LENGTH=1024)
    response = app.test_client().post("/login", data={"email": "a" * 5000, "password": "x"})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_unexpected_error_is_a_500_page(app_factory: Callable[..., Flask]) -> None:
    app = app_factory(PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert "secret internals" not in page


@pytest.mark.parametrize(
    ("kwargs", "rejected"),
    [
        ({"data": {"email": "a\x00b@example.test", "password": "x"}}, True),
        ({"query_string": "next=/a%00b", "data": {"email": "a@example.test"}}, True),
        ({"json": {"email": "a\x00b"}}, False),  # JSON endpoints validate their own input
        ({"data": {"email": "100%00 sure@example.test", "password": "x"}}, False),
    ],
)
def test_nul_characters_are_refused_clearly(client: FlaskClient, kwargs: dict[str, Any],
                                            rejected: bool) -> None:
    response = client.post("/login", **kwargs)
    body = response.get_data(as_text=True)
    if rejected:
        assert response.status_code == 400
        assert "NUL character" in body
    else:
        assert "NUL character" not in body
        assert response.status_code < 500
