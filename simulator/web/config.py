"""Configuration: defaults, environment variables and database URL handling."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

#: the repository root (templates/, static/, scenarios/ live here in a checkout)
REPO_ROOT = Path(__file__).resolve().parents[2]
#: where the wheel puts the same folders (hatchling force-include)
BUNDLED_ROOT = Path(__file__).resolve().parents[1] / "_bundled"


def resource_dir(name: str) -> Path:
    """Return the absolute path of a top-level resource folder (checkout first, then wheel)."""
    checkout = REPO_ROOT / name
    if checkout.is_dir():
        return checkout
    return BUNDLED_ROOT / name


def normalise_database_url(url: str) -> str:
    """Make ``postgres://`` and ``postgresql://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def is_production(environ: dict[str, str] | None = None) -> bool:
    """Return True when FLASK_ENV or SIMULATOR_ENV says production."""
    env = os.environ if environ is None else environ
    values = (env.get("FLASK_ENV", ""), env.get("SIMULATOR_ENV", ""))
    return any(v.strip().lower() == "production" for v in values)


def content_dirs() -> tuple[Path, Path]:
    """Return (scenarios, rubrics): $SIMULATOR_CONTENT_DIR, the checkout, or the wheel."""
    try:
        from simulator.catalog import default_content_dirs
    except ImportError:
        return resource_dir("scenarios"), resource_dir("rubrics")
    return default_content_dirs()


def default_config(instance_path: str) -> dict[str, Any]:
    """Return the built-in defaults (overridden by FLASK_* env and test_config)."""
    scenarios, rubrics = content_dirs()
    return {
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "simulator.sqlite3"),
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # The CSRF token lives as long as the session: a 2-hour assessment never
        # fails on its final submit because a token aged out.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_HEADERS": ["X-CSRFToken", "X-CSRF-Token"],
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": "10 per minute; 50 per hour",
        "INVITATION_RATE_LIMIT": "30 per minute",
        "INVITATION_DAYS": 7,
        "SCENARIOS_DIR": str(scenarios),
        "RUBRICS_DIR": str(rubrics),
        "PRODUCTION": False,
    }


def apply_environment(app: Flask) -> None:
    """Read FLASK_* variables, DATABASE_URL, RATELIMIT_STORAGE_URI and SIMULATOR_ENV."""
    app.config.from_prefixed_env()
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = os.environ["RATELIMIT_STORAGE_URI"]
    if os.environ.get("SECRET_KEY") and not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    for key in ("SCENARIOS_DIR", "RUBRICS_DIR"):
        if os.environ.get(f"SIMULATOR_{key}"):
            app.config[key] = os.environ[f"SIMULATOR_{key}"]
    if is_production():
        app.config["PRODUCTION"] = True
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def finalise(app: Flask) -> None:
    """Normalise the database URL and make sure a secret key exists."""
    uri = normalise_database_url(str(app.config["SQLALCHEMY_DATABASE_URI"]))
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("timeout", 30)
        options["connect_args"] = connect_args
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config.get("SECRET_KEY"):
        if app.config.get("PRODUCTION"):
            raise RuntimeError("Set FLASK_SECRET_KEY (or SECRET_KEY) in production.")
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))


def _instance_secret(instance: Path) -> str:
    """Return a per-instance random secret, created on first use (development only)."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    secret = secrets.token_hex(32)
    path.write_text(secret, encoding="utf-8")
    path.chmod(0o600)
    return secret
