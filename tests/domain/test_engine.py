"""Engine: start/submit per step kind, refusals, time, mood, once, hints, guards."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from simulator.domain import engine, loader
from simulator.domain.model import Condition, Outcome, Rule, Scenario, Step
from simulator.domain.session import Action, Event, SessionState

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "engine"


@pytest.fixture(scope="module")
def mini() -> Scenario:
    path = FIXTURES / "scenarios" / "mini-dns.yaml"
    return loader.parse_scenario(path.read_text(encoding="utf-8"), str(path))


def answer(value: Any) -> Action:
    return Action(type="answer", value=value)


def play(scenario: Scenario, values: list[Any], step: float = 10.0) -> tuple[SessionState,
                                                                             list[Event]]:
    result = engine.start(scenario, 1000.0)
    state, events = result.state, list(result.events)
    for n, value in enumerate(values, start=1):
        action = value if isinstance(value, Action) else answer(value)
        result = engine.submit(scenario, state, action, 1000.0 + n * step)
        assert result.error == "", result.error
        state = result.state
        events.extend(result.events)
    return state, events


def tags(events: list[Event]) -> set[str]:
    return {t for e in events for t in e.tags}


def test_start_enters_the_first_step(mini: Scenario) -> None:
    result = engine.start(mini, 500.0, extra_seconds=60)
    assert result.state.step == "greet"
    assert result.state.time_limit == 10 * 60 + 60
    assert result.state.visits == {"greet": 1}
    assert [e.type for e in result.events] == ["step"]
    assert result.events[0].tags == ("step:greet",)
    assert result.events[0].at == 0.0


def test_dialogue_rule_fires_with_reply_feedback_tags_and_flags(mini: Scenario) -> None:
    state, events = play(mini, ["Hello, what happens when you open it?"])
    candidate = events[1]
    assert candidate.type == "candidate"
    assert candidate.data["rule"] == "scope"
    assert "scoped-problem" in candidate.tags and "cue:courtesy" in candidate.tags
    assert candidate.data["matched_rules"] == ["scope"]
    assert [e.type for e in events[2:]] == ["persona", "feedback"]
    assert "scoped" in state.flags and state.mood == 1 and state.turns == 1
    assert [e.index for e in events] == list(range(len(events)))
    assert state.event_count == len(events)


def test_first_matching_rule_wins_and_if_condition_gates(mini: Scenario) -> None:
    state, events = play(mini, ["remote session?"])
    assert events[1].data["rule"] == "remote-early"
    assert events[1].data["matched_rules"] == ["remote-early"]
    state, events = play(mini, ["what happens?", "remote session?"])
    assert state.step == "diagnose"
    assert "step:diagnose" in tags(events)


def test_once_rule_fires_only_once(mini: Scenario) -> None:
    state, events = play(mini, ["what happens?", "what happens?"])
    rules = [e.data["rule"] for e in events if e.type == "candidate"]
    assert rules == ["scope", ""]
    assert "greet/scope" in state.fired


def test_default_applies_and_moves_mood(mini: Scenario) -> None:
    state, events = play(mini, ["the weather is nice today"])
    assert events[1].data["rule"] == ""
    assert events[2].text.startswith("Sorry, I don't follow")
    assert state.mood == -1


def test_mood_exit_branches_once_and_ends(mini: Scenario) -> None:
    state, events = play(mini, ["blah", "blah blah", "more blah"])
    system = [e for e in events if e.type == "system"]
    assert system and "mood-exit:wants-manager" in system[0].tags
    assert "persona-escalated" in system[0].tags
    assert state.ended and state.result == "hung_up"
    assert events[-1].tags == ("step:manager", "end:hung_up")
    assert state.mood_exits_taken == frozenset({"wants-manager"})


def test_reactions_apply_per_cue_and_mood_is_clamped(mini: Scenario) -> None:
    happy = replace(mini, persona=replace(mini.persona, mood=5))
    state, _ = play(happy, ["I understand, that sounds stressful. What happens?"])
    assert state.mood == 5
    state, _ = play(mini, ["I'm sorry, that sounds stressful. What happens?"])
    assert state.mood == 2  # rule +1, empathy +1


def test_terminal_commands_builtins_and_unknown(mini: Scenario) -> None:
    state, events = play(mini, ["what happens", "remote session", "IPCONFIG   /ALL", "help",
                                "cls", "frobnicate --now"])
    outputs = [e for e in events if e.type == "machine"]
    assert outputs[0].text.startswith("DNS Servers")
    # the shell's own help, not the scenario's known commands (that would be an answer key)
    assert outputs[1].text.startswith("For more information on a specific command")
    assert "nslookup" not in outputs[1].text and "ipconfig" not in outputs[1].text
    assert outputs[2].data == {"clear": True}
    assert outputs[3].text == "'frobnicate --now' is not recognized as an internal or " \
        "external command."
    assert state.step == "diagnose" and "ran-ipconfig" in state.tags_seen


def test_terminal_rules_follow_flags(mini: Scenario) -> None:
    state, events = play(mini, ["what happens", "remote session", "nslookup intranet",
                                "renew", "nslookup intranet"])
    assert state.step == "note"
    fired = [e.data["rule"] for e in events if e.type == "candidate"]
    assert fired[2:] == ["nslookup-broken", "good", "nslookup-fixed"]
    assert state.visits["diagnose"] == 2


WRITEUP_PREFIX = ["what happens", "remote session", "exit"]


@pytest.mark.parametrize(
    ("note", "present", "absent"),
    [
        ("nslookup said DNS request timed out because the DNS server from DHCP was wrong",
         {"note-error", "note-cause"}, {"too-short", "unsupported-claim"}),
        ("fixed", {"too-short"}, {"note-error"}),
        ("The DNS server was wrong and I flushed the DNS cache so everything works again now",
         {"note-cause", "unsupported-claim", "unsupported:flushed"}, {"note-error"}),
    ],
)
def test_writeup_elements_claims_and_length(
    mini: Scenario, note: str, present: set[str], absent: set[str]
) -> None:
    state, events = play(mini, [*WRITEUP_PREFIX, note])
    candidate = [e for e in events if e.type == "candidate"][-1]
    assert present <= set(candidate.tags)
    assert not absent & set(candidate.tags)
    assert state.step == "queue"


def test_backed_claim_is_not_unsupported(mini: Scenario) -> None:
    _, events = play(mini, ["what happens", "remote session", "ipconfig /flushdns", "exit",
                            "I flushed the DNS cache after the DNS server lookup timed out"])
    assert "unsupported-claim" not in tags(events)


@pytest.mark.parametrize(
    ("order", "tag"),
    [(["t2", "t1", "t3"], "triage-good"), (["t2", "t3", "t1"], "triage-partial"),
     (["t3", "t1", "t2"], "triage-poor")],
)
def test_triage_rules(mini: Scenario, order: list[str], tag: str) -> None:
    state, events = play(mini, [*WRITEUP_PREFIX, "a note", order])
    assert tag in events[-2].tags or tag in tags(events)
    assert state.step == "classify"


@pytest.mark.parametrize(
    ("fields", "tag"),
    [({"impact": "medium", "priority": "p3"}, "classified-correctly"),
     ({"impact": "medium", "priority": "p2"}, "classified-partly"),
     ({"impact": "low", "priority": "p2"}, "classified-wrong")],
)
def test_classify_rules_and_end(mini: Scenario, fields: dict[str, str], tag: str) -> None:
    state, events = play(mini, [*WRITEUP_PREFIX, "a note", ["t2", "t1", "t3"], fields])
    assert tag in tags(events)
    assert state.ended and state.result == "resolved"
    assert events[-1].tags == ("step:done", "end:resolved")
    label = {"medium": "Impact: Medium", "low": "Impact: Low"}[fields["impact"]]
    assert label in [e for e in events if e.type == "candidate"][-1].text


REFUSALS = [
    ([], 42, "text"),
    ([], "   ", "Type something"),
    ([], ["a"], "text"),
    (["what happens", "remote session", "nslookup x"], "firewall", "Pick one"),
    (["what happens", "remote session", "nslookup x"], ["renew"], "Pick one"),
    ([*WRITEUP_PREFIX, "note"], ["t1", "t2"], "every queue item"),
    ([*WRITEUP_PREFIX, "note"], ["t1", "t2", "t2"], "every queue item"),
    ([*WRITEUP_PREFIX, "note"], "t1,t2,t3", "every queue item"),
    ([*WRITEUP_PREFIX, "note", ["t2", "t1", "t3"]], {"impact": "huge", "priority": "p2"},
     "listed values"),
    ([*WRITEUP_PREFIX, "note", ["t2", "t1", "t3"]], {"impact": "low"}, "every field"),
    ([*WRITEUP_PREFIX, "note", ["t2", "t1", "t3"]],
     {"impact": "low", "priority": "p2", "x": "y"}, "only these"),
    ([*WRITEUP_PREFIX, "note", ["t2", "t1", "t3"]], ["low", "p2"], "every field"),
]


@pytest.mark.parametrize(("prefix", "value", "message"), REFUSALS)
def test_wrong_shaped_answers_are_refused_without_change(
    mini: Scenario, prefix: list[Any], value: Any, message: str
) -> None:
    state, _ = play(mini, prefix)
    result = engine.submit(mini, state, answer(value), 1000.0 + 100)
    assert message in result.error
    assert result.state is state and result.events == ()


@pytest.mark.parametrize(
    ("action", "message"),
    [(Action(type="hint", value="nope"), "no hint"), (Action(type="hint", value=3), "hint"),
     (Action(type="dance"), "Unknown action")],  # type: ignore[arg-type]
)
def test_bad_actions_are_refused(mini: Scenario, action: Action, message: str) -> None:
    state = engine.start(mini, 0.0).state
    result = engine.submit(mini, state, action, 1.0)
    assert message in result.error and result.events == ()


def test_hints_cost_and_are_not_turns(mini: Scenario) -> None:
    state, events = play(mini, [Action(type="hint", value="remote"),
                                Action(type="hint", value="")])
    hints = [e for e in events if e.type == "hint"]
    assert [e.data["hint"] for e in hints] == ["remote", "scope"]
    assert [e.data["cost"] for e in hints] == [10, 5]
    assert hints[0].tags == ("hint:remote",)
    assert state.turns == 0 and state.hints == ("remote", "scope")
    again = engine.submit(mini, state, Action(type="hint", value="scope"), 1100.0)
    assert "already" in again.error
    none_left = engine.submit(mini, state, Action(type="hint", value=""), 1100.0)
    assert "no more hints" in none_left.error


def test_time_limit_ends_without_applying_the_action(mini: Scenario) -> None:
    state = engine.start(mini, 100.0).state
    result = engine.submit(mini, state, answer("what happens?"), 100.0 + 601)
    assert result.state.ended and result.state.result == "timed_out"
    assert [e.type for e in result.events] == ["system"]
    assert set(result.events[0].tags) == {"timed-out", "end:timed_out"}
    assert result.events[0].at == 600.0
    assert "scoped" not in result.state.flags and result.state.turns == 0
    later = engine.submit(mini, result.state, answer("hello"), 100.0 + 700)
    assert later.error and later.events == ()


def test_expire_only_when_due(mini: Scenario) -> None:
    state = engine.start(mini, 0.0).state
    assert engine.expire(mini, state, 599.0).events == ()
    assert engine.expire(mini, state, 600.0).state.result == "timed_out"


def test_leave_ends_the_session(mini: Scenario) -> None:
    state, events = play(mini, [Action(type="leave")])
    assert state.ended and state.result == "left"
    assert "end:left" in events[-1].tags


def test_determinism(mini: Scenario) -> None:
    inputs = ["Hi, what happens?", "remote session", "ipconfig /all", "nslookup a", "renew",
              "nslookup a", "The DNS server timed out", ["t2", "t1", "t3"],
              {"impact": "medium", "priority": "p3"}]
    first = play(mini, inputs)
    second = play(mini, inputs)
    assert first[0] == second[0]
    assert [e.to_dict() for e in first[1]] == [e.to_dict() for e in second[1]]
    restored = SessionState.from_dict(first[0].to_dict())
    assert restored == first[0]


def _loop_scenario(mini: Scenario) -> Scenario:
    ping = Step(id="a", kind="dialogue", title="A", prompt="?",
                rules=(Rule("go", {}, Outcome(next="b")),), default=Outcome())
    pong = Step(id="b", kind="dialogue", title="B", prompt="!",
                rules=(Rule("back", {}, Outcome(next="a")),), default=Outcome())
    stay = Step(id="c", kind="dialogue", title="C", prompt="...",
                rules=(Rule("never", {"any": ["zzz"]}, Outcome(),
                            when=Condition(mood_at_least=9)),),
                default=Outcome(reply="{input}?"))
    return replace(mini, steps=(ping, pong, stay), start="a", maximum_minutes=10_000,
                   mood_exits=())


def _run_until_end(scenario: Scenario, value: str) -> tuple[SessionState, int]:
    state = engine.start(scenario, 0.0).state
    turns = 0
    while not state.ended and turns < 1000:
        result = engine.submit(scenario, state, answer(value), float(turns))
        assert result.error == ""
        state, turns = result.state, turns + 1
    return state, turns


def test_visit_loop_guard_ends_a_cycle(mini: Scenario) -> None:
    state, turns = _run_until_end(_loop_scenario(mini), "x")
    assert state.result == "abandoned" and "loop-guard" in state.tags_seen
    assert max(state.visits.values()) == engine.MAX_VISITS + 1
    assert turns < engine.MAX_TURNS


def test_turn_guard_ends_a_long_session(mini: Scenario) -> None:
    state, turns = _run_until_end(replace(_loop_scenario(mini), start="c"), "hello")
    assert turns == engine.MAX_TURNS and state.result == "abandoned"
    assert "turn-limit" in state.tags_seen


def test_reply_substitutes_input(mini: Scenario) -> None:
    scenario = replace(_loop_scenario(mini), start="c")
    state = engine.start(scenario, 0.0).state
    result = engine.submit(scenario, state, answer("anyone there"), 1.0)
    assert result.events[-1].text == "anyone there?"


def test_unknown_next_step_ends_instead_of_crashing(mini: Scenario) -> None:
    broken = Step(id="a", kind="dialogue", title="A", prompt="?",
                  rules=(Rule("go", {}, Outcome(next="nowhere")),), default=Outcome())
    scenario = replace(mini, steps=(broken,), start="a", mood_exits=())
    state = engine.start(scenario, 0.0).state
    result = engine.submit(scenario, state, answer("hi"), 1.0)
    assert result.state.ended and result.state.result == "abandoned"
    assert "scenario-error" in result.state.tags_seen


def test_public_view_hides_rules_and_expected_answers(mini: Scenario) -> None:
    state, _ = play(mini, [Action(type="hint", value="scope")])
    view = engine.public_view(mini, state, 1000.0 + 30)
    assert view["step"] == {"id": "greet", "kind": "dialogue", "title": "Take the call",
                            "prompt": mini.step("greet").prompt}
    assert view["seconds_left"] == 570.0 and view["ended"] is False
    assert view["hints"][0] == {"id": "scope", "cost": 5, "taken": True,
                                "text": "Ask what exactly fails and since when."}
    assert view["hints"][1]["text"] == ""
    flat = repr(view)
    for secret in ("rules", "expected", "asked-password", "Summer2024", "10.20.4.57"):
        assert secret not in flat
    assert view["persona"] == {"name": "Priya Shah", "job": "Sales coordinator"}


def _stuffing_scenario(mini: Scenario, gate_mood: int, once_first: bool) -> Scenario:
    """Three content rules before a stuffing rule; one is gated by mood, one is once."""
    rules = (
        Rule("stuffed", {"cue": "stuffing"}, Outcome()),
        Rule("callback", {"any": ["call him back"]}, Outcome(), once=once_first),
        Rule("record", {"any": ["number on record"]}, Outcome(),
             when=Condition(mood_at_least=gate_mood)),
        Rule("verify", {"any": ["verify"], "all": ["verify"], "regex": "verify"}, Outcome()),
    )
    step = Step(id="a", kind="dialogue", title="A", prompt="?", rules=rules,
                default=Outcome())
    return replace(mini, steps=(step,), start="a", mood_exits=(), maximum_minutes=10_000)


TEXT = "I'll call him back on the number on record to verify"


FIRST = "Sure, I will call him back shortly about it"


@pytest.mark.parametrize(
    ("gate_mood", "once_first", "texts", "stuffed"),
    [
        (9, False, [TEXT], False),          # the mood-gated rule is not eligible: 2 rules
        (-9, False, [TEXT], True),          # all three eligible: stuffing
        (-9, True, [FIRST, TEXT], False),   # the fired once-rule no longer counts
        (-9, False, [FIRST, TEXT], True),   # without once, the second turn is still stuffed
    ],
)
def test_stuffing_counts_only_eligible_rules_once_each(
    mini: Scenario, gate_mood: int, once_first: bool, texts: list[str], stuffed: bool
) -> None:
    scenario = _stuffing_scenario(mini, gate_mood, once_first)
    _, events = play(scenario, texts)
    rules = [e.data["rule"] for e in events if e.type == "candidate"]
    last = [e for e in events if e.type == "candidate"][-1]
    if len(texts) > 1:
        assert rules[0] == "callback"
    assert ("cue:stuffing" in last.tags) is stuffed
    assert (last.data["rule"] == "stuffed") is stuffed


def test_rule_with_several_phrase_lists_counts_once(mini: Scenario) -> None:
    scenario = _stuffing_scenario(mini, 9, False)
    _, events = play(scenario, ["call him back and verify, verify"])  # 2 rules, 4 lists
    candidate = events[1]
    assert "cue:stuffing" not in candidate.tags
    assert candidate.data["rule"] == "callback"


@pytest.mark.parametrize(("shell", "start"), [("cmd", "For more information"),
                                              ("powershell", "TOPIC"), ("bash", "GNU bash")])
def test_builtin_help_is_the_shells_own(shell: str, start: str) -> None:
    from simulator.domain import engine_steps
    from simulator.domain.model import Step

    step = Step(id="t", kind="terminal", title="T", prompt="", shell=shell)
    assert engine_steps._help_text(step).startswith(start)
