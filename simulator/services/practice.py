"""Practice mode for trainees: the catalogue, starting and retrying, and the debrief.

The debrief explains a finished practice attempt: the points of each criterion with
the turns that earned them, and "what an expert did differently" — the scenario's
``expert`` playthrough is replayed through the engine and scored, and for every
criterion where the trainee scored lower, the expert's own inputs that earned the
higher level are shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from simulator.domain import replay, scoring
from simulator.domain.session import Event
from simulator.services import attempts, library
from simulator.services.errors import Conflict, InvalidInput, NotFound
from simulator.store.db import db
from simulator.store.models import Attempt, AutoScore, User

LEVELS = ("entry", "mid", "senior")
EXPERT_ID = "expert"
#: (scenario hash, rubric hash) -> (expert events, expert report); content never changes
_EXPERT_CACHE: dict[tuple[str, str], tuple[list[Event], Any]] = {}


@dataclass(frozen=True)
class CatalogueEntry:
    id: str
    title: str
    level: str
    competencies: tuple[str, ...]
    estimated_minutes: int
    maximum_minutes: int
    summary: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Quote:
    """A transcript line cited as evidence."""

    index: int
    actor: str
    step: str
    text: str


@dataclass(frozen=True)
class CriterionRow:
    id: str
    label: str
    competency: str
    level_label: str
    points: int
    max: int
    quotes: tuple[Quote, ...]
    needs_review: bool


@dataclass(frozen=True)
class ExpertNote:
    """A criterion where the expert did better, with the expert's inputs that earned it."""

    criterion: str
    your_level: str
    expert_level: str
    your_points: int
    expert_points: int
    inputs: tuple[Quote, ...]


@dataclass(frozen=True)
class Debrief:
    attempt: Attempt
    scenario_title: str
    total: float
    passed: bool
    pass_mark: int
    hint_penalty: int
    hints_used: tuple[str, ...]
    result: str
    competencies: Mapping[str, float]
    criteria: tuple[CriterionRow, ...]
    flags: tuple[tuple[str, tuple[Quote, ...]], ...]
    expert: tuple[ExpertNote, ...] = field(default_factory=tuple)
    step_titles: Mapping[str, str] = field(default_factory=dict)


def catalogue(competency: str | None = None, level: str | None = None) -> list[CatalogueEntry]:
    """Return the playable scenarios (with a rubric), filtered, easiest first."""
    if level and level not in LEVELS:
        raise InvalidInput("Unknown level.", field="level")
    cat = library.catalog()
    entries = [
        CatalogueEntry(
            id=s.id, title=s.title, level=s.level, competencies=tuple(s.competencies),
            estimated_minutes=s.estimated_minutes, maximum_minutes=s.maximum_minutes,
            summary=s.summary, tags=tuple(s.tags),
        )
        for s in cat.scenarios.values()
        if s.id in cat.rubrics
        and (not competency or competency in s.competencies)
        and (not level or s.level == level)
    ]
    return sorted(entries, key=lambda e: (LEVELS.index(e.level), e.title.lower()))


def start(user: User, scenario_id: str, now: datetime) -> Attempt:
    """Start a practice attempt (a retry is simply a new attempt)."""
    return attempts.start_attempt(user, scenario_id, "practice", now=now)


def history(user: User, limit: int = 50) -> list[tuple[Attempt, AutoScore | None]]:
    """Return the user's practice attempts, newest first, with their scores."""
    rows = db.session.execute(
        select(Attempt, AutoScore)
        .outerjoin(AutoScore, AutoScore.attempt_id == Attempt.id)
        .where(Attempt.user_id == user.id, Attempt.mode == "practice")
        .order_by(Attempt.started_at.desc(), Attempt.id.desc())
        .limit(limit)
    ).all()
    return [(row[0], row[1]) for row in rows]


