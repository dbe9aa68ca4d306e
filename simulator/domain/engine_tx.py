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


_STEPS: dict[int, tuple[Scenario, dict[str, Step]]] = {}


def steps_of(scenario: Scenario) -> Mapping[str, Step]:
    """Return the scenario's steps by id (first of a duplicated id wins, as
    ``Scenario.step`` does), cached by the scenario object."""
    cached = _STEPS.get(id(scenario))
    if cached is not None and cached[0] is scenario:
        return cached[1]
    table: dict[str, Step] = {}
    for step in scenario.steps:
        table.setdefault(step.id, step)
    if len(_STEPS) > 1024:
        _STEPS.clear()
    _STEPS[id(scenario)] = (scenario, table)
    return table


class Tx:
    """Accumulate events and state changes for one engine call.

    Collections are copied on first write only, so ``freeze`` can reuse the
    previous state's frozensets when nothing changed them.
    """

    def __init__(self, scenario: Scenario, state: SessionState, now: float) -> None:
        self.scenario = scenario
        self.base = state
        self.now = now
        self.at = round(now - state.started_at, 3)
        self.events: list[Event] = []
        self.step_id = state.step
        self.flags: frozenset[str] | set[str] = state.flags
        self.tags_seen: frozenset[str] | set[str] = state.tags_seen
        self.mood = state.mood
        self.visits: Mapping[str, int] = state.visits
        self.fired: frozenset[str] | set[str] = state.fired
        self.exits: frozenset[str] | set[str] = state.mood_exits_taken
        self.hints: tuple[str, ...] = tuple(state.hints)
        self.turns = state.turns
        self.ended = state.ended
        self.result = state.result
        self._steps = steps_of(scenario)

    def step(self) -> Step:
        """Return the current step."""
        step = self._steps.get(self.step_id)
        if step is None:
            raise KeyError(self.step_id)
        return step

    def change_flags(self, add: Iterable[str], remove: Iterable[str]) -> None:
        """Set and then clear flags."""
        if add or remove:
            flags = set(self.flags)
            flags.update(add)
            flags.difference_update(remove)
            self.flags = flags

    def mark_fired(self, key: str) -> None:
        """Record a once-only rule as fired."""
        self.fired = {*self.fired, key}

    def mark_exit(self, exit_id: str) -> None:
        """Record a mood exit as taken."""
        self.exits = {*self.exits, exit_id}

    def emit(
        self,
        type_: EventType,
        actor: Actor,
        text: str = "",
        data: Mapping[str, Any] | None = None,
        at: float | None = None,
    ) -> Event:
        """Append an event (its tags join ``tags_seen``) and return it."""
        payload = data if type(data) is dict else dict(data or {})
        event = Event(
            self.base.event_count + len(self.events),
            self.at if at is None else at,
            type_,
            actor,
            self.step_id,
            text,
            payload,
        )
        tags = payload.get("tags")
        if tags:
            seen = self.tags_seen
            if not seen.issuperset(tags):
                self.tags_seen = seen = seen if type(seen) is set else set(seen)
                seen.update(tags)
        self.events.append(event)
        return event

    def enter(self, step_id: str) -> None:
        """Enter a step: count the visit, show its prompt, end on end steps/loops."""
        if step_id not in self._steps:
            self.finish("abandoned", f"Scenario error: there is no step {step_id!r}.",
                        ("scenario-error",))
            return
        self.step_id = step_id
        self.visits = {**self.visits, step_id: self.visits.get(step_id, 0) + 1}
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
        for flag in cond.all:
            if flag not in flags:
                return False
        for flag in cond.none:
            if flag in flags:
                return False
        if cond.any and flags.isdisjoint(cond.any):
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
            base.scenario_id,
            base.scenario_hash,
            self.step_id,
            base.started_at,
            base.time_limit,
            flags if type(flags := self.flags) is frozenset else frozenset(flags),
            seen if type(seen := self.tags_seen) is frozenset else frozenset(seen),
            self.mood,
            self.visits if self.visits is not base.visits else dict(base.visits),
            fired if type(fired := self.fired) is frozenset else frozenset(fired),
            exits if type(exits := self.exits) is frozenset else frozenset(exits),
            self.hints,
            self.turns,
            base.event_count + len(self.events),
            self.ended,
            self.result,
        )

