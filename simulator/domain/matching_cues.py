"""Communication cues in a candidate's turn: empathy, courtesy, apology, blame,
jargon (relative to the persona's technical level), dismissive phrasing and
keyword stuffing. Pure: stdlib only."""

from __future__ import annotations

import re
from functools import lru_cache

from simulator.domain import synonyms
from simulator.domain.matching_text import (
    ARTICLES,
    WORD,
    Lexicon,
    Normalised,
    PhraseSet,
    compile_phrases,
    normalise,
    word_count,
)

CUE_NAMES: tuple[str, ...] = (
    "empathy", "courtesy", "apology", "blame", "jargon", "dismissive", "stuffing",
)
STUFFING_RULES = 3


_GLUE = synonyms.FUNCTION_WORDS | ARTICLES
_SEGMENT_SPLIT = re.compile(r"[,;|/\n+]+")


_EXPLAINS = ("which mean", "in other word", "basically", "think of it as", "in plain",
             "that is just", "like a phone book", "meaning")


@lru_cache(maxsize=64)
def _cue_phrases(name: str, lexicon: Lexicon) -> PhraseSet:
    """Compile one cue lexicon."""
    if name == "jargon-low":
        return compile_phrases(synonyms.JARGON_BASIC + synonyms.JARGON_ADVANCED, lexicon)
    if name == "jargon-medium":
        return compile_phrases(synonyms.JARGON_ADVANCED, lexicon)
    if name == "explain":
        return compile_phrases(_EXPLAINS, lexicon)
    return compile_phrases(synonyms.CUE_PHRASES[name], lexicon)


def _any_phrase(norm: Normalised, phrases: PhraseSet, negation: bool = True) -> bool:
    """Return True when some phrase occurs (un-negated when ``negation``)."""
    positive, negated = phrases.hits(norm)
    return bool(positive or (negated and not negation))


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
    glue = sum(map(_GLUE.__contains__, words))
    return glue / len(words) < ratio


@lru_cache(maxsize=16384)
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
