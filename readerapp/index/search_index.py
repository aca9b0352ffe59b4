"""``SearchIndex``: the Whoosh index folder as a rebuildable cache of the library's papers.

It only ever sees ``IndexDocument`` dicts; the database stays the source of truth. One writer at a time
across threads *and processes* (``writing``: Whoosh's lock file, tried for a bounded time), any number of
searching threads and processes: searches share one searcher under a read lock, and the first search after
a commit, ours or another process's, opens a new one. Queries are parsed (``query_syntax``), compiled
against the term dictionary (``query_compile``) and evaluated with numpy (``evaluate``); phrases come from
positions arrays (``positions``); only the hits returned load stored text, for snippets (``snippets``)
and phrase checks where a segment has no positions (``phrases``). A small JSON file
next to the segments holds the schema version and the *watermark*, the last change-log id applied; it is
replaced atomically after each commit, so a crash leaves the previous watermark and the next catch-up
simply re-applies a few changes. A new index gets that file only once it is built, so a folder without it
is an unfinished build (or not an index at all) and is never taken for an empty index.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import struct
import sys
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import StorageError
from whoosh.filedb.filetables import FileFormatError
from whoosh.query import Or, Query, Term
from whoosh.searching import Searcher

from readerapp.choices import SEARCH_SORTS
from readerapp.errors import Cancelled, LibraryError, NotFoundError
from readerapp.index import learned, query_syntax
from readerapp.index.document import IndexDocument
from readerapp.index.evaluate import Evaluator, SegmentCache
from readerapp.index.merge_policy import bounded_merge
from readerapp.index.phrases import PhraseCheck
from readerapp.index.query_compile import CompiledQuery, compile_query, filter_query
from readerapp.index.schema import PROSE_FIELDS, build_schema, to_fields
from readerapp.index.similar import Profile, Vectors, profile
from readerapp.index.snippets import Snippeter
from readerapp.index.storage import open_index
from readerapp.index.writer import bulk_build
from readerapp.progress import Progress, no_progress

SCHEMA_VERSION = 3  # 2: Snowball stems (analysis.stem); 3: positions files; another version is rebuilt
META_FILE = "readerapp-index.json"
SORTS = SEARCH_SORTS
STAGING = ".rebuild"  # suffix of the folder a rebuild writes the new index into
MOVED_ASIDE = ".old"  # suffix of the folder the previous index is moved to while the new one moves in
WRITE_LOCK = "WRITELOCK"  # Whoosh's lock file in the folder: every process's writers take it
WRITE_WAIT = 10.0  # seconds a write waits for another process's write before giving up (IndexBusy)
LOCK_POLL = 0.01  # seconds between tries of a lock file another process holds


class IndexUnavailable(LibraryError):
    """The index folder is missing, corrupt or from another schema version: rebuild it."""


class IndexBusy(LibraryError):
    """Another process holds the index's write lock (it is catching up or repairing the same index)."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: only what the index knows, nothing read from the database.

    ``score`` is the relevance (0.0 when sorted by date or upvotes, or for a filter-only query).
    ``snippet`` marks matched words as ``[[word]]`` (see ``readerapp.text.split_marks``); ``reasons`` are
    the terms that explain a similar-paper or for-you ranking (empty for a plain search).
    """

    id: str
    title: str
    score: float
    snippet: str
    reasons: tuple[str, ...] = ()


# Whoosh reports damaged files with whatever the low-level read raised. Anything else (an
# AttributeError, say) is a fault in our code or in an unexpected Whoosh: an error, never "damage"
# that would throw the index away and rebuild it.
_DAMAGE = (
    whoosh_index.IndexError,
    OSError,
    EOFError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
    FileFormatError,
    StorageError,
)


class SearchIndex:
    """The index in ``folder``. Use ``open`` (existing) or ``create`` (fresh, empty)."""

    def __init__(self, folder: Path, ix: whoosh_index.Index) -> None:
        self.folder = folder
        self._ix = ix
        self._write_lock = threading.RLock()
        self._file_lock: Any = None  # Whoosh's lock on WRITELOCK while ``writing`` holds it
        self._write_depth = 0
        self._read_lock = threading.RLock()
        self._searcher: Searcher | None = None
        self._searcher_stamp: tuple[int, int] | None = None
        self._segment_cache = SegmentCache()
        self._evaluation: Evaluator | None = None

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path) -> SearchIndex:
        """Open an existing index; raise ``IndexUnavailable`` saying why it cannot be used."""
        folder = Path(folder)
        meta = _read_meta(folder)
        if meta.get("schema") != SCHEMA_VERSION:
            raise IndexUnavailable(f"search index in {folder} is from another version: rebuild it")
        try:
            ix = open_index(folder)
            with ix.reader() as reader:
                reader.doc_count()
                for name in ("id", "title"):
                    next(iter(reader.lexicon(name)), None)
        except _DAMAGE as exc:  # a file that cannot be read: rebuild
            raise _damaged(folder, exc) from exc
        return cls(folder, ix)

    @classmethod
    def create(cls, folder: Path) -> SearchIndex:
        """A fresh empty index in ``folder`` (anything there before is removed), to be filled by
        ``rebuild``; ``open`` refuses it until then (no metadata)."""
        folder = Path(folder)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        whoosh_index.create_in(str(folder), build_schema())
        return cls(folder, open_index(folder))

    @classmethod
    def open_or_create(cls, folder: Path) -> tuple[SearchIndex, bool]:
        """The index, and whether it was (re)created empty and so needs a rebuild to be usable."""
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
        """The last change-log id this index has applied (``IndexUnavailable`` before its first build)."""
        return int(_read_meta(self.folder).get("watermark", 0))

    def doc_count(self) -> int:
        with self._reading() as searcher:
            return int(searcher.doc_count())

    def stamps(self) -> dict[str, int]:
        """``{paper id: revision}`` for every document, for drift checks against the database."""
        with self._reading() as searcher:
            stamps: dict[str, int] = {}
            for leaf, _ in searcher.reader().leaf_readers():
                if not leaf.doc_count_all():
                    continue
                ids = leaf.column_reader("id", translate=True)
                revisions = leaf.column_reader("revision")
                stamps.update((ids[n], int(revisions[n])) for n in leaf.all_doc_ids())
            return stamps

    # -- writing ---------------------------------------------------------------------------------

    @contextmanager
    def writing(self, wait: float = WRITE_WAIT) -> Iterator[None]:
        """Hold the index's write lock: this object's thread lock and Whoosh's lock file, which the
        writers of every process take. Re-entrant within a thread. Raises ``IndexBusy`` when another
        process still holds the file after ``wait`` seconds, instead of Whoosh's ``LockError``."""
        with self._write_lock:
            if self._write_depth == 0:
                lock = self._ix.lock(WRITE_LOCK)
                deadline = time.monotonic() + wait
                while not lock.acquire():
                    if time.monotonic() >= deadline:
                        raise IndexBusy(f"another process is writing the search index in {self.folder}")
                    time.sleep(LOCK_POLL)
                self._file_lock = lock
            self._write_depth += 1
            try:
                yield
            finally:
                self._write_depth -= 1
                if self._write_depth == 0:
                    self._file_lock.release()
                    self._file_lock = None

    def apply(
        self,
        docs: Iterable[IndexDocument],
        delete_ids: Iterable[str] = (),
        watermark: int | None = None,
        wait: float = WRITE_WAIT,
    ) -> int:
        """Add or replace ``docs`` and delete ``delete_ids`` in one commit; returns documents written.

        Only a bounded merge of the smallest segments is done here (``merge_policy``): this path runs
        while the user waits for a change to become searchable.
        """
        with self.writing(wait):
            batch = list(docs)
            gone = {*delete_ids, *(doc["id"] for doc in batch)}
            writer = self._ix.writer(compound=False, _lk=False)  # locked above; see writer.BulkSegmentWriter
            try:
                if gone:
                    # One query for all deletions: per-term deletes each open a searcher.
                    writer.delete_by_query(Or([Term("id", doc_id) for doc_id in sorted(gone)]))
                for doc in batch:
                    writer.add_document(**to_fields(doc))
                writer.commit(mergetype=bounded_merge, optimize=False)
            except BaseException:
                writer.cancel()
                raise
            if watermark is not None:
                _write_meta(self.folder, watermark)
            return len(batch)

    def rebuild(
        self,
        docs: Iterable[IndexDocument],
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        total: int | None = None,
        watermark: int = 0,
        procs: int = min(2, os.cpu_count() or 1),
    ) -> int:
        """Replace the whole index with ``docs``; searches keep using the old one until the swap.

        The new index is built in a sibling folder and moved into place, so a cancelled or failed
        rebuild leaves the old index untouched. Returns the number of documents indexed.
        """
        report = progress or no_progress

        def on_batch(done: int) -> None:
            report("indexing", done, total)
            if cancel is not None and cancel.is_set():
                raise Cancelled("index rebuild cancelled; the previous index is kept")

        staging = _beside(self.folder, STAGING)
        SearchIndex.create(staging)
        try:
            count = bulk_build(staging, docs, on_batch, procs=procs, total=total)
            _write_meta(staging, watermark)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        report("indexing", count, total)
        self._swap_in(staging)
        return count

    def _swap_in(self, staging: Path) -> None:
        with self.writing(), self._read_lock:
            self.close()
            old = _beside(self.folder, MOVED_ASIDE)
            shutil.rmtree(old, ignore_errors=True)
            if self.folder.exists():
                os.replace(self.folder, old)
            os.replace(staging, self.folder)
            shutil.rmtree(old, ignore_errors=True)
            self._ix = open_index(self.folder)

    # -- reading ---------------------------------------------------------------------------------

    def _reading(self) -> _Reading:
        return _Reading(self)

    def _current_searcher(self) -> Searcher:
        """The shared searcher, reopened if a writer of any process committed since, or another
        process's rebuild swapped a new folder in (caller holds the read lock).

        Not ``Searcher.refresh()``: Whoosh reuses a segment's reader by segment id, so it keeps
        serving deleted documents (and segments merged away) after a commit.
        """
        stamp = (self._ix.latest_generation(), os.stat(self.folder).st_ino)
        if self._searcher is None or stamp != self._searcher_stamp:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = self._ix.searcher()
            self._searcher_stamp = stamp
        return self._searcher

    def search(self, query: str, limit: int = 50, sort: str = "relevance") -> list[Hit]:
        """The top ``limit`` papers for ``query`` (see ``query_syntax`` for the language)."""
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")
        node = query_syntax.parse_query(query)
        with self._reading() as searcher:
            compiled = compile_query(node, searcher.reader())
            return self._run(searcher, compiled, limit, sort)

    def _run(self, searcher: Searcher, compiled: CompiledQuery, limit: int, sort: str) -> list[Hit]:
        ranked = sort == "relevance" and compiled.scored
        key = None if ranked else "upvotes" if sort == "upvotes" else "date"
        evaluator = self._evaluator(searcher)
        holds, unknown = (None, None)
        if compiled.phrases:
            holds, unknown = evaluator.phrases(compiled.phrases, PROSE_FIELDS)
        checking = unknown is not None and bool(unknown.any())
        docs, scores = evaluator.ranked(
            compiled.query,
            [filter_query(f) for f in compiled.allow],
            [filter_query(f) for f in compiled.deny],
            key,
            sys.maxsize if checking else max(1, limit),  # text checks: every candidate, best first
            require=holds,
        )
        check = PhraseCheck(compiled.phrases) if checking else None
        found: list[tuple[_Texts, float]] = []
        for docnum, score in zip(docs.tolist(), scores.tolist(), strict=True):
            texts = _Texts(evaluator, docnum, searcher.stored_fields(docnum))
            if check is None or unknown is None or not unknown[docnum] or check.holds(texts.of):
                found.append((texts, score if ranked else 0.0))
                if len(found) >= limit:
                    break
        snippeter = Snippeter(compiled.marks)
        return [Hit(t.id, t.title, score, snippeter.cut(t.snippet_sources())) for t, score in found]

    def similar(self, paper_id: str, limit: int = 10) -> list[Hit]:
        """Papers most like ``paper_id`` by title and abstract, with the shared terms as reasons."""
        with self._reading() as searcher:
            docnum = searcher.document_number(id=paper_id)
            if docnum is None:
                raise NotFoundError(f"no paper {paper_id} in the search index")
            return self._ranked_by(searcher, profile(searcher, [docnum]), {docnum}, [], [], limit)

    def for_you(
        self, seed_ids: Iterable[str], candidate_filter: str = "state:inbox", limit: int = 50,
        discarded_ids: Iterable[str] = (),
    ) -> list[Hit]:
        """Rank the papers matching ``candidate_filter`` for the user, each with the terms that explain
        its place: by a model learned from the seeds (papers kept: starred, tagged, reading, done)
        against ``discarded_ids`` (archived unread) when there are enough of both, else by likeness
        to the seeds (their centroid)."""
        with self._reading() as searcher:
            seeds = self._docnums(searcher, seed_ids)
            if not seeds:
                return []
            discarded = self._docnums(searcher, discarded_ids)
            compiled = compile_query(query_syntax.parse_query(candidate_filter), searcher.reader())
            must = [compiled.query, *(filter_query(f) for f in compiled.allow)]
            must_not = [filter_query(f) for f in compiled.deny]
            if not learned.can_learn(seeds, discarded):
                return self._ranked_by(searcher, profile(searcher, seeds), set(seeds), must, must_not, limit)
            return self._learned(searcher, seeds, discarded, must, must_not, limit)

    @staticmethod
    def _docnums(searcher: Searcher, ids: Iterable[str]) -> list[int]:
        found = (searcher.document_number(id=i) for i in ids)
        return list(dict.fromkeys(n for n in found if n is not None))

    def _learned(self, searcher: Searcher, kept: list[int], discarded: list[int], must: list[Query],
                 must_not: list[Query], limit: int) -> list[Hit]:
        """Train on the decisions, take the candidates the model's strongest terms find (BM25, as
        similar papers are found), and order them by the model's score."""
        vectors = Vectors(searcher)
        model = learned.train([vectors.of(n) for n in kept], [vectors.of(n) for n in discarded])
        wanted = model.wanted(vectors.surface)
        if not wanted.weights:
            return []
        decided = {*kept, *discarded}
        top = max(limit * learned.CANDIDATES_PER_HIT, learned.MIN_CANDIDATES) + len(decided)
        docs, _scores = self._evaluator(searcher).ranked(wanted.query(), must, must_not, None, top)
        scored = []
        for docnum in docs.tolist():
            if docnum not in decided:
                vector = vectors.of(docnum)
                scored.append((-model.score(vector), docnum, vector))
        scored.sort(key=lambda entry: (entry[0], entry[1]))
        hits = []
        for negative, docnum, vector in scored[:limit]:
            stored = searcher.stored_fields(docnum)
            reasons = model.reasons(vector, vectors.surface)
            hits.append(Hit(str(stored["id"]), str(stored.get("title", "")), -negative, "", reasons))
        return hits

    def _ranked_by(
        self,
        searcher: Searcher,
        wanted: Profile,
        exclude: set[int],
        must: list[Query],
        must_not: list[Query],
        limit: int,
    ) -> list[Hit]:
        if not wanted.weights:
            return []
        top = max(1, limit) + len(exclude)
        evaluator = self._evaluator(searcher)
        docs, scores = evaluator.ranked(wanted.query(), must, must_not, None, top)
        snippeter = Snippeter(wanted.weights)
        hits: list[Hit] = []
        for docnum, score in zip(docs.tolist(), scores.tolist(), strict=True):
            if docnum in exclude:
                continue
            texts = _Texts(evaluator, docnum, searcher.stored_fields(docnum))
            reasons = wanted.reasons(texts.title, texts.stored.get("abstract", ""))
            hits.append(Hit(texts.id, texts.title, score, snippeter.cut(texts.snippet_sources()), reasons))
            if len(hits) >= limit:
                break
        return hits

    def _evaluator(self, searcher: Searcher) -> Evaluator:
        """The evaluator of the current searcher (made again when the searcher is)."""
        if self._evaluation is None or self._evaluation.searcher is not searcher:
            self._evaluation = Evaluator(searcher, self._segment_cache)
        return self._evaluation


