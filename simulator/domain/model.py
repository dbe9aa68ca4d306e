"""Immutable scenario, rubric and framework model.

Every YAML key maps 1:1 onto a field here (the loader builds these objects; the
engine and scorer only read them). Nothing in this module does IO or reads a clock.

A *condition* (``Condition``) and a *matcher* (``match`` mappings) are the two small
languages authors write:

- ``match`` says what the candidate's input must look like (interpreted by
  ``simulator.domain.matching``; keyed by a type string, CTFd-style registry).
- ``Condition`` says what must already be true of the session (flags, visits, mood)
  or, in rubrics, of the transcript's evidence tags.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = 1

Level = Literal["entry", "mid", "senior"]
StepKind = Literal["dialogue", "choice", "terminal", "writeup", "triage", "classify", "end"]
STEP_KINDS: tuple[str, ...] = (
    "dialogue",
    "choice",
    "terminal",
    "writeup",
    "triage",
    "classify",
    "end",
)
#: Keys of an answer mapping that are commands to the player, never classify fields.
RESERVED_ANSWER_KEYS = frozenset({"hint", "wait"})


@dataclass(frozen=True)
class Condition:
    """A test over session state (in scenarios) or evidence tags (in rubrics).

    All given parts must hold. In scenarios, ``all``/``any``/``none`` name *flags*;
    in rubrics they name *evidence tags* found on transcript events.
    """

    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    #: scenario only: {step_id: [min, max]} visits of a step (max may be None)
    visits: Mapping[str, tuple[int, int | None]] = field(default_factory=dict)
    #: scenario only: persona mood must be >= mood_at_least / <= mood_at_most
    mood_at_least: int | None = None
    mood_at_most: int | None = None
    #: rubric only: {tag: minimum number of events carrying it}
    count: Mapping[str, int] = field(default_factory=dict)
    #: rubric only: ordered pairs (a, b): the first event tagged a comes before
    #: the first event tagged b (holds when b never occurs; combine with all: [b])
    before: tuple[tuple[str, str], ...] = ()

    def is_empty(self) -> bool:
        """Return True when the condition constrains nothing."""
        return not (
            self.all or self.any or self.none or self.visits or self.count or self.before
            or self.mood_at_least is not None or self.mood_at_most is not None
        )


@dataclass(frozen=True)
class Outcome:
    """What happens when a rule fires (or the step default applies)."""

    #: persona's spoken/written reply (dialogue, choice, writeup, triage, classify)
    #: or the command output (terminal). ``{input}`` is replaced by the candidate's input.
    reply: str = ""
    #: shown only in practice mode, after the turn
    feedback: str = ""
    #: step to go to; None = stay on this step
    next: str | None = None
    #: evidence tags attached to the candidate's event (rubrics read these)
    tags: tuple[str, ...] = ()
    set_flags: tuple[str, ...] = ()
    clear_flags: tuple[str, ...] = ()
    #: change to persona mood (negative = angrier)
    mood: int = 0


@dataclass(frozen=True)
class Rule:
    """One ordered response rule of a step; the first rule that matches wins."""

    id: str
    #: matcher spec, e.g. {"any": ["what changed"]}, {"command": "ipconfig /all"},
    #: {"choice": "b"}; empty mapping = always matches
    match: Mapping[str, Any]
    outcome: Outcome
    when: Condition = field(default_factory=Condition)
    #: fires at most once per session; afterwards it is skipped
    once: bool = False
    line: int = 0


@dataclass(frozen=True)
class Hint:
    id: str
    text: str
    #: points deducted from the overall 0-100 score when taken
    cost: int = 5


@dataclass(frozen=True)
class Option:
    """A choice option, a triage queue item or a classify field value."""

    id: str
    label: str
    detail: str = ""


@dataclass(frozen=True)
class ClassifyField:
    id: str
    label: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class WriteupElement:
    """A required element of a write-up: when its matcher hits, ``tag`` is emitted."""

    id: str
    label: str
    match: Mapping[str, Any]
    tag: str


@dataclass(frozen=True)
class WriteupClaim:
    """A claim a write-up may make ("flushed the DNS cache") that must be backed by
    evidence: if ``match`` hits but no earlier event carries ``requires``, the engine
    tags the write-up ``unsupported-claim`` and ``unsupported:<id>``."""

    id: str
    label: str
    match: Mapping[str, Any]
    requires: str


@dataclass(frozen=True)
class Step:
    id: str
    kind: StepKind
    title: str
    #: text shown when the step is entered (persona line, situation, banner)
    prompt: str
    rules: tuple[Rule, ...] = ()
    #: mandatory for every kind but ``end``
    default: Outcome | None = None
    hints: tuple[Hint, ...] = ()
    #: choice: options; triage: queue items
    options: tuple[Option, ...] = ()
    #: choice: allow several options
    multiple: bool = False
    #: terminal: "cmd" | "powershell" | "bash" (prompt decoration and built-in help)
    shell: str = "cmd"
    #: writeup: "ticket_note" | "escalation" | "email" | "resolution"
    form: str = "ticket_note"
    min_words: int = 0
    elements: tuple[WriteupElement, ...] = ()
    claims: tuple[WriteupClaim, ...] = ()
    #: classify: the fields to fill
    fields: tuple[ClassifyField, ...] = ()
    #: triage: the expert order of option ids; classify: expected field values
    expected_order: tuple[str, ...] = ()
    expected_fields: Mapping[str, str] = field(default_factory=dict)
    #: end: how the session ended ("resolved", "escalated", "hung_up", ...)
    result: str = ""
    line: int = 0


@dataclass(frozen=True)
class Persona:
    name: str
    job: str
    technical_level: Literal["low", "medium", "high"] = "low"
    #: starting mood, -5 (furious) .. +5 (delighted)
    mood: int = 0
    #: automatic mood changes per communication cue found in a dialogue turn,
    #: e.g. {"empathy": 1, "blame": -2, "jargon": -1, "dismissive": -2}
    reactions: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class MoodExit:
    """When mood falls to ``at_or_below``, the session branches to ``next`` (once)."""

    id: str
    at_or_below: int
    next: str
    #: system/persona text recorded with the branch
    reply: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ticket:
    id: str
    channel: Literal["phone", "chat", "email", "walk-in", "queue"]
    text: str
    subject: str = ""


@dataclass(frozen=True)
class Machine:
    os: str
    hostname: str
    user: str
    facts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Playthrough:
    """A built-in example run: inputs in order and the score band it must land in."""

    id: str
    label: str
    #: one entry per turn: str | list[str] | mapping (classify fields / {hint: id} /
    #: {wait: seconds})
    inputs: tuple[Any, ...]
    band: tuple[int, int]
    flags: tuple[str, ...] = ()
    passed: bool | None = None
    line: int = 0


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    level: Level
    competencies: tuple[str, ...]
    estimated_minutes: int
    maximum_minutes: int
    summary: str
    persona: Persona
    ticket: Ticket
    machine: Machine
    start: str
    steps: tuple[Step, ...]
    mood_exits: tuple[MoodExit, ...] = ()
    #: extra synonym groups for this scenario: each group's phrases match each other
    synonyms: tuple[tuple[str, ...], ...] = ()
    playthroughs: tuple[Playthrough, ...] = ()
    tags: tuple[str, ...] = ()
    schema_version: int = SCHEMA_VERSION
    #: sha256 of the canonical content (playthroughs excluded); set by the loader
    content_hash: str = ""
    source: str = ""

    def step(self, step_id: str) -> Step:
        """Return the step with this id (KeyError if absent)."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)


