"""The blueprint modules create_app registers, in order."""

from __future__ import annotations

import importlib
import logging
from types import ModuleType

from flask import Blueprint, Flask

log = logging.getLogger(__name__)

BLUEPRINT_MODULES: tuple[str, ...] = (
    "simulator.web.auth",
    "simulator.web.admin",
    "simulator.web.interviewer",
    "simulator.web.candidate",
    "simulator.web.practice",
    "simulator.web.review",
)


def _import(name: str) -> ModuleType | None:
    """Import a blueprint module; skip it only if that exact module does not exist yet."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name:
            log.info("blueprint module %s not present yet; skipped", name)
            return None
        raise


def register_blueprints(app: Flask) -> list[str]:
    """Register every available blueprint; call each module's ``init_app`` if present."""
    registered: list[str] = []
    for name in BLUEPRINT_MODULES:
        module = _import(name)
        if module is None:
            continue
        bp: Blueprint = module.bp
        app.register_blueprint(bp)
        init = getattr(module, "init_app", None)
        if callable(init):
            init(app)
        registered.append(bp.name)
    return registered
