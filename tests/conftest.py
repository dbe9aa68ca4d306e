"""Shared fixtures: a fresh migrated database per test, clients, users, sign-in.

- ``app``: the Flask app on a fresh database. SQLite by default (a copy of a database
  migrated once per session, in tmp_path); set TEST_DATABASE_URL (e.g.
  postgresql+psycopg://postgres@127.0.0.1:5432/test) to use PostgreSQL: the schema is
  migrated once per session and every table is truncated before each test.
  CSRF and rate limits are OFF here; use ``app_factory(WTF_CSRF_ENABLED=True, ...)`` for
  an app with them on.
- ``client``, ``runner``, ``db_session`` (an app context is pushed for it).
- ``make_user(role, email=..., password=..., name=...)`` returns a detached User with
  ``user.password`` holding the plain password.
- ``auth.login(email, password)`` / ``auth.login_as(user)`` / ``auth.logout()``.
- ``now``: a FixedClock (``now()`` → aware datetime, ``now.advance(seconds=...)``) that
  is also the app's clock.
- ``catalog``: the bundled scenario library (skips if the domain catalog is missing).
- ``csrf_token(client, url)`` helper: the token rendered into a page.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from simulator.services.clock import FixedClock
from simulator.store.db import db
from simulator.store.models import User
from simulator.web import create_app

DEFAULT_PASSWORD = "correct horse battery staple"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"


def base_config(database_uri: str, clock: FixedClock | None = None) -> dict[str, Any]:
    """Return the test configuration for a database URI."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        "CLOCK": clock,
    }


def migrate_database(database_uri: str) -> None:
    """Build the schema by running every migration (never create_all)."""
    from flask_migrate import upgrade

    app = create_app(base_config(database_uri))
    with app.app_context():
        upgrade()
        db.engine.dispose()


def truncate_all(app: Flask) -> None:
    """Empty every table (PostgreSQL) and restart the id sequences."""
    with app.app_context():
        names = [t.name for t in db.metadata.sorted_tables]
        inspector = sa.inspect(db.engine)
        present = set(inspector.get_table_names())
        names = [n for n in names if n in present]
        if names:
            quoted = ", ".join(f'"{n}"' for n in names)
            with db.engine.begin() as conn:
                conn.execute(sa.text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return a database migrated once per session (a SQLite file path or a PG URL)."""
    if TEST_DATABASE_URL:
        engine = sa.create_engine(_psycopg(TEST_DATABASE_URL))
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
        migrate_database(TEST_DATABASE_URL)
        return TEST_DATABASE_URL
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate_database(f"sqlite:///{path}")
    return str(path)


def _psycopg(url: str) -> str:
    """Use the psycopg 3 driver for a PostgreSQL URL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@pytest.fixture
def now() -> FixedClock:
    """Return the test clock (also the app's clock)."""
    return FixedClock()


@pytest.fixture
def database_uri(migrated_template: str, tmp_path: Path) -> str:
    """Return a fresh, migrated database for this test."""
    if TEST_DATABASE_URL:
        return migrated_template
    target = tmp_path / "test.sqlite3"
    shutil.copyfile(migrated_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def app_factory(
    database_uri: str, now: FixedClock, tmp_path: Path
) -> Iterator[Callable[..., Flask]]:
    """Return a function building apps on this test's database with config overrides."""
    apps: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        config = base_config(database_uri, now)
        config.update(overrides)
        app = create_app(config)
        app.instance_path = str(tmp_path / "instance")
        if TEST_DATABASE_URL and not apps:
            truncate_all(app)
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Flask:
    """Return the app on a fresh database (CSRF and rate limits off)."""
    return app_factory()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Return a test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Return a CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def db_session(app: Flask) -> Iterator[Any]:
    """Yield the SQLAlchemy session inside an app context."""
    with app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Return a factory creating committed users (detached, with ``.password``)."""
    from simulator.services import accounts

    counter = {"n": 0}

    def make(
        role: str = "interviewer",
        email: str | None = None,
        password: str | None = DEFAULT_PASSWORD,
        name: str | None = None,
        active: bool = True,
    ) -> User:
        counter["n"] += 1
        email = email or f"{role}{counter['n']}@example.test"
        with app.app_context():
            user, _ = accounts.create_user(
                name or f"{role.title()} {counter['n']}", email, role,
                None if role == "candidate" and password is None else password,
            )
            if not active:
                user.is_active = False
                db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        user.password = password  # type: ignore[attr-defined]
        return user

    return make


class AuthActions:
    """Sign a test client in and out."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = DEFAULT_PASSWORD) -> Any:
        """Post the login form; return the response."""
        return self._client.post("/login", data={"email": email, "password": password})

    def login_as(self, user: User) -> Any:
        """Sign in as a user made by ``make_user``."""
        return self.login(user.email, getattr(user, "password", None) or DEFAULT_PASSWORD)

    def logout(self) -> Any:
        """Sign out."""
        return self._client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """Return sign-in helpers bound to ``client``."""
    return AuthActions(client)


@pytest.fixture
def catalog(app: Flask) -> Any:
    """Return the bundled library (skips while the domain catalog is not written)."""
    from simulator.services import library

    with app.app_context():
        if library.load_error():
            pytest.skip(library.load_error())
        return library.catalog()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|name="csrf-token" content="([^"]+)"')


def csrf_token(client: FlaskClient, url: str = "/login") -> str:
    """Return the CSRF token rendered into the page at ``url``."""
    page = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(page)
    if not match:
        raise AssertionError(f"no CSRF token on {url}")
    return match.group(1) or match.group(2)


@pytest.fixture
def get_csrf() -> Callable[[FlaskClient, str], str]:
    """Return the ``csrf_token(client, url)`` helper."""
    return csrf_token


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip postgres-marked tests without TEST_DATABASE_URL; fail if REQUIRE_POSTGRES=1."""
    if "postgres" in item.keywords and not TEST_DATABASE_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        pytest.skip("set TEST_DATABASE_URL to run PostgreSQL tests")
