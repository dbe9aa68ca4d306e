"""The blueprint modules create_app registers, in order."""

from __future__ import annotations

import importlib

from flask import Blueprint, Flask

BLUEPRINT_MODULES: tuple[str, ...] = (
    "simulator.web.auth",
    "simulator.web.admin",
    "simulator.web.interviewer",
    "simulator.web.candidate",
    "simulator.web.practice",
    "simulator.web.review",
)


def register_blueprints(app: Flask) -> list[str]:
    """Register every blueprint; call each module's ``init_app`` if it has one."""
    registered: list[str] = []
    for name in BLUEPRINT_MODULES:
        module = importlib.import_module(name)
        bp: Blueprint = module.bp
        app.register_blueprint(bp)
        init = getattr(module, "init_app", None)
        if callable(init):
            init(app)
        registered.append(bp.name)
    return registered
