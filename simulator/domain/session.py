"""Serialisable session state, candidate actions, transcript events and score reports.

These are the contract between the pure engine and everything that stores or shows
a session (web services, CLI). All are plain frozen dataclasses with ``to_dict`` /
``from_dict`` round-trips to JSON-safe values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ActionType = Literal["answer", "hint", "leave"]
EventType = Literal[
    "step",  # a step was entered; text = its prompt
    "candidate",  # the candidate's input (text, command, choice, order, fields)
    "persona",  # the persona's reply
    "machine",  # terminal output
    "feedback",  # practice-mode feedback for the previous input
    "hint",  # a hint was taken; data.cost
    "system",  # mood branch, timeout, end of session, leave
]
Actor = Literal["candidate", "persona", "machine", "system"]


@dataclass(frozen=True, init=False)
class Action:
    """One thing the candidate does.

    ``answer``: value is str (dialogue text, terminal command, write-up, single
    choice id), list[str] (multi choice ids, triage order) or dict[str, str]
    (classify fields). ``hint``: value is a hint id or "" for the next unused hint.
    ``leave``: the candidate ends the session early.
    """

    type: ActionType
    value: Any = ""

    def __init__(self, type: ActionType, value: Any = "") -> None:
        """Set the fields directly (one action per turn)."""
        values = self.__dict__
        values["type"] = type
        values["value"] = value


@dataclass(frozen=True, init=False)
class Event:
    """One append-only transcript entry. ``index`` is its position in the transcript."""

    index: int
    at: float  # seconds since the session started
    type: EventType
    actor: Actor
    step: str
    text: str = ""
    #: rule id that fired, evidence tags, raw value, flags set, cues, cost ...
    data: Mapping[str, Any] = field(default_factory=dict)

    def __init__(
        self,
        index: int,
        at: float,
        type: EventType,
        actor: Actor,
        step: str,
        text: str = "",
        data: Mapping[str, Any] | None = None,
    ) -> None:
        """Set the fields directly (3x faster than the generated frozen ``__init__``;
        events are built on every turn)."""
        values = self.__dict__
        values["index"] = index
        values["at"] = at
        values["type"] = type
        values["actor"] = actor
        values["step"] = step
        values["text"] = text
        values["data"] = {} if data is None else data

    @property
    def tags(self) -> tuple[str, ...]:
        """Evidence tags carried by this event."""
        return tuple(self.data.get("tags", ()))

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe mapping."""
        out = asdict(self)
        out["data"] = dict(self.data)
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Event:
        """Rebuild an event from ``to_dict`` output."""
        return cls(
            index=int(raw["index"]),
            at=float(raw["at"]),
            type=raw["type"],
            actor=raw["actor"],
            step=raw["step"],
            text=raw.get("text", ""),
            data=dict(raw.get("data", {})),
        )


