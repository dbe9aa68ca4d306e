"""Per-step-kind answer checks and rule selection for the engine.

``SHAPES[kind](step, value)`` returns ``(clean value, error)``; a non-empty error
refuses the action. ``HANDLERS[kind](tx, step, value)`` returns a ``Decision``:
which rule fired (or the default), the outcome, and the extra evidence tags.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from simulator.domain import matching
from simulator.domain.engine_index import step_index
from simulator.domain.engine_tx import Tx
from simulator.domain.model import Condition, Outcome, Rule, Step

MAX_TEXT = 20_000
TERMINAL_CLEAR = frozenset({"cls", "clear", "clear-host"})


@dataclass(slots=True)
class Decision:
    """What one answer did: the rule that fired ("" = default) and its outcome."""

    outcome: Outcome
    rule: str = ""
    tags: tuple[str, ...] = ()
    cues: frozenset[str] = frozenset()
    matched: tuple[str, ...] = ()
    #: the rule fires at most once per session (record it as fired)
    once: bool = False
    #: built-in terminal output that replaces the outcome's reply
    output: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


Shape = Callable[[Step, Any], tuple[Any, str]]
Handler = Callable[[Tx, Step, Any], Decision]


def _text_shape(step: Step, value: Any) -> tuple[Any, str]:
    if not isinstance(value, str):
        return None, "Type your answer as text."
    if not value.strip():
        return None, "Type something first."
    if len(value) > MAX_TEXT:
        return None, f"That is too long (at most {MAX_TEXT} characters)."
    return value, ""


def _choice_shape(step: Step, value: Any) -> tuple[Any, str]:
    ids = [o.id for o in step.options]
    if not step.multiple:
        if not isinstance(value, str) or value not in ids:
            return None, "Pick one of the options."
        return value, ""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return None, "Pick one or more of the options."
    if not value or len(set(value)) != len(value) or any(v not in ids for v in value):
        return None, "Pick one or more of the options, each once."
    return [v for v in ids if v in value], ""


def _triage_shape(step: Step, value: Any) -> tuple[Any, str]:
    ids = [o.id for o in step.options]
    ok = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
    if not ok or sorted(value) != sorted(ids):
        return None, "Put every queue item in order, each exactly once."
    return list(value), ""


def _classify_shape(step: Step, value: Any) -> tuple[Any, str]:
    if not isinstance(value, Mapping):
        return None, "Set every field."
    allowed = {f.id: {o.id for o in f.options} for f in step.fields}
    if set(value) != set(allowed):
        return None, "Set every field, and only these: " + ", ".join(allowed) + "."
    for key, options in allowed.items():
        if not isinstance(value[key], str) or value[key] not in options:
            return None, f"Choose one of the listed values for {key}."
    return {f.id: value[f.id] for f in step.fields}, ""


def _no_answer(step: Step, value: Any) -> tuple[Any, str]:
    return None, "This step takes no answer."


SHAPES: Mapping[str, Shape] = {
    "dialogue": _text_shape,
    "terminal": _text_shape,
    "writeup": _text_shape,
    "choice": _choice_shape,
    "triage": _triage_shape,
    "classify": _classify_shape,
    "end": _no_answer,
}


_LEXICONS: dict[int, tuple[Any, matching.Lexicon]] = {}


def lexicon_of(synonyms: tuple[tuple[str, ...], ...]) -> matching.Lexicon:
    """Return the lexicon of a scenario's synonym groups (cached by the tuple object)."""
    cached = _LEXICONS.get(id(synonyms))
    if cached is not None and cached[0] is synonyms:
        return cached[1]
    lexicon = matching.get_lexicon(synonyms)
    if len(_LEXICONS) > 1024:
        _LEXICONS.clear()
    _LEXICONS[id(synonyms)] = (synonyms, lexicon)
    return lexicon


