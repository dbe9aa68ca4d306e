"""The Flask web application (``create_app`` is the entry point)."""

from __future__ import annotations

from simulator.web.app import create_app

__all__ = ["create_app"]
