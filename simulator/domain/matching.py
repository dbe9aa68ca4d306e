"""Fair matching of candidate input against rule ``match:`` specs.

Matchers live in a registry keyed by the ``match:`` key (``MATCHERS``); the keys
are exported as ``MATCHER_KEYS`` for the validator. Text matchers are negation-aware
and synonym-aware (see ``matching_text``); communication cues (empathy, courtesy,
apology, blame, jargon, dismissive, stuffing) come from ``matching_cues``. Specs
are compiled once (``compile_spec``) with cheap necessary-condition gates. Pure.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar, cast

from simulator.domain import synonyms
from simulator.domain.matching_cues import (
    CUE_NAMES,
    STUFFING_RULES,
    detect_cues,
    keyword_list,
)
from simulator.domain.matching_text import (
    Hits,
    Lexicon,
    Normalised,
    compile_phrases,
    get_lexicon,
    normalise,
    normalise_command,
    order_agreement,
    phrase_set,
    regex_prefix,
    stem,
    word_count,
)
from simulator.domain.model import Step

__all__ = [
    "CUE_NAMES",
    "KEYS_FOR_KIND",
    "MATCHERS",
    "MATCHER_KEYS",
    "STUFFING_RULES",
    "Lexicon",
    "MatchInput",
    "MatcherError",
    "Normalised",
    "compile_phrases",
    "detect_cues",
    "get_lexicon",
    "keyword_list",
    "matches",
    "normalise",
    "normalise_command",
    "order_agreement",
    "regex_prefix",
    "stem",
    "word_count",
]

_T = TypeVar("_T")


class MatcherError(ValueError):
    """A ``match:`` spec uses an unknown key or a badly shaped argument."""

class _Lazy(Generic[_T]):
    """A cached attribute: computed on first read, then stored on the instance (like
    ``functools.cached_property`` without its per-read lock in Python 3.11)."""

    def __init__(self, compute: Callable[[Any], _T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __get__(self, instance: Any, owner: type | None = None) -> _T:
        if instance is None:
            return cast(_T, self)
        value = instance.__dict__[self.name] = self.compute(instance)
        return value


class MatchInput:
    """One candidate answer plus what matchers need to judge it (lazy, cached)."""

    def __init__(
        self,
        value: Any,
        step: Step | None = None,
        lexicon: Lexicon | None = None,
        technical_level: str = "low",
        rule_hits: int = 0,
    ) -> None:
        self.value = value
        self.text = value if isinstance(value, str) else ""
        self.step = step
        self.lexicon = lexicon if lexicon is not None else get_lexicon()
        self.technical_level = technical_level
        self.rule_hits = rule_hits

    @_Lazy
    def norm(self) -> Normalised:
        """Return the normalised text."""
        return normalise(self.text, self.lexicon)

    @_Lazy
    def cues(self) -> frozenset[str]:
        """Return the communication cues of the text."""
        if not self.text:
            return frozenset()
        kind = self.step.kind if self.step is not None else "dialogue"
        if kind == "writeup" and self.step is not None and self.step.form == "email":
            kind = "email"
        return detect_cues(self.text, self.lexicon, self.technical_level, self.rule_hits, kind)

    @_Lazy
    def command(self) -> tuple[str, ...]:
        """Return the normalised terminal command."""
        return normalise_command(self.text)

    def hits(self, arg: Any) -> Hits:
        """Return (un-negated, negated) phrase indices of a phrase-list argument."""
        return phrase_set(arg, self.lexicon).hits(self.norm)


Matcher = Callable[[Any, MatchInput], bool]


def _m_any(arg: Any, inp: MatchInput) -> bool:
    return bool(inp.hits(arg)[0])


def _m_all(arg: Any, inp: MatchInput) -> bool:
    size = len(phrase_set(arg, inp.lexicon))
    return size > 0 and len(inp.hits(arg)[0]) == size


def _m_none(arg: Any, inp: MatchInput) -> bool:
    return not inp.hits(arg)[0]


def _m_negated(arg: Any, inp: MatchInput) -> bool:
    return bool(inp.hits(arg)[1])


def _m_cue(arg: Any, inp: MatchInput) -> bool:
    return str(arg) in inp.cues


def _m_cues(arg: Any, inp: MatchInput) -> bool:
    names = (arg,) if isinstance(arg, str) else tuple(arg)
    return all(str(name) in inp.cues for name in names)


@lru_cache(maxsize=1024)
def compile_regex(pattern: str) -> re.Pattern[str]:
    """Compile an author's regex (MatcherError when it is invalid)."""
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise MatcherError(f"bad regex {pattern!r}: {exc}") from exc


def _m_regex(arg: Any, inp: MatchInput) -> bool:
    return bool(inp.text) and compile_regex(str(arg)).search(inp.norm.lower) is not None


def _m_min_words(arg: Any, inp: MatchInput) -> bool:
    return inp.norm.words >= int(arg)


def _m_command(arg: Any, inp: MatchInput) -> bool:
    return bool(inp.text) and inp.command == normalise_command(str(arg))


