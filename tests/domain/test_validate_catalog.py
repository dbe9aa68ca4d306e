"""Catalog: loads the library from disk, keeps each file's status, survives broken files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simulator.catalog import Catalog, default_content_dirs

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "tests" / "fixtures" / "valid"


@pytest.fixture()
def library(tmp_path: Path) -> Path:
    """A writable copy of the example library."""
    shutil.copytree(VALID, tmp_path / "lib")
    return tmp_path / "lib"


def load(root: Path) -> Catalog:
    return Catalog.load(root / "scenarios", root / "rubrics")


def test_loads_the_example(library: Path) -> None:
    catalog = load(library)
    assert catalog.playable() == ("printer-queue-stuck",)
    scenario = catalog.scenario("printer-queue-stuck")
    assert catalog.rubric("printer-queue-stuck").scenario == scenario.id
    assert "documentation" in catalog.framework.competency_ids()
    assert [(f.name, f.kind, f.ok) for f in catalog.files] == [
        ("rubrics/competencies.yaml", "competencies", True),
        ("rubrics/printer-queue-stuck.yaml", "rubric", True),
        ("scenarios/printer-queue-stuck.yaml", "scenario", True),
    ]
    assert catalog.problems["scenarios/printer-queue-stuck.yaml"] == ()
    assert catalog.by_hash(scenario.content_hash) is scenario
    assert catalog.by_hash("sha256:unknown") is None
    assert scenario.source == "scenarios/printer-queue-stuck.yaml"


def test_broken_file_is_listed_but_does_not_stop_the_rest(library: Path) -> None:
    (library / "scenarios" / "half-written.yaml").write_text("kind: scenario\nid: [oops\n")
    catalog = load(library)
    assert catalog.playable() == ("printer-queue-stuck",)
    status = {f.name: f for f in catalog.files}["scenarios/half-written.yaml"]
    assert not status.ok and status.errors == 1 and status.kind == ""
    assert "never closed" in status.problems[0].message
    assert catalog.all_problems() == list(status.problems)


def test_scenario_with_broken_rubric_is_not_playable(library: Path) -> None:
    rubric = library / "rubrics" / "printer-queue-stuck.yaml"
    rubric.write_text(rubric.read_text().replace("pass_mark: 70", "pass_mark: 700"))
    catalog = load(library)
    assert "printer-queue-stuck" in catalog.scenarios
    assert catalog.rubrics == {} and catalog.playable() == ()
    assert not {f.name: f for f in catalog.files}["rubrics/printer-queue-stuck.yaml"].ok


def test_scenario_with_validation_errors_is_left_out(library: Path) -> None:
    path = library / "scenarios" / "printer-queue-stuck.yaml"
    path.write_text(path.read_text().replace("start: call", "start: nowhere"))
    catalog = load(library)
    assert catalog.scenarios == {}
    assert any("start step 'nowhere'" in p.message for p in catalog.all_problems())


def test_version_changes_with_any_file(library: Path) -> None:
    before = load(library).version
    assert load(library).version == before
    path = library / "scenarios" / "printer-queue-stuck.yaml"
    path.write_text(path.read_text() + "\n# a comment\n")
    assert load(library).version != before


def test_missing_directories_give_an_empty_catalog(tmp_path: Path) -> None:
    catalog = Catalog.load(tmp_path / "nope", tmp_path / "nada")
    assert catalog.scenarios == {} and catalog.files == ()
    assert catalog.framework.competencies == ()


def test_default_dirs_honour_the_environment(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIMULATOR_CONTENT_DIR", str(tmp_path))
    assert default_content_dirs() == (tmp_path / "scenarios", tmp_path / "rubrics")
    monkeypatch.delenv("SIMULATOR_CONTENT_DIR")
    assert default_content_dirs() == (ROOT / "scenarios", ROOT / "rubrics")
