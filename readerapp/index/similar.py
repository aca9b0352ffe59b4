"""Similar papers and "For you": rank by the distinctive terms of one paper or of a set of papers.

The idea is arxiv-sanity's (tf-idf vectors, nearest by similarity), done with the index we already
have: a paper's title and abstract become tf-idf weighted terms (title words count double), the
strongest become one weighted OR query, and BM25 does the rest. For a set of seed papers each vector
is normalised first, so one long abstract does not drown the others. The same weights name the
terms that explain each hit (``Hit.reasons``), shown as words from the seeds rather than as stems.
Stop words (a full English list, not only the index's few) never stand for a paper. For you with
discarded papers to learn from ranks with ``learned.py`` instead, over the same vectors.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from whoosh.query import Or, Query, Term
from whoosh.searching import Searcher

from readerapp.index.analysis import stem, words
from readerapp.index.schema import FIELD_BOOSTS
from readerapp.index.stop_words import STOP_WORDS

TOP_TERMS = 24
REASONS = 5


@dataclass(slots=True)
class Profile:
    """Weighted terms standing for one or more papers, and a readable word for each stem."""

    weights: dict[str, float]
    surface: dict[str, str]

    def query(self) -> Query:
        fields = ("title", "abstract")
        return Or([Term(f, t, boost=w * FIELD_BOOSTS[f]) for t, w in self.weights.items() for f in fields])

    def reasons(self, title: str, abstract: str) -> tuple[str, ...]:
        """The profile's strongest terms this paper shares, as words."""
        present = {stem(w) for w in words(f"{title} {abstract}")}
        shared = sorted((t for t in self.weights if t in present), key=self.weights.__getitem__, reverse=True)
        return tuple(self.surface.get(t, t) for t in shared[:REASONS])


class Vectors:
    """Papers' tf-idf vectors from the index's stored title and abstract (title words count double),
    each normalised, stop words left out: a paper is not like another because both say "two" or "our".
    Document frequencies are looked up once per term."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.total = max(1, self.reader.doc_count())
        self.surface: dict[str, str] = {}  # a readable word for each stem
        self._df: dict[str, int] = {}

    def of(self, docnum: int) -> dict[str, float]:
        stored = self.searcher.stored_fields(docnum)
        counts: Counter[str] = Counter()
        for text, weight in ((stored.get("title", ""), 2), (stored.get("abstract", ""), 1)):
            for word in words(text):
                if word in STOP_WORDS or word.isdigit():
                    continue
                term = stem(word)
                counts[term] += weight
                self.surface.setdefault(term, word)
        vector = {}
        for term, count in counts.items():
            df = self._df.get(term)
            if df is None:
                df = self._df[term] = (self.reader.doc_frequency("abstract", term)
                                       + self.reader.doc_frequency("title", term))  # fmt: skip
            if df < 2:
                continue  # only this paper has it: it cannot find another
            vector[term] = (1 + math.log(count)) * math.log(1 + self.total / df)
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {term: value / norm for term, value in vector.items()}


def profile(searcher: Searcher, docnums: Iterable[int]) -> Profile:
    """The combined profile of the papers at ``docnums`` (each paper normalised, then summed)."""
    vectors = Vectors(searcher)
    combined: dict[str, float] = {}
    for docnum in docnums:
        for term, value in vectors.of(docnum).items():
            combined[term] = combined.get(term, 0.0) + value
    top = dict(sorted(combined.items(), key=lambda kv: kv[1], reverse=True)[:TOP_TERMS])
    return Profile(top, {t: vectors.surface[t] for t in top})