@dataclass(frozen=True)
class RubricLevel:
    id: str
    label: str
    points: int
    descriptor: str = ""
    #: evidence needed for this level; empty = the fallback level
    when: Condition = field(default_factory=Condition)


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    competency: str
    #: ordered lowest to highest; the highest level whose ``when`` holds is awarded.
    #: No levels = feedback-only (no points; always needs_review).
    levels: tuple[RubricLevel, ...]
    weight: float = 1.0
    description: str = ""
    needs_review: bool = False
    line: int = 0

    @property
    def max_points(self) -> int:
        """Points possible: the highest level's points."""
        return max((level.points for level in self.levels), default=0)


@dataclass(frozen=True)
class CriticalFlag:
    """A safety/integrity breach: ``fail`` fails the attempt, ``cap`` caps the total."""

    id: str
    label: str
    when: Condition
    effect: Literal["fail", "cap"] = "fail"
    cap: int = 0
    line: int = 0


@dataclass(frozen=True)
class Rubric:
    id: str
    scenario: str
    title: str
    pass_mark: int
    criteria: tuple[Criterion, ...]
    flags: tuple[CriticalFlag, ...] = ()
    schema_version: int = SCHEMA_VERSION
    content_hash: str = ""
    source: str = ""


@dataclass(frozen=True)
class SourceRef:
    """Where a competency comes from: a seed job description and its section."""

    file: str
    section: str
    duty: str


@dataclass(frozen=True)
class Competency:
    id: str
    name: str
    description: str
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class DiscussRule:
    """Flags an attempt for a hiring discussion, e.g. passes overall but is below
    ``below`` on a competency."""

    id: str
    message: str
    #: competency id -> score below which the rule fires
    below: Mapping[str, int] = field(default_factory=dict)
    #: fire only when the overall result passes
    only_if_passed: bool = True


@dataclass(frozen=True)
class RoleProfile:
    id: str
    name: str
    description: str
    scenarios: tuple[str, ...]
    weights: Mapping[str, float]
    thresholds: Mapping[str, int]
    pass_mark: int
    discuss: tuple[DiscussRule, ...] = ()


@dataclass(frozen=True)
class Framework:
    competencies: tuple[Competency, ...]
    roles: tuple[RoleProfile, ...]

    def competency_ids(self) -> frozenset[str]:
        """Return the ids of every competency."""
        return frozenset(c.id for c in self.competencies)