@dataclass(frozen=True, init=False)
class SessionState:
    """Everything that changes while a scenario is played (the scenario never does)."""

    scenario_id: str
    scenario_hash: str
    step: str
    started_at: float  # caller's clock, seconds
    time_limit: float  # seconds allowed (maximum minutes * 60 + extra time)
    flags: frozenset[str] = frozenset()
    tags_seen: frozenset[str] = frozenset()
    mood: int = 0
    visits: Mapping[str, int] = field(default_factory=dict)
    fired: frozenset[str] = frozenset()  # "step/rule" ids of once-only rules that fired
    mood_exits_taken: frozenset[str] = frozenset()
    hints: tuple[str, ...] = ()  # hint ids taken, in order
    turns: int = 0  # candidate answers so far
    event_count: int = 0  # index the next event gets
    ended: bool = False
    result: str = ""  # end step's result, or "timed_out" / "left"

    def __init__(
        self,
        scenario_id: str,
        scenario_hash: str,
        step: str,
        started_at: float,
        time_limit: float,
        flags: frozenset[str] = frozenset(),
        tags_seen: frozenset[str] = frozenset(),
        mood: int = 0,
        visits: Mapping[str, int] | None = None,
        fired: frozenset[str] = frozenset(),
        mood_exits_taken: frozenset[str] = frozenset(),
        hints: tuple[str, ...] = (),
        turns: int = 0,
        event_count: int = 0,
        ended: bool = False,
        result: str = "",
    ) -> None:
        """Set the fields directly (a new state is built on every turn)."""
        self.__dict__.update(
            scenario_id=scenario_id, scenario_hash=scenario_hash, step=step,
            started_at=started_at, time_limit=time_limit, flags=flags, tags_seen=tags_seen,
            mood=mood, visits={} if visits is None else visits, fired=fired,
            mood_exits_taken=mood_exits_taken, hints=hints, turns=turns,
            event_count=event_count, ended=ended, result=result,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe mapping (sets become sorted lists)."""
        return {
            "scenario_id": self.scenario_id,
            "scenario_hash": self.scenario_hash,
            "step": self.step,
            "started_at": self.started_at,
            "time_limit": self.time_limit,
            "flags": sorted(self.flags),
            "tags_seen": sorted(self.tags_seen),
            "mood": self.mood,
            "visits": dict(self.visits),
            "fired": sorted(self.fired),
            "mood_exits_taken": sorted(self.mood_exits_taken),
            "hints": list(self.hints),
            "turns": self.turns,
            "event_count": self.event_count,
            "ended": self.ended,
            "result": self.result,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> SessionState:
        """Rebuild a state from ``to_dict`` output."""
        return cls(
            scenario_id=raw["scenario_id"],
            scenario_hash=raw["scenario_hash"],
            step=raw["step"],
            started_at=float(raw["started_at"]),
            time_limit=float(raw["time_limit"]),
            flags=frozenset(raw.get("flags", ())),
            tags_seen=frozenset(raw.get("tags_seen", ())),
            mood=int(raw.get("mood", 0)),
            visits=dict(raw.get("visits", {})),
            fired=frozenset(raw.get("fired", ())),
            mood_exits_taken=frozenset(raw.get("mood_exits_taken", ())),
            hints=tuple(raw.get("hints", ())),
            turns=int(raw.get("turns", 0)),
            event_count=int(raw.get("event_count", 0)),
            ended=bool(raw.get("ended", False)),
            result=raw.get("result", ""),
        )


@dataclass(frozen=True, init=False)
class StepResult:
    """What ``start``/``submit`` return: the new state and the events to append."""

    state: SessionState
    events: tuple[Event, ...]
    #: a readable reason when the action was refused (wrong shape, session ended);
    #: a refused action changes nothing and appends nothing
    error: str = ""

    def __init__(self, state: SessionState, events: tuple[Event, ...], error: str = "") -> None:
        """Set the fields directly (one result per turn)."""
        values = self.__dict__
        values["state"] = state
        values["events"] = events
        values["error"] = error


@dataclass(frozen=True)
class CriterionScore:
    id: str
    label: str
    competency: str
    level: str  # awarded level id ("" for feedback-only)
    level_label: str
    points: int
    max: int
    weight: float
    evidence: tuple[int, ...]  # indices of the events that earned the level
    needs_review: bool

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe mapping."""
        out = asdict(self)
        out["evidence"] = list(self.evidence)
        return out


@dataclass(frozen=True)
class FlagHit:
    id: str
    label: str
    effect: str  # "fail" | "cap"
    cap: int
    evidence: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe mapping."""
        out = asdict(self)
        out["evidence"] = list(self.evidence)
        return out


@dataclass(frozen=True)
class ScoreReport:
    """The automatic score of one transcript against one rubric."""

    scenario_id: str
    rubric_id: str
    scenario_hash: str
    rubric_hash: str
    total: float  # 0-100 after hint penalties and caps
    raw_total: float  # 0-100 before penalties and caps
    passed: bool
    pass_mark: int
    competencies: Mapping[str, float]  # competency id -> 0-100
    criteria: tuple[CriterionScore, ...]
    flags: tuple[FlagHit, ...]
    hint_penalty: int
    hints_used: tuple[str, ...]
    time_used: float  # seconds
    result: str  # how the session ended
    needs_review: tuple[str, ...]  # criterion ids a human should confirm

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe mapping; ``flags`` is a list of flag ids (details in
        ``flag_details``) as the CLI's ``--json`` contract requires."""
        return {
            "scenario_id": self.scenario_id,
            "rubric_id": self.rubric_id,
            "scenario_hash": self.scenario_hash,
            "rubric_hash": self.rubric_hash,
            "total": self.total,
            "raw_total": self.raw_total,
            "passed": self.passed,
            "pass_mark": self.pass_mark,
            "competencies": dict(self.competencies),
            "criteria": [c.to_dict() for c in self.criteria],
            "flags": [f.id for f in self.flags],
            "flag_details": [f.to_dict() for f in self.flags],
            "hint_penalty": self.hint_penalty,
            "hints_used": list(self.hints_used),
            "time_used": self.time_used,
            "result": self.result,
            "needs_review": list(self.needs_review),
        }
