"""The JSON Schemas are valid draft 2020-12 and agree with the hand-written loader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.domain.loader import parse_document
from simulator.domain.validate_schema import default_schemas_dir, load_schemas, schema_problems

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
KINDS = ("scenario", "rubric", "competencies", "roles")
VALID = ROOT / "tests" / "fixtures" / "valid"


def _bundled() -> list[Path]:
    library = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
        (ROOT / "rubrics").glob("*.yaml"))
    return library + sorted(VALID.rglob("*.yaml"))


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_and_documented(kind: str) -> None:
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"].endswith("/draft/2020-12/schema")
    assert schema["properties"]["kind"]["const"] == kind
    described = [name for name, sub in schema["properties"].items() if "description" in sub]
    assert len(described) >= len(schema["properties"]) // 2


def test_default_schema_dir_is_the_checkout() -> None:
    assert default_schemas_dir() == SCHEMAS
    assert set(load_schemas(SCHEMAS) or {}) == set(KINDS)


@pytest.mark.parametrize("path", _bundled(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_bundled_file_matches_its_schema(path: Path) -> None:
    data, _ = parse_document(path.read_text(encoding="utf-8"), str(path))
    schema = json.loads((SCHEMAS / f"{data['kind']}.schema.json").read_text(encoding="utf-8"))
    assert list(schema_problems(data, schema)) == []


SCENARIO = parse_document((VALID / "scenarios" / "printer-queue-stuck.yaml").read_text(),
                          "s.yaml")[0]


@pytest.mark.parametrize("mutate, path", [
    (lambda d: d.update(level="guru"), "level"),
    (lambda d: d["steps"][0].update(colour="red"), "steps[0]"),
    (lambda d: d["steps"][0].pop("default"), "steps[0]"),
    (lambda d: d["steps"][4].update(rules=[]), "steps[4]"),
    (lambda d: d["steps"][0]["rules"][0]["match"].update(contains=["x"]),
     "steps[0].rules[0].match"),
    (lambda d: d["playthroughs"][0].update(band=[10]), "playthroughs[0].band"),
    (lambda d: d.update(id="Not A Slug"), "id"),
])
def test_schema_rejects_what_the_loader_rejects(mutate, path: str) -> None:
    data = json.loads(json.dumps(SCENARIO))
    mutate(data)
    schema = json.loads((SCHEMAS / "scenario.schema.json").read_text(encoding="utf-8"))
    found = list(schema_problems(data, schema))
    assert any(p == path for p, _ in found), found
