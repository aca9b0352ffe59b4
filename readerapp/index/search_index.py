"""``SearchIndex``: the Whoosh index folder as a rebuildable cache of the library's papers.

It only ever sees ``IndexDocument`` dicts; the database stays the source of truth. One writer at a
time (a lock), any number of searching threads: searches share one searcher under a read lock and
refresh it cheaply (unchanged segments are reused) after the writer commits. A small JSON file next
to the segments holds the schema version and the *watermark*, the last change-log id applied; it is
replaced atomically after each commit, so a crash leaves the previous watermark and the next
catch-up simply re-applies a few changes.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.query import Or, Term
from whoosh.searching import Searcher
from whoosh.writing import SegmentWriter

from readerapp.errors import Cancelled, LibraryError
from readerapp.index import query_syntax
from readerapp.index.document import IndexDocument
from readerapp.index.query_compile import CompiledQuery, compile_query, filter_query
from readerapp.index.schema import build_schema, to_fields
from readerapp.index.snippets import Snippeter
from readerapp.progress import Progress, no_progress

SCHEMA_VERSION = 1
META_FILE = "readerapp-index.json"
SORTS = ("relevance", "date", "upvotes")
_BATCH = 2_000


class IndexUnavailable(LibraryError):
    """The index folder is missing, corrupt or from another schema version: rebuild it."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: only what the index knows, nothing read from the database.

    ``score`` is the relevance (0.0 when sorted by date or upvotes, or for a filter-only query).
    ``snippet`` marks matched words as ``[[word]]`` (see ``snippets.split_marks``); ``reasons`` are
    the terms that explain a similar-paper or for-you ranking (empty for a plain search).
    """

    id: str
    title: str
    score: float
    snippet: str
    reasons: tuple[str, ...] = ()


# Whoosh reports damaged files with whatever the low-level read raised.
_DAMAGE = (whoosh_index.IndexError, OSError, EOFError, ValueError, KeyError, IndexError, TypeError)


class SearchIndex:
    """The index in ``folder``. Use ``open`` (existing) or ``create`` (fresh, empty)."""

    def __init__(self, folder: Path, ix: whoosh_index.Index) -> None:
        self.folder = folder
        self._ix = ix
        self._write_lock = threading.Lock()
        self._read_lock = threading.RLock()
        self._searcher: Searcher | None = None
        self._stale = False
        self._filter_sets: dict[query_syntax.Filter, set[int]] = {}

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path) -> SearchIndex:
        """Open an existing index; raise ``IndexUnavailable`` saying why it cannot be used."""
        folder = Path(folder)
        meta = _read_meta(folder)
        if meta.get("schema") != SCHEMA_VERSION:
            raise IndexUnavailable(f"search index in {folder} is from another version: rebuild it")
        try:
            ix = whoosh_index.open_dir(str(folder))
            with ix.reader() as reader:
                reader.doc_count()
                for name in ("id", "title"):
                    next(iter(reader.lexicon(name)), None)
        except Exception as exc:  # any failure to read it means the same: rebuild
            raise _damaged(folder, exc) from exc
        return cls(folder, ix)

    @classmethod
    def create(cls, folder: Path) -> SearchIndex:
        """A fresh empty index in ``folder`` (anything there before is removed)."""
        folder = Path(folder)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        ix = whoosh_index.create_in(str(folder), build_schema())
        _write_meta(folder, watermark=0)
        return cls(folder, ix)

    @classmethod
    def open_or_create(cls, folder: Path) -> tuple[SearchIndex, bool]:
        """The index, and whether it was (re)created empty and so needs a rebuild."""
        try:
            return cls.open(folder), False
        except IndexUnavailable:
            return cls.create(folder), True

    def close(self) -> None:
        with self._read_lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    # -- metadata --------------------------------------------------------------------------------

    @property
    def watermark(self) -> int:
        """The last change-log id this index has applied (0 for a fresh index)."""
        return int(_read_meta(self.folder).get("watermark", 0))

    def doc_count(self) -> int:
        with self._reading() as searcher:
            return int(searcher.doc_count())

    def stamps(self) -> dict[str, int]:
        """``{paper id: revision}`` for every document, for drift checks against the database."""
        with self._reading() as searcher:
            reader = searcher.reader()
            ids = reader.column_reader("id")
            revisions = reader.column_reader("revision")
            return {ids[n]: int(revisions[n]) for n in reader.all_doc_ids()}

    # -- writing ---------------------------------------------------------------------------------

    def apply(
        self, docs: Iterable[IndexDocument], delete_ids: Iterable[str] = (), watermark: int | None = None
    ) -> int:
        """Add or replace ``docs`` and delete ``delete_ids`` in one commit; returns documents written.

        Small segments are merged as usual, but the index is never optimised here: this path runs
        while the user waits for a change to become searchable.
        """
        with self._write_lock:
            batch = list(docs)
            gone = {*delete_ids, *(doc["id"] for doc in batch)}
            writer = self._ix.writer()
            try:
                if gone:
                    # One query for all deletions: per-term deletes each open a searcher.
                    writer.delete_by_query(Or([Term("id", doc_id) for doc_id in sorted(gone)]))
                for doc in batch:
                    writer.add_document(**to_fields(doc))
                writer.commit(optimize=False)
            except BaseException:
                writer.cancel()
                raise
            if watermark is not None:
                _write_meta(self.folder, watermark)
            self._stale = True
            return len(batch)

    def rebuild(
        self,
        docs: Iterable[IndexDocument],
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        total: int | None = None,
        watermark: int = 0,
    ) -> int:
        """Replace the whole index with ``docs``; searches keep using the old one until the swap.

        The new index is built in a sibling folder and moved into place, so a cancelled or failed
        rebuild leaves the old index untouched. Returns the number of documents indexed.
        """
        report = progress or no_progress
        staging = self.folder.with_name(self.folder.name + ".rebuild")
        fresh = SearchIndex.create(staging)
        count = 0
        try:
            writer = _bulk_writer(fresh._ix)
            try:
                for doc in docs:
                    writer.add_document(**to_fields(doc))
                    count += 1
                    if count % _BATCH == 0:
                        report("indexing", count, total)
                        if cancel is not None and cancel.is_set():
                            raise Cancelled("index rebuild cancelled; the previous index is kept")
                report("indexing", count, total)
                writer.commit(optimize=False)
            except BaseException:
                writer.cancel()
                raise
            _write_meta(staging, watermark)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        self._swap_in(staging)
        return count

    def _swap_in(self, staging: Path) -> None:
        with self._write_lock, self._read_lock:
            self.close()
            old = self.folder.with_name(self.folder.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            if self.folder.exists():
                os.replace(self.folder, old)
            os.replace(staging, self.folder)
            shutil.rmtree(old, ignore_errors=True)
            self._ix = whoosh_index.open_dir(str(self.folder))
            self._filter_sets.clear()
            self._stale = False

    # -- reading ---------------------------------------------------------------------------------

    def _reading(self) -> _Reading:
        return _Reading(self)

    def _current_searcher(self) -> Searcher:
        """The shared searcher, refreshed if the writer committed since (caller holds the read lock)."""
        if self._searcher is None:
            self._searcher = self._ix.searcher()
            self._filter_sets.clear()
        elif self._stale:
            self._stale = False
            fresh = self._searcher.refresh()
            if fresh is not self._searcher:
                self._searcher = fresh
                self._filter_sets.clear()
        return self._searcher

    def filter_set(self, searcher: Searcher, condition: query_syntax.Filter) -> set[int]:
        """Document numbers matching a filter, cached until the next commit: ``year:2024`` or
        ``is:starred`` costs one set lookup per hit instead of a posting list per query. (Whoosh
        takes only a plain ``set``; callers never mutate it.)"""
        found = self._filter_sets.get(condition)
        if found is None:
            found = set(searcher.docs_for_query(filter_query(condition)))
            self._filter_sets[condition] = found
        return found

    def search(self, query: str, limit: int = 50, sort: str = "relevance") -> list[Hit]:
        """The top ``limit`` papers for ``query`` (see ``query_syntax`` for the language)."""
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")
        node = query_syntax.parse_query(query)
        with self._reading() as searcher:
            compiled = compile_query(node, searcher.reader())
            return self._run(searcher, compiled, limit, sort)

    def _run(self, searcher: Searcher, compiled: CompiledQuery, limit: int, sort: str) -> list[Hit]:
        allow = _intersect([self.filter_set(searcher, f) for f in compiled.allow])
        deny = _union([self.filter_set(searcher, f) for f in compiled.deny])
        kwargs: dict[str, Any] = {"limit": max(1, limit)}
        if allow is not None:
            kwargs["filter"] = allow
        if deny:
            kwargs["mask"] = deny
        ranked = sort == "relevance" and compiled.scored
        if not ranked:
            kwargs["sortedby"] = "upvotes" if sort == "upvotes" else "date"
            kwargs["reverse"] = True
        results = searcher.search(compiled.query, **kwargs)
        snippeter = Snippeter(compiled.marks)
        hits = []
        for hit in results:
            stored = hit.fields()
            texts = _texts(searcher, hit.docnum, stored)
            score = float(hit.score or 0.0) if ranked else 0.0
            hits.append(Hit(stored["id"], stored.get("title", ""), score, snippeter.cut(texts)))
        return hits


class _Reading:
    """``with index._reading() as searcher``: the read lock held, the searcher current."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    def __enter__(self) -> Searcher:
        self.index._read_lock.acquire()
        try:
            return self.index._current_searcher()
        except _DAMAGE as exc:
            self.index._read_lock.release()
            raise _damaged(self.index.folder, exc) from exc

    def __exit__(self, *exc_info: object) -> None:
        self.index._read_lock.release()


