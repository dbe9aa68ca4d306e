"""The scenario/rubric library: read from disk, validated, indexed by id and hash.

``Catalog.load`` reads every YAML file under the scenarios and rubrics directories,
runs the whole-library validator and keeps each file's status so the admin page can
show it. A broken file never stops the others loading: it is simply left out of
``scenarios``/``rubrics`` and its problems are listed under ``problems``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from simulator.domain.loader_base import Problem
from simulator.domain.model import Framework, Rubric, Scenario
from simulator.domain.validate import (
    LibraryCheck,
    check_texts,
    collect_files,
    errors_only,
    read_texts,
)

ENV_CONTENT_DIR = "SIMULATOR_CONTENT_DIR"


@dataclass(frozen=True)
class FileStatus:
    """The validation status of one content file."""

    name: str
    path: str
    kind: str
    id: str
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """Return True when the file has no error-level problem."""
        return not errors_only(self.problems)

    @property
    def errors(self) -> int:
        """Return the number of errors."""
        return len(errors_only(self.problems))

    @property
    def warnings(self) -> int:
        """Return the number of warnings."""
        return len(self.problems) - self.errors


def _frozen(mapping: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Catalog:
    """Scenarios and rubrics that validated, the framework, and every file's problems."""

    scenarios: Mapping[str, Scenario] = field(default_factory=dict)
    rubrics: Mapping[str, Rubric] = field(default_factory=dict)
    framework: Framework = field(default_factory=lambda: Framework((), ()))
    #: display name ("scenarios/x.yaml") -> problems (empty tuple = clean)
    problems: Mapping[str, tuple[Problem, ...]] = field(default_factory=dict)
    files: tuple[FileStatus, ...] = ()
    #: sha256 over every file's content: changes whenever any file does
    version: str = ""

    @classmethod
    def load(cls, scenarios_dir: str | Path, rubrics_dir: str | Path) -> Catalog:
        """Read, validate and index the library in the two directories."""
        names: dict[str, Path] = {}
        for directory in (Path(scenarios_dir), Path(rubrics_dir)):
            for path in collect_files([directory]) if directory.is_dir() else []:
                names[f"{directory.name}/{path.relative_to(directory).as_posix()}"] = path
        texts, unreadable = read_texts(names.values())
        by_path = {str(path): name for name, path in names.items()}
        named = {by_path[path]: text for path, text in texts.items()}
        result = check_texts(named)
        for problem in unreadable:
            name = by_path.get(problem.file, problem.file)
            result.files.setdefault(name, []).append(problem)
        return cls._from_check(result, names, named)

    @classmethod
    def _from_check(cls, result: LibraryCheck, names: Mapping[str, Path],
                    texts: Mapping[str, str]) -> Catalog:
        scenarios = {s.id: s for n, s in _models(result, "scenario") if result.ok(n)}
        rubrics = {r.id: r for n, r in _models(result, "rubric") if result.ok(n)}
        statuses = tuple(_status(result, name, names) for name in sorted(result.files))
        digest = hashlib.sha256()
        for name in sorted(texts):
            digest.update(name.encode() + b"\0" + texts[name].encode("utf-8", "replace"))
        return cls(
            scenarios=_frozen(scenarios),  # type: ignore[arg-type]
            rubrics=_frozen(rubrics),  # type: ignore[arg-type]
            framework=result.framework(),
            problems=_frozen({s.name: s.problems for s in statuses}),  # type: ignore[arg-type]
            files=statuses,
            version="sha256:" + digest.hexdigest(),
        )

    def scenario(self, scenario_id: str) -> Scenario:
        """Return a scenario by id (KeyError if absent or broken)."""
        return self.scenarios[scenario_id]

    def rubric(self, scenario_id: str) -> Rubric:
        """Return the rubric of a scenario (KeyError if absent or broken)."""
        return self.rubrics[scenario_id]

    def playable(self) -> tuple[str, ...]:
        """Return the ids of scenarios that have a valid rubric, sorted."""
        return tuple(sorted(s for s in self.scenarios if s in self.rubrics))

    def by_hash(self, content_hash: str) -> Scenario | Rubric | None:
        """Return the loaded scenario or rubric with this content hash, if any."""
        for item in (*self.scenarios.values(), *self.rubrics.values()):
            if item.content_hash == content_hash:
                return item
        return None

    def all_problems(self) -> list[Problem]:
        """Return every problem of every file."""
        return [p for status in self.files for p in status.problems]


def _models(result: LibraryCheck, kind: str) -> list[tuple[str, object]]:
    return [(item.file, item.model) for item in result.of_kind(kind)]


def _status(result: LibraryCheck, name: str, names: Mapping[str, Path]) -> FileStatus:
    loaded = result.loaded.get(name)
    kind = loaded.kind if loaded else ""
    ident = getattr(loaded.model, "id", "") if loaded and kind in ("scenario", "rubric") else ""
    return FileStatus(
        name=name,
        path=str(names.get(name, name)),
        kind=kind,
        id=ident,
        problems=tuple(sorted(result.files[name], key=lambda p: (p.line, p.column))),
    )


def default_content_dirs() -> tuple[Path, Path]:
    """Return (scenarios dir, rubrics dir): $SIMULATOR_CONTENT_DIR, the checkout, or the
    copy bundled in the wheel."""
    override = os.environ.get(ENV_CONTENT_DIR)
    if override:
        root = Path(override)
        return root / "scenarios", root / "rubrics"
    package = Path(__file__).resolve().parent
    for root in (package.parent, package / "_bundled"):
        if (root / "scenarios").is_dir() and (root / "rubrics").is_dir():
            return root / "scenarios", root / "rubrics"
    return package.parent / "scenarios", package.parent / "rubrics"
