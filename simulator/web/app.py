"""The application factory."""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask_wtf.csrf import generate_csrf

from simulator.services.clock import system_clock
from simulator.web import config as cfg
from simulator.web.blueprints import register_blueprints
from simulator.web.errors import register_error_handlers
from simulator.web.extensions import CLOCK_KEY, csrf, db, limiter, login_manager, migrate
from simulator.web.nav import current_nav, home_url_for
from simulator.web.security import register_security_headers

MIGRATIONS_DIR = str(cfg.resource_dir("migrations"))


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the Flask application."""
    app = Flask(
        "simulator.web",
        template_folder=str(cfg.resource_dir("templates")),
        static_folder=str(cfg.resource_dir("static")),
        instance_path=os.environ.get("SIMULATOR_INSTANCE_PATH") or str(cfg.REPO_ROOT / "instance"),
    )
    app.config.from_mapping(cfg.default_config(app.instance_path))
    if test_config is None:
        cfg.apply_environment(app)
    else:
        app.config.from_mapping(test_config)
    cfg.finalise(app)
    os.makedirs(app.instance_path, exist_ok=True)
    app.extensions[CLOCK_KEY] = app.config.get("CLOCK") or system_clock
    _init_extensions(app)
    register_error_handlers(app)
    register_security_headers(app)
    _register_template_helpers(app)
    register_blueprints(app)
    return app


def _init_extensions(app: Flask) -> None:
    """Bind the extensions to ``app``."""
    db.init_app(app)
    migrate.init_app(app, db, directory=app.config.get("MIGRATIONS_DIR", MIGRATIONS_DIR))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    limiter.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            sa.event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Turn on WAL, a busy timeout and foreign keys for every SQLite connection."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _register_template_helpers(app: Flask) -> None:
    """Expose nav, csrf_token and home_url to every template."""
    from flask_login import current_user

    @app.context_processor
    def _inject() -> dict[str, Any]:
        role = current_user.role if current_user.is_authenticated else None
        return {
            "nav_items": current_nav,
            "csrf_token": generate_csrf,
            "home_url": lambda: home_url_for(role),
            "app_name": "Help Desk Simulator",
            "has_endpoint": lambda name: name in app.view_functions,
        }