def _input(tx: Tx, step: Step, value: Any, rule_hits: int = 0) -> matching.MatchInput:
    """Build the matcher input for this scenario's lexicon and persona."""
    scenario = tx.scenario
    return matching.MatchInput(
        value,
        step=step,
        lexicon=lexicon_of(scenario.synonyms),
        technical_level=scenario.persona.technical_level,
        rule_hits=rule_hits,
    )


_ERRORS = (matching.MatcherError, TypeError, ValueError, AttributeError)


def _safe_match(spec: Mapping[str, Any], inp: matching.MatchInput) -> bool:
    """Match, treating a broken spec as no match (the validator reports it)."""
    try:
        return matching.matches(spec, inp)
    except _ERRORS:
        return False


def _pick(tx: Tx, step: Step, inp: matching.MatchInput) -> tuple[Rule | None, tuple[str, ...]]:
    """Return the first eligible matching rule and the ids of the matching rules up to it
    (those passed over because of ``once``/``if``, then the winner)."""
    index = step_index(step, inp.lexicon)
    gates, rules = index.gates, step.rules
    matched: list[str] = []
    for number in index.matching(inp):
        rule = rules[number]
        matched.append(rule.id)
        gate = gates[number]
        if gate is None or _eligible(tx, gate):
            return rule, tuple(matched)
    return None, tuple(matched)


def _eligible(tx: Tx, gate: tuple[str, Condition | None]) -> bool:
    """Return True when a rule's ``once`` key and ``if`` allow it to fire now."""
    once_key, when = gate
    if once_key and once_key in tx.fired:
        return False
    return when is None or tx.holds(when)


def _default(step: Step) -> Outcome:
    return step.default if step.default is not None else Outcome()


_NO_CUES: frozenset[str] = frozenset()


def _decide(tx: Tx, step: Step, inp: matching.MatchInput, cues: frozenset[str] = _NO_CUES,
            tags: tuple[str, ...] = ()) -> Decision:
    """Pick the rule (or default) for an input and build the decision."""
    rule, matched = _pick(tx, step, inp)
    if rule is None:
        return Decision(_default(step), "", tags, cues, matched)
    return Decision(rule.outcome, rule.id, tags, cues, matched, rule.once)


def _content_hits(tx: Tx, step: Step, inp: matching.MatchInput) -> int:
    """Count the distinct rules eligible now (``if`` holds, not a fired ``once``) whose
    phrase content this input hits, each rule once, up to the stuffing threshold
    (which is all the count is used for)."""
    index = step_index(step, inp.lexicon)
    gates = index.gates
    count = 0
    for number in index.content_matching(inp):
        gate = gates[number]
        if gate is None or _eligible(tx, gate):
            count += 1
            if count >= matching.STUFFING_RULES:
                break
    return count


@lru_cache(maxsize=512)
def cue_tags(cues: frozenset[str]) -> tuple[str, ...]:
    """Return the evidence tags of a set of cues, sorted."""
    return tuple(f"cue:{c}" for c in sorted(cues))


def _dialogue(tx: Tx, step: Step, value: Any) -> Decision:
    inp = _input(tx, step, value)
    # content hits never read the cues, so the count can be set before they are computed
    inp.rule_hits = _content_hits(tx, step, inp)
    cues = inp.cues
    return _decide(tx, step, inp, cues=cues, tags=cue_tags(cues))


def _terminal(tx: Tx, step: Step, value: Any) -> Decision:
    inp = _input(tx, step, value)
    rule, matched = _pick(tx, step, inp)
    if rule is not None:
        return Decision(rule.outcome, rule.id, matched=matched, once=rule.once)
    name = inp.command[0] if inp.command else ""
    if name == "help" and len(inp.command) == 1:
        return Decision(Outcome(), "builtin:help", output=_help_text(step))
    if name in TERMINAL_CLEAR and len(inp.command) == 1:
        return Decision(Outcome(), "builtin:clear", output="", data={"clear": True})
    return Decision(_default(step), "", matched=matched)


