"""Text normalisation for matching: tokens, clauses, inflections, synonyms, negation.

Text is normalised (case, punctuation, spacing, contractions, simple inflections,
articles dropped) into two token views: the *raw* view and a *canonical* view where
synonym phrases collapse to one token. A phrase matches when its tokens occur in
order inside one clause (at most ``MAX_GAP`` other words between them) in either
view; an occurrence is *negated* when a negator sits up to ``NEGATION_WINDOW``
words before it in the same clause. Pure: stdlib only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from simulator.domain import synonyms

MAX_GAP = 2
NEGATION_WINDOW = 3
NEGATORS = frozenset({"not", "never", "no", "nor", "neither", "without", "cannot"})
ARTICLES = frozenset({"a", "an", "the"})

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u201c": '"', "\u201d": '"'})
_CONTRACTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"\bwon't\b", "will not"),
        (r"\bcan't\b", "can not"),
        (r"\bshan't\b", "shall not"),
        (r"n't\b", " not"),
        (r"'re\b", " are"),
        (r"'m\b", " am"),
        (r"'ll\b", " will"),
        (r"'ve\b", " have"),
        (r"'d\b", " would"),
        (r"\blet's\b", "let us"),
        (r"\b(it|that|what|there|here|he|she|who|where|how)'s\b", r"\1 is"),
        (r"'s\b", ""),
    )
)
_BARE_CONTRACTIONS: dict[str, tuple[str, ...]] = {
    "dont": ("do", "not"), "doesnt": ("does", "not"), "didnt": ("did", "not"),
    "cant": ("can", "not"), "cannot": ("can", "not"), "wont": ("will", "not"),
    "isnt": ("is", "not"), "arent": ("are", "not"), "wasnt": ("was", "not"),
    "werent": ("were", "not"), "havent": ("have", "not"), "hasnt": ("has", "not"),
    "shouldnt": ("should", "not"), "wouldnt": ("would", "not"), "couldnt": ("could", "not"),
    "im": ("i", "am"), "ive": ("i", "have"), "youre": ("you", "are"),
}
_IRREGULAR: dict[str, str] = {
    "use": "use", "used": "use", "uses": "use", "using": "use",
    "does": "do", "did": "do", "doing": "do", "has": "have", "had": "have", "having": "have",
    "tried": "try", "tries": "try", "trying": "try", "told": "tell", "said": "say",
    "says": "say", "saying": "say", "ran": "run", "running": "run", "runs": "run",
}
_UNDOUBLE = frozenset("bdgmnprt")
_CLAUSE_SPLIT = re.compile(r"[.!?;:]+(?=\s|$)|[,\n\r\t()\[\]]|\s[-\u2013\u2014]+\s|\bbut\b")
WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Fold simple English inflections (plural, -ed, -ing, final -e)."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ied") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ing") and len(word) >= 6:
        word = _undouble(word[:-3])
    elif word.endswith("ed") and len(word) >= 5:
        word = _undouble(word[:-2])
    if word.endswith("e") and len(word) >= 4:
        word = word[:-1]
    return word


def _undouble(word: str) -> str:
    """Drop a doubled final consonant ("stopp" -> "stop")."""
    if len(word) >= 3 and word[-1] == word[-2] and word[-1] in _UNDOUBLE:
        return word[:-1]
    return word


def _clauses(text: str) -> list[list[str]]:
    """Split lowercased text into clauses of plain words with contractions expanded."""
    text = text.translate(_QUOTES).lower()
    if "'" in text:
        for pattern, repl in _CONTRACTIONS:
            text = pattern.sub(repl, text)
    out: list[list[str]] = []
    for chunk in _CLAUSE_SPLIT.split(text):
        words: list[str] = []
        for word in WORD.findall(chunk):
            words.extend(_BARE_CONTRACTIONS.get(word, (word,)))
        if words:
            out.append(words)
    return out


def _plain_words(text: str) -> tuple[str, ...]:
    """Return the stemmed words of text without articles or clause marks."""
    return tuple(
        stem(w) for clause in _clauses(text) for w in clause if w not in ARTICLES
    )


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Compiled synonym groups: token sequences mapped to a canonical token."""

    table: Mapping[str, tuple[tuple[tuple[str, ...], str], ...]]

    def canonicalise(self, tokens: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """Collapse synonym phrases (longest first); return tokens and source positions."""
        out: list[str] = []
        src: list[int] = []
        i = 0
        while i < len(tokens):
            for seq, canon in self.table.get(tokens[i], ()):
                if tokens[i : i + len(seq)] == seq:
                    out.append(canon)
                    src.append(i)
                    i += len(seq)
                    break
            else:
                out.append(tokens[i])
                src.append(i)
                i += 1
        return tuple(out), tuple(src)


@lru_cache(maxsize=256)
def get_lexicon(extra: tuple[tuple[str, ...], ...] = ()) -> Lexicon:
    """Return the lexicon of built-in synonyms merged with ``extra`` groups."""
    groups = [tuple(g) for g in synonyms.SYNONYM_GROUPS] + [tuple(g) for g in extra]
    owner: dict[tuple[str, ...], int] = {}
    parent = list(range(len(groups)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for gi, group in enumerate(groups):
        for phrase in group:
            seq = _plain_words(phrase)
            if not seq:
                continue
            if seq in owner:
                parent[find(gi)] = find(owner[seq])
            else:
                owner[seq] = gi
    table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for seq, gi in owner.items():
        canon = "~" + "_".join(_plain_words(groups[find(gi)][0]) or seq)
        table.setdefault(seq[0], []).append((seq, canon))
    return Lexicon({k: tuple(sorted(v, key=lambda e: -len(e[0]))) for k, v in table.items()})


@dataclass(frozen=True)
class View:
    """Tokens of a text with their clause numbers and a token -> positions index."""

    tokens: tuple[str, ...]
    clauses: tuple[int, ...]
    index: Mapping[str, tuple[int, ...]]

    @classmethod
    def build(cls, tokens: tuple[str, ...], clauses: tuple[int, ...]) -> View:
        """Build a view and its index."""
        index: dict[str, list[int]] = {}
        for pos, tok in enumerate(tokens):
            index.setdefault(tok, []).append(pos)
        return cls(tokens, clauses, {k: tuple(v) for k, v in index.items()})

    def find(self, pattern: tuple[str, ...]) -> tuple[bool, bool]:
        """Return (occurs un-negated, occurs negated) for a token pattern."""
        positive = negated = False
        if not pattern:
            return positive, negated
        for start in self.index.get(pattern[0], ()):
            if not self._extends(pattern, start):
                continue
            if self._negated(start):
                negated = True
            else:
                positive = True
            if positive and negated:
                break
        return positive, negated

    def _extends(self, pattern: tuple[str, ...], start: int) -> bool:
        """Return True when the rest of pattern follows start within its clause."""
        pos, clause, size = start, self.clauses[start], len(self.tokens)
        for tok in pattern[1:]:
            nxt = pos + 1
            while nxt <= pos + 1 + MAX_GAP and nxt < size and self.clauses[nxt] == clause:
                if self.tokens[nxt] == tok:
                    break
                nxt += 1
            else:
                return False
            pos = nxt
        return True

    def _negated(self, start: int) -> bool:
        """Return True when a negator precedes start in the same clause."""
        clause = self.clauses[start]
        for pos in range(max(0, start - NEGATION_WINDOW), start):
            if self.clauses[pos] == clause and self.tokens[pos] in NEGATORS:
                return True
        return False


@dataclass(frozen=True)
class Normalised:
    """A normalised text: raw and canonical views, word count and plain lowercase text."""

    raw: View
    canon: View
    words: int
    lower: str
    plain: tuple[str, ...]
    #: every token of both views (a phrase whose first token is absent cannot occur)
    vocab: frozenset[str] = frozenset()
    #: per-text memo of phrase-set results (see ``PhraseSet.hits``)
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def find(self, phrase: Phrase) -> tuple[bool, bool]:
        """Return (un-negated, negated) occurrence of a compiled phrase in either view."""
        pos, neg = self.raw.find(phrase.raw)
        if pos and neg:
            return pos, neg
        cpos, cneg = self.canon.find(phrase.canon)
        return pos or cpos, neg or cneg


@dataclass(frozen=True)
class Phrase:
    """A compiled phrase: its raw and canonical token patterns."""

    text: str
    raw: tuple[str, ...]
    canon: tuple[str, ...]


#: (indices of phrases found un-negated, indices found negated)
Hits = tuple[frozenset[int], frozenset[int]]


def _by_first(patterns: Iterable[tuple[str, ...]]) -> dict[str, tuple[int, ...]]:
    table: dict[str, list[int]] = {}
    for number, pattern in enumerate(patterns):
        if pattern:
            table.setdefault(pattern[0], []).append(number)
    return {k: tuple(v) for k, v in table.items()}


@dataclass(frozen=True, eq=False)
class PhraseSet:
    """Compiled phrases indexed by first token, so a text is searched once per set."""

    phrases: tuple[Phrase, ...]
    raw_first: Mapping[str, tuple[int, ...]]
    canon_first: Mapping[str, tuple[int, ...]]

    def __len__(self) -> int:
        return len(self.phrases)

    def __iter__(self) -> Iterator[Phrase]:
        return iter(self.phrases)

    def hits(self, norm: Normalised) -> Hits:
        """Return which phrases occur in the text, un-negated and negated (memoised)."""
        cached = norm.memo.get(id(self))
        if cached is not None and cached[0] is self:
            return cached[1]
        positive: set[int] = set()
        negated: set[int] = set()
        for view, first, canon in ((norm.raw, self.raw_first, False),
                                   (norm.canon, self.canon_first, True)):
            present = view.index.keys()
            for token in first.keys() & present:
                for number in first[token]:
                    phrase = self.phrases[number]
                    pattern = phrase.canon if canon else phrase.raw
                    if len(pattern) > 1 and not present >= set(pattern):
                        continue  # some word of the phrase is absent: skip the scan
                    pos, neg = view.find(pattern)
                    if pos:
                        positive.add(number)
                    if neg:
                        negated.add(number)
        result = (frozenset(positive), frozenset(negated))
        norm.memo[id(self)] = (self, result)
        return result


@lru_cache(maxsize=16384)
def normalise(text: str, lexicon: Lexicon) -> Normalised:
    """Normalise free text for phrase matching."""
    tokens: list[str] = []
    clause_ids: list[int] = []
    plain: list[str] = []
    for number, clause in enumerate(_clauses(text)):
        plain.extend(clause)
        for word in clause:
            if word not in ARTICLES:
                tokens.append(stem(word))
                clause_ids.append(number)
    raw = tuple(tokens)
    canon, src = lexicon.canonicalise(raw)
    clauses = tuple(clause_ids)
    return Normalised(
        vocab=frozenset(raw) | frozenset(canon),
        raw=View.build(raw, clauses),
        canon=View.build(canon, tuple(clauses[i] for i in src)),
        words=len(plain),
        lower=" ".join(text.lower().split()),
        plain=tuple(plain),
    )


@lru_cache(maxsize=16384)
def compile_phrases(phrases: tuple[str, ...], lexicon: Lexicon) -> PhraseSet:
    """Compile phrases once (cached by the phrase tuple and lexicon)."""
    out = []
    for phrase in phrases:
        raw = _plain_words(phrase)
        out.append(Phrase(phrase, raw, lexicon.canonicalise(raw)[0]))
    return PhraseSet(tuple(out), _by_first(p.raw for p in out), _by_first(p.canon for p in out))


_ARG_CACHE: dict[tuple[int, int], tuple[Any, PhraseSet]] = {}


def phrase_set(arg: Any, lexicon: Lexicon) -> PhraseSet:
    """Compile a matcher's phrase-list argument, cached by the argument object itself."""
    key = (id(arg), id(lexicon))
    cached = _ARG_CACHE.get(key)
    if cached is not None and cached[0] is arg:
        return cached[1]
    items = (arg,) if isinstance(arg, str) else tuple(arg)
    compiled = compile_phrases(tuple(str(p) for p in items), lexicon)
    if len(_ARG_CACHE) > 65536:
        _ARG_CACHE.clear()
    _ARG_CACHE[key] = (arg, compiled)
    return compiled


def word_count(text: str) -> int:
    """Return the number of words in text."""
    return len(WORD.findall(text.lower()))


@lru_cache(maxsize=16384)
def normalise_command(command: str) -> tuple[str, ...]:
    """Normalise a terminal command: case, spacing, quotes, ``.exe``, attached switch."""
    parts = command.translate(_QUOTES).replace('"', "").replace("'", "").lower().split()
    if not parts:
        return ()
    name = parts[0].rsplit("\\", 1)[-1]
    rest = parts[1:]
    if "/" in name and not name.startswith((".", "/", "~")):
        name, switch = name.split("/", 1)
        rest = ["/" + switch, *rest]
    name = name.removesuffix(".exe")
    return (name, *rest) if name else tuple(rest)


def order_agreement(order: Iterable[str], expected: Iterable[str]) -> float:
    """Return the share of item pairs ranked as in ``expected`` ((tau + 1) / 2), 0..1."""
    rank = {item: pos for pos, item in enumerate(order)}
    items = [item for item in expected if item in rank]
    pairs = concordant = 0
    for i, first in enumerate(items):
        for second in items[i + 1 :]:
            pairs += 1
            concordant += rank[first] < rank[second]
    return 1.0 if pairs == 0 else concordant / pairs


_REGEX_META = frozenset(".^$*+?{}[]\\|()")


def regex_prefix(source: str) -> str | None:
    """Return the literal start a ``^literal...`` regex demands, or None."""
    if not source.startswith("^") or _top_level_bar(source):
        return None
    literal = ""
    for ch in source[1:]:
        if ch in _REGEX_META:
            break
        literal += ch
    rest = source[1 + len(literal):]
    if rest[:1] in ("?", "*", "{"):
        literal = literal[:-1]
    return literal or None


def _top_level_bar(source: str) -> bool:
    """Return True when the regex has an alternation outside any group."""
    depth, escaped, in_class = 0, False, False
    for ch in source:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth <= 0:
            return True
    return False
