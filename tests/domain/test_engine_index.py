"""The per-step rule index: buckets are necessary conditions, never drop a match."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.domain import matching
from simulator.domain.engine_index import regex_word, step_index
from simulator.domain.model import Outcome, Rule, Step


@pytest.mark.parametrize(
    ("source", "word"),
    [
        ("^ping(\\.exe)?\\s+8\\.8\\.8\\.8", "ping"),
        ("^ipconfig\\s+/all", "ipconfig"),
        ("^nslookup intranet", "nslookup"),
        ("^tracert\\b", "tracert"),
        ("^ping", None),  # would also match "pingx"
        ("^pings?\\s", None),
        ("^a|^b\\s", None),
        ("ping\\s", None),
        ("^(ping)\\s", None),
    ],
)
def test_regex_word(source: str, word: str | None) -> None:
    assert regex_word(source) == word


def _step(*specs: dict[str, Any]) -> Step:
    rules = tuple(Rule(f"r{n}", spec, Outcome()) for n, spec in enumerate(specs))
    return Step(id="s", kind="terminal", title="", prompt="", rules=rules, default=Outcome())


STEP = _step(
    {"any": ["what changed", "error message"]},
    {"command": "ipconfig /all"},
    {"command_prefix": "ping"},
    {"regex": "^nslookup\\s+\\S+"},
    {"regex": "dns"},
    {},
    {"none": ["password"]},
    {"bogus": 1},
)


@pytest.mark.parametrize(
    ("text", "must_include", "must_exclude"),
    [
        ("What has changed?", {0, 4, 5, 6}, {1, 2, 3, 7}),
        ("C:\\Windows\\ipconfig.exe /ALL", {1, 4, 5, 6}, {0, 2, 3, 7}),
        ("ping -n 2 8.8.8.8", {2}, {1, 3}),
        ("nslookup intranet", {3}, {1, 2}),
        ("any error message?", {0}, {1}),
    ],
)
def test_candidates(text: str, must_include: set[int], must_exclude: set[int]) -> None:
    lexicon = matching.get_lexicon()
    inp = matching.MatchInput(text, step=STEP, lexicon=lexicon)
    found = set(step_index(STEP, lexicon).candidates(inp))
    assert must_include <= found and not must_exclude & found
    assert step_index(STEP, lexicon).specs[7] is None


def test_index_is_cached_per_step_object() -> None:
    lexicon = matching.get_lexicon()
    assert step_index(STEP, lexicon) is step_index(STEP, lexicon)
    other = _step({"any": ["x"]})
    assert step_index(other, lexicon) is not step_index(STEP, lexicon)
