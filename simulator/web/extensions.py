"""Flask extensions, created unbound and ``init_app``-ed by the app factory."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from simulator.services.clock import Clock, system_clock
from simulator.store.db import db

__all__ = ["csrf", "db", "limiter", "login_manager", "migrate", "now"]

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)

CLOCK_KEY = "simulator.clock"


def now() -> datetime:
    """Return the app clock's current UTC time (tests inject a fixed clock)."""
    clock: Clock = current_app.extensions.get(CLOCK_KEY, system_clock)
    return clock()
