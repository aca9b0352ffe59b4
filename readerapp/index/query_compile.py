"""Turn a parsed query (``query_syntax``) into Whoosh queries, shaped for speed.

- A free word is one term per text field (boosted by ``schema.FIELD_BOOSTS``), never a parsed
  multi-field query; a phrase runs as all its words, and a phrase the whole query needs is listed
  in ``phrases`` for the searcher to check on the top candidates (see ``phrases``).
- A prefix expands to at most ``MAX_EXPANSION`` terms per field, the most frequent first, after
  scanning at most ``MAX_SCAN`` candidates: ``mod*`` must not become a thousand-way OR.
- Filters that apply to the whole query (``year:2023 diffusion``) are pulled out as ``allow``/
  ``deny`` so the searcher can answer them from cached document sets instead of matching them.
- ``marks`` collects the terms a snippet should highlight.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field

from whoosh.query import And, AndNot, Every, NullQuery, NumericRange, Or, Query, Term
from whoosh.reading import IndexReader

from readerapp.errors import QueryError
from readerapp.ids import parse_arxiv_id
from readerapp.index import query_syntax as syn
from readerapp.index.analysis import WORD_RE, exact, fold, stems
from readerapp.index.phrases import PhraseNeed
from readerapp.index.schema import FIELD_BOOSTS, PROSE_FIELDS
from readerapp.records import STATES

MAX_EXPANSION = 16
MAX_SCAN = 4_000
ID_BOOST = 20.0
_MAX = 2**32 - 1  # the largest value of the 32-bit unsigned numeric fields


@dataclass(slots=True)
class CompiledQuery:
    """What the searcher runs: a scoring query plus whole-query filters and snippet marks."""

    query: Query
    allow: list[syn.Filter] = field(default_factory=list)
    deny: list[syn.Filter] = field(default_factory=list)
    marks: set[str] = field(default_factory=set)
    phrases: list[PhraseNeed] = field(default_factory=list)
    scored: bool = True  # False when only filters: every hit scores the same


def filter_query(condition: syn.Filter) -> Query:
    """The Whoosh query for one structured condition (also used to build cached document sets)."""
    if condition.kind in ("flag", "state"):
        return Term(condition.kind, condition.value)
    if condition.kind == "year" and condition.low is not None and condition.low == condition.high:
        return Term("year", str(condition.low))
    low, high = condition.low, condition.high
    if condition.kind == "year":
        low = low * 10_000 + 101 if low is not None else None
        high = high * 10_000 + 1231 if high is not None else None
    name = "date" if condition.kind == "year" else condition.kind
    return NumericRange(name, low or 0, _MAX if high is None else high)


class _Compiler:
    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader
        self.marks: set[str] = set()

    def node(self, node: syn.Node) -> Query | None:
        if isinstance(node, syn.Word):
            return self.prefix(node) if node.prefix else self.word(node)
        if isinstance(node, syn.Phrase):
            return self.phrase(node)
        if isinstance(node, syn.Filter):
            return filter_query(node)
        if isinstance(node, syn.Not):
            inner = self.node(node.item)
            return None if inner is None else AndNot(Every(), inner)
        if isinstance(node, syn.Or):
            items = [q for q in (self.node(n) for n in node.items) if q is not None]
            return None if not items else items[0] if len(items) == 1 else Or(items)
        return self.conjunction(node.items)

    def conjunction(self, nodes: Iterable[syn.Node]) -> Query | None:
        positive: list[Query] = []
        negative: list[Query] = []
        for item in nodes:
            target = negative if isinstance(item, syn.Not) else positive
            query = self.node(item.item if isinstance(item, syn.Not) else item)
            if query is not None:
                target.append(query)
        if not positive and not negative:
            return None
        base = (positive[0] if len(positive) == 1 else And(positive)) if positive else Every()
        if not negative:
            return base
        return AndNot(base, negative[0] if len(negative) == 1 else Or(negative))

    def word(self, word: syn.Word) -> Query | None:
        name = word.field
        if name in ("tag", "cat"):
            return Term(name, exact(word.text))
        if name == "state":
            return Term("state", _state(word.text))
        if name == "id":
            return Term("id", _id(word.text))
        if name == "author":
            return Term("author", " ".join(WORD_RE.findall(fold(word.text))))
        arxiv = parse_arxiv_id(word.text) if name is None else None
        if arxiv is not None:
            return Term("id", arxiv.base, boost=ID_BOOST)
        terms = stems(word.text)
        if len(terms) != 1:
            return self.all_words(terms, name)
        query = self.stem(terms[0], name)
        if name is not None:
            return query
        parts = WORD_RE.findall(fold(word.text))
        author = Term("author", " ".join(parts), boost=FIELD_BOOSTS["author"])
        return Or([query, author, Term("tag", exact(word.text), boost=FIELD_BOOSTS["tag"])])

    def stem(self, term: str, name: str | None) -> Query:
        """One stemmed term in every prose field, or in the one named."""
        self.marks.add(term)
        fields = PROSE_FIELDS if name is None else (name,)
        queries: list[Query] = [Term(f, term, boost=FIELD_BOOSTS[f]) for f in fields]
        return queries[0] if len(queries) == 1 else Or(queries)

    def phrase(self, phrase: syn.Phrase) -> Query | None:
        if phrase.field in ("author", "tag", "cat", "state", "id"):
            return self.word(syn.Word(phrase.text, phrase.field))
        return self.all_words(stems(phrase.text), phrase.field)

    def all_words(self, terms: list[str], name: str | None) -> Query | None:
        """Every term, each in any prose field (or the one named): the candidates for a phrase."""
        queries = [self.stem(t, name) for t in terms]
        return None if not queries else queries[0] if len(queries) == 1 else And(queries)

    def prefix(self, word: syn.Word) -> Query | None:
        name = word.field
        fields: tuple[str, ...] = PROSE_FIELDS if name is None else (name,)
        text = word.text if name == "id" else fold(word.text)
        queries: list[Query] = []
        for f in fields:
            for term in self.expand(f, text):
                if f in PROSE_FIELDS:
                    self.marks.add(term)
                queries.append(Term(f, term, boost=FIELD_BOOSTS.get(f, 1.0)))
        if not queries:
            return NullQuery  # a prefix nothing starts with matches nothing, like an unknown word
        return queries[0] if len(queries) == 1 else Or(queries)

    def expand(self, fieldname: str, prefix: str) -> list[str]:
        """The most frequent terms starting with ``prefix`` (single words: whole-name terms skipped)."""
        keep_spaces = fieldname in ("tag", "cat")
        found: list[tuple[int, str]] = []
        if fieldname not in self.reader.schema:
            return []
        for scanned, (raw, info) in enumerate(self.reader.iter_prefix(fieldname, prefix)):
            if scanned >= MAX_SCAN:
                break
            term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if keep_spaces or " " not in term:
                found.append((info.doc_frequency(), term))
        return [term for _, term in heapq.nlargest(MAX_EXPANSION, found)]


def _state(text: str) -> str:
    state = text.lower()
    if state not in STATES:
        raise QueryError(f"state:{text}: state: takes one of {', '.join(STATES)}")
    return state


def _id(text: str) -> str:
    parsed = parse_arxiv_id(text)
    return parsed.base if parsed else text.strip()


def compile_query(node: syn.Node, reader: IndexReader) -> CompiledQuery:
    """Compile ``node`` against ``reader`` (prefixes expand over the terms it holds)."""
    compiler = _Compiler(reader)
    items = node.items if isinstance(node, syn.And) else (node,)
    allow = [n for n in items if isinstance(n, syn.Filter)]
    deny = [n.item for n in items if isinstance(n, syn.Not) and isinstance(n.item, syn.Filter)]
    rest = [n for n in items if not isinstance(n, syn.Filter) and not _is_negated_filter(n)]
    query = compiler.conjunction(rest) if rest else None
    phrases = [need for need in map(_phrase_need, rest) if need is not None]
    if query is None and not allow and not deny:
        raise QueryError("nothing to search for: the query has only very common words")
    scored = query is not None and not isinstance(query, Every)
    if query is None:
        query = Every()
    return CompiledQuery(query, allow, deny, compiler.marks, phrases, scored)


def _phrase_need(node: syn.Node) -> PhraseNeed | None:
    """A top-level phrase (or a word such as ``self-supervised`` that analyses into several terms)
    that the searcher must check: two or more terms, in a prose field."""
    if not isinstance(node, (syn.Phrase, syn.Word)) or node.field not in (None, *PROSE_FIELDS):
        return None
    if isinstance(node, syn.Word) and (node.prefix or parse_arxiv_id(node.text)):
        return None
    terms = stems(node.text)
    return PhraseNeed(tuple(terms), node.field) if len(terms) > 1 else None


def _is_negated_filter(node: syn.Node) -> bool:
    return isinstance(node, syn.Not) and isinstance(node.item, syn.Filter)
