"""Forms of the play pages: turns (plain POST fallback), consent, practice filters."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, HiddenField, SubmitField
from wtforms.validators import DataRequired

from simulator.domain.session import Action
from simulator.services.errors import InvalidInput

ACTION_TYPES = ("answer", "hint", "leave")
LEVELS = ("entry", "mid", "senior")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: the largest answer accepted (characters of text, items of a list/mapping)
MAX_TEXT = 20_000
MAX_ITEMS = 100


class TurnForm(FlaskForm):
    """The CSRF token and the transcript position every turn form carries."""

    expected_index = HiddenField()


class ConsentForm(FlaskForm):
    """Instructions page: the candidate confirms they read what is recorded."""

    agree = BooleanField(
        "I have read what is recorded and how it is used, and I want to start.",
        validators=[DataRequired("Please tick the box to confirm before you start.")],
    )
    submit = SubmitField("Start the assessment")


def practice_filters(args: Mapping[str, str], competencies: Sequence[str]) -> dict[str, str]:
    """Return the valid catalogue filters from a query string (unknown values ignored)."""
    competency = args.get("competency", "")
    level = args.get("level", "")
    return {
        "competency": competency if competency in competencies else "",
        "level": level if level in LEVELS else "",
    }


def parse_action(raw_type: Any, value: Any) -> Action:
    """Validate a raw action from a request; raise InvalidInput when malformed."""
    if raw_type not in ACTION_TYPES:
        raise InvalidInput("Unknown action: use answer, hint or leave.")
    return Action(type=raw_type, value=_clean_value(value))


def _clean_value(value: Any) -> str | list[str] | dict[str, str]:
    """Return value as str, list[str] or dict[str, str]; refuse other shapes and sizes."""
    if value is None:
        return ""
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise InvalidInput(f"That answer is too long (over {MAX_TEXT:,} characters).")
        return strip_controls(value)
    if isinstance(value, list):
        if len(value) > MAX_ITEMS or not all(isinstance(v, str) for v in value):
            raise InvalidInput("That answer must be a short list of option ids.")
        return [_short(v) for v in value]
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise InvalidInput("That answer must map field ids to option ids.")
        return {_short(k): _short(v) for k, v in value.items()}
    raise InvalidInput("That answer has an unsupported shape.")


def _short(text: str) -> str:
    """Return an id-sized string or raise InvalidInput."""
    if len(text) > 200:
        raise InvalidInput("An option id in that answer is too long.")
    return strip_controls(text)


def strip_controls(text: str) -> str:
    """Drop control characters (NUL breaks PostgreSQL text) but keep tabs and newlines."""
    return CONTROL_CHARS.sub("", text)


def parse_expected_index(raw: Any) -> int | None:
    """Return the expected event index from a request value, or None when absent."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise InvalidInput("expected_index must be a whole number.")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit() and len(raw) < 10:
        return int(raw.strip())
    raise InvalidInput("expected_index must be a whole number.")


def form_value(form: MultiDict[str, str], view: Mapping[str, Any]) -> Any:
    """Build an answer value from a plain form POST for the current step kind."""
    kind = view.get("kind")
    if kind == "triage":
        return triage_order(form, [o["id"] for o in view.get("options", [])])
    if kind == "classify":
        return {f["id"]: form.get(f"field-{f['id']}", "") for f in view.get("fields", [])}
    if kind == "choice" and view.get("multiple"):
        return form.getlist("value")
    return form.get("value", "")


def triage_order(form: MultiDict[str, str], ids: Sequence[str]) -> list[str]:
    """Turn numbered position selects (``pos-<id>``) into an order; each number once."""
    positions: dict[str, int] = {}
    for item in ids:
        raw = form.get(f"pos-{item}", "")
        if not raw.isdigit() or not 1 <= int(raw) <= len(ids):
            raise InvalidInput(f"Give every ticket a position from 1 to {len(ids)}.")
        positions[item] = int(raw)
    if len(set(positions.values())) != len(ids):
        raise InvalidInput("Use each position only once.")
    return sorted(ids, key=lambda item: positions[item])


def draft_text(value: Any) -> str:
    """Return the text worth keeping when a plain-form answer is refused."""
    return value[:MAX_TEXT] if isinstance(value, str) else ""