class _Texts:
    """A hit's stored texts by field; the PDF text is read from its column only when asked for."""

    def __init__(self, evaluator: Evaluator, docnum: int, stored: dict[str, Any]) -> None:
        self.evaluator = evaluator
        self.docnum = docnum
        self.stored = stored

    def snippet_sources(self) -> Iterator[str]:
        """Where a snippet is cut from, best first: never the title, which the hit shows anyway."""
        yield from self.of("abstract")
        yield from self.of("note")
        yield from self.of("pdf")

    @property
    def id(self) -> str:
        return str(self.stored["id"])

    @property
    def title(self) -> str:
        return str(self.stored.get("title", ""))

    def of(self, field: str | None) -> Iterator[str]:
        """The texts of ``field``, or of every text field, lazily (where a phrase may be)."""
        for name in (field,) if field else ("title", "abstract", "note", "pdf"):
            if name == "pdf":
                raw = self.evaluator.column_value("pdf_text", self.docnum)
                yield raw.decode("utf-8") if raw else ""
            else:
                yield str(self.stored.get(name, ""))


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


def leftovers(folder: Path) -> list[Path]:
    """What a rebuild killed before its swap leaves beside ``folder`` (a staging folder as big as the
    index, or the previous index moved aside): a live rebuild owns them, so ask only under ``BuildLock``."""
    return [path for path in (_beside(folder, STAGING), _beside(folder, MOVED_ASIDE)) if path.exists()]


def _beside(folder: Path, suffix: str) -> Path:
    return folder.with_name(folder.name + suffix)


def _damaged(folder: Path, exc: BaseException) -> IndexUnavailable:
    return IndexUnavailable(f"search index in {folder} is damaged ({exc.__class__.__name__}): rebuild it")


def _read_meta(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        if folder.is_dir():
            raise IndexUnavailable(
                f"search index in {folder} is unfinished (an interrupted build?) or not an index: rebuild it"
            ) from None
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
