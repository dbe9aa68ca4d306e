"""Migrations build the schema on SQLite and PostgreSQL, match the models, and go down."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade

from simulator.store.db import db
from simulator.web import create_app
from tests.conftest import base_config

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
CORE_TABLES = {"user", "content_snapshot", "assessment", "invitation", "attempt",
               "attempt_event", "auto_score", "integrity_signal"}


def _app(uri: str, **engine: Any) -> Flask:
    config = base_config(uri)
    if engine:
        config["SQLALCHEMY_ENGINE_OPTIONS"] = engine
    return create_app(config)


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    app = _app(f"sqlite:///{tmp_path / 'mig.sqlite3'}")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def pg_app() -> Iterator[Flask]:
    """An app whose connections use a throw-away PostgreSQL schema."""
    schema = f"mig_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
                              if PG_URL.startswith("postgresql://") else PG_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    app = _app(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    yield app
    with app.app_context():
        db.engine.dispose()
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def _diff(app: Flask) -> list[Any]:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _check_roundtrip(app: Flask) -> None:
    with app.app_context():
        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert tables >= CORE_TABLES
        with db.engine.connect() as conn:
            head = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        assert head
    assert _diff(app) == []
    with app.app_context():
        downgrade(revision="base")
        left = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert left == set()
        upgrade()
        assert set(sa.inspect(db.engine).get_table_names()) >= CORE_TABLES


def test_sqlite_upgrade_matches_models_and_downgrades(sqlite_app: Flask) -> None:
    _check_roundtrip(sqlite_app)


def test_sqlite_pragmas(sqlite_app: Flask) -> None:
    with sqlite_app.app_context(), db.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(sa.text("PRAGMA busy_timeout")).scalar() == 30000


def test_initial_revision_id_is_fixed() -> None:
    text = (Path(__file__).resolve().parents[2] / "migrations" / "versions" /
            "0001_initial.py").read_text(encoding="utf-8")
    assert 'revision = "0001_initial"' in text
    assert "down_revision = None" in text


@pytest.mark.postgres
def test_postgres_upgrade_matches_models_and_downgrades(pg_app: Flask) -> None:
    _check_roundtrip(pg_app)


@pytest.mark.postgres
def test_postgres_timestamps_are_timezone_aware(pg_app: Flask) -> None:
    from datetime import UTC, datetime

    from simulator.store.models import User

    with pg_app.app_context():
        upgrade()
        user = User(email="tz@example.test", name="Tz", role="trainee",
                    created_at=datetime(2026, 1, 1, 12, tzinfo=UTC))
        db.session.add(user)
        db.session.commit()
        db.session.expire_all()
        loaded = db.session.scalar(sa.select(User))
        assert loaded is not None and loaded.created_at == datetime(2026, 1, 1, 12, tzinfo=UTC)
        assert loaded.created_at.tzinfo is not None
        db.session.remove()
