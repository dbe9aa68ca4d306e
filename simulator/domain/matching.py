"""Fair matching of candidate input against rule ``match:`` specs.

Matchers live in a registry keyed by the ``match:`` key (``MATCHERS``); the keys
are exported as ``MATCHER_KEYS`` for the validator. Text matchers are negation-aware
and synonym-aware (see ``matching_text``); communication cues (empathy, courtesy,
apology, blame, jargon, dismissive, stuffing) are detected here. Pure: stdlib only.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from functools import cached_property, lru_cache
from typing import Any

from simulator.domain import synonyms
from simulator.domain.matching_text import (
    ARTICLES,
    WORD,
    Lexicon,
    Normalised,
    Phrase,
    compile_phrases,
    get_lexicon,
    normalise,
    normalise_command,
    order_agreement,
    stem,
    word_count,
)
from simulator.domain.model import Step

__all__ = [
    "CUE_NAMES",
    "KEYS_FOR_KIND",
    "MATCHERS",
    "MATCHER_KEYS",
    "Lexicon",
    "MatchInput",
    "MatcherError",
    "compile_phrases",
    "detect_cues",
    "get_lexicon",
    "matches",
    "normalise",
    "normalise_command",
    "order_agreement",
    "spec_problems",
    "stem",
    "word_count",
]

CUE_NAMES: tuple[str, ...] = (
    "empathy", "courtesy", "apology", "blame", "jargon", "dismissive", "stuffing",
)
STUFFING_RULES = 3


_SEGMENT_SPLIT = re.compile(r"[,;|/\n+]+")


class MatcherError(ValueError):
    """A ``match:`` spec uses an unknown key or a badly shaped argument."""

_EXPLAINS = ("which mean", "in other word", "basically", "think of it as", "in plain",
             "that is just", "like a phone book", "meaning")


@lru_cache(maxsize=64)
def _cue_phrases(name: str, lexicon: Lexicon) -> tuple[Phrase, ...]:
    """Compile one cue lexicon."""
    if name == "jargon-low":
        return compile_phrases(synonyms.JARGON_BASIC + synonyms.JARGON_ADVANCED, lexicon)
    if name == "jargon-medium":
        return compile_phrases(synonyms.JARGON_ADVANCED, lexicon)
    if name == "explain":
        return compile_phrases(_EXPLAINS, lexicon)
    return compile_phrases(synonyms.CUE_PHRASES[name], lexicon)


def _any_phrase(norm: Normalised, phrases: tuple[Phrase, ...], negation: bool = True) -> bool:
    """Return True when some phrase occurs (un-negated when ``negation``)."""
    for phrase in phrases:
        pos, neg = norm.find(phrase)
        if pos or (neg and not negation):
            return True
    return False


def keyword_list(text: str, norm: Normalised, strict: bool = False) -> bool:
    """Return True when text is mostly a list of keywords rather than sentences."""
    segments = [s for s in _SEGMENT_SPLIT.split(text) if WORD.search(s.lower())]
    if not strict and len(segments) >= 4:
        mean = sum(word_count(s) for s in segments) / len(segments)
        if mean <= 2.5:
            return True
    words = norm.plain
    minimum, ratio = (10, 0.1) if strict else (6, 0.2)
    if len(words) < minimum:
        return False
    glue = sum(1 for w in words if w in synonyms.FUNCTION_WORDS or w in ARTICLES)
    return glue / len(words) < ratio


def detect_cues(
    text: str,
    lexicon: Lexicon,
    technical_level: str = "low",
    rule_hits: int = 0,
    kind: str = "dialogue",
) -> frozenset[str]:
    """Return the communication cues found in a candidate's turn."""
    norm = normalise(text, lexicon)
    found = {
        name for name in ("empathy", "courtesy", "apology", "blame", "dismissive")
        if _any_phrase(norm, _cue_phrases(name, lexicon))
    }
    if kind in ("dialogue", "email") and technical_level in ("low", "medium") and _any_phrase(
        norm, _cue_phrases("jargon-" + technical_level, lexicon), negation=False
    ) and not _any_phrase(norm, _cue_phrases("explain", lexicon), negation=False):
        found.add("jargon")
    if kind == "dialogue":
        stuffed = rule_hits >= STUFFING_RULES or keyword_list(text, norm)
    else:
        stuffed = kind in ("writeup", "email") and keyword_list(text, norm, strict=True)
    if stuffed:
        found.add("stuffing")
    return frozenset(found)


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
        self.step = step
        self.lexicon = lexicon if lexicon is not None else get_lexicon()
        self.technical_level = technical_level
        self.rule_hits = rule_hits

    @property
    def text(self) -> str:
        """Return the value as text ("" when it is not a string)."""
        return self.value if isinstance(self.value, str) else ""

    @cached_property
    def norm(self) -> Normalised:
        """Return the normalised text."""
        return normalise(self.text, self.lexicon)

    @cached_property
    def cues(self) -> frozenset[str]:
        """Return the communication cues of the text."""
        if not self.text:
            return frozenset()
        kind = self.step.kind if self.step is not None else "dialogue"
        if kind == "writeup" and self.step is not None and self.step.form == "email":
            kind = "email"
        return detect_cues(self.text, self.lexicon, self.technical_level, self.rule_hits, kind)

    @cached_property
    def command(self) -> tuple[str, ...]:
        """Return the normalised terminal command."""
        return normalise_command(self.text)

    def phrases(self, arg: Any) -> tuple[Phrase, ...]:
        """Compile a phrase list argument."""
        if isinstance(arg, str):
            arg = (arg,)
        return compile_phrases(tuple(str(p) for p in arg), self.lexicon)


