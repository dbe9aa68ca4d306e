"""The library service: catalog, snapshots by hash, look-up after the file changes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from simulator.services import library
from simulator.services.errors import NotFound
from simulator.store.db import db
from simulator.store.models import ContentSnapshot
from simulator.web.config import REPO_ROOT


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """Return a private copy of the bundled library."""
    target = tmp_path / "content"
    shutil.copytree(REPO_ROOT / "scenarios", target / "scenarios")
    shutil.copytree(REPO_ROOT / "rubrics", target / "rubrics")
    return target


@pytest.fixture
def lib_app(app_factory: Callable[..., Flask], content: Path) -> Flask:
    return app_factory(SCENARIOS_DIR=str(content / "scenarios"),
                       RUBRICS_DIR=str(content / "rubrics"))


def _first(app: Flask) -> str:
    with app.app_context():
        ids = sorted(library.catalog().scenarios)
    if not ids:
        pytest.skip("no valid scenario in the library")
    return ids[0]


def test_snapshot_is_idempotent_and_exact(lib_app: Flask, content: Path) -> None:
    scenario_id = _first(lib_app)
    with lib_app.app_context():
        scenario = library.catalog().scenarios[scenario_id]
        first = library.snapshot_scenario(scenario)
        second = library.snapshot_scenario(scenario)
        db.session.commit()
        assert first == second == scenario.content_hash
        row = db.session.get(ContentSnapshot, first)
        assert row is not None and row.kind == "scenario"
        assert row.source_text == (content / "scenarios" / f"{scenario_id}.yaml").read_text(
            encoding="utf-8")
        rubric = library.catalog().rubrics[scenario_id]
        assert library.snapshot_rubric(rubric) == rubric.content_hash


def test_old_content_survives_edits_and_reload(lib_app: Flask, content: Path) -> None:
    scenario_id = _first(lib_app)
    path = content / "scenarios" / f"{scenario_id}.yaml"
    with lib_app.app_context():
        old = library.catalog().scenarios[scenario_id]
        old_hash = library.snapshot_scenario(old)
        db.session.commit()
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f"title: {old.title}", f"title: {old.title} (edited)", 1)
                        if f"title: {old.title}" in text else text + "\n# edited\n",
                        encoding="utf-8")
        library.reload()
        again = library.scenario_for_hash(old_hash)
        assert again.content_hash == old_hash
        assert again.title == old.title


def test_lookup_after_restart_uses_the_snapshot(
    app_factory: Callable[..., Flask], content: Path
) -> None:
    first_app = app_factory(SCENARIOS_DIR=str(content / "scenarios"),
                            RUBRICS_DIR=str(content / "rubrics"))
    scenario_id = _first(first_app)
    with first_app.app_context():
        old_hash = library.snapshot_scenario(library.catalog().scenarios[scenario_id])
        db.session.commit()
    (content / "scenarios" / f"{scenario_id}.yaml").unlink()
    second_app = app_factory(SCENARIOS_DIR=str(content / "scenarios"),
                             RUBRICS_DIR=str(content / "rubrics"))
    with second_app.app_context():
        assert scenario_id not in library.catalog().scenarios
        assert library.scenario_for_hash(old_hash).id == scenario_id


def test_unknown_hash(lib_app: Flask) -> None:
    with lib_app.app_context():
        with pytest.raises(NotFound):
            library.scenario_for_hash("sha256:" + "0" * 64)
        with pytest.raises(NotFound):
            library.rubric_for_hash("not-a-hash")


def test_file_report_has_every_file(lib_app: Flask, content: Path) -> None:
    with lib_app.app_context():
        names = {row["name"] for row in library.file_report()}
    expected = {f"scenarios/{p.name}" for p in (content / "scenarios").glob("*.yaml")}
    assert expected <= names
    assert "rubrics/roles.yaml" in names


def test_broken_file_is_reported_with_line(app_factory: Callable[..., Flask],
                                           content: Path) -> None:
    (content / "scenarios" / "zz-broken.yaml").write_text(
        "schema_version: 1\nkind: scenario\nid: zz-broken\nsteps: nope\n", encoding="utf-8")
    app = app_factory(SCENARIOS_DIR=str(content / "scenarios"),
                      RUBRICS_DIR=str(content / "rubrics"))
    with app.app_context():
        rows = {row["name"]: row for row in library.file_report()}
    row = rows["scenarios/zz-broken.yaml"]
    assert row["status"] == "invalid"
    assert all(p.line >= 1 for p in row["problems"])
    assert any(p.fix for p in row["problems"])
