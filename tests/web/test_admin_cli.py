"""The web CLI commands (users, db upgrade, demo) and the demo seeding rules."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from simulator.services import accounts, assessments, demo, library
from simulator.store.db import db
from simulator.store.models import Assessment, Invitation, User
from simulator.web import cli_commands


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point the CLI's app at a fresh instance folder (embedded SQLite)."""
    for name in ("DATABASE_URL", "FLASK_ENV", "SIMULATOR_ENV", demo.PASSWORD_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SIMULATOR_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FLASK_SECRET_KEY", "cli-secret")
    return tmp_path


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli_commands.register(parser.add_subparsers())
    return parser.parse_args(argv)


def _run(argv: list[str]) -> int:
    args = _parse(argv)
    return int(args.func(args))


def test_db_upgrade_users_and_demo(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["db", "upgrade"]) == 0
    assert (cli_env / "simulator.sqlite3").exists()
    assert _run(["users", "create", "--name", "Ann", "--email", "ann@example.com",
                 "--role", "admin"]) == 0
    out = capsys.readouterr().out
    assert "Password (shown once):" in out
    password = out.split("Password (shown once):", 1)[1].split()[0]
    assert _run(["users", "create", "--name", "Ann", "--email", "ann@example.com",
                 "--role", "admin"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert _run(["users", "reset-password", "ann@example.com", "--password",
                 "a brand new password"]) == 0
    assert _run(["users", "reset-password", "nobody@example.com"]) == 1
    assert _run(["users", "reset-password", "ann@example.com", "--password", "short"]) == 1
    app = cli_commands._app()
    with app.app_context():
        assert accounts.authenticate("ann@example.com", password) is None
        assert accounts.authenticate("ann@example.com", "a brand new password") is not None
        db.engine.dispose()


def test_demo_command_prints_accounts_and_link_and_is_idempotent(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["demo"]) == 0
    first = capsys.readouterr().out
    assert "admin@demo.local" in first and "/i/" in first
    assert _run(["demo"]) == 0
    second = capsys.readouterr().out
    assert "(unchanged" in second
    app = cli_commands._app()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 3
        assert db.session.scalar(sa.select(sa.func.count(Assessment.id))) == 1
        token = second.split("/i/", 1)[1].split()[0]
        assert assessments.invitation_for_token(token, app.extensions["simulator.clock"]())
        db.engine.dispose()


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"DATABASE_URL": "postgresql://x@127.0.0.1/db"}, "DATABASE_URL"),
        ({"FLASK_ENV": "production"}, "production"),
        ({"SIMULATOR_ENV": "Production"}, "production"),
    ],
)
def test_demo_refused(env: dict[str, str], reason: str, cli_env: Path,
                      monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    assert reason in (demo.refusal_reason(env) or "")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert _run(["demo"]) == 1
    assert reason in capsys.readouterr().err
    assert not (cli_env / "simulator.sqlite3").exists()


def test_seed_with_fixed_password(app: Flask, now: Any) -> None:
    with app.app_context():
        env = {demo.PASSWORD_ENV: "fixed demo password"}
        result = demo.seed(library.catalog(), now(), env)
        assert set(result.passwords.values()) == {"fixed demo password"}
        for email, _name, role in demo.DEMO_ACCOUNTS:
            user = accounts.authenticate(email, "fixed demo password")
            assert user is not None and user.role == role
        assert result.invitation_token
        again = demo.seed(library.catalog(), now(), env)
        assert again.assessment_id == result.assessment_id
        assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 1
        lines = demo.format_result(again, "http://127.0.0.1:5000/")
        assert any(line.endswith(f"/i/{again.invitation_token}") for line in lines)
        with pytest.raises(demo.DemoRefused):
            demo.seed(library.catalog(), now(), {"DATABASE_URL": "sqlite:///x"})


def test_serve_command_prefers_gunicorn() -> None:
    command = cli_commands.serve_command("127.0.0.1", 5001, 2, 4)
    assert command is not None
    assert command[-1] == "simulator.web:create_app()"
    assert command[3:5] == ["-w", "2"]
    assert "127.0.0.1:5001" in command


def test_user_factory_fixture(make_user: Callable[..., User]) -> None:
    user = make_user("trainee", name="Tia")
    assert user.name == "Tia" and user.role == "trainee" and user.is_active