def _texts(searcher: Searcher, docnum: int, stored: dict[str, Any]) -> Iterator[str]:
    """Where a snippet may come from, best first; the PDF text is read only if reached."""
    yield stored.get("abstract", "")
    yield stored.get("note", "")
    raw = searcher.reader().column_reader("pdf_text")[docnum]
    yield raw.decode("utf-8") if raw else ""


def _damaged(folder: Path, exc: BaseException) -> IndexUnavailable:
    return IndexUnavailable(f"search index in {folder} is damaged ({exc.__class__.__name__}): rebuild it")


def _intersect(sets: list[set[int]]) -> set[int] | None:
    if not sets:
        return None
    return set.intersection(*sets) if len(sets) > 1 else sets[0]


def _union(sets: list[set[int]]) -> set[int]:
    return set().union(*sets)


def _bulk_writer(ix: whoosh_index.Index) -> SegmentWriter:
    return ix.writer(limitmb=256)


def _read_meta(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexUnavailable(f"no search index in {folder}") from None
    except (OSError, ValueError) as exc:
        raise IndexUnavailable(f"search index metadata in {folder} is unreadable: rebuild it") from exc
    if not isinstance(data, dict):
        raise IndexUnavailable(f"search index metadata in {folder} is unreadable: rebuild it")
    return data


def _write_meta(folder: Path, watermark: int) -> None:
    """Replace the metadata atomically: a crash leaves the old file or the new one, never half."""
    tmp = folder / (META_FILE + ".tmp")
    tmp.write_text(json.dumps({"schema": SCHEMA_VERSION, "watermark": watermark}), encoding="utf-8")
    os.replace(tmp, folder / META_FILE)
