"""Matching: normalisation, synonyms, negation, cues, matcher registry."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.domain import matching
from simulator.domain.matching import MatchInput, get_lexicon, matches
from simulator.domain.model import Option, Step

LEX = get_lexicon()


def text_match(spec: dict[str, Any], text: str, **kw: Any) -> bool:
    return matches(spec, MatchInput(text, lexicon=LEX, **kw))


@pytest.mark.parametrize(
    ("phrase", "text", "expected"),
    [
        ("what changed", "WHAT CHANGED???", True),
        ("what changed", "what   has changed recently", True),
        ("what changed", "What's changed since yesterday?", True),
        ("ask what changed", "I asked what changed", True),
        ("restart the computer", "Have you restarted the PC?", True),
        ("reboot", "try rebooting it", True),
        ("reboot", "Could you power cycle it", True),
        ("since when", "When did this start happening?", True),
        ("error message", "What does the error say exactly?", True),
        ("hosts file", "check the etc/hosts", True),
        ("flush dns", "I ran ipconfig /flushdns", True),
        ("password", "what's your passcode", True),
        ("replies", "one reply came back", True),
        ("stopped", "it stops working", True),
        ("what changed", "what is the weather", False),
        ("remote session", "remote control", True),
        ("remote", "remote session", True),
        ("printer", "the print queue", False),
        ("dns server", "dns, server", False),
    ],
)
def test_phrase_matching_folds_case_inflection_synonyms(
    phrase: str, text: str, expected: bool
) -> None:
    assert text_match({"any": [phrase]}, text) is expected


@pytest.mark.parametrize(
    ("text", "plain", "negated"),
    [
        ("I will never ask for your password", False, True),
        ("I won't ask for your password", False, True),
        ("I dont ask for your password", False, True),
        ("Can I ask for your password?", True, False),
        ("No, ask for your password later", True, False),
        ("I never ask. Can you ask for your password", True, False),
        ("I do not ask for your password, but ask for your password now", True, True),
    ],
)
def test_negation_is_clause_aware(text: str, plain: bool, negated: bool) -> None:
    assert text_match({"any": ["ask for your password"]}, text) is plain
    assert text_match({"negated": ["ask for your password"]}, text) is negated


@pytest.mark.parametrize(
    ("spec", "text", "expected"),
    [
        ({"all": ["remote", "session"]}, "Can I start a remote session?", True),
        ({"all": ["remote", "session"]}, "Can I connect remotely?", False),
        ({"none": ["password"]}, "I'll never need your password", True),
        ({"none": ["password"]}, "tell me your password", False),
        ({"regex": r"ipconfig\s+/all"}, "Run IPCONFIG   /ALL please", True),
        ({"regex": r"^ping"}, "please ping", False),
        ({"min_words": 5}, "one two three four five", True),
        ({"min_words": 5}, "one two three four", False),
        ({}, "anything at all", True),
        ({"any": ["dns"], "min_words": 3}, "dns", False),
    ],
)
def test_text_matchers(spec: dict[str, Any], text: str, expected: bool) -> None:
    assert text_match(spec, text) is expected


def test_scenario_synonyms_extend_builtins() -> None:
    lexicon = get_lexicon((("intranet", "company portal"),))
    inp = MatchInput("the company portal won't load", lexicon=lexicon)
    assert matches({"any": ["intranet"]}, inp)
    assert not matches({"any": ["intranet"]}, MatchInput("the company portal", lexicon=LEX))


def test_scenario_group_sharing_a_phrase_merges_with_builtin() -> None:
    lexicon = get_lexicon((("pwd", "secret"),))
    assert matches({"any": ["password"]}, MatchInput("tell me the secret", lexicon=lexicon))


@pytest.mark.parametrize(
    ("command", "spec", "expected"),
    [
        ("ipconfig /ALL", {"command": "ipconfig /all"}, True),
        ("  IPCONFIG    /all  ", {"command": "ipconfig /all"}, True),
        ("ipconfig/all", {"command": "ipconfig /all"}, True),
        ("C:\\Windows\\System32\\ipconfig.exe /all", {"command": "ipconfig /all"}, True),
        ('nslookup "intranet.contoso.com"', {"command": "nslookup intranet.contoso.com"}, True),
        ("ipconfig", {"command": "ipconfig /all"}, False),
        ("ping 10.0.0.1 -n 2", {"command_prefix": "ping"}, True),
        ("ping", {"command_prefix": "ping 10.0.0.1"}, False),
        ("pingu", {"command_prefix": "ping"}, False),
        ("", {"command_prefix": "ping"}, False),
    ],
)
def test_command_matching(command: str, spec: dict[str, Any], expected: bool) -> None:
    assert text_match(spec, command) is expected


QUEUE = Step(id="q", kind="triage", title="", prompt="",
             options=tuple(Option(i, i) for i in ("a", "b", "c", "d")),
             expected_order=("a", "b", "c", "d"))


@pytest.mark.parametrize(
    ("order", "spec", "expected"),
    [
        (["a", "b", "c", "d"], {"order_at_least": 1.0}, True),
        (["b", "a", "c", "d"], {"order_at_least": 0.8}, True),
        (["b", "a", "c", "d"], {"order_at_least": 0.9}, False),
        (["d", "c", "b", "a"], {"order_at_least": 0.01}, False),
        (["b", "a", "c", "d"], {"first": "b"}, True),
        (["b", "a", "c", "d"], {"first": "a"}, False),
        (["b", "a", "c", "d"], {"before": ["a", "c", "d"]}, True),
        (["b", "c", "a", "d"], {"before": ["a", "c"]}, False),
        ("a", {"first": "a"}, False),
    ],
)
def test_triage_matchers(order: Any, spec: dict[str, Any], expected: bool) -> None:
    assert matches(spec, MatchInput(order, step=QUEUE, lexicon=LEX)) is expected


@pytest.mark.parametrize(
    ("order", "agreement"),
    [(["a", "b", "c", "d"], 1.0), (["d", "c", "b", "a"], 0.0), (["b", "a", "c", "d"], 5 / 6)],
)
def test_order_agreement_is_kendall_based(order: list[str], agreement: float) -> None:
    assert matching.order_agreement(order, QUEUE.expected_order) == pytest.approx(agreement)


@pytest.mark.parametrize(
    ("value", "spec", "expected"),
    [
        ("a", {"choice": "a"}, True),
        ("b", {"choice": "a"}, False),
        (["a", "b"], {"choices": {"includes": ["a"], "excludes": ["c"]}}, True),
        (["a", "c"], {"choices": {"includes": ["a"], "excludes": ["c"]}}, False),
        (["a", "b"], {"choices": {"exactly": ["b", "a"]}}, True),
        (["a"], {"choices": {"exactly": ["a", "b"]}}, False),
        ("a", {"choices": {"includes": ["a"]}}, False),
    ],
)
def test_choice_matchers(value: Any, spec: dict[str, Any], expected: bool) -> None:
    assert matches(spec, MatchInput(value, lexicon=LEX)) is expected


CLASSIFY = Step(id="c", kind="classify", title="", prompt="",
                expected_fields={"impact": "medium", "urgency": "high", "priority": "p2"})


@pytest.mark.parametrize(
    ("value", "spec", "expected"),
    [
        ({"impact": "medium", "urgency": "high", "priority": "p2"},
         {"fields": {"impact": "medium", "priority": "p2"}}, True),
        ({"impact": "low", "urgency": "high", "priority": "p2"},
         {"fields": {"impact": "medium"}}, False),
        ({"impact": "low", "urgency": "high", "priority": "p2"},
         {"fields_correct_at_least": 2}, True),
        ({"impact": "low", "urgency": "low", "priority": "p2"},
         {"fields_correct_at_least": 2}, False),
        ("medium", {"fields_correct_at_least": 0}, False),
    ],
)
def test_classify_matchers(value: Any, spec: dict[str, Any], expected: bool) -> None:
    assert matches(spec, MatchInput(value, step=CLASSIFY, lexicon=LEX)) is expected


@pytest.mark.parametrize(
    ("text", "level", "present", "absent"),
    [
        ("I'm so sorry, that sounds really frustrating.", "low", {"apology", "empathy"},
         {"blame", "dismissive"}),
        ("Please bear with me, thank you!", "low", {"courtesy"}, {"empathy"}),
        ("Calm down, as I told you it's policy.", "low", {"dismissive"}, {"empathy"}),
        ("You should have saved it, this is your fault", "low", {"blame"}, {"courtesy"}),
        ("That's not your fault at all", "low", set(), {"blame"}),
        ("Let me check the DNS server and your gateway", "low", {"jargon"}, set()),
        ("Let me check the DNS server and your gateway", "high", set(), {"jargon"}),
        ("Let me check the DNS server and your gateway", "medium", set(), {"jargon"}),
        ("Your Kerberos ticket expired", "medium", {"jargon"}, set()),
        ("Let me check DNS, which means the internet phone book", "low", set(), {"jargon"}),
        ("dns, reboot, escalate, password, ticket", "low", {"stuffing"}, set()),
        ("dns dhcp ipconfig reboot escalate ticket password restart", "low", {"stuffing"},
         set()),
        ("Could you tell me what happens when you open the page?", "low", {"courtesy"},
         {"stuffing"}),
        ("Yeah fine, whatever gets the trucks out.", "low", set(), {"stuffing"}),
        ("I'll call him back on the number on record to verify", "low", set(),
         {"jargon", "stuffing"}),
        ("A record of this call is kept. I'll keep a record too", "medium", set(),
         {"jargon"}),
        ("The drivers are waiting for the trucks", "low", set(), {"jargon"}),
        ("Tell the driver the lorry is loaded", "low", set(), {"jargon"}),
        ("I'll update the printer driver for you", "low", {"jargon"}, set()),
        ("The graphics driver needs reinstalling", "low", {"jargon"}, set()),
        ("The A record points to the old server", "medium", {"jargon"}, set()),
        ("I added an A record for the intranet", "medium", {"jargon"}, set()),
        ("Your MX record is wrong", "medium", {"jargon"}, set()),
        ("The mx records were changed", "medium", {"jargon"}, set()),
        ("There is a CNAME for the portal", "medium", {"jargon"}, set()),
        ("Yeah, fine, ok, whatever", "low", set(), {"stuffing"}),
        ("Sure, right, yep, cool, thanks", "low", set(), {"stuffing"}),
        ("call him back and verify, verify", "low", set(), {"stuffing"}),
        ("Okay great, printer jammed again today", "low", set(), {"stuffing"}),
        ("vpn dns reboot password ticket escalate restart", "low", set(), {"stuffing"}),
        ("dns dhcp ipconfig reboot escalate ticket password restart flushdns", "low",
         {"stuffing"}, set()),
    ],
)
def test_detect_cues(text: str, level: str, present: set[str], absent: set[str]) -> None:
    cues = matching.detect_cues(text, LEX, level)
    assert present <= cues
    assert not (absent & cues)


def test_stuffing_when_a_turn_triggers_three_rules() -> None:
    text = "What changed and since when? Any error message?"
    assert "stuffing" not in matching.detect_cues(text, LEX, "low", rule_hits=2)
    assert "stuffing" in matching.detect_cues(text, LEX, "low", rule_hits=3)
    spec = {"cue": "stuffing"}
    assert matches(spec, MatchInput(text, lexicon=LEX, rule_hits=3))
    assert matches({"cues": ["stuffing", "courtesy"]}, MatchInput(
        "please: dns, dhcp, reboot, ticket", lexicon=LEX))


@pytest.mark.parametrize("key", ["anything", "contains", "Any", ""])
def test_unknown_matcher_key_is_a_clear_error(key: str) -> None:
    with pytest.raises(matching.MatcherError, match="unknown matcher key"):
        text_match({key: ["x"]}, "x")
    assert key not in matching.MATCHER_KEYS


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ({"any": "what changed"}, "non-empty list"),
        ({"any": []}, "non-empty list"),
        ({"cue": "kindness"}, "unknown cue"),
        ({"regex": "("}, "bad regex"),
        ({"min_words": -1}, "whole number"),
        ({"order_at_least": 1.5}, "between 0 and 1"),
        ({"choices": {"including": ["a"]}}, "unknown keys"),
        ({"command": ""}, "non-empty string"),
        ({"bogus": 1}, "unknown matcher key"),
        (["any"], "must be a mapping"),
    ],
)
def test_spec_problems_reports_bad_shapes(spec: Any, fragment: str) -> None:
    problems = matching.spec_problems(spec)
    assert any(fragment in p for p in problems), problems


def test_spec_problems_accepts_contract_examples() -> None:
    good = [{"any": ["a"]}, {"command": "ipconfig /all"}, {"choices": {"includes": ["a"]}},
            {"order_at_least": 0.8}, {"fields": {"impact": "high"}}, {"cues": ["empathy"]}, {}]
    assert all(matching.spec_problems(spec) == [] for spec in good)
    assert {k for keys in matching.KEYS_FOR_KIND.values() for k in keys} == matching.MATCHER_KEYS


def test_wrong_shaped_values_never_match_and_never_raise() -> None:
    for value in (None, 3, ["a"], {"a": "b"}, ""):
        inp = MatchInput(value, step=QUEUE, lexicon=LEX)
        for key, arg in (("any", ["a"]), ("command", "a"), ("choice", "a"), ("regex", "a")):
            assert matches({key: arg}, inp) is False


def test_normalisation_is_cached() -> None:
    first = matching.normalise("Hello there, what changed?", LEX)
    assert matching.normalise("Hello there, what changed?", LEX) is first
    phrases = matching.compile_phrases(("what changed",), LEX)
    assert matching.compile_phrases(("what changed",), LEX) is phrases
