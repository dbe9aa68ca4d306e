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


_JARGON_PATTERNS = tuple(re.compile(p) for p in synonyms.JARGON_PATTERNS)


def _jargon(text: str, norm: Normalised, technical_level: str, lexicon: Lexicon) -> bool:
    """Return True when the turn uses jargon the caller's level will not follow."""
    if technical_level not in ("low", "medium"):
        return False
    found = _any_phrase(norm, _cue_phrases("jargon-" + technical_level, lexicon), False) or any(
        p.search(text) for p in _JARGON_PATTERNS)
    return found and not _any_phrase(norm, _cue_phrases("explain", lexicon), negation=False)


def _any_phrase(norm: Normalised, phrases: PhraseSet, negation: bool = True) -> bool:
    """Return True when some phrase occurs (un-negated when ``negation``)."""
    positive, negated = phrases.hits(norm)
    return bool(positive or (negated and not negation))


#: (minimum words, most glue share, least keyword share) for a keyword list, by strictness
_LIST_LIMITS = {False: (8, 0.2, 0.7), True: (10, 0.1, 0.8)}
_SEGMENTS_MIN, _SEGMENT_MEAN, _SEGMENT_DENSITY = 4, 2.5, 0.6


def keyword_density(words: tuple[str, ...]) -> float:
    """Return the share of words that are neither glue nor casual filler (0 when empty)."""
    if not words:
        return 0.0
    keywords = sum(1 for w in words if w not in _GLUE and w not in synonyms.FILLERS)
    return keywords / len(words)


def keyword_list(text: str, norm: Normalised, strict: bool = False) -> bool:
    """Return True when text is mostly a list of keywords rather than sentences.

    Either several very short comma/slash-separated segments, or a long enough run of
    words with almost no glue; both need a real share of keywords (not "yeah, fine").
    """
    words = norm.plain
    density = keyword_density(words)
    segments = [s for s in _SEGMENT_SPLIT.split(text) if WORD.search(s.lower())]
    if not strict and len(segments) >= _SEGMENTS_MIN and density >= _SEGMENT_DENSITY:
        mean = sum(word_count(s) for s in segments) / len(segments)
        if mean <= _SEGMENT_MEAN:
            return True
    minimum, ratio, least = _LIST_LIMITS[strict]
    if len(words) < minimum or density < least:
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
    if kind in ("dialogue", "email") and _jargon(text, norm, technical_level, lexicon):
        found.add("jargon")
    if kind == "dialogue":
        stuffed = rule_hits >= STUFFING_RULES or keyword_list(text, norm)
    else:
        stuffed = kind in ("writeup", "email") and keyword_list(text, norm, strict=True)
    if stuffed:
        found.add("stuffing")
    return frozenset(found)
