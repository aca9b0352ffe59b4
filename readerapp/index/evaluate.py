"""Query evaluation with numpy over Whoosh's stored postings: the fast path for every search.

Whoosh scores candidates one by one in Python (about 10 µs each), and a common word in a 100k
library has tens of thousands of them. Here each segment is evaluated as whole arrays instead: a
term's postings are decoded once into ``(doc ids, term frequencies)`` arrays and kept (a segment
never changes, so the cache survives commits), field lengths and the date/upvotes columns are
loaded once per segment, and a query tree (the Whoosh query objects ``query_compile`` builds)
becomes a few vector operations: BM25 per term, sums for OR/AND, masks for filters and NOT.
Then the top hits are taken with ``argpartition``. Whoosh still owns the files, the term
dictionary, stored fields and writing.

Scores are BM25 (k1 1.2, b 0.75) per field times the field's boost; exact-match fields (state,
flags, tags, ids) only filter, adding their boost as a constant.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.query import And, AndNot, Every, NumericRange, Or, Query, Term
from whoosh.reading import IndexReader
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from readerapp.errors import QueryError

K1 = 1.2
B = 0.75
POSTINGS_CACHE = 8_000_000  # postings kept decoded (about 64 MB), least recently used dropped first
_LENGTH_TABLE = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)

Floats = npt.NDArray[np.float32]
Mask = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]


class SegmentCache:
    """Decoded postings, lengths and columns by segment id: safe to share across searchers, since a
    segment's files never change (deletions are applied separately, per searcher)."""

    def __init__(self, limit: int = POSTINGS_CACHE) -> None:
        self.limit = limit
        self._postings: OrderedDict[tuple[str, str, str], tuple[Ints, Floats]] = OrderedDict()
        self._size = 0
        self._arrays: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def postings(self, leaf: IndexReader, field: str, term: str) -> tuple[Ints, Floats]:
        key = (_segment_id(leaf), field, term)
        with self._lock:
            found = self._postings.get(key)
            if found is not None:
                self._postings.move_to_end(key)
                return found
        found = _decode_postings(leaf, field, term)
        with self._lock:
            self._postings[key] = found
            self._size += len(found[0])
            while self._size > self.limit and len(self._postings) > 1:
                _, (ids, _) = self._postings.popitem(last=False)
                self._size -= len(ids)
        return found

    def retain(self, segment_ids: set[str]) -> None:
        """Forget segments merged away or deleted since (called when a new searcher opens)."""
        with self._lock:
            for gone in [k for k in self._postings if k[0] not in segment_ids]:
                self._size -= len(self._postings.pop(gone)[0])
            for key in [k for k in self._arrays if k[0] not in segment_ids]:
                del self._arrays[key]

    def array(self, leaf: IndexReader, name: str, load: Any) -> Any:
        key = (_segment_id(leaf), name)
        found = self._arrays.get(key)
        if found is None:
            found = self._arrays[key] = load()
        return found


def _segment_id(leaf: IndexReader) -> str:
    return str(leaf.segment().segment_id())


def _decode_postings(leaf: IndexReader, field: str, term: str) -> tuple[Ints, Floats]:
    """All postings of a term in one segment, block by block (each block is one pickled tuple)."""
    if (field, term) not in leaf:
        return np.empty(0, np.int64), np.empty(0, np.float32)
    raw = leaf._text_to_bytes(field, term)
    # The raw postings, deleted documents included: they are masked out later, per searcher.
    matcher = leaf._terms.matcher(field, raw, leaf.schema[field].format)
    ids: list[Ints] = []
    weights: list[Floats] = []
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        ids.append(np.asarray(matcher._ids, dtype=np.int64))
        weights.append(np.asarray(matcher._weights, dtype=np.float32))
        if matcher._lastblock:
            break
        matcher._next_block()
    return np.concatenate(ids), np.concatenate(weights)


@dataclass(slots=True)
class _Segment:
    """One segment under evaluation: its reader, offset among all documents and live-document mask."""

    leaf: IndexReader
    offset: int
    size: int
    live: Mask


