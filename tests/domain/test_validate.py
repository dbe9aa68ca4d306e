"""Validator behaviour beyond the one-problem fixtures: severities, engine tags, paths,
companion files, the example scenario and the bundled library."""

from __future__ import annotations

import importlib
import importlib.util
import shutil
from pathlib import Path

import pytest

from simulator.domain import loader
from simulator.domain.validate import (
    LibraryCheck,
    check_texts,
    collect_files,
    errors_only,
    validate_paths,
)

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "tests" / "fixtures" / "valid"
SCENARIO_NAME = "scenarios/printer-queue-stuck.yaml"
RUBRIC_NAME = "rubrics/printer-queue-stuck.yaml"
SCENARIO = (VALID / SCENARIO_NAME).read_text(encoding="utf-8")
RUBRIC = (VALID / RUBRIC_NAME).read_text(encoding="utf-8")
COMPETENCIES = (VALID / "rubrics" / "competencies.yaml").read_text(encoding="utf-8")


def check(scenario: str = SCENARIO, rubric: str | None = RUBRIC,
          competencies: str | None = COMPETENCIES) -> LibraryCheck:
    """Check the example library with optional edits."""
    texts = {SCENARIO_NAME: scenario}
    if rubric is not None:
        texts[RUBRIC_NAME] = rubric
    if competencies is not None:
        texts["rubrics/competencies.yaml"] = competencies
    return check_texts(texts)


def messages(result: LibraryCheck, errors: bool = True) -> list[str]:
    problems = result.problems()
    return [p.message for p in (errors_only(problems) if errors else problems)]


def test_example_library_is_clean() -> None:
    result = check()
    assert result.problems() == []
    assert all(result.ok(name) for name in result.files)
    assert result.scenarios()["printer-queue-stuck"].start == "call"
    assert result.framework().competency_ids() >= {"troubleshooting"}


def test_validate_paths_on_example_directory_is_clean() -> None:
    assert validate_paths([VALID]) == []


@pytest.mark.parametrize("tag, ok", [
    ("cue:empathy", True),
    ("cue:sarcasm", False),
    ("hint:scope-first", True),
    ("hint:nope", False),
    ("step:console", True),
    ("step:lobby", False),
    ("end:resolved", True),
    ("end:timed_out", True),
    ("end:exploded", False),
    ("timed-out", True),
    ("unsupported-claim", True),
    ("unsupported:restarted", True),
    ("unsupported:rebooted", False),
    ("too-short", True),
    ("scoped-problem", True),
    ("scoped-problme", False),
])
def test_rubric_tags_must_be_emittable(tag: str, ok: bool) -> None:
    rubric = RUBRIC.replace("when: {any: [classified-partly]}",
                            f'when: {{any: [classified-partly, "{tag}"]}}')
    errors = messages(check(rubric=rubric))
    assert (errors == []) is ok, errors
    if not ok:
        assert errors == [f"evidence tag '{tag}' is never emitted by scenario "
                          "'printer-queue-stuck'"]


def test_unused_emitted_tag_is_only_a_warning() -> None:
    scenario = SCENARIO.replace("tags: [checked-spooler]", "tags: [checked-spooler, extra-tag]")
    result = check(scenario=scenario)
    assert messages(result) == []
    warnings = [p for p in result.problems() if not p.is_error]
    assert [w.message for w in warnings] == [
        "tag 'extra-tag' is not used by rubric 'printer-queue-stuck'"]
    assert warnings[0].line == scenario.splitlines().index(
        "        tags: [checked-spooler, extra-tag]") + 1


def test_few_playthroughs_is_a_warning() -> None:
    cut = SCENARIO[: SCENARIO.index("playthroughs:")]
    result = check(scenario=cut)
    assert messages(result) == []
    assert any("0 playthrough(s)" in m for m in messages(result, errors=False))


@pytest.mark.parametrize("old, new, message", [
    ('match: {command: "sc query spooler"}', "match: {choice: reboot}",
     "matcher 'choice' does not apply to a terminal step"),
    ('match: {command: "sc query spooler"}', "match: {min_words: -1}",
     "expected a whole number >= 0"),
    ('match: {command: "sc query spooler"}', "match: {cue: sarcasm}", "unknown cue 'sarcasm'"),
    ("{fields_correct_at_least: 3}", "{fields_correct_at_least: 4}",
     "expected a whole number from 1 to 3"),
    ("{fields_correct_at_least: 3}", "{fields: {impact: huge}}",
     "'huge' is not an option of field 'impact'"),
    ("expected_fields: {impact: low, urgency: medium, priority: p4}",
     "expected_fields: {impact: low, urgency: medium}",
     "field 'priority' has no expected value"),
    ("requires: started-spooler", "requires: never-emitted",
     "tag 'never-emitted' is never emitted"),
    ("      - {id: scope-first,",
     "      - {id: scope-first, cost: 1, text: x}\n      - {id: scope-first,",
     "duplicate hint id 'scope-first'"),
    ("    flags: [asked-for-password]", "    flags: [asked-for-pasword]",
     "flag 'asked-for-pasword' is not defined by rubric 'printer-queue-stuck'"),
])
def test_scenario_semantic_errors(old: str, new: str, message: str) -> None:
    assert old in SCENARIO, old
    errors = messages(check(scenario=SCENARIO.replace(old, new, 1)))
    assert message in " | ".join(errors), errors