def _command_prefix_check(arg: Any) -> Check:
    want = normalise_command(str(arg))
    size = len(want)
    return lambda inp: size > 0 and inp.command[:size] == want


def _m_command_prefix(arg: Any, inp: MatchInput) -> bool:
    want = normalise_command(str(arg))
    return bool(want) and inp.command[: len(want)] == want


def _m_choice(arg: Any, inp: MatchInput) -> bool:
    return isinstance(inp.value, str) and inp.value == str(arg)


def _m_choices(arg: Any, inp: MatchInput) -> bool:
    if not isinstance(inp.value, list | tuple) or not isinstance(arg, Mapping):
        return False
    chosen = {str(v) for v in inp.value}
    includes = {str(v) for v in arg.get("includes", ())}
    excludes = {str(v) for v in arg.get("excludes", ())}
    if "exactly" in arg and chosen != {str(v) for v in arg["exactly"]}:
        return False
    return includes <= chosen and not (excludes & chosen)


def _order(inp: MatchInput) -> list[str]:
    value = inp.value
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def _m_first(arg: Any, inp: MatchInput) -> bool:
    order = _order(inp)
    return bool(order) and order[0] == str(arg)


def _m_order_at_least(arg: Any, inp: MatchInput) -> bool:
    order = _order(inp)
    expected = inp.step.expected_order if inp.step is not None else ()
    return bool(order) and order_agreement(order, expected) >= float(arg)


def _m_before(arg: Any, inp: MatchInput) -> bool:
    rank = {item: pos for pos, item in enumerate(_order(inp))}
    items = [str(a) for a in arg]
    if any(item not in rank for item in items):
        return False
    return all(rank[a] < rank[b] for a, b in itertools.pairwise(items))


def _fields(inp: MatchInput) -> Mapping[str, Any]:
    return inp.value if isinstance(inp.value, Mapping) else {}


def _m_fields(arg: Any, inp: MatchInput) -> bool:
    given = _fields(inp)
    return bool(given) and all(str(given.get(k, "")) == str(v) for k, v in arg.items())


def _m_fields_correct_at_least(arg: Any, inp: MatchInput) -> bool:
    given = _fields(inp)
    expected = inp.step.expected_fields if inp.step is not None else {}
    right = sum(1 for k, v in expected.items() if str(given.get(k, "")) == str(v))
    return bool(given) and right >= int(arg)


MATCHERS: Mapping[str, Matcher] = {
    "any": _m_any,
    "all": _m_all,
    "none": _m_none,
    "negated": _m_negated,
    "cue": _m_cue,
    "cues": _m_cues,
    "regex": _m_regex,
    "min_words": _m_min_words,
    "command": _m_command,
    "command_prefix": _m_command_prefix,
    "choice": _m_choice,
    "choices": _m_choices,
    "first": _m_first,
    "order_at_least": _m_order_at_least,
    "before": _m_before,
    "fields": _m_fields,
    "fields_correct_at_least": _m_fields_correct_at_least,
}
#: Every key a ``match:`` mapping may use.
MATCHER_KEYS: frozenset[str] = frozenset(MATCHERS)
_TEXT_KEYS = frozenset({"any", "all", "none", "negated", "cue", "cues", "regex", "min_words"})
#: Matcher keys that make sense on each step kind (the validator may warn otherwise).
KEYS_FOR_KIND: Mapping[str, frozenset[str]] = {
    "dialogue": _TEXT_KEYS,
    "writeup": _TEXT_KEYS,
    "terminal": _TEXT_KEYS | {"command", "command_prefix"},
    "choice": frozenset({"choice", "choices"}),
    "triage": frozenset({"first", "order_at_least", "before"}),
    "classify": frozenset({"fields", "fields_correct_at_least"}),
    "end": frozenset(),
}
#: Keys whose hit counts towards "this turn triggers several rules" (stuffing).
CONTENT_KEYS = frozenset({"any", "all", "regex"})


Check = Callable[[MatchInput], bool]


def _phrase_check(key: str, arg: Any, lexicon: Lexicon) -> Check:
    """Build a check for a phrase-list key over a precompiled phrase set."""
    phrases = phrase_set(arg, lexicon)
    size = len(phrases)
    if key == "any":
        return lambda inp: bool(phrases.hits(inp.norm)[0])
    if key == "all":
        return lambda inp: size > 0 and len(phrases.hits(inp.norm)[0]) == size
    if key == "none":
        return lambda inp: not phrases.hits(inp.norm)[0]
    return lambda inp: bool(phrases.hits(inp.norm)[1])


def _build_check(key: str, arg: Any, lexicon: Lexicon) -> Check:
    """Build the check of one matcher key (precompiling what can be)."""
    matcher = MATCHERS.get(key)
    if matcher is None:
        raise MatcherError(unknown_key_message(key))
    if key in ("any", "all", "none", "negated"):
        return _phrase_check(key, arg, lexicon)
    if key == "regex":
        return _regex_check(str(arg))
    if key == "command":
        want = normalise_command(str(arg))
        return lambda inp: bool(inp.text) and inp.command == want
    if key == "command_prefix":
        return _command_prefix_check(arg)
    return lambda inp: matcher(arg, inp)


