"""Whole-library validation: every problem, with file:line:col, YAML path and a fix.

``check_texts`` is pure (file name -> text in, a ``LibraryCheck`` out); ``validate_paths``
adds the file reading the ``simulator validate`` command needs. Cross-file checks run
against whatever the checked set holds: a rubric is matched to its scenario only if the
scenario is in the set, competency ids are checked only if ``competencies.yaml`` is, and
"scenario without a rubric" is reported only if the set holds at least one rubric.
Problems with ``severity == "warning"`` are reported but do not fail validation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.domain import loader
from simulator.domain.loader_base import ContentError, LineMap, Problem
from simulator.domain.loader_fields import Reader
from simulator.domain.model import Competency, Framework, RoleProfile, Rubric, Scenario
from simulator.domain.validate_library import check_cross_files
from simulator.domain.validate_rubric import check_rubric
from simulator.domain.validate_scenario import check_scenario
from simulator.domain.validate_schema import default_schemas_dir, load_schemas, schema_problems

__all__ = [
    "LibraryCheck",
    "Loaded",
    "check_texts",
    "collect_files",
    "errors_only",
    "validate_paths",
]

YAML_SUFFIXES = (".yaml", ".yml")
_BUILDERS = {
    "scenario": loader.scenario_from_data,
    "rubric": loader.rubric_from_data,
    "competencies": loader.competencies_from_data,
    "roles": loader.roles_from_data,
}


@dataclass
class Loaded:
    """One file that parsed and built into model objects."""

    file: str
    kind: str
    data: dict[str, Any]
    lines: LineMap
    model: Any
    reader: Reader


@dataclass
class LibraryCheck:
    """The result of checking a set of content files."""

    #: file -> its problems (an empty list means the file is fine)
    files: dict[str, list[Problem]] = field(default_factory=dict)
    loaded: dict[str, Loaded] = field(default_factory=dict)
    #: stems of files that failed to load, by the kind they claimed (or "")
    failed: dict[str, str] = field(default_factory=dict)

    def problems(self) -> list[Problem]:
        """Return every problem, ordered by file, line and column."""
        out = [p for problems in self.files.values() for p in problems]
        return sorted(out, key=lambda p: (p.file, p.line, p.column, p.path, p.message))

    def ok(self, file: str) -> bool:
        """Return True when ``file`` loaded and has no error-level problem."""
        return file in self.loaded and not errors_only(self.files.get(file, []))

    def of_kind(self, kind: str) -> list[Loaded]:
        """Return the loaded files of one kind."""
        return [item for item in self.loaded.values() if item.kind == kind]

    def scenarios(self) -> dict[str, Scenario]:
        """Return loaded scenarios by id (first file wins on duplicates)."""
        out: dict[str, Scenario] = {}
        for item in self.of_kind("scenario"):
            out.setdefault(item.model.id, item.model)
        return out

    def rubrics(self) -> dict[str, Rubric]:
        """Return loaded rubrics by id (first file wins on duplicates)."""
        out: dict[str, Rubric] = {}
        for item in self.of_kind("rubric"):
            out.setdefault(item.model.id, item.model)
        return out

    def framework(self) -> Framework:
        """Return the competencies and role profiles that loaded."""
        competencies: tuple[Competency, ...] = ()
        roles: tuple[RoleProfile, ...] = ()
        for item in self.of_kind("competencies")[:1]:
            competencies = item.model
        for item in self.of_kind("roles")[:1]:
            roles = item.model
        return Framework(competencies=competencies, roles=roles)


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    """Return the problems that are errors (not warnings)."""
    return [p for p in problems if p.is_error]


def check_texts(
    texts: Mapping[str, str], schemas: Mapping[str, Mapping[str, Any]] | None = None,
) -> LibraryCheck:
    """Load and check every file (name -> text) and the library they form."""
    result = LibraryCheck()
    for name, text in texts.items():
        result.files[name] = []
        _load_one(result, name, text, schemas)
    for item in result.loaded.values():
        stem = Path(item.file).stem
        if item.kind == "scenario":
            check_scenario(item.reader, item.model, stem)
        elif item.kind == "rubric":
            check_rubric(item.reader, item.model, stem)
    check_cross_files(result)
    for item in result.loaded.values():
        if schemas:
            _add_schema_problems(item, schemas)
        result.files[item.file].extend(item.reader.problems)
    return result


def _load_one(result: LibraryCheck, name: str, text: str,
              schemas: Mapping[str, Mapping[str, Any]] | None) -> None:
    stem = Path(name).stem
    try:
        data, lines = loader.parse_document(text, name)
    except ContentError as exc:
        result.files[name].extend(exc.problems)
        result.failed[stem] = ""
        return
    kind = data.get("kind") if isinstance(data.get("kind"), str) else ""
    try:
        kind = loader.document_kind(data, lines, name)
        model = _BUILDERS[kind](data, lines, name)
    except ContentError as exc:
        result.files[name].extend(exc.problems)
        result.failed[stem] = str(kind)
        return
    result.loaded[name] = Loaded(name, kind, data, lines, model, Reader(name, lines))


def _related(a: str, b: str) -> bool:
    """Return True when one YAML path is the other or lies inside it."""
    short, long = sorted((a, b), key=len)
    return not short or long == short or long.startswith((short + ".", short + "["))


def _add_schema_problems(item: Loaded, schemas: Mapping[str, Mapping[str, Any]]) -> None:
    """Report schema violations the hand-written checks did not already report."""
    if item.kind not in schemas:
        return
    seen = [p.path for p in item.reader.problems if p.is_error]
    for path, message in schema_problems(item.data, schemas[item.kind]):
        if not any(_related(path, other) for other in seen if other):
            item.reader.problem(path, f"schema: {message}",
                                f"see schemas/{item.kind}.schema.json")
            seen.append(path)


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand directories into their YAML files (recursively), keeping files as given."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES
                              and p.is_file()))
        else:
            out.append(path)
    seen: set[Path] = set()
    unique = []
    for path in out:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def companions(files: list[Path]) -> list[Path]:
    """Return library files a lone scenario or rubric needs: its partner and competencies."""
    extra: list[Path] = []
    for path in files:
        parent = path.resolve().parent
        partner = {"scenarios": "rubrics", "rubrics": "scenarios"}.get(parent.name)
        if partner is None or path.stem in ("competencies", "roles"):
            continue
        root = parent.parent
        candidates = [root / partner / path.name, root / "rubrics" / "competencies.yaml"]
        extra.extend(p for p in candidates if p.is_file())
    return extra


def read_texts(files: Iterable[Path]) -> tuple[dict[str, str], list[Problem]]:
    """Read every file as UTF-8; unreadable files become problems."""
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    for path in files:
        name = str(path)
        try:
            with path.open("rb") as handle:
                raw = handle.read(loader.MAX_BYTES + 1)
            if len(raw) > loader.MAX_BYTES:  # oversized: let the loader report the size
                texts[name] = raw.decode("utf-8", "replace")
            else:
                texts[name] = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(name, 1, 1, "", f"not UTF-8 text ({exc.reason})",
                                    "save the file as UTF-8"))
        except OSError as exc:
            problems.append(Problem(name, 1, 1, "", f"cannot read file: {exc.strerror}",
                                    "check the path"))
    return texts, problems


def validate_paths(
    paths: Iterable[str | Path], schemas_dir: str | Path | None = None,
    with_companions: bool = True,
) -> list[Problem]:
    """Validate files and directories; return every problem (errors and warnings)."""
    files = collect_files(paths)
    if with_companions:
        files = collect_files([*files, *companions(files)])
    texts, problems = read_texts(files)
    schemas = load_schemas(Path(schemas_dir) if schemas_dir else default_schemas_dir())
    result = check_texts(texts, schemas)
    return sorted([*problems, *result.problems()],
                  key=lambda p: (p.file, p.line, p.column, p.path, p.message))
