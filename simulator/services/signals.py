"""Integrity signals: paste, tab switches, long pauses — recorded as facts, never verdicts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from simulator.domain.session import SessionState
from simulator.services.attempts import clock
from simulator.services.errors import Forbidden, InvalidInput
from simulator.store.db import db
from simulator.store.models import Attempt, IntegritySignal

SIGNAL_KINDS = ("paste", "blur", "focus", "long_pause", "devtools")
MAX_SIGNAL_DETAIL = 2_000


def record_signal(
    attempt: Attempt, kind: str, detail: Mapping[str, Any] | None, now: datetime
) -> IntegritySignal:
    """Record one integrity signal (a fact to disclose and review, never a verdict)."""
    if kind not in SIGNAL_KINDS:
        raise InvalidInput(f"Unknown signal kind {kind!r}.")
    if attempt.status != "in_progress":
        raise Forbidden("This attempt has ended.")
    clean = _clean_detail(detail)
    state = SessionState.from_dict(attempt.state)
    signal = IntegritySignal(
        attempt_id=attempt.id,
        kind=kind,
        at=round(clock(now) - state.started_at, 3),
        detail=clean,
        created_at=now,
    )
    db.session.add(signal)
    db.session.commit()
    return signal


def _clean_detail(detail: Mapping[str, Any] | None) -> dict[str, Any]:
    """Keep only short scalar values of a signal's detail."""
    if detail is None:
        return {}
    if not isinstance(detail, Mapping) or len(detail) > 20:
        raise InvalidInput("Signal detail must be a small mapping.")
    clean: dict[str, Any] = {}
    for key, value in detail.items():
        if not isinstance(key, str) or len(key) > 50 or "\x00" in key:
            raise InvalidInput("Signal detail keys must be short strings.")
        if isinstance(value, bool | int | float) or value is None:
            clean[key] = value
        elif isinstance(value, str):
            clean[key] = value[:MAX_SIGNAL_DETAIL].replace("\x00", "")
        else:
            raise InvalidInput("Signal detail values must be numbers or short text.")
    return clean
