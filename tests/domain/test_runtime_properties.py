"""Property tests: random walks over every bundled scenario (and the engine fixtures).

Random actions of every shape at every step never raise, refused actions change
nothing, the transcript stays well formed, scores stay in 0..100, and every walk
ends within a bounded number of actions (by an end step, time or the loop guards).
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.catalog import Catalog, default_content_dirs
from simulator.domain import engine, scoring
from simulator.domain.model import Rubric, Scenario, Step
from simulator.domain.session import Action, Event, SessionState

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "engine"
STEP_SECONDS = 20.0


def _library() -> list[tuple[Scenario, Rubric | None]]:
    pairs: dict[str, tuple[Scenario, Rubric | None]] = {}
    for scenarios_dir, rubrics_dir in (default_content_dirs(),
                                       (FIXTURES / "scenarios", FIXTURES / "rubrics")):
        catalog = Catalog.load(scenarios_dir, rubrics_dir)
        for sid, scenario in catalog.scenarios.items():
            pairs.setdefault(sid, (scenario, catalog.rubrics.get(sid)))
    return [pairs[k] for k in sorted(pairs)]


LIBRARY = _library()
IDS = [scenario.id for scenario, _ in LIBRARY]


def _phrases(step: Step) -> list[str]:
    """Collect phrases and commands the step's rules look for (to reach deep steps)."""
    found: list[str] = []
    for rule in step.rules:
        for key in ("any", "all", "negated"):
            value = rule.match.get(key, ())
            found += [str(v) for v in (value if isinstance(value, list | tuple) else [value])]
        for key in ("command", "command_prefix", "choice", "first"):
            if key in rule.match:
                found.append(str(rule.match[key]))
    for element in (*step.elements, *step.claims):
        value = element.match.get("any", ())
        found += [str(v) for v in (value if isinstance(value, list | tuple) else [value])]
    return found or ["hello"]


def _values(step: Step) -> st.SearchStrategy[Any]:
    """Every answer shape, valid and invalid, biased towards what the step accepts."""
    ids = [o.id for o in step.options] or ["x"]
    phrases = _phrases(step)
    text = st.one_of(
        st.sampled_from(phrases),
        st.lists(st.sampled_from(phrases), min_size=1, max_size=4).map(", ".join),
        st.text(max_size=60),
        st.sampled_from(["help", "cls", "exit", "", "   ", "I'm not sure, sorry"]),
    )
    fields = {f.id: [o.id for o in f.options] or ["x"] for f in step.fields} or {"x": ["y"]}
    classify = st.fixed_dictionaries({k: st.sampled_from([*v, "bogus"])
                                      for k, v in fields.items()})
    return st.one_of(
        text,
        st.sampled_from(ids),
        st.permutations(ids),
        st.lists(st.sampled_from([*ids, "nope"]), max_size=len(ids) + 1),
        classify,
        st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
        st.none(),
        st.integers(),
    )


def _action(data: st.DataObject, step: Step) -> Action:
    kind = data.draw(st.sampled_from(["answer"] * 12 + ["hint", "hint-any", "leave"]))
    if kind == "hint":
        hints = [h.id for h in step.hints] or ["none"]
        return Action(type="hint", value=data.draw(st.sampled_from([*hints, "nope"])))
    if kind == "hint-any":
        return Action(type="hint", value="")
    if kind == "leave":
        return Action(type="leave", value="")
    return Action(type="answer", value=data.draw(_values(step)))


def _check_events(events: list[Event], state: SessionState) -> None:
    assert [e.index for e in events] == list(range(len(events)))
    assert state.event_count == len(events)
    assert all(e.at >= 0 for e in events)
    assert all(a.at <= b.at for a, b in itertools.pairwise(events))


