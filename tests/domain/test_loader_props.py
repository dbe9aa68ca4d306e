"""Property tests: whatever text or data arrives, the loader answers with ContentError only,
and the library validator never crashes."""

from __future__ import annotations

import contextlib
import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.domain import loader
from simulator.domain.loader import ContentError, parse_document
from simulator.domain.validate import check_texts

VALID = Path(__file__).resolve().parent.parent / "fixtures" / "valid"
SCENARIO_TEXT = (VALID / "scenarios" / "printer-queue-stuck.yaml").read_text(encoding="utf-8")
RUBRIC_TEXT = (VALID / "rubrics" / "printer-queue-stuck.yaml").read_text(encoding="utf-8")
PARSERS = (loader.parse_scenario, loader.parse_rubric, loader.parse_competencies,
           loader.parse_roles, parse_document)
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**6, max_value=10**6),
    st.floats(allow_nan=False), st.text(max_size=20),
)
data = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(min_size=1, max_size=12), inner, max_size=5),
    max_leaves=25,
)
yaml_alphabet = st.sampled_from([*list("abc:-[]{}&*!|>'\"#%@`,?\t\n  0123456789.~"), "\x00"])


def _parse_all(text: str) -> None:
    for parse in PARSERS:
        try:
            parse(text, "fuzz.yaml")
        except ContentError as exc:
            assert exc.problems, "ContentError must carry at least one problem"
            assert all(p.file == "fuzz.yaml" and p.line >= 1 for p in exc.problems)


@SETTINGS
@given(st.text(max_size=300))
def test_random_text_raises_only_content_error(text: str) -> None:
    _parse_all(text)


@SETTINGS
@given(st.lists(yaml_alphabet, max_size=120).map("".join))
def test_yaml_punctuation_soup_raises_only_content_error(text: str) -> None:
    _parse_all(text)


@SETTINGS
@given(data)
def test_random_data_dumped_to_yaml_raises_only_content_error(value: Any) -> None:
    _parse_all(yaml.safe_dump(value))
    _parse_all(yaml.safe_dump({"schema_version": 1, "kind": "scenario", "steps": value}))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.extend(_paths(item, (*prefix, index)))
    return out


SCENARIO_DATA = yaml.safe_load(SCENARIO_TEXT)
SCENARIO_PATHS = [p for p in _paths(SCENARIO_DATA) if p]


def _replace(root: Any, path: tuple[Any, ...], value: Any) -> Any:
    root = copy.deepcopy(root)
    node = root
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return root


@SETTINGS
@given(st.sampled_from(SCENARIO_PATHS), data)
def test_mutated_scenario_never_crashes_loader_or_validator(path: tuple[Any, ...],
                                                            value: Any) -> None:
    text = yaml.safe_dump(_replace(SCENARIO_DATA, path, value), sort_keys=False)
    with contextlib.suppress(ContentError):
        loader.parse_scenario(text, "printer-queue-stuck.yaml")
    result = check_texts({"scenarios/printer-queue-stuck.yaml": text,
                          "rubrics/printer-queue-stuck.yaml": RUBRIC_TEXT})
    for problem in result.problems():
        assert problem.line >= 1 and problem.message


@SETTINGS
@given(st.integers(min_value=0, max_value=len(SCENARIO_TEXT.splitlines()) - 1),
       st.integers(min_value=1, max_value=6))
def test_deleting_lines_never_crashes(start: int, count: int) -> None:
    lines = SCENARIO_TEXT.splitlines()
    text = "\n".join(lines[:start] + lines[start + count:])
    result = check_texts({"scenarios/printer-queue-stuck.yaml": text})
    assert "scenarios/printer-queue-stuck.yaml" in result.files


RUBRIC_DATA = yaml.safe_load(RUBRIC_TEXT)
RUBRIC_PATHS = [p for p in _paths(RUBRIC_DATA) if p]


@SETTINGS
@given(st.sampled_from(RUBRIC_PATHS), data)
def test_mutated_rubric_never_crashes_loader_or_validator(path: tuple[Any, ...],
                                                          value: Any) -> None:
    text = yaml.safe_dump(_replace(RUBRIC_DATA, path, value), sort_keys=False)
    with contextlib.suppress(ContentError):
        loader.parse_rubric(text, "printer-queue-stuck.yaml")
    result = check_texts({"scenarios/printer-queue-stuck.yaml": SCENARIO_TEXT,
                          "rubrics/printer-queue-stuck.yaml": text})
    assert all(p.line >= 1 and p.message for p in result.problems())
