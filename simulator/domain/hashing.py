"""Content hashes: sha256 of the canonical JSON form of a parsed YAML document."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

PREFIX = "sha256:"
#: top-level keys left out of a scenario's hash: example runs do not change what
#: a candidate plays, so editing them must not orphan earlier attempts
SCENARIO_UNHASHED = frozenset({"playthroughs"})


def canonical_json(data: Any) -> str:
    """Return ``data`` as JSON with sorted keys and no insignificant whitespace."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(data: Mapping[str, Any], exclude: frozenset[str] = frozenset()) -> str:
    """Return "sha256:<hex>" of ``data`` without the top-level keys in ``exclude``."""
    kept = {key: value for key, value in data.items() if key not in exclude}
    digest = hashlib.sha256(canonical_json(kept).encode("utf-8", "surrogatepass"))
    return PREFIX + digest.hexdigest()


def scenario_hash(data: Mapping[str, Any]) -> str:
    """Return the content hash of a scenario document (playthroughs excluded)."""
    return content_hash(data, SCENARIO_UNHASHED)
