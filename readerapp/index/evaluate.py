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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.query import And, AndNot, Every, NumericRange, Or, Query, Term
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from readerapp.errors import QueryError
from readerapp.index.phrases import PhraseNeed
from readerapp.index.positions import EXT as POSITIONS_EXT
from readerapp.index.positions import SegmentPositions
from readerapp.index.whoosh_shim import (
    LENGTH_BYTES,
    fixed_column,
    leaf_file,
    length_column,
    postings_blocks,
)

K1 = 1.2
B = 0.75
POSTINGS_CACHE = 8_000_000  # postings kept decoded (about 64 MB), least recently used dropped first
_LENGTH_TABLE = np.array(LENGTH_BYTES, dtype=np.float32)

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

    def positions(self, leaf: IndexReader) -> SegmentPositions | None:
        """The segment's positions file, mapped once (``None``: the segment has none)."""
        return self.array(leaf, "positions", lambda: _open_positions(leaf_file(leaf, POSITIONS_EXT)))

    def array(self, leaf: IndexReader, name: str, load: Any) -> Any:
        key = (_segment_id(leaf), name)
        found = self._arrays.get(key)
        if found is None:
            found = self._arrays[key] = load()
        return found


def _open_positions(path: Path) -> SegmentPositions | None:
    return SegmentPositions(path) if path.exists() else None


def _segment_id(leaf: IndexReader) -> str:
    return str(leaf.segment().segment_id())


def _decode_postings(leaf: IndexReader, field: str, term: str) -> tuple[Ints, Floats]:
    """All postings of a term in one segment, deleted documents included: they are masked out later,
    per searcher."""
    blocks = [
        (np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32))
        for ids, weights in postings_blocks(leaf, field, term)
    ]
    if not blocks:
        return np.empty(0, np.int64), np.empty(0, np.float32)
    return np.concatenate([b[0] for b in blocks]), np.concatenate([b[1] for b in blocks])


@dataclass(slots=True)
class _Segment:
    """One segment under evaluation: its reader, offset among all documents and live-document mask."""

    leaf: IndexReader
    offset: int
    size: int
    live: Mask


