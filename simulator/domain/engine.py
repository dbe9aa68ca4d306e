"""The scenario runtime: a pure state machine over immutable scenarios.

``start`` enters the first step; ``submit`` applies one action (answer, hint,
leave) and returns the new ``SessionState`` with the events to append; a refused
action returns ``StepResult.error`` and changes nothing. ``public_view`` says what
a UI may show. Time is always the caller's ``now`` in seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from simulator.domain.engine_steps import HANDLERS, SHAPES, Decision, display
from simulator.domain.engine_tx import MAX_TURNS, MAX_VISITS, Tx
from simulator.domain.model import Scenario, Step
from simulator.domain.session import Action, Event, SessionState, StepResult

__all__ = ["MAX_TURNS", "MAX_VISITS", "Batch", "expire", "public_view", "start", "submit"]


def start(scenario: Scenario, now: float, extra_seconds: float = 0.0) -> StepResult:
    """Start a session at ``now``: enter the scenario's start step."""
    state = SessionState(
        scenario_id=scenario.id,
        scenario_hash=scenario.content_hash,
        step=scenario.start,
        started_at=float(now),
        time_limit=float(scenario.maximum_minutes * 60 + max(0.0, extra_seconds)),
        mood=scenario.persona.mood,
    )
    tx = Tx(scenario, state, now)
    tx.enter(scenario.start)
    return StepResult(tx.freeze(), tuple(tx.events))


def submit(scenario: Scenario, state: SessionState, action: Action, now: float) -> StepResult:
    """Apply one action at ``now`` and return the new state and events."""
    if state.ended:
        return StepResult(state, (), "The session has ended.")
    if state.scenario_id != scenario.id:
        return StepResult(state, (), "This session belongs to another scenario.")
    handler = _ACTIONS.get(getattr(action, "type", ""))
    if handler is None:
        return StepResult(state, (), "Unknown action; use answer, hint or leave.")
    tx = Tx(scenario, state, now)
    if now >= state.started_at + state.time_limit:
        tx.finish("timed_out", "Time is up.", ("timed-out",), at=round(state.time_limit, 3))
        return StepResult(tx.freeze(), tuple(tx.events))
    error = handler(tx, action.value)
    if error:
        return StepResult(state, (), error)
    return StepResult(tx.freeze(), tuple(tx.events))


class Batch:
    """Apply actions one after another on one working copy, freezing the state once at
    the end (replays). ``submit`` here equals chained ``engine.submit`` calls: a refused
    action changes nothing (handlers refuse before they change anything)."""

    def __init__(self, scenario: Scenario, state: SessionState) -> None:
        self.scenario = scenario
        self.tx = Tx(scenario, state, state.started_at)

    def submit(self, action: Action, now: float) -> str:
        """Apply one action at ``now``; return the refusal ("" when applied)."""
        tx = self.tx
        if tx.ended:
            return "The session has ended."
        if tx.base.scenario_id != self.scenario.id:
            return "This session belongs to another scenario."
        handler = _ACTIONS.get(getattr(action, "type", ""))
        if handler is None:
            return "Unknown action; use answer, hint or leave."
        tx.now, tx.at = now, round(now - tx.base.started_at, 3)
        base = tx.base
        if now >= base.started_at + base.time_limit:
            tx.finish("timed_out", "Time is up.", ("timed-out",), at=round(base.time_limit, 3))
            return ""
        return handler(tx, action.value)

    def state(self) -> SessionState:
        """Return the state after every applied action."""
        return self.tx.freeze()

    def events(self) -> list[Event]:
        """Return the events of every applied action, in order."""
        return self.tx.events


def expire(scenario: Scenario, state: SessionState, now: float) -> StepResult:
    """End a session whose time is up (no events when it is not due or has ended)."""
    if state.ended or now < state.started_at + state.time_limit:
        return StepResult(state, ())
    return submit(scenario, state, Action(type="leave"), now)


def _leave(tx: Tx, value: Any) -> str:
    tx.finish("left", "The candidate ended the session.", ("left",))
    return ""


def _hint(tx: Tx, value: Any) -> str:
    step = tx.step()
    if not isinstance(value, str):
        return "Ask for a hint by its id."
    if not value:
        hint = next((h for h in step.hints if h.id not in tx.hints), None)
        if hint is None:
            return "There are no more hints for this step."
    else:
        hint = next((h for h in step.hints if h.id == value), None)
        if hint is None:
            return f"There is no hint {value!r} on this step."
        if hint.id in tx.hints:
            return "You have already taken that hint."
    tx.hints = (*tx.hints, hint.id)
    tx.emit("hint", "system", hint.text,
            {"hint": hint.id, "cost": hint.cost, "tags": [f"hint:{hint.id}"]})
    return ""


