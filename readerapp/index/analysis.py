"""Text analysis for the index: one fast path shared by indexing, queries, snippets and similarity.

Whoosh's stock analyzers build a ``Token`` object per word and run a chain of generators, which
dominates indexing time. Here a field's text becomes its terms in a few plain-Python passes (one
regex, a stop-word set, a memoised Snowball stemmer), and the same functions analyse query words, so a
query term always equals the indexed term.

The stemmer is Snowball's English ("Porter2", from PyStemmer's C library): Whoosh's own Porter stemmer
split word families ("generated" -> "generat" but "generate" -> "gener", 36 families and 4.6% of
word occurrences in a synthetic library). Changing it changes every term, so the index's schema
version says which stemmer built it, and an index built with another is rebuilt.
"""

from __future__ import annotations

import re
import unicodedata
from collections import ChainMap, Counter
from collections.abc import Iterable, Iterator

import Stemmer
from whoosh.analysis.filters import STOP_WORDS
from whoosh.fields import FieldType
from whoosh.formats import Frequency
from whoosh.system import pack_uint

WORD_RE = re.compile(r"\w+", re.UNICODE)
_STOP: frozenset[str] = frozenset(STOP_WORDS)
_STEMS: dict[str, str] = {}
_STEM_CACHE_LIMIT = 500_000
_SNOWBALL = Stemmer.Stemmer("english")
_VOWELS = frozenset("aeiouy")


def fold(text: str) -> str:
    """Lower-case and strip accents, so "Schölkopf" is found by "scholkopf"."""
    text = text.lower()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stem(word: str) -> str:
    """The Snowball stem of a folded word, memoised: a library's vocabulary is small and repetitive.

    An acronym's plural ("llms", "cnns": no vowel before the s) is its singular: Snowball keeps the s
    of a vowelless word, and "LLM" must find "LLMs"."""
    found = _STEMS.get(word)
    if found is None:
        found = _SNOWBALL.stemWord(word) if len(word) > 2 and not word.isdigit() else word
        if found == word and word.endswith("s") and len(word) > 3 and _VOWELS.isdisjoint(word[:-1]):
            found = word[:-1]
        if len(_STEMS) < _STEM_CACHE_LIMIT:
            _STEMS[word] = found
    return found


def words(text: str) -> list[str]:
    """The folded words of ``text`` in order, stop words and one-letter words dropped."""
    return [w for w in WORD_RE.findall(fold(text)) if len(w) > 1 and w not in _STOP]


_TERM_OF: dict[str, str] = {}  # a folded word -> its term, "" for a dropped word (stop, one letter)


def stems(text: str) -> list[str]:
    """The stemmed terms of prose ``text`` in order: what a prose field indexes.

    Every word goes through one memo lookup, all in C (``map``/``filter``), the hot path of
    indexing; words not met before are analysed first (and memoised while the memo has room)."""
    tokens = WORD_RE.findall(fold(text))
    try:
        return list(filter(None, map(_TERM_OF.__getitem__, tokens)))
    except KeyError:
        pass
    new = {w: _term(w) for w in tokens if w not in _TERM_OF}
    if len(_TERM_OF) < _STEM_CACHE_LIMIT:
        _TERM_OF.update(new)
    return list(filter(None, map(ChainMap(new, _TERM_OF).__getitem__, tokens)))


def _term(word: str) -> str:
    return "" if len(word) < 2 or word in _STOP else stem(word)


def name_terms(name: str) -> list[str]:
    """An author name as its parts plus the whole name, so ``author:hinton`` and
    ``author:"Geoffrey Hinton"`` are both single term lookups."""
    parts = WORD_RE.findall(fold(name))
    return [*parts, " ".join(parts)] if len(parts) > 1 else parts


def exact(value: str) -> str:
    """The one term of an exact field (tag, category, state): folded, inner spaces kept single."""
    return " ".join(fold(value).split())


class TermsField(FieldType):
    """A scorable field whose value arrives as a list of terms already analysed by this module.

    ``FieldType.index`` goes through Whoosh's token chain; this yields the postings straight from a
    ``Counter``, which is what makes a full rebuild fast. Prose stems, author names and exact
    values (tags, categories) all use it.
    """

    indexed = True
    scorable = True
    vector = None
    analyzer = None
    column_type = None

    def __init__(self, stored: bool = False, scorable: bool = True) -> None:
        self.format = Frequency()
        self.stored = stored
        self.scorable = scorable

    def index(self, value: Iterable[str], **kwargs: object) -> Iterator[tuple[bytes, int, float, bytes]]:
        for term, freq in Counter(value).items():
            yield term.encode("utf-8"), freq, float(freq), pack_uint(freq)