class Evaluator:
    """Evaluates Whoosh query trees over the whole index at once (one evaluator per searcher).

    Every segment's cached pieces are laid end to end in global document numbers, so a query costs
    the same few vector operations whether a rebuild left one segment or ten."""

    def __init__(self, searcher: Searcher, cache: SegmentCache) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.cache = cache
        self.total = max(1, self.reader.doc_count())
        self._idf: dict[tuple[str, str], float] = {}
        self._avg: dict[str, float] = {}
        self._columns: dict[tuple[int, str], Any] = {}
        self._whole: dict[str, Any] = {}  # lengths, columns and filter masks over all segments
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
        self.size = sum(seg.size for seg in self.segments)
        self.live = np.concatenate([np.empty(0, np.bool_), *(seg.live for seg in self.segments)])

    # -- ranking ---------------------------------------------------------------------------------

    def ranked(
        self,
        query: Query,
        masks: list[Query],
        negative: list[Query],
        key: str | None,
        top: int,
        require: Mask | None = None,
    ) -> tuple[Ints, Floats]:
        """Global doc numbers of the best ``top`` matches, best first, and their scores (``key``: a
        numeric column to order by instead, highest first). ``masks`` must hold, ``negative`` not,
        and ``require`` (a mask over all documents) too."""
        scores, match = self._node(query)
        match = match & self.live
        if require is not None:
            match &= require
        for q in masks:
            match &= self._filter(q)
        for q in negative:
            match &= ~self._filter(q)
        docs = np.flatnonzero(match)
        # float64: dates as YYYYMMDD need more precision than float32 holds
        keys = (self._column(key)[docs] if key else scores[docs]).astype(np.float64)
        if len(docs) > top:  # only the best need sorting
            best = np.argpartition(-keys, top - 1)[:top]
            docs, keys = docs[best], keys[best]
        order = np.lexsort((docs, -keys))  # best first; ties by document number, so stable
        return docs[order], scores[docs[order]]

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

    def phrases(self, needs: list[PhraseNeed], everywhere: tuple[str, ...]) -> tuple[Mask, Mask]:
        """Where every phrase in ``needs`` holds, from the segments' positions (``everywhere``: the
        fields a phrase without a field may be in), and where that cannot be told from them (a
        segment without positions: every document there is possible and must be checked in its text)."""
        holds = np.ones(self.size, np.bool_)
        unknown = np.zeros(self.size, np.bool_)
        for need in needs:
            found = np.zeros(self.size, np.bool_)
            fields = (need.field,) if need.field else everywhere
            for seg in self.segments:
                positions = self.cache.positions(seg.leaf)
                docs = [positions.phrase_docs(name, need.terms) for name in fields] if positions else [None]
                if any(d is None for d in docs):
                    found[seg.offset : seg.offset + seg.size] = True
                    unknown[seg.offset : seg.offset + seg.size] = True
                    continue
                for d in docs:
                    if d is not None:
                        found[seg.offset + d] = True
            holds &= found
        return holds, unknown

    # -- query nodes -----------------------------------------------------------------------------

    def _node(self, q: Query) -> tuple[Floats, Mask]:
        if isinstance(q, Term):
            return self._term(q)
        if isinstance(q, AndNot):
            scores, match = self._node(q.a)
            return scores, match & ~self._node(q.b)[1]
        if isinstance(q, (And, Or)):
            parts = [self._node(sub) for sub in q.subqueries]
            if not parts:
                return self._nothing()
            scores = np.sum([p[0] for p in parts], axis=0, dtype=np.float32)
            masks = [p[1] for p in parts]
            match = np.logical_and.reduce(masks) if isinstance(q, And) else np.logical_or.reduce(masks)
            return scores, match
        if isinstance(q, Every):
            return np.zeros(self.size, np.float32), np.ones(self.size, np.bool_)
        if isinstance(q, NumericRange):
            return np.zeros(self.size, np.float32), self._filter(q)
        if type(q).__name__ == "_NullQuery":
            return self._nothing()
        raise QueryError(f"this query form cannot be evaluated: {q!r}")

    def _nothing(self) -> tuple[Floats, Mask]:
        return np.zeros(self.size, np.float32), np.zeros(self.size, np.bool_)

    def _term(self, q: Term) -> tuple[Floats, Mask]:
        field, text = q.fieldname, q.text
        pieces = [(seg.offset, *self.cache.postings(seg.leaf, field, text)) for seg in self.segments]
        ids = np.concatenate([np.empty(0, np.int64), *(seg_ids + offset for offset, seg_ids, _ in pieces)])
        tf = np.concatenate([np.empty(0, np.float32), *(seg_tf for _, _, seg_tf in pieces)])
        scores = np.zeros(self.size, np.float32)
        match = np.zeros(self.size, np.bool_)
        match[ids] = True
        if self.reader.schema[field].scorable:
            norm = K1 * ((1 - B) + B * self._lengths(field)[ids] / self._average(field))
            scores[ids] = q.boost * self._idf_of(field, text) * tf * (K1 + 1) / (tf + norm)
        else:
            scores[ids] = q.boost
        return scores, match

    def _filter(self, q: Query) -> Mask:
        """A filter's mask, kept for this searcher's life (filters repeat: the sidebar's views)."""
        key = f"filter:{q!r}"
        if key not in self._whole:
            if isinstance(q, NumericRange):
                column = self._column(q.fieldname)
                self._whole[key] = (column >= q.start) & (column <= q.end)
            else:
                self._whole[key] = self._node(q)[1]
        return self._whole[key]

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

    def _lengths(self, field: str) -> Floats:
        def load(seg: _Segment) -> Floats:
            name, column = length_column(field)
            raw = _numeric_column(seg.leaf, name, column, seg.size)
            return _LENGTH_TABLE[raw.astype(np.uint8)]

        return self._laid_end_to_end(f"length:{field}", load, np.float32)

    def _column(self, field: str) -> Ints:
        column = self.reader.schema[field].column_type

        def load(seg: _Segment) -> Ints:
            return _numeric_column(seg.leaf, field, column, seg.size).astype(np.int64)

        return self._laid_end_to_end(f"column:{field}", load, np.int64)

    def _laid_end_to_end(self, name: str, load: Callable[[_Segment], Any], dtype: Any) -> Any:
        """A per-document array over all segments, from per-segment pieces cached by segment."""
        if name not in self._whole:
            pieces = [self.cache.array(seg.leaf, name, lambda seg=seg: load(seg)) for seg in self.segments]
            self._whole[name] = np.concatenate([np.empty(0, dtype), *pieces])
        return self._whole[name]


def _numeric_column(leaf: IndexReader, name: str, column: Any, size: int) -> npt.NDArray[Any]:
    """A fixed-width numeric column as an array, read in one go (values past the end: default)."""
    raw, typecode, default = fixed_column(leaf, name, column)
    out = np.full(size, default, dtype=np.dtype(">" + typecode).newbyteorder("="))
    values = np.frombuffer(raw, dtype=np.dtype(">" + typecode))
    out[: len(values)] = values
    return out