def _answer(tx: Tx, value: Any) -> str:
    step = tx.step()
    value, error = SHAPES[step.kind](step, value)
    if error:
        return error
    decision = HANDLERS[step.kind](tx, step, value)
    tx.turns += 1
    _record(tx, step, value, decision)
    next_step = _apply(tx, step, decision)
    if step.kind == "dialogue":
        next_step = _mood_exit(tx) or next_step
    if next_step:
        tx.enter(next_step)
    if not tx.ended and tx.turns >= MAX_TURNS:
        tx.finish("abandoned", "The session reached its turn limit and was stopped.",
                  ("turn-limit",))
    return ""


def _record(tx: Tx, step: Step, value: Any, decision: Decision) -> None:
    """Emit the candidate's event, the reply and any feedback."""
    outcome = decision.outcome
    tags = list(dict.fromkeys((*outcome.tags, *decision.tags))) if (
        outcome.tags or decision.tags) else []
    text = display(step, value)
    tx.emit("candidate", "candidate", text, {
        "value": value,
        "rule": decision.rule,
        "tags": tags,
        "cues": sorted(decision.cues),
        "matched_rules": list(decision.matched),
    })
    reply = outcome.reply if decision.output is None else decision.output
    if "{input}" in reply:
        reply = reply.replace("{input}", text)
    terminal = step.kind == "terminal"
    if reply or decision.data:
        tx.emit("machine" if terminal else "persona", "machine" if terminal else "persona",
                reply, dict(decision.data))
    if outcome.feedback:
        tx.emit("feedback", "system", outcome.feedback.replace("{input}", text))


def _apply(tx: Tx, step: Step, decision: Decision) -> str | None:
    """Apply flags, once-only bookkeeping and mood; return the next step id."""
    outcome = decision.outcome
    tx.change_flags(outcome.set_flags, outcome.clear_flags)
    if decision.once:
        tx.mark_fired(f"{step.id}/{decision.rule}")
    delta = outcome.mood
    if decision.cues and step.kind == "dialogue":
        reactions = tx.scenario.persona.reactions
        for cue in decision.cues:
            delta += int(reactions.get(cue, 0))
    tx.adjust_mood(delta)
    return outcome.next


def _mood_exit(tx: Tx) -> str | None:
    """Take the first untaken mood exit whose threshold is reached; return its step."""
    for mood_exit in tx.scenario.mood_exits:
        if mood_exit.id in tx.exits or tx.mood > mood_exit.at_or_below:
            continue
        tx.mark_exit(mood_exit.id)
        tx.emit("system", "system", mood_exit.reply, {
            "tags": [f"mood-exit:{mood_exit.id}", *mood_exit.tags],
            "mood_exit": mood_exit.id,
            "mood": tx.mood,
        })
        return mood_exit.next
    return None


_ACTIONS: Mapping[str, Callable[[Tx, Any], str]] = {
    "answer": _answer,
    "hint": _hint,
    "leave": _leave,
}


def public_view(scenario: Scenario, state: SessionState, now: float) -> dict[str, Any]:
    """Return what a UI may show now (never rules, expected answers or tags)."""
    step = scenario.step(state.step)
    return {
        "scenario": {"id": scenario.id, "title": scenario.title, "level": scenario.level},
        "step": {"id": step.id, "kind": step.kind, "title": step.title, "prompt": step.prompt},
        "options": [{"id": o.id, "label": o.label, "detail": o.detail} for o in step.options],
        "multiple": step.multiple,
        "fields": [
            {"id": f.id, "label": f.label,
             "options": [{"id": o.id, "label": o.label} for o in f.options]}
            for f in step.fields
        ],
        "form": step.form if step.kind == "writeup" else "",
        "min_words": step.min_words,
        "shell": step.shell if step.kind == "terminal" else "",
        "hints": [
            {"id": h.id, "cost": h.cost, "taken": h.id in state.hints,
             "text": h.text if h.id in state.hints else ""}
            for h in step.hints
        ],
        "seconds_left": round(max(0.0, state.started_at + state.time_limit - now), 3),
        "time_limit": state.time_limit,
        "turns": state.turns,
        "ended": state.ended,
        "result": state.result,
        "persona": {"name": scenario.persona.name, "job": scenario.persona.job},
        "ticket": {"id": scenario.ticket.id, "channel": scenario.ticket.channel,
                   "subject": scenario.ticket.subject, "text": scenario.ticket.text},
        "machine": {"os": scenario.machine.os, "hostname": scenario.machine.hostname,
                    "user": scenario.machine.user},
    }
