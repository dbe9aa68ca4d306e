"""A mutable working copy of a session used while one action is applied.

``Tx`` collects the events of one ``start``/``submit`` call and the state changes
they imply, then ``freeze`` returns the new immutable ``SessionState``. Nothing
here reads a clock: ``now`` is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from simulator.domain.model import Condition, Scenario, Step
from simulator.domain.session import Actor, Event, EventType, SessionState

MAX_VISITS = 50
MAX_TURNS = 400
MOOD_MIN, MOOD_MAX = -5, 5


class Tx:
    """Accumulate events and state changes for one engine call."""

    def __init__(self, scenario: Scenario, state: SessionState, now: float) -> None:
        self.scenario = scenario
        self.base = state
        self.now = now
        self.events: list[Event] = []
        self.step_id = state.step
        self.flags = set(state.flags)
        self.tags_seen = set(state.tags_seen)
        self.mood = state.mood
        self.visits = dict(state.visits)
        self.fired = set(state.fired)
        self.exits = set(state.mood_exits_taken)
        self.hints = list(state.hints)
        self.turns = state.turns
        self.ended = state.ended
        self.result = state.result

    @property
    def at(self) -> float:
        """Return seconds since the session started."""
        return round(self.now - self.base.started_at, 3)

    def step(self) -> Step:
        """Return the current step."""
        return self.scenario.step(self.step_id)

    def emit(
        self,
        type_: EventType,
        actor: Actor,
        text: str = "",
        data: Mapping[str, Any] | None = None,
        at: float | None = None,
    ) -> Event:
        """Append an event (its tags join ``tags_seen``) and return it."""
        payload = dict(data or {})
        event = Event(
            index=self.base.event_count + len(self.events),
            at=self.at if at is None else at,
            type=type_,
            actor=actor,
            step=self.step_id,
            text=text,
            data=payload,
        )
        self.tags_seen.update(payload.get("tags", ()))
        self.events.append(event)
        return event

    def enter(self, step_id: str) -> None:
        """Enter a step: count the visit, show its prompt, end on end steps/loops."""
        if not any(s.id == step_id for s in self.scenario.steps):
            self.finish("abandoned", f"Scenario error: there is no step {step_id!r}.",
                        ("scenario-error",))
            return
        self.step_id = step_id
        self.visits[step_id] = self.visits.get(step_id, 0) + 1
        step = self.step()
        tags = [f"step:{step_id}"]
        if step.kind == "end":
            result = step.result or "ended"
            tags.append(f"end:{result}")
            self.ended, self.result = True, result
        self.emit("step", "system", step.prompt, {"tags": tags, "title": step.title,
                                                  "kind": step.kind})
        if not self.ended and self.visits[step_id] > MAX_VISITS:
            self.finish("abandoned", "The session went round in circles and was stopped.",
                        ("loop-guard",))

    def finish(
        self, result: str, text: str, tags: Iterable[str] = (), at: float | None = None
    ) -> None:
        """End the session with a system event tagged ``end:<result>``."""
        self.ended, self.result = True, result
        self.emit("system", "system", text, {"tags": [*tags, f"end:{result}"],
                                             "result": result}, at=at)

    def adjust_mood(self, delta: int) -> None:
        """Move the persona's mood, clamped to -5..5."""
        self.mood = max(MOOD_MIN, min(MOOD_MAX, self.mood + delta))

    def holds(self, cond: Condition) -> bool:
        """Return True when a scenario condition holds for the current state."""
        flags = self.flags
        if any(f not in flags for f in cond.all) or any(f in flags for f in cond.none):
            return False
        if cond.any and not any(f in flags for f in cond.any):
            return False
        for step_id, (low, high) in cond.visits.items():
            seen = self.visits.get(step_id, 0)
            if seen < low or (high is not None and seen > high):
                return False
        if cond.mood_at_least is not None and self.mood < cond.mood_at_least:
            return False
        return cond.mood_at_most is None or self.mood <= cond.mood_at_most

    def freeze(self) -> SessionState:
        """Return the new immutable state."""
        base = self.base
        return SessionState(
            scenario_id=base.scenario_id,
            scenario_hash=base.scenario_hash,
            started_at=base.started_at,
            time_limit=base.time_limit,
            step=self.step_id,
            flags=frozenset(self.flags),
            tags_seen=frozenset(self.tags_seen),
            mood=self.mood,
            visits=dict(self.visits),
            fired=frozenset(self.fired),
            mood_exits_taken=frozenset(self.exits),
            hints=tuple(self.hints),
            turns=self.turns,
            event_count=self.base.event_count + len(self.events),
            ended=self.ended,
            result=self.result,
        )