#: What ``help`` prints when the scenario defines no ``help`` rule: the shell's own
#: (abridged) help, never the commands this scenario happens to know, which would be an
#: answer key.
SHELL_HELP: dict[str, str] = {
    "cmd": (
        "For more information on a specific command, type HELP command-name\n"
        "CD             Displays the name of or changes the current directory.\n"
        "CLS            Clears the screen.\n"
        "DIR            Displays a list of files and subdirectories in a directory.\n"
        "ECHO           Displays messages, or turns command echoing on or off.\n"
        "EXIT           Quits the CMD.EXE program (command interpreter).\n"
        "TYPE           Displays the contents of a text file.\n"
        "\nFor more information on tools see the command-line reference in the online help."
    ),
    "powershell": (
        "TOPIC\n    PowerShell Help System\n\nSHORT DESCRIPTION\n"
        "    Displays help about PowerShell cmdlets and concepts.\n\n"
        "    Get-Help <cmdlet-name>   Displays help about a cmdlet.\n"
        "    Get-Command             Lists the commands available in the session.\n"
        "    <command> -?            Displays help for a command."
    ),
    "bash": (
        "GNU bash, version 5.2.15(1)-release (x86_64-pc-linux-gnu)\n"
        "These shell commands are defined internally.  Type `help' to see this list.\n"
        "Use `man -k' or `info' to find out more about commands not in this list.\n\n"
        " cd [-L|[-P [-e]] [-@]] [dir]      echo [-neE] [arg ...]\n"
        " exit [n]                          help [-dms] [pattern ...]\n"
        " pwd [-LP]                         type [-afptP] name [name ...]"
    ),
}


def _help_text(step: Step) -> str:
    """Return the shell's own help text (independent of the scenario)."""
    return SHELL_HELP.get(step.shell, SHELL_HELP["cmd"])


def _writeup_checks(step: Step, inp: matching.MatchInput) -> tuple[tuple[str, ...],
                                                                    tuple[int, ...]]:
    """Return the element tags and the indices of the claims a write-up makes
    (memoised per step and normalised text)."""
    memo = inp.norm.memo
    key = (id(step), "writeup")
    cached = memo.get(key)
    if cached is not None and cached[0] is step:
        return cached[1]
    tags = tuple(e.tag for e in step.elements if _safe_match(e.match, inp))
    claims = tuple(n for n, c in enumerate(step.claims) if _safe_match(c.match, inp))
    memo[key] = (step, (tags, claims))
    return tags, claims


def _writeup(tx: Tx, step: Step, value: Any) -> Decision:
    inp = _input(tx, step, value)
    tags: list[str] = []
    if step.min_words and inp.norm.words < step.min_words:
        tags.append("too-short")
    elements, claims = _writeup_checks(step, inp)
    tags += elements
    for number in claims:
        claim = step.claims[number]
        if claim.requires not in tx.tags_seen:
            tags += ["unsupported-claim", f"unsupported:{claim.id}"]
    cues = inp.cues
    tags += cue_tags(cues)
    return _decide(tx, step, inp, cues=cues, tags=tuple(dict.fromkeys(tags)))


def _structured(tx: Tx, step: Step, value: Any) -> Decision:
    return _decide(tx, step, _input(tx, step, value))


HANDLERS: Mapping[str, Handler] = {
    "dialogue": _dialogue,
    "terminal": _terminal,
    "writeup": _writeup,
    "choice": _structured,
    "triage": _structured,
    "classify": _structured,
}


def display(step: Step, value: Any) -> str:
    """Return the transcript text of an answer (labels for options)."""
    if type(value) is str and step.kind != "choice":
        return value
    labels = {o.id: o.label for o in step.options}
    if isinstance(value, str):
        return labels.get(value, value) if step.kind == "choice" else value
    if isinstance(value, list | tuple):
        return "; ".join(labels.get(v, v) for v in value)
    if isinstance(value, Mapping):
        names = {f.id: (f.label, {o.id: o.label for o in f.options}) for f in step.fields}
        parts = []
        for key, val in value.items():
            label, options = names.get(key, (key, {}))
            parts.append(f"{label}: {options.get(val, val)}")
        return "; ".join(parts)
    return str(value)