@pytest.mark.parametrize(("scenario", "rubric"), LIBRARY, ids=IDS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_walks_never_raise_and_always_end(
    scenario: Scenario, rubric: Rubric | None, data: st.DataObject
) -> None:
    limit = scenario.maximum_minutes * 60
    bound = math.ceil(limit / STEP_SECONDS) + 2
    result = engine.start(scenario, 0.0)
    state, events = result.state, list(result.events)
    for n in range(1, bound + 1):
        if state.ended:
            break
        action = _action(data, scenario.step(state.step))
        result = engine.submit(scenario, state, action, n * STEP_SECONDS)
        if result.error:
            assert result.state == state and result.events == ()
        assert -5 <= result.state.mood <= 5
        state = result.state
        events.extend(result.events)
        view = engine.public_view(scenario, state, n * STEP_SECONDS)
        assert view["step"]["id"] == state.step and "tags" not in repr(view)
    assert state.ended, f"walk did not end within {bound} actions"
    assert state.result
    _check_events(events, state)
    if rubric is not None:
        report = scoring.score(events, scenario, rubric)
        assert 0.0 <= report.total <= 100.0
        assert report.result == state.result


@pytest.mark.parametrize(("scenario", "rubric"), LIBRARY, ids=IDS)
def test_playthroughs_replay_deterministically(scenario: Scenario,
                                               rubric: Rubric | None) -> None:
    from simulator.domain import replay

    for playthrough in scenario.playthroughs:
        first = replay.replay(scenario, playthrough.inputs)
        second = replay.replay(scenario, playthrough.inputs)
        assert first == second


def _full_scan(step: Step, inp: Any) -> list[int]:
    from simulator.domain import matching

    found = []
    for number, rule in enumerate(step.rules):
        try:
            if matching.matches(rule.match, inp):
                found.append(number)
        except (matching.MatcherError, TypeError, ValueError, AttributeError):
            continue
    return found


@pytest.mark.parametrize(("scenario", "rubric"), LIBRARY, ids=IDS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_rule_index_never_drops_a_matching_rule(
    scenario: Scenario, rubric: Rubric | None, data: st.DataObject
) -> None:
    from simulator.domain import matching
    from simulator.domain.engine_index import step_index

    step = data.draw(st.sampled_from([s for s in scenario.steps if s.rules] or
                                     list(scenario.steps)))
    value = data.draw(_values(step))
    lexicon = matching.get_lexicon(scenario.synonyms)
    inp = matching.MatchInput(value, step=step, lexicon=lexicon,
                              technical_level=scenario.persona.technical_level)
    candidates = set(step_index(step, lexicon).candidates(inp))
    assert set(_full_scan(step, inp)) <= candidates


def _chained(scenario: Scenario, inputs: list[Any]) -> tuple[list[Event], SessionState,
                                                              list[str]]:
    """Replay by chaining ``engine.submit`` calls (the reference for ``replay.run``)."""
    from simulator.domain import replay

    clock = 0.0
    result = engine.start(scenario, clock)
    state, events, errors = result.state, list(result.events), []
    for entry in inputs:
        action = replay.to_action(entry)
        if isinstance(action, float):
            clock += action
            continue
        if state.ended:
            errors.append("ended")
            continue
        clock += replay.STEP_SECONDS if action.type == "answer" else 0.0
        result = engine.submit(scenario, state, action, clock)
        errors += [result.error] if result.error else []
        state = result.state
        events.extend(result.events)
    return events, state, errors


PLAYTHROUGHS = [(s, p) for s, _ in LIBRARY for p in s.playthroughs]


@pytest.mark.parametrize(("scenario", "playthrough"), PLAYTHROUGHS,
                         ids=[f"{s.id}-{p.id}" for s, p in PLAYTHROUGHS])
def test_batched_replay_equals_chained_submits(scenario: Scenario, playthrough: Any) -> None:
    from simulator.domain import replay

    outcome = replay.run(scenario, playthrough.inputs)
    events, state, errors = _chained(scenario, list(playthrough.inputs))
    assert [e.to_dict() for e in outcome.events] == [e.to_dict() for e in events]
    assert outcome.state == state and len(outcome.errors) == len(errors)


@pytest.mark.parametrize(("scenario", "rubric"), LIBRARY, ids=IDS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_batched_replay_equals_chained_submits_for_any_inputs(
    scenario: Scenario, rubric: Rubric | None, data: st.DataObject
) -> None:
    from simulator.domain import replay

    inputs = data.draw(st.lists(st.one_of(
        st.text(max_size=40), st.sampled_from(["hello", "ipconfig /all", "", "x" * 3]),
        st.fixed_dictionaries({"hint": st.sampled_from(["", "nope"])}),
        st.fixed_dictionaries({"wait": st.floats(0, 4000)}),
        st.lists(st.sampled_from(["a", "b", "c"]), max_size=3),
    ), max_size=30))
    if scenario.playthroughs:  # start from part of a real playthrough to get deeper
        real = list(data.draw(st.sampled_from(scenario.playthroughs)).inputs)
        inputs = real[: data.draw(st.integers(0, len(real)))] + inputs
    outcome = replay.run(scenario, inputs)
    events, state, errors = _chained(scenario, inputs)
    assert [e.to_dict() for e in outcome.events] == [e.to_dict() for e in events]
    assert outcome.state == state and len(outcome.errors) == len(errors)