def debrief(user: User, attempt_id: int) -> Debrief:
    """Return the debrief of the user's finished practice attempt."""
    attempt = attempts.get_attempt(user, attempt_id)
    if attempt.mode != "practice":
        raise NotFound("No such practice attempt.")
    score = db.session.execute(
        select(AutoScore).where(AutoScore.attempt_id == attempt.id)
    ).scalar_one_or_none()
    if score is None:
        raise Conflict("Finish the scenario to read its debrief.")
    report = score.report
    events = {e.index: e for e in attempts.stored_events(attempt.id)}
    scenario = library.scenario_for_hash(attempt.scenario_hash)
    rows = tuple(_criterion_row(c, events) for c in report.get("criteria", ()))
    flags = tuple(
        (str(f.get("label", f.get("id", ""))), _quotes(f.get("evidence", ()), events))
        for f in report.get("flag_details", ())
    )
    return Debrief(
        attempt=attempt, scenario_title=scenario.title, total=float(report.get("total", 0)),
        passed=bool(report.get("passed")), pass_mark=int(report.get("pass_mark", 0)),
        hint_penalty=int(report.get("hint_penalty", 0)),
        hints_used=tuple(report.get("hints_used", ())), result=str(report.get("result", "")),
        competencies=dict(report.get("competencies", {})), criteria=rows, flags=flags,
        expert=tuple(expert_notes(attempt, rows)),
        step_titles={s.id: s.title for s in scenario.steps},
    )


def _criterion_row(raw: Mapping[str, Any], events: Mapping[int, Event]) -> CriterionRow:
    """Build one debrief row from a report criterion."""
    return CriterionRow(
        id=str(raw["id"]), label=str(raw.get("label", raw["id"])),
        competency=str(raw.get("competency", "")), level_label=str(raw.get("level_label", "")),
        points=int(raw.get("points", 0)), max=int(raw.get("max", 0)),
        quotes=_quotes(raw.get("evidence", ()), events),
        needs_review=bool(raw.get("needs_review")),
    )


def _quotes(indices: Iterable[int], events: Mapping[int, Event]) -> tuple[Quote, ...]:
    """Return the cited events as quotes (the candidate's own turn where possible)."""
    out: list[Quote] = []
    seen: set[int] = set()
    for index in indices:
        event = _own_turn(int(index), events)
        if event is None or event.index in seen:
            continue
        seen.add(event.index)
        out.append(Quote(event.index, event.actor, event.step, event.text))
    return tuple(out)


def _own_turn(index: int, events: Mapping[int, Event]) -> Event | None:
    """Return the event at index, or the nearest earlier candidate turn if it is not one."""
    event = events.get(index)
    if event is None or event.actor == "candidate":
        return event
    for earlier in range(index - 1, -1, -1):
        prior = events.get(earlier)
        if prior is not None and prior.actor == "candidate":
            return prior
    return event


def expert_run(attempt: Attempt) -> tuple[list[Event], Any] | None:
    """Replay and score the scenario's expert playthrough (cached per content hash)."""
    key = (attempt.scenario_hash, attempt.rubric_hash)
    if key in _EXPERT_CACHE:
        return _EXPERT_CACHE[key]
    scenario = library.scenario_for_hash(attempt.scenario_hash)
    rubric = library.rubric_for_hash(attempt.rubric_hash)
    expert = next((p for p in scenario.playthroughs if p.id == EXPERT_ID), None)
    if expert is None:
        return None
    events, _state = replay.replay(scenario, list(expert.inputs))
    result = (list(events), scoring.score(list(events), scenario, rubric))
    _EXPERT_CACHE[key] = result
    return result


def expert_notes(attempt: Attempt, rows: Sequence[CriterionRow]) -> list[ExpertNote]:
    """Return the criteria where the expert earned more, with the expert's inputs."""
    run = expert_run(attempt)
    if run is None:
        return []
    events, report = run
    by_index = {e.index: e for e in events}
    experts = {c.id: c for c in report.criteria}
    notes: list[ExpertNote] = []
    for row in rows:
        best = experts.get(row.id)
        if best is None or best.points <= row.points:
            continue
        inputs = tuple(q for q in _quotes(best.evidence, by_index) if q.actor == "candidate")
        notes.append(
            ExpertNote(
                criterion=row.label, your_level=row.level_label, expert_level=best.level_label,
                your_points=row.points, expert_points=best.points, inputs=inputs,
            )
        )
    return notes
