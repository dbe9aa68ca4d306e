"""A per-step index of rules so a turn only evaluates the rules that could match.

Each rule's compiled spec yields a *necessary* condition: one of its phrase tokens
is in the text (``any``/``all``/``negated``), the command name is X (``command``,
``command_prefix``) or the text starts with the word X (``regex: ^X\\s...``). Rules
without such a condition are always candidates. The candidates are a superset of
the rules that can match, in rule order, so results equal a full scan.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simulator.domain import matching
from simulator.domain.model import Condition, Rule, Step

_WORD_RUN = re.compile(r"[a-z0-9_]+")
_ERRORS = (matching.MatcherError, TypeError, ValueError, AttributeError)
#: most memoised structured answers kept per step
MEMO_LIMIT = 4096
#: regex continuations after ``^word`` that guarantee the word ends there
_BOUNDARIES = ("\\s", "\\b", "$", " ", "\\.", "/")
_EXE = "(\\.exe)?"


def regex_word(source: str) -> str | None:
    """Return the first word a ``^word<boundary>...`` regex demands, or None."""
    prefix = matching.regex_prefix(source)
    if not prefix:
        return None
    run = _WORD_RUN.match(prefix)
    if run is None:
        return None
    word = run.group()
    rest = source[1 + len(word):].removeprefix(_EXE)
    return word if rest.startswith(_BOUNDARIES) else None


@dataclass(frozen=True)
class StepIndex:
    """Compiled rule specs of a step and the buckets that select candidates.

    ``matching``/``content_matching`` return which rules hold for an input; the
    result depends only on the input (never on session state), so it is memoised:
    per normalised text for text answers, per answer value for structured ones.
    """

    specs: tuple[matching.CompiledSpec | None, ...]
    always: frozenset[int]
    by_token: Mapping[str, tuple[int, ...]]
    by_command: Mapping[str, tuple[int, ...]]
    by_word: Mapping[str, tuple[int, ...]]
    #: per rule: None when it is always eligible, else (its ``once`` key or "", its
    #: ``if`` condition or None)
    gates: tuple[tuple[str, Condition | None] | None, ...] = ()
    memo: dict[Any, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)

    def candidates(self, inp: matching.MatchInput) -> list[int]:
        """Return the indices of the rules that could match this input, in order."""
        found = set(self.always)
        if self.by_token:
            vocab = inp.norm.vocab
            for token in self.by_token.keys() & vocab:
                found.update(self.by_token[token])
        if self.by_command and inp.command:
            found.update(self.by_command.get(inp.command[0], ()))
        if self.by_word:
            run = _WORD_RUN.match(inp.norm.lower)
            if run is not None:
                found.update(self.by_word.get(run.group(), ()))
        return sorted(found)

    def matching(self, inp: matching.MatchInput) -> tuple[int, ...]:
        """Return the indices of the rules whose whole spec holds, in rule order."""
        if inp.text:
            return self._text_memo(inp, ("all", inp.technical_level, inp.rule_hits),
                                   self._scan_all)
        key = _value_key(inp.value)
        if key is None:
            return self._scan_all(inp)
        found = self.memo.get(key)
        if found is None:
            if len(self.memo) >= MEMO_LIMIT:
                self.memo.clear()
            found = self.memo[key] = self._scan_all(inp)
        return found

    def content_matching(self, inp: matching.MatchInput) -> tuple[int, ...]:
        """Return the indices of the rules with phrase content that all holds."""
        if not inp.text:
            return ()
        return self._text_memo(inp, ("content",), self._scan_content)

    def _text_memo(self, inp: matching.MatchInput, key: tuple[Any, ...],
                   scan: Any) -> tuple[int, ...]:
        """Memoise a scan in the normalised text's memo (which lives as long as it)."""
        memo = inp.norm.memo
        full = (id(self), *key)
        cached = memo.get(full)
        if cached is not None and cached[0] is self:
            return cached[1]
        found = scan(inp)
        memo[full] = (self, found)
        return found

    def _scan_all(self, inp: matching.MatchInput) -> tuple[int, ...]:
        specs = self.specs
        return tuple(n for n in self.candidates(inp) if holds(specs[n], inp))

    def _scan_content(self, inp: matching.MatchInput) -> tuple[int, ...]:
        specs, vocab, found = self.specs, inp.norm.vocab, []
        for number in self.candidates(inp):
            compiled = specs[number]
            if compiled is None or not compiled.content:
                continue
            gate = compiled.content_gate
            if gate is not None and gate.isdisjoint(vocab):
                continue
            try:
                if all(check(inp) for check in compiled.content):
                    found.append(number)
            except _ERRORS:
                continue
        return tuple(found)