@pytest.mark.parametrize("old, new, message", [
    ("    cap: 40 ", "    cap: 75 ",
     "a fail flag's cap 75 is not below pass_mark 70"),
    ("    competency: ticket-triage", "    competency: documentation",
     "competency 'ticket-triage' of scenario 'printer-queue-stuck' has no criterion"),
    ("      - {id: partial, label: Partial, points: 1, when: {any: [note-cause, note-fix]}}",
     "      - {id: partial, label: Partial, points: 1}", "level 'partial' has no `when`"),
    ("  - id: manner\n", "  - id: note\n", "duplicate criterion id 'note'"),
    ("id: printer-queue-stuck ", "id: printer-queue ",
     "id 'printer-queue' differs from the file name"),
])
def test_rubric_semantic_errors(old: str, new: str, message: str) -> None:
    assert old in RUBRIC, old
    errors = messages(check(rubric=RUBRIC.replace(old, new, 1)))
    assert message in " | ".join(errors), errors


CHOICE_STEP = """  - id: pick
    kind: choice
    title: Pick
    prompt: Which?
    multiple: {multiple}
    options: [{{id: a, label: A}}, {{id: b, label: B}}]
    rules:
      - {{id: r, match: {match}, next: done}}
    default: {{next: done}}
"""


@pytest.mark.parametrize("multiple, match, message", [
    ("false", "{choice: a}", ""),
    ("true", "{choices: {includes: [a], excludes: [b]}}", ""),
    ("true", "{choice: a}", "`choice` never matches on a step with `multiple: true`"),
    ("false", "{choices: {exactly: [a]}}", "`choices` only matches with `multiple: true`"),
    ("true", "{choices: {includes: [c]}}", "includes names ids that are not options: ['c']"),
    ("true", "{choices: {some: [a]}}", "unknown keys ['some']"),
])
def test_choice_matchers_fit_single_or_multiple(multiple: str, match: str, message: str) -> None:
    scenario = SCENARIO.replace("    default: {next: done}\n\n  - id: done",
                                "    default: {next: pick}\n\n"
                                + CHOICE_STEP.format(multiple=multiple, match=match)
                                + "\n  - id: done")
    assert "id: pick" in scenario
    errors = messages(check(scenario=scenario))
    assert (message in " | ".join(errors)) if message else errors == [], errors


def test_cross_file_checks_wait_for_their_files() -> None:
    # no rubric and no competencies in the set: nothing to compare against
    scenario = SCENARIO.replace("competencies: [troubleshooting,", "competencies: [telepathy,")
    assert messages(check(scenario=scenario, rubric=None, competencies=None)) == []
    assert "unknown competency 'telepathy'" in messages(
        check(scenario=scenario, rubric=None))


def test_a_broken_file_does_not_hide_the_others() -> None:
    result = check_texts({SCENARIO_NAME: SCENARIO, RUBRIC_NAME: RUBRIC,
                          "rubrics/competencies.yaml": COMPETENCIES,
                          "scenarios/broken.yaml": "kind: scenario\nid: [\n"})
    assert not result.ok("scenarios/broken.yaml")
    assert result.ok(SCENARIO_NAME) and result.ok(RUBRIC_NAME)
    assert errors_only(result.files["scenarios/broken.yaml"])


def test_unreadable_and_non_utf8_files_are_problems(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("title: caf\xe9\n".encode("latin-1"))
    problems = validate_paths([bad, tmp_path / "missing.yaml"])
    text = " | ".join(p.message for p in problems)
    assert "not UTF-8" in text and "cannot read file" in text


def test_collect_files_expands_directories_once(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("a.yaml", "sub/b.yml", "notes.txt"):
        (tmp_path / name).write_text("x: 1\n")
    files = collect_files([tmp_path, tmp_path / "a.yaml"])
    assert [f.name for f in files] == ["a.yaml", "b.yml"]


def test_single_file_validation_pulls_in_its_rubric(tmp_path: Path) -> None:
    shutil.copytree(VALID, tmp_path / "lib")
    rubric = tmp_path / "lib" / RUBRIC_NAME
    rubric.write_text(RUBRIC.replace("[classified-partly]", "[classified-partially]"))
    problems = errors_only(validate_paths([tmp_path / "lib" / SCENARIO_NAME]))
    assert [p.file for p in problems] == [str(rubric)]
    alone = errors_only(validate_paths([tmp_path / "lib" / SCENARIO_NAME],
                                       with_companions=False))
    assert alone == []


def test_example_playthroughs_land_in_their_bands() -> None:
    replay = pytest.importorskip("simulator.domain.replay")
    scenario = loader.parse_scenario(SCENARIO, SCENARIO_NAME)
    rubric = loader.parse_rubric(RUBRIC, RUBRIC_NAME)
    results = [replay.run_playthrough(scenario, rubric, p) for p in scenario.playthroughs]
    assert [r.ok for r in results] == [True] * 5, [r.problems for r in results]
    totals = {p.id: r.total for p, r in zip(scenario.playthroughs, results, strict=True)}
    assert totals["expert"] > totals["competent"] > totals["weak"]


def _library_files() -> list[Path]:
    return sorted((ROOT / "scenarios").glob("*.yaml"))


def test_bundled_library_validates_without_errors() -> None:
    if not _library_files():
        pytest.skip("no bundled scenarios yet")
    errors = errors_only(validate_paths([ROOT / "scenarios", ROOT / "rubrics"]))
    assert errors == [], "\n".join(map(str, errors))


def test_cli_validate_accepts_the_example() -> None:
    cli = importlib.import_module("simulator.cli") if importlib.util.find_spec(
        "simulator.cli") else None
    if cli is None or not hasattr(cli, "main"):
        pytest.skip("the CLI is not there yet")
    assert cli.main(["validate", str(VALID)]) == 0


@pytest.mark.parametrize("name", [SCENARIO_NAME, RUBRIC_NAME])
def test_authoring_guide_embeds_the_tested_example(name: str) -> None:
    guide = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    assert (VALID / name).read_text(encoding="utf-8") in guide