Matcher = Callable[[Any, MatchInput], bool]


def _m_any(arg: Any, inp: MatchInput) -> bool:
    return any(inp.norm.find(p)[0] for p in inp.phrases(arg))


def _m_all(arg: Any, inp: MatchInput) -> bool:
    return all(inp.norm.find(p)[0] for p in inp.phrases(arg))


def _m_none(arg: Any, inp: MatchInput) -> bool:
    return not _m_any(arg, inp)


def _m_negated(arg: Any, inp: MatchInput) -> bool:
    return any(inp.norm.find(p)[1] for p in inp.phrases(arg))


def _m_cue(arg: Any, inp: MatchInput) -> bool:
    return str(arg) in inp.cues


def _m_cues(arg: Any, inp: MatchInput) -> bool:
    names = (arg,) if isinstance(arg, str) else tuple(arg)
    return all(str(name) in inp.cues for name in names)


@lru_cache(maxsize=1024)
def _regex(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise MatcherError(f"bad regex {pattern!r}: {exc}") from exc


def _m_regex(arg: Any, inp: MatchInput) -> bool:
    return bool(inp.text) and _regex(str(arg)).search(inp.norm.lower) is not None


def _m_min_words(arg: Any, inp: MatchInput) -> bool:
    return inp.norm.words >= int(arg)


def _m_command(arg: Any, inp: MatchInput) -> bool:
    return bool(inp.text) and inp.command == normalise_command(str(arg))


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


def matches(spec: Mapping[str, Any], inp: MatchInput) -> bool:
    """Return True when every key of spec holds for the input (empty spec: True)."""
    for key, arg in spec.items():
        matcher = MATCHERS.get(key)
        if matcher is None:
            raise MatcherError(unknown_key_message(key))
        if not matcher(arg, inp):
            return False
    return True


def content_hit(spec: Mapping[str, Any], inp: MatchInput) -> bool:
    """Return True when spec has phrase content and all its content keys hold."""
    keys = [k for k in spec if k in CONTENT_KEYS]
    return bool(keys) and all(MATCHERS[k](spec[k], inp) for k in keys)


def unknown_key_message(key: str) -> str:
    """Return the error text for an unknown matcher key."""
    return f"unknown matcher key {key!r}; use one of: {', '.join(sorted(MATCHER_KEYS))}"


def spec_problems(spec: Any) -> list[str]:
    """Return readable problems of a ``match:`` mapping (unknown keys, bad shapes)."""
    if not isinstance(spec, Mapping):
        return ["match must be a mapping of matcher keys"]
    problems: list[str] = []
    for key, arg in spec.items():
        if key not in MATCHERS:
            problems.append(unknown_key_message(str(key)))
            continue
        problem = _arg_problem(str(key), arg)
        if problem:
            problems.append(f"{key}: {problem}")
    return problems


def _arg_problem(key: str, arg: Any) -> str:
    """Return why a matcher argument is badly shaped, or ""."""
    if key in ("any", "all", "none", "negated", "before"):
        ok = isinstance(arg, list | tuple) and bool(arg) and all(isinstance(a, str) for a in arg)
        return "" if ok else "expected a non-empty list of strings"
    if key == "cue":
        return "" if arg in CUE_NAMES else f"unknown cue; use one of: {', '.join(CUE_NAMES)}"
    if key == "cues":
        ok = isinstance(arg, list | tuple) and bool(arg) and all(a in CUE_NAMES for a in arg)
        return "" if ok else f"expected a list of cues from: {', '.join(CUE_NAMES)}"
    if key == "regex":
        try:
            _regex(str(arg))
        except MatcherError as exc:
            return str(exc)
        return ""
    if key in ("min_words", "fields_correct_at_least"):
        ok = isinstance(arg, int) and not isinstance(arg, bool) and arg >= 0
        return "" if ok else "expected a whole number >= 0"
    if key == "order_at_least":
        ok = isinstance(arg, int | float) and not isinstance(arg, bool) and 0 <= arg <= 1
        return "" if ok else "expected a number between 0 and 1"
    if key == "choices":
        return _choices_problem(arg)
    if key == "fields":
        ok = isinstance(arg, Mapping) and bool(arg)
        return "" if ok else "expected a mapping of field id to option id"
    return "" if isinstance(arg, str) and arg.strip() else "expected a non-empty string"


def _choices_problem(arg: Any) -> str:
    """Return why a ``choices`` argument is badly shaped, or ""."""
    if not isinstance(arg, Mapping) or not arg:
        return "expected a mapping with includes/excludes/exactly"
    extra = set(arg) - {"includes", "excludes", "exactly"}
    if extra:
        return f"unknown keys {sorted(extra)}; use includes, excludes, exactly"
    for key, ids in arg.items():
        if not isinstance(ids, list | tuple) or not all(isinstance(i, str) for i in ids):
            return f"{key} must be a list of option ids"
    return ""