def holds(compiled: matching.CompiledSpec | None, inp: matching.MatchInput) -> bool:
    """Return True when a compiled rule spec holds (False when broken)."""
    if compiled is None:
        return False
    gate, prefix, norm = compiled.gate, compiled.prefix, inp.norm
    if gate is not None and gate.isdisjoint(norm.vocab):
        return False
    if prefix is not None and not norm.lower.startswith(prefix):
        return False
    try:
        for check in compiled.checks:
            if not check(inp):
                return False
    except _ERRORS:
        return False
    return True


def _value_key(value: Any) -> Any:
    """Return a hashable key for a structured answer, or None."""
    if isinstance(value, str):
        return ("s", value)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return ("l", tuple(value))
    if isinstance(value, Mapping):
        items = tuple(value.items())
        if all(isinstance(k, str) and isinstance(v, str) for k, v in items):
            return ("d", items)
    return None


def _bucket(spec: Mapping[str, Any], compiled: matching.CompiledSpec) -> tuple[str, Any]:
    """Return which bucket a rule goes in: token gate, command, regex word or always."""
    if compiled.gate is not None:
        return "token", compiled.gate
    for key in ("command", "command_prefix"):
        if key in spec:
            words = matching.normalise_command(str(spec[key]))
            return ("command", words[0]) if words else ("always", None)
    if "regex" in spec:
        word = regex_word(str(spec["regex"]))
        if word:
            return "word", word
    return "always", None


def build_index(step: Step, lexicon: matching.Lexicon) -> StepIndex:
    """Compile a step's rules and bucket them."""
    specs = matching.compile_many(tuple(r.match for r in step.rules), lexicon)
    always: set[int] = set()
    buckets: dict[str, dict[str, list[int]]] = {"token": {}, "command": {}, "word": {}}
    for number, (rule, compiled) in enumerate(zip(step.rules, specs, strict=True)):
        if compiled is None:
            continue
        kind, key = _bucket(rule.match, compiled)
        if kind == "always":
            always.add(number)
        elif kind == "token":
            for token in key:
                buckets["token"].setdefault(token, []).append(number)
        else:
            buckets[kind].setdefault(key, []).append(number)
    frozen = {k: {key: tuple(v) for key, v in b.items()} for k, b in buckets.items()}
    return StepIndex(specs, frozenset(always), frozen["token"], frozen["command"],
                     frozen["word"], tuple(_rule_gate(step, r) for r in step.rules))


def _rule_gate(step: Step, rule: Rule) -> tuple[str, Condition | None] | None:
    """Return what can make a rule ineligible: its once key and its non-empty ``if``."""
    when = None if rule.when.is_empty() else rule.when
    if not rule.once and when is None:
        return None
    return (f"{step.id}/{rule.id}" if rule.once else "", when)


_CACHE: dict[tuple[int, int], tuple[Step, Any, StepIndex]] = {}


def step_index(step: Step, lexicon: matching.Lexicon) -> StepIndex:
    """Return the step's index, built once per (step object, lexicon)."""
    key = (id(step), id(lexicon))
    cached = _CACHE.get(key)
    if cached is not None and cached[0] is step and cached[1] is lexicon:
        return cached[2]
    index = build_index(step, lexicon)
    if len(_CACHE) > 65536:
        _CACHE.clear()
    _CACHE[key] = (step, lexicon, index)
    return index
