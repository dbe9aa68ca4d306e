"""Loader: YAML safety, line/column mapping, typed model building, content hashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.domain import loader, loader_base
from simulator.domain.hashing import canonical_json, content_hash, scenario_hash
from simulator.domain.loader import ContentError, Problem, parse_document
from simulator.domain.model import Condition, Outcome

VALID = Path(__file__).resolve().parent.parent / "fixtures" / "valid"
SCENARIO_FILE = VALID / "scenarios" / "printer-queue-stuck.yaml"
RUBRIC_FILE = VALID / "rubrics" / "printer-queue-stuck.yaml"
SCENARIO_TEXT = SCENARIO_FILE.read_text(encoding="utf-8")
RUBRIC_TEXT = RUBRIC_FILE.read_text(encoding="utf-8")


def problems_of(text: str, parse=loader.parse_scenario, name: str = "f.yaml") -> list[Problem]:
    """Return the problems ContentError reports for ``text``."""
    with pytest.raises(ContentError) as info:
        parse(text, name)
    return info.value.problems


def line_of(text: str, needle: str) -> int:
    """Return the 1-based line of the first line containing ``needle``."""
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


# --- building the model ---------------------------------------------------------


def test_scenario_fields_map_onto_the_model() -> None:
    scenario = loader.parse_scenario(SCENARIO_TEXT, "printer.yaml")
    assert (scenario.id, scenario.level, scenario.start) == ("printer-queue-stuck", "entry", "call")
    assert (scenario.estimated_minutes, scenario.maximum_minutes) == (8, 15)
    assert scenario.competencies[0] == "troubleshooting"
    assert scenario.persona.reactions["blame"] == -2
    assert scenario.machine.facts["printer"] == "PAY-MFP-01"
    assert [s.kind for s in scenario.steps] == ["dialogue", "terminal", "writeup", "classify",
                                                "end"]
    assert scenario.source == "printer.yaml"
    assert scenario.content_hash.startswith("sha256:") and len(scenario.content_hash) == 71
    assert len(scenario.playthroughs) == 5


def test_rule_keys_become_outcome_condition_and_flags() -> None:
    scenario = loader.parse_scenario(SCENARIO_TEXT, "printer.yaml")
    call = scenario.step("call")
    scope = call.rules[1]
    assert scope.once is True
    assert scope.outcome.set_flags == ("scoped",)
    assert scope.outcome.tags == ("scoped-problem",)
    assert scope.outcome.mood == 1 and scope.outcome.next is None
    assert call.rules[2].when == Condition(all=("scoped",))
    assert call.rules[2].outcome.next == "console"
    assert call.default == Outcome(reply='Dev: "Sorry, I do not follow. Can you just make it '
                                   'print?"', mood=-1)
    start = scenario.step("console").rules[4]
    assert start.outcome.clear_flags == ("spooler-stopped",)
    assert scenario.step("done").default is None


def test_lines_point_at_steps_and_rules() -> None:
    scenario = loader.parse_scenario(SCENARIO_TEXT, "printer.yaml")
    assert scenario.step("console").line == line_of(SCENARIO_TEXT, "- id: console")
    assert scenario.step("call").rules[0].line == line_of(SCENARIO_TEXT, "- id: asks-password")
    assert scenario.playthroughs[0].line == line_of(SCENARIO_TEXT, "- id: expert")


def test_line_map_resolves_yaml_paths() -> None:
    _, lines = parse_document(SCENARIO_TEXT, "printer.yaml")
    line, column = lines.get("steps[1].rules[0].match")
    assert line == line_of(SCENARIO_TEXT, '{command: "sc query spooler"}')
    assert column == 9
    # a missing path falls back to its nearest recorded ancestor
    assert lines.get("steps[1].rules[0].nothing.here") == lines.get("steps[1].rules[0]")
    assert lines.get("") == (1, 1) or lines.get("")[0] >= 1


def test_rubric_fields_and_default_fail_cap() -> None:
    rubric = loader.parse_rubric(RUBRIC_TEXT, "rubric.yaml")
    assert rubric.pass_mark == 70 and rubric.scenario == "printer-queue-stuck"
    fix = rubric.criteria[1]
    assert fix.weight == 2.0 and fix.max_points == 3
    assert fix.levels[2].when.before == (("stopped-spooler", "cleared-queue"),
                                         ("cleared-queue", "started-spooler"))
    assert rubric.flags[0].cap == 40 and rubric.flags[1].effect == "cap"
    text = "\n".join(ln for ln in RUBRIC_TEXT.splitlines() if "cap: 40" not in ln)
    assert loader.parse_rubric(text, "r.yaml").flags[0].cap == 69


def test_competencies_and_roles_parse() -> None:
    competencies = loader.parse_competencies(
        (VALID / "rubrics" / "competencies.yaml").read_text(), "competencies.yaml")
    assert {c.id for c in competencies} >= {"troubleshooting", "documentation"}
    roles = loader.parse_roles(
        "schema_version: 1\nkind: roles\nroles:\n  - id: entry\n    name: Entry\n"
        "    scenarios: [printer-queue-stuck]\n    weights: {troubleshooting: 2}\n"
        "    thresholds: {troubleshooting: 50}\n    pass_mark: 60\n"
        "    discuss: [{id: c, message: Talk, below: {troubleshooting: 60}}]\n", "roles.yaml")
    assert roles[0].weights == {"troubleshooting": 2.0}
    assert roles[0].discuss[0].only_if_passed is True
    framework = loader.build_framework(competencies, roles)
    assert "ticket-triage" in framework.competency_ids()


# --- content hashes ---------------------------------------------------------------


def test_hash_ignores_formatting_comments_and_playthroughs() -> None:
    base = loader.parse_scenario(SCENARIO_TEXT, "a.yaml").content_hash
    reformatted = "# a new comment\n" + SCENARIO_TEXT.replace("level: entry", "level:   entry")
    assert loader.parse_scenario(reformatted, "b.yaml").content_hash == base
    cut = SCENARIO_TEXT[: SCENARIO_TEXT.index("playthroughs:")]
    assert loader.parse_scenario(cut, "c.yaml").content_hash == base


@pytest.mark.parametrize("old, new", [
    ("level: entry", "level: mid"),
    ("mood: 0", "mood: 1"),
    ("cost: 5", "cost: 6"),
    ("result: resolved", "result: escalated"),
])
def test_hash_changes_with_content(old: str, new: str) -> None:
    base = loader.parse_scenario(SCENARIO_TEXT, "a.yaml").content_hash
    assert loader.parse_scenario(SCENARIO_TEXT.replace(old, new, 1), "a.yaml").content_hash != base


def test_hash_helpers_are_canonical() -> None:
    assert canonical_json({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'
    assert content_hash({"a": 1, "b": 2}) == content_hash({"b": 2, "a": 1})
    assert scenario_hash({"a": 1, "playthroughs": [1]}) == content_hash({"a": 1})
    rubric = loader.parse_rubric(RUBRIC_TEXT, "r.yaml")
    assert rubric.content_hash == content_hash(parse_document(RUBRIC_TEXT, "r.yaml")[0])


# --- YAML safety ------------------------------------------------------------------


@pytest.mark.parametrize("text, message, line", [
    ("a: &x 1\nb: *x\n", "anchors and aliases", 1),
    ("a: [1]\nb: *x\n", "anchors and aliases", 2),
    ("- 1\n- 2\n", "must be a mapping", 1),
    ("just text\n", "must be a mapping", 1),
    ("", "the file is empty", 1),
    ("# only a comment\n", "the file is empty", 1),
    ("a: 1\n---\nb: 2\n", "more than one YAML document", 2),
    ("a: 1\na: 2\n", "duplicate key 'a'", 2),
    ("a: 1\n1: 2\n", "mapping keys must be plain text", 2),
    ("a: 1\n? [x]\n: 2\n", "mapping keys must be plain text", 2),
    ("a:\n\tb: 1\n", "tab character", 2),
    ("a: 'open\nb: 2\n", "never closed", 1),
    ("a: b: c\n", "mapping values are not allowed", 1),
    ("a: !!python/object:os.system x\n", "unsupported tag", 1),
    ("a: !custom x\n", "unsupported tag", 1),
    ("a: !!binary aGVsbG8=\n", "unsupported tag", 1),
    ("a: !!set {x, y}\n", "unsupported tag", 1),
    ("a:\n  <<: {b: 1}\n", "merge keys", 2),
    ("a: 1\nb: \x07\n", "is not allowed in YAML", 2),
])
@pytest.mark.parametrize("libyaml", [True, False], ids=["libyaml", "pure-python"])
def test_parse_document_rejects(text: str, message: str, line: int, libyaml: bool,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    if not libyaml:
        monkeypatch.setattr(loader_base, "_CLoader", None)
    elif loader_base._CLoader is None:
        pytest.skip("PyYAML built without libyaml")
    problems = problems_of(text, parse_document)
    assert any(message in p.message and p.line == line for p in problems), problems
    assert all(p.file == "f.yaml" and p.fix for p in problems)


def test_oversized_file_is_rejected_before_parsing() -> None:
    text = "a: 1\n" + "#" * (loader.MAX_BYTES + 1)
    (problem,) = problems_of(text, parse_document)
    assert "byte limit" in problem.message and problem.line == 1


def test_alias_bomb_is_rejected_fast() -> None:
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        bomb.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    problems = problems_of("\n".join(bomb), parse_document)
    assert "anchors and aliases" in problems[0].message


@pytest.mark.parametrize("depth", [70, 400, 300_000])
def test_deep_nesting_is_a_problem_not_a_crash(depth: int) -> None:
    text = "a: " + "[" * depth + "]" * depth + "\n"
    if len(text) > loader.MAX_BYTES:
        text = text[: loader.MAX_BYTES - 10]  # still far deeper than libyaml's C stack allows
    problems = problems_of(text, parse_document)
    assert any("nest" in p.message or "never closed" in p.message
               or "YAML" in p.message for p in problems)


def test_many_openers_use_the_bounded_pure_python_parser() -> None:
    assert loader_base._fast_ok("a: [1]\n") is (loader_base._CLoader is not None)
    assert not loader_base._fast_ok("[" * loader_base.FAST_MAX_OPENERS)
    assert not loader_base._fast_ok("- " * loader_base.FAST_MAX_OPENERS)


def test_scalars_are_plain_python_values() -> None:
    data, _ = parse_document("a: 1\nb: 1.5\nc: true\nd: null\ne: 2024-01-02\nf: '7'\n", "f")
    assert data == {"a": 1, "b": 1.5, "c": True, "d": None, "e": "2024-01-02", "f": "7"}


# --- type checks and problem collection --------------------------------------------


@pytest.mark.parametrize("old, new, path, message", [
    ("title: \"My documents won't print\"", "title: 42", "title", "expected text"),
    ("level: entry", "level: guru", "level", "not a valid level"),
    ("minutes: {estimated: 8, maximum: 15}", "minutes: {estimated: 8}", "minutes",
     "missing required field 'maximum'"),
    ("minutes: {estimated: 8, maximum: 15}", "minutes: {estimated: 20, maximum: 15}",
     "minutes.maximum", "below estimated"),
    ("  mood: 0\n", "  mood: 9\n", "persona.mood", "out of range"),
    ("channel: phone", "channel: fax", "ticket.channel", "not a valid channel"),
    ("competencies: [troubleshooting,", "competencies: troubleshooting\nx: [", "competencies",
     "expected a list"),
    ("        once: true", "        once: yes please", "steps[0].rules[1].once",
     "expected true or false"),
    ("        mood: 1 ", "        mood: lots ", "steps[0].rules[1].mood", "whole number"),
    ("    shell: cmd", "    shell: zsh", "steps[1].shell", "not a valid shell"),
    ("        if: {all: [scoped]}", "        if: {all: [scoped], count: {x: 1}}",
     "steps[0].rules[2].if.count", "unknown field 'count'"),
    ("        if: {all: [scoped]}", "        if: {visits: {call: [2]}}",
     "steps[0].rules[2].if.visits.call", "visits must be"),
    ("    band: [85, 100]", "    band: [85]", "playthroughs[0].band", "band must be"),
    ("    band: [85, 100]", "    band: [85, 101]", "playthroughs[0].band", "0..100"),
    ("    passed: true", "    passed: maybe", "playthroughs[0].passed", "true, false or null"),
    ("      - {wait: 1}", "", "", ""),
])
def test_scenario_type_errors_are_located(old: str, new: str, path: str, message: str) -> None:
    if not message:  # sentinel row: a valid edit must still load
        assert loader.parse_scenario(SCENARIO_TEXT, "s.yaml")
        return
    assert old in SCENARIO_TEXT, old
    problems = problems_of(SCENARIO_TEXT.replace(old, new, 1))
    assert any(p.path == path and message in p.message for p in problems), problems


@pytest.mark.parametrize("old, new, path, message", [
    ("pass_mark: 70", "pass_mark: -1", "pass_mark", "out of range"),
    ("pass_mark: 70", "pass_mark: seventy", "pass_mark", "whole number"),
    ("    weight: 2\n", "    weight: heavy\n", "criteria[1].weight", "expected a number"),
    ("effect: cap", "effect: warn", "flags[1].effect", "not a valid effect"),
    ("    when: {any: [asked-password]}", "    when: {}", "flags[0].when", "non-empty"),
    ("          before: [[stopped-spooler, cleared-queue], [cleared-queue, started-spooler]]",
     "          before: [stopped-spooler]", "criteria[1].levels[2].when.before[0]",
     "[tag-a, tag-b]"),
    ("when: {any: [classified-partly]}", "when: {mood_at_least: 1}",
     "criteria[3].levels[1].when.mood_at_least", "unknown field"),
])
def test_rubric_type_errors_are_located(old: str, new: str, path: str, message: str) -> None:
    assert old in RUBRIC_TEXT, old
    problems = problems_of(RUBRIC_TEXT.replace(old, new, 1), loader.parse_rubric)
    assert any(p.path == path and message in p.message for p in problems), problems


def test_every_problem_is_collected_in_one_pass() -> None:
    text = (SCENARIO_TEXT.replace("level: entry", "level: guru")
            .replace("channel: phone", "channel: fax")
            .replace("        nxt", "")
            .replace("    shell: cmd", "    shell: zsh\n    colour: red"))
    problems = problems_of(text)
    paths = {p.path for p in problems}
    assert {"level", "ticket.channel", "steps[1].shell", "steps[1].colour"} <= paths


def test_unknown_field_suggests_the_closest_name() -> None:
    text = SCENARIO_TEXT.replace("        next: console", "        nxt: console", 1)
    (problem,) = [p for p in problems_of(text) if "nxt" in p.path]
    assert problem.fix == "did you mean 'next'?"
    assert problem.line == line_of(text, "nxt: console")


def test_wrong_kind_is_reported() -> None:
    problems = problems_of(SCENARIO_TEXT, loader.parse_rubric)
    assert any(p.path == "kind" and "expected kind 'rubric'" in p.message for p in problems)


def test_problem_string_format() -> None:
    problem = Problem("s.yaml", 3, 7, "steps[0].next", "no such step", "use one of: a")
    assert str(problem) == "s.yaml:3:7: steps[0].next: no such step — use one of: a"
    warning = Problem("s.yaml", 1, 1, "", "few playthroughs", "add some", "warning")
    assert str(warning) == "s.yaml:1:1: (document): warning: few playthroughs — add some"
    assert problem.is_error and not warning.is_error
    error = ContentError([problem, warning])
    assert str(error).splitlines() == [str(problem), str(warning)]
