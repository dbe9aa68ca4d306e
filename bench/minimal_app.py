"""The baseline for bench_turns.py: a minimal Flask endpoint doing one INSERT + commit
on the same database file and SQLite settings (WAL, busy_timeout, synchronous=NORMAL)."""

from __future__ import annotations

import os
import time
from typing import Any

import sqlalchemy as sa
from flask import Flask, jsonify, request
from werkzeug.wrappers import Response

METADATA = sa.MetaData()
ROWS = sa.Table(
    "bench_row", METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("worker", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)


def _pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "busy_timeout=30000", "foreign_keys=ON",
                   "synchronous=NORMAL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def create_app() -> Flask:
    """Return the minimal app on BENCH_DATABASE_URL (default: a local SQLite file)."""
    url = os.environ.get("BENCH_DATABASE_URL", "sqlite:///bench-minimal.sqlite3")
    engine = sa.create_engine(url, connect_args={"timeout": 30} if url.startswith("sqlite")
                              else {})
    if url.startswith("sqlite"):
        sa.event.listen(engine, "connect", _pragmas)
    METADATA.create_all(engine)
    app = Flask(__name__)

    @app.post("/insert")
    def insert() -> Response:
        body = request.get_json(silent=True) or {}
        with engine.begin() as conn:
            conn.execute(ROWS.insert().values(worker=os.getpid(), body=str(body)[:2000],
                                              at=time.time()))
        return jsonify({"ok": True})

    return app