class Evaluator:
    """Evaluates Whoosh query trees over every segment of a searcher (one per searcher)."""

    def __init__(self, searcher: Searcher, cache: SegmentCache) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.cache = cache
        self.total = max(1, self.reader.doc_count())
        self._idf: dict[tuple[str, str], float] = {}
        self._avg: dict[str, float] = {}
        self._columns: dict[tuple[int, str], Any] = {}
        self.segments = []
        for leaf, offset in self.reader.leaf_readers():
            size = leaf.doc_count_all()
            if not size:
                continue  # an empty index's reader has no segment
            live = np.ones(size, dtype=np.bool_)
            if leaf.has_deletions():
                live[list(leaf.segment().deleted_docs())] = False
            self.segments.append(_Segment(leaf, offset, size, live))
        cache.retain({_segment_id(seg.leaf) for seg in self.segments})

    # -- ranking ---------------------------------------------------------------------------------

    def ranked(
        self, query: Query, masks: list[Query], negative: list[Query], key: str | None, top: int
    ) -> tuple[Ints, Floats]:
        """Global doc numbers of the best ``top`` matches, best first, and their scores (``key``: a
        numeric column to order by instead, highest first). ``masks`` must hold, ``negative`` not."""
        all_docs: list[Ints] = [np.empty(0, np.int64)]
        all_keys: list[npt.NDArray[np.float64]] = [np.empty(0, np.float64)]
        all_scores: list[Floats] = [np.empty(0, np.float32)]
        for seg in self.segments:
            scores, match = self._node(seg, query)
            match = match & seg.live
            for q in masks:
                match &= self._filter(seg, q)
            for q in negative:
                match &= ~self._filter(seg, q)
            docs = np.flatnonzero(match)
            all_docs.append(docs + seg.offset)
            all_scores.append(scores[docs])
            # float64: dates as YYYYMMDD need more precision than float32 holds
            all_keys.append((self._column(seg, key)[docs] if key else scores[docs]).astype(np.float64))
        docs, keys, scores = np.concatenate(all_docs), np.concatenate(all_keys), np.concatenate(all_scores)
        if len(docs) > top:  # only the best need sorting
            best = np.argpartition(-keys, top - 1)[:top]
            docs, keys, scores = docs[best], keys[best], scores[best]
        order = np.lexsort((docs, -keys))  # best first; ties by document number, so stable
        return docs[order], scores[order]

    def column_value(self, fieldname: str, docnum: int) -> Any:
        """One document's value in a per-document column (``None`` where its segment has none).

        Read from the document's own segment: Whoosh's multi-segment column reader miscounts
        offsets when some segments lack the column. Readers are kept for the searcher's life."""
        for seg in reversed(self.segments):
            if docnum >= seg.offset:
                key = (id(seg), fieldname)
                if key not in self._columns:
                    has = seg.leaf.has_column(fieldname)
                    self._columns[key] = seg.leaf.column_reader(fieldname) if has else None
                reader = self._columns[key]
                return None if reader is None else reader[docnum - seg.offset]
        return None

    # -- query nodes -----------------------------------------------------------------------------

    def _node(self, seg: _Segment, q: Query) -> tuple[Floats, Mask]:
        if isinstance(q, Term):
            return self._term(seg, q)
        if isinstance(q, AndNot):
            scores, match = self._node(seg, q.a)
            return scores, match & ~self._node(seg, q.b)[1]
        if isinstance(q, (And, Or)):
            parts = [self._node(seg, sub) for sub in q.subqueries]
            if not parts:
                return _nothing(seg)
            scores = np.sum([p[0] for p in parts], axis=0, dtype=np.float32)
            masks = [p[1] for p in parts]
            match = np.logical_and.reduce(masks) if isinstance(q, And) else np.logical_or.reduce(masks)
            return scores, match
        if isinstance(q, Every):
            return np.zeros(seg.size, np.float32), np.ones(seg.size, np.bool_)
        if isinstance(q, NumericRange):
            return np.zeros(seg.size, np.float32), self._filter(seg, q)
        if type(q).__name__ == "_NullQuery":
            return _nothing(seg)
        raise QueryError(f"this query form cannot be evaluated: {q!r}")

    def _term(self, seg: _Segment, q: Term) -> tuple[Floats, Mask]:
        field, text = q.fieldname, q.text
        ids, tf = self.cache.postings(seg.leaf, field, text)
        scores = np.zeros(seg.size, np.float32)
        match = np.zeros(seg.size, np.bool_)
        match[ids] = True
        if self.reader.schema[field].scorable:
            lengths = self._lengths(seg, field)[ids]
            norm = K1 * ((1 - B) + B * lengths / self._average(field))
            scores[ids] = q.boost * self._idf_of(field, text) * tf * (K1 + 1) / (tf + norm)
        else:
            scores[ids] = q.boost
        return scores, match

    def _filter(self, seg: _Segment, q: Query) -> Mask:
        """A filter's mask, cached with the segment (filters never depend on other segments)."""
        if isinstance(q, NumericRange):
            low, high = q.start, q.end
            return self.cache.array(
                seg.leaf, f"range:{q.fieldname}:{low}:{high}",
                lambda: (self._column(seg, q.fieldname) >= low) & (self._column(seg, q.fieldname) <= high),
            )
        return self.cache.array(seg.leaf, f"filter:{q!r}", lambda: self._node(seg, q)[1])

    # -- statistics and columns ------------------------------------------------------------------

    def _idf_of(self, field: str, text: str) -> float:
        key = (field, text)
        found = self._idf.get(key)
        if found is None:
            df = self.reader.doc_frequency(field, text)
            found = self._idf[key] = float(np.log(1 + (self.total - df + 0.5) / (df + 0.5)))
        return found

    def _average(self, field: str) -> float:
        found = self._avg.get(field)
        if found is None:
            found = self._avg[field] = max(1.0, self.reader.field_length(field) / self.total)
        return found

    def _lengths(self, seg: _Segment, field: str) -> Floats:
        def load() -> Floats:
            raw = _numeric_column(seg.leaf, _lenfield(field), LENGTHS_COLUMN, seg.size)
            return _LENGTH_TABLE[raw.astype(np.uint8)]

        return self.cache.array(seg.leaf, f"length:{field}", load)

    def _column(self, seg: _Segment, field: str) -> Ints:
        def load() -> Ints:
            column = self.reader.schema[field].column_type
            return _numeric_column(seg.leaf, field, column, seg.size).astype(np.int64)

        return self.cache.array(seg.leaf, f"column:{field}", load)


def _nothing(seg: _Segment) -> tuple[Floats, Mask]:
    return np.zeros(seg.size, np.float32), np.zeros(seg.size, np.bool_)


def _numeric_column(leaf: IndexReader, name: str, column: Any, size: int) -> npt.NDArray[Any]:
    """A fixed-width numeric column as an array, read in one go (values past the end: default)."""
    out = np.full(size, column._default, dtype=np.dtype(">" + column._typecode).newbyteorder("="))
    if not leaf._perdoc.has_column(name):
        return out
    reader = leaf._perdoc.column_reader(name, column)
    raw = reader._dbfile.get(reader._basepos, reader._count * reader._fixedlen)
    values = np.frombuffer(raw, dtype=np.dtype(">" + column._typecode))
    out[: len(values)] = values
    return out
