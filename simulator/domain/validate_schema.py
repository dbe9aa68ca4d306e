"""Optional check of parsed documents against the JSON Schemas in ``schemas/``.

The hand-written checks stand alone; this adds a second opinion when the dev
dependency ``jsonschema`` is installed (it is not needed at run time).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from simulator.domain.loader_base import child_path

try:  # optional dev dependency; the purity test allows this guarded import only
    import jsonschema
except ImportError:  # pragma: no cover - exercised only without the dev extra
    jsonschema = None  # type: ignore[assignment]

KINDS = ("scenario", "rubric", "competencies", "roles")


def default_schemas_dir() -> Path:
    """Return the schemas directory of a checkout, or of an installed wheel."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package.parent / "schemas", package / "_bundled" / "schemas"):
        if candidate.is_dir():
            return candidate
    return package.parent / "schemas"


def load_schemas(directory: Path) -> dict[str, dict[str, Any]] | None:
    """Return kind -> schema for the schema files present, or None without jsonschema."""
    if jsonschema is None:
        return None
    schemas: dict[str, dict[str, Any]] = {}
    for kind in KINDS:
        path = directory / f"{kind}.schema.json"
        try:
            schemas[kind] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return schemas


def schema_problems(data: Mapping[str, Any], schema: Mapping[str, Any]) -> Iterator[
        tuple[str, str]]:
    """Yield (YAML path, message) for every way ``data`` breaks ``schema``."""
    if jsonschema is None:
        return
    validator = jsonschema.Draft202012Validator(schema)
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        path = ""
        for part in error.absolute_path:
            path = child_path(path, part if isinstance(part, int) else str(part))
        yield path, error.message
