"""Replay scripted inputs through the engine with a fixed clock, and check playthroughs.

Input forms (one per list entry): ``str`` (dialogue text, command, write-up or a
single choice id), ``list`` (multi choice ids or triage order), ``dict`` (classify
fields), ``{hint: id}`` (take a hint; not a turn) and ``{wait: seconds}`` (advance
the clock). Every answer advances the clock by ``step_seconds`` first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from simulator.domain import engine, scoring
from simulator.domain.model import Playthrough, Rubric, Scenario
from simulator.domain.session import Action, Event, ScoreReport, SessionState

STEP_SECONDS = 20.0


@dataclass(frozen=True)
class ReplayOutcome:
    """Events and final state of a replay, with any refused or surplus inputs."""

    events: tuple[Event, ...]
    state: SessionState
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlaythroughResult:
    """Whether a playthrough landed in its band with exactly its flags."""

    ok: bool
    total: float
    flags: tuple[str, ...]
    problems: tuple[str, ...]
    id: str = ""
    passed: bool = False
    result: str = ""
    report: ScoreReport | None = field(default=None, compare=False)


def to_action(entry: Any) -> Action | float:
    """Turn one playthrough input into an Action, or a wait in seconds."""
    if type(entry) is str:
        return Action("answer", entry)
    if isinstance(entry, Mapping) and len(entry) == 1:
        if "hint" in entry:
            hint = entry["hint"]
            return Action(type="hint", value="" if hint is None else str(hint))
        if "wait" in entry:
            try:
                return max(0.0, float(entry["wait"]))
            except (TypeError, ValueError):
                return 0.0
    if isinstance(entry, Mapping):
        return Action(type="answer", value={str(k): v for k, v in entry.items()})
    if isinstance(entry, list | tuple):
        return Action(type="answer", value=list(entry))
    return Action(type="answer", value=entry)


def run(
    scenario: Scenario,
    inputs: Iterable[Any],
    start_at: float = 0.0,
    step_seconds: float = STEP_SECONDS,
) -> ReplayOutcome:
    """Replay inputs and collect events, the final state and refusals (one working
    copy for the whole replay: equal to submitting each input in turn)."""
    clock = start_at
    first = engine.start(scenario, clock)
    batch = engine.Batch(scenario, first.state)
    tx = batch.tx
    errors: list[str] = []
    for number, entry in enumerate(inputs, start=1):
        action = to_action(entry)
        if isinstance(action, float):
            clock += action
            continue
        if tx.ended:
            errors.append(f"input {number}: the session had already ended ({tx.result})")
            continue
        if action.type == "answer":
            clock += step_seconds
        at_step = tx.step_id
        error = batch.submit(action, clock)
        if error:
            errors.append(f"input {number} refused at step {at_step!r}: {error}")
    return ReplayOutcome((*first.events, *batch.events()), batch.state(), tuple(errors))


def replay(
    scenario: Scenario,
    inputs: Iterable[Any],
    start_at: float = 0.0,
    step_seconds: float = STEP_SECONDS,
) -> tuple[list[Event], SessionState]:
    """Replay inputs with a fixed clock; return (events, final state)."""
    outcome = run(scenario, inputs, start_at, step_seconds)
    return list(outcome.events), outcome.state


def check(
    playthrough: Playthrough, report: ScoreReport, errors: Sequence[str] = ()
) -> tuple[str, ...]:
    """Return the problems of a scored playthrough against its expectations."""
    problems = list(errors)
    low, high = playthrough.band
    if not low <= report.total <= high:
        problems.append(f"total {report.total:g} is outside the band [{low}, {high}]")
    got = {f.id for f in report.flags}
    want = set(playthrough.flags)
    if got != want:
        problems.append(
            f"flags {sorted(got)} differ from the expected {sorted(want)}"
        )
    if playthrough.passed is not None and report.passed != playthrough.passed:
        problems.append(f"passed is {report.passed}, expected {playthrough.passed}")
    return tuple(problems)


def run_playthrough(
    scenario: Scenario, rubric: Rubric, playthrough: Playthrough
) -> PlaythroughResult:
    """Replay a built-in playthrough, score it and check band, flags and passed."""
    outcome = run(scenario, playthrough.inputs)
    report = scoring.score(outcome.events, scenario, rubric)
    problems = check(playthrough, report, outcome.errors)
    return PlaythroughResult(
        ok=not problems,
        total=report.total,
        flags=tuple(f.id for f in report.flags),
        problems=problems,
        id=playthrough.id,
        passed=report.passed,
        result=report.result,
        report=report,
    )
