"""Persistence: the SQLAlchemy ``db`` object and typed models."""

from __future__ import annotations

from simulator.store.db import Base, db

__all__ = ["Base", "db"]
