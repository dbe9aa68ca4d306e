"""The app-wide scenario library: load, reload, snapshot content by hash, and look
old content up again by hash (so old attempts rescore identically after edits)."""

from __future__ import annotations

import importlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy.exc import IntegrityError

from simulator.domain.loader import ContentError, Problem, parse_rubric, parse_scenario
from simulator.domain.model import Framework, Rubric, Scenario
from simulator.services.errors import NotFound
from simulator.store.db import db
from simulator.store.models import ContentSnapshot

LIBRARY_KEY = "simulator.library"
PARSED_CACHE_SIZE = 128


@dataclass
class EmptyCatalog:
    """Stand-in used while the domain Catalog is not importable or a load fails."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)
    rubrics: dict[str, Rubric] = field(default_factory=dict)
    framework: Framework = field(default_factory=lambda: Framework((), ()))
    problems: list[Problem] = field(default_factory=list)


@dataclass
class LibraryState:
    """One app's loaded library and its caches."""

    scenarios_dir: Path
    rubrics_dir: Path
    catalog: Any = field(default_factory=EmptyCatalog)
    #: content hash -> (kind, content id, exact source text)
    texts: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    parsed: OrderedDict[str, Scenario | Rubric] = field(default_factory=OrderedDict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    load_error: str = ""


def load_catalog(scenarios_dir: Path | str, rubrics_dir: Path | str) -> Any:
    """Load the library with the domain Catalog (raises if it is unavailable)."""
    module = importlib.import_module("simulator.catalog")
    return module.Catalog.load(Path(scenarios_dir), Path(rubrics_dir))


def _state(app: Flask | None = None) -> LibraryState:
    """Return the app's library state, loading it on first use."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    state: LibraryState | None = app.extensions.get(LIBRARY_KEY)
    if state is not None:
        return state
    with _CREATE_LOCK:
        state = app.extensions.get(LIBRARY_KEY)
        if state is None:
            state = LibraryState(Path(app.config["SCENARIOS_DIR"]),
                                 Path(app.config["RUBRICS_DIR"]))
            _load_into(state)
            # publish only once loaded: other threads never see a half-built library
            app.extensions[LIBRARY_KEY] = state
    return state


#: process-wide cache of loaded libraries, keyed by folders and file stats, so many
#: apps in one process (tests, workers' threads) do not re-parse unchanged files
_SHARED: dict[tuple[str, str], tuple[tuple[Any, ...], Any, dict[str, Any]]] = {}
_SHARED_LOCK = threading.Lock()
_CREATE_LOCK = threading.Lock()


def _fingerprint(*folders: Path) -> tuple[Any, ...]:
    """Return the (path, mtime, size) of every file under the folders."""
    stats = []
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    info = path.stat()
                    stats.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(stats)


def _load_into(state: LibraryState, force: bool = False) -> None:
    """(Re)load the catalog and the source text of every loaded file."""
    key = (str(state.scenarios_dir), str(state.rubrics_dir))
    with state.lock:
        stamp = _fingerprint(state.scenarios_dir, state.rubrics_dir)
        with _SHARED_LOCK:
            cached = _SHARED.get(key)
        if cached is not None and cached[0] == stamp and not force:
            state.catalog, state.texts, state.load_error = cached[1], dict(cached[2]), ""
            state.parsed.clear()
            return
        try:
            catalog = load_catalog(state.scenarios_dir, state.rubrics_dir)
            state.load_error = ""
        except (ImportError, AttributeError) as error:
            catalog = EmptyCatalog()
            state.load_error = f"The library loader is not available ({error})."
        state.catalog = catalog
        state.texts = _read_texts(catalog)
        state.parsed.clear()
        if not state.load_error:
            with _SHARED_LOCK:
                _SHARED[key] = (stamp, catalog, dict(state.texts))


def _read_texts(catalog: Any) -> dict[str, tuple[str, str, str]]:
    """Map each loaded scenario/rubric hash to its exact source text (re-checked)."""
    texts: dict[str, tuple[str, str, str]] = {}
    for status in getattr(catalog, "files", ()):
        pool = {"scenario": catalog.scenarios, "rubric": catalog.rubrics}.get(status.kind)
        item = pool.get(status.id) if pool is not None else None
        path = Path(status.path)
        if item is None or not item.content_hash or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        parser = parse_scenario if status.kind == "scenario" else parse_rubric
        try:
            same = parser(text, str(path)).content_hash == item.content_hash
        except ContentError:
            same = False
        if same:
            texts[item.content_hash] = (status.kind, item.id, text)
    return texts


def catalog(app: Flask | None = None) -> Any:
    """Return the app-wide Catalog (scenarios, rubrics, framework, problems)."""
    return _state(app).catalog


def reload(app: Flask | None = None) -> Any:
    """Reload the library from disk and return the new catalog."""
    state = _state(app)
    _load_into(state, force=True)
    return state.catalog


def load_error(app: Flask | None = None) -> str:
    """Return why the library could not be loaded ("" when it loaded)."""
    return _state(app).load_error


def _snapshot(item: Scenario | Rubric, kind: str) -> str:
    """Store the exact text of ``item`` under its content hash; return the hash."""
    state = _state()
    key = item.content_hash
    if not key:
        raise NotFound(f"{kind} {item.id!r} has no content hash.")
    if db.session.get(ContentSnapshot, key) is not None:
        return key
    entry = state.texts.get(key)
    if entry is None:
        entry = _text_from_file(item, kind)
    try:
        with db.session.begin_nested():
            db.session.add(ContentSnapshot(hash=key, kind=kind, content_id=item.id,
                                           source_text=entry[2]))
    except IntegrityError:
        pass  # another worker stored the same content first: identical by definition
    with state.lock:
        state.parsed[key] = item
    return key


def _text_from_file(item: Scenario | Rubric, kind: str) -> tuple[str, str, str]:
    """Read ``item``'s file again, checking it still has the same hash."""
    path = Path(item.source)
    if not path.is_file():
        raise NotFound(f"The {kind} file for {item.id!r} is missing; reload the library.")
    text = path.read_text(encoding="utf-8")
    parser = parse_scenario if kind == "scenario" else parse_rubric
    try:
        reparsed = parser(text, str(path))
    except ContentError as error:
        raise NotFound(f"The {kind} file for {item.id!r} no longer loads.") from error
    if reparsed.content_hash != item.content_hash:
        raise NotFound(f"The {kind} file for {item.id!r} changed; reload the library.")
    return (kind, item.id, text)


def snapshot_scenario(scenario: Scenario) -> str:
    """Snapshot a scenario's YAML (idempotent); return its hash. Caller commits."""
    return _snapshot(scenario, "scenario")


def snapshot_rubric(rubric: Rubric) -> str:
    """Snapshot a rubric's YAML (idempotent); return its hash. Caller commits."""
    return _snapshot(rubric, "rubric")


def _for_hash(content_hash: str, kind: str) -> Scenario | Rubric:
    """Return the parsed content with this hash (memory, library, then snapshot)."""
    state = _state()
    with state.lock:
        cached = state.parsed.get(content_hash)
        if cached is not None:
            state.parsed.move_to_end(content_hash)
            return cached
    item = _from_catalog(state, content_hash, kind) or _from_snapshot(content_hash, kind)
    with state.lock:
        state.parsed[content_hash] = item
        while len(state.parsed) > PARSED_CACHE_SIZE:
            state.parsed.popitem(last=False)
    return item


def _from_catalog(state: LibraryState, content_hash: str, kind: str) -> Scenario | Rubric | None:
    """Return the loaded item with this hash, if the current library has it."""
    pool = state.catalog.scenarios if kind == "scenario" else state.catalog.rubrics
    for item in pool.values():
        if item.content_hash == content_hash:
            return item
    return None


def _from_snapshot(content_hash: str, kind: str) -> Scenario | Rubric:
    """Parse the stored snapshot with this hash."""
    row = db.session.get(ContentSnapshot, content_hash)
    if row is None or row.kind != kind:
        raise NotFound(f"No stored {kind} with hash {content_hash[:19]}….")
    parser = parse_scenario if kind == "scenario" else parse_rubric
    try:
        return parser(row.source_text, f"snapshot:{row.content_id}.yaml")
    except ContentError as error:
        raise NotFound(f"The stored {kind} {row.content_id!r} no longer parses.") from error


def scenario_for_hash(content_hash: str) -> Scenario:
    """Return the exact scenario an attempt ran against."""
    item = _for_hash(content_hash, "scenario")
    assert isinstance(item, Scenario)
    return item


def rubric_for_hash(content_hash: str) -> Rubric:
    """Return the exact rubric an attempt was scored with."""
    item = _for_hash(content_hash, "rubric")
    assert isinstance(item, Rubric)
    return item


def file_report(app: Flask | None = None) -> list[dict[str, Any]]:
    """Return one row per library file: name, kind, status (valid|warning|invalid), problems."""
    state = _state(app)
    rows = []
    for status in getattr(state.catalog, "files", ()):
        problems = list(status.problems)
        errors = [p for p in problems if p.is_error]
        label = "invalid" if errors else ("warning" if problems else "valid")
        rows.append({"name": status.name, "path": status.path, "kind": status.kind,
                     "id": status.id, "status": label, "problems": problems})
    return rows


def has_app() -> bool:
    """Return True when called inside an app context (for callers outside Flask)."""
    return has_app_context()