def _regex_check(source: str) -> Check:
    """Build a regex check whose result is memoised per normalised text."""
    pattern = compile_regex(source)
    key = ("regex", source)

    def check(inp: MatchInput) -> bool:
        if not inp.text:
            return False
        memo = inp.norm.memo
        found = memo.get(key)
        if found is None:
            found = memo[key] = pattern.search(inp.norm.lower) is not None
        return bool(found)

    return check


@dataclass(frozen=True)
class CompiledSpec:
    """A ``match:`` mapping turned into checks: all of them, and the content ones.

    ``gate`` holds tokens of which the text must contain one for the spec to match
    at all (from an ``any``/``all``/``negated`` key); None when there is no such key.
    """

    checks: tuple[Check, ...]
    content: tuple[Check, ...]
    gate: frozenset[str] | None = None
    content_gate: frozenset[str] | None = None
    #: literal text the normalised input must start with (from a ``regex: ^word...``)
    prefix: str | None = None

    def passes_gates(self, norm: Normalised) -> bool:
        """Return False when the input cannot possibly match (cheap pre-checks)."""
        if self.gate is not None and self.gate.isdisjoint(norm.vocab):
            return False
        return self.prefix is None or norm.lower.startswith(self.prefix)


def _key_token(pattern: tuple[str, ...]) -> str:
    """Return the most selective token of a pattern (the longest non-glue word)."""
    words = [w for w in pattern if w not in synonyms.FUNCTION_WORDS] or list(pattern)
    return max(words, key=len)


def _gate(spec: Mapping[str, Any], keys: Iterable[str], lexicon: Lexicon) -> frozenset[str] | None:
    """Return tokens one of which a text must contain to satisfy a phrase key.

    A phrase occurs only when all its tokens do (in the raw or the canonical view),
    so one selective token per view and phrase is a necessary condition.
    """
    for key in keys:
        if key in spec:
            phrases = tuple(phrase_set(spec[key], lexicon))
            if key == "all" and phrases:
                phrases = phrases[:1]
            return frozenset(_key_token(pattern) for phrase in phrases
                             for pattern in (phrase.raw, phrase.canon) if pattern)
    return None


_SPEC_CACHE: dict[tuple[int, int], tuple[Any, CompiledSpec]] = {}


def compile_spec(spec: Mapping[str, Any], lexicon: Lexicon) -> CompiledSpec:
    """Compile a spec once per (spec object, lexicon); MatcherError when it is invalid."""
    key = (id(spec), id(lexicon))
    cached = _SPEC_CACHE.get(key)
    if cached is not None and cached[0] is spec:
        return cached[1]
    checks = tuple((k, _build_check(k, arg, lexicon)) for k, arg in spec.items())
    compiled = CompiledSpec(
        tuple(c for _, c in checks),
        tuple(c for k, c in checks if k in CONTENT_KEYS),
        _gate(spec, ("any", "all", "negated"), lexicon),
        None if "regex" in spec else _gate(spec, ("any", "all"), lexicon),
        regex_prefix(str(spec["regex"])) if "regex" in spec else None,
    )
    if len(_SPEC_CACHE) > 65536:
        _SPEC_CACHE.clear()
    _SPEC_CACHE[key] = (spec, compiled)
    return compiled


_MANY_CACHE: dict[tuple[int, int], tuple[Any, tuple[CompiledSpec | None, ...]]] = {}


def compile_many(specs: tuple[Mapping[str, Any], ...],
                 lexicon: Lexicon) -> tuple[CompiledSpec | None, ...]:
    """Compile a tuple of specs (None for an invalid one), cached by the tuple object."""
    key = (id(specs), id(lexicon))
    cached = _MANY_CACHE.get(key)
    if cached is not None and cached[0] is specs:
        return cached[1]
    out: list[CompiledSpec | None] = []
    for spec in specs:
        try:
            out.append(compile_spec(spec, lexicon))
        except (MatcherError, TypeError, ValueError, AttributeError):
            out.append(None)
    if len(_MANY_CACHE) > 65536:
        _MANY_CACHE.clear()
    _MANY_CACHE[key] = (specs, tuple(out))
    return tuple(out)


def holds(compiled: CompiledSpec, inp: MatchInput) -> bool:
    """Return True when a compiled spec holds for the input."""
    if not compiled.passes_gates(inp.norm):
        return False
    return all(check(inp) for check in compiled.checks)


def matches(spec: Mapping[str, Any], inp: MatchInput) -> bool:
    """Return True when every key of spec holds for the input (empty spec: True)."""
    return holds(compile_spec(spec, inp.lexicon), inp)


def unknown_key_message(key: str) -> str:
    """Return the error text for an unknown matcher key."""
    return f"unknown matcher key {key!r}; use one of: {', '.join(sorted(MATCHER_KEYS))}"


def spec_problems(spec: Any) -> list[str]:
    """Return readable problems of a ``match:`` mapping (see ``matching_spec``)."""
    from simulator.domain.matching_spec import spec_problems as check

    return check(spec)
