"""Whoosh segment writing spread over processes, for bulk loads (the segments themselves are written by
``whoosh_shim.BulkSegmentWriter``). Indexing is pure Python, so a rebuild uses processes, not threads
(which would take turns on the GIL with the app's own thread). Those processes are spawned, so they re-
import the caller's main module: where that cannot be done (a script read from standard input) the build
stays in this process, and a worker that dies for any other reason is an error at once, never a wait for
results that cannot come.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from readerapp.errors import LibraryError
from readerapp.index.analysis import TermsField
from readerapp.index.document import IndexDocument
from readerapp.index.schema import PROSE_FIELDS, to_fields
from readerapp.index.whoosh_shim import BulkSegmentWriter, finalize_segment, publish_segments

BATCH = 500  # documents per job sent to a build process, and between progress reports
PARALLEL_FROM = 5_000  # fewer documents than this are indexed in this process
WORKER_LIMIT_MB = 64  # Whoosh's posting pool (only the id, date and upvotes postings go through it)
SEGMENT_TOKENS = 3_000_000  # terms a build process holds before it writes a segment (~200 MB at peak)
POLL = 0.5  # seconds between checks that the build processes are alive while waiting on them


def _segment_writer(ix: whoosh_index.Index, **kwargs: Any) -> BulkSegmentWriter:
    """A writer of one new segment, with the term positions of the prose fields (``positions``)."""
    recorded = [name for name, field in ix.schema.items() if isinstance(field, TermsField) or name == "id"]
    return BulkSegmentWriter(ix, recorded, PROSE_FIELDS, limitmb=WORKER_LIMIT_MB, **kwargs)


def _worker(folder: str, jobs: Any, results: Any, segment_tokens: int) -> None:
    """A build process: index the batches of documents it is sent into new segments, and hand the
    segments back."""
    try:
        ix = whoosh_index.open_dir(folder)
        segments = _write_segments(ix, iter(jobs.get, None), segment_tokens, lambda _count: None)
        results.put(("ok", segments))  # temporary files: the parent's cleanup
    except BaseException as exc:  # reported to the parent, which raises it
        results.put(("error", f"{exc.__class__.__name__}: {exc}"))


def _write_segments(
    ix: whoosh_index.Index,
    batches: Iterable[list[IndexDocument]],
    segment_tokens: int,
    after_batch: Callable[[int], None],
) -> list[Any]:
    """Index ``batches`` into new segments of about ``segment_tokens`` terms each (few segments,
    each sorted in memory, and memory bounded whatever the library's size); returns the segments,
    for ``publish_segments``. ``after_batch(size)`` is called after each batch."""
    segments = []
    writer = _segment_writer(ix, _lk=False)  # on failure, the caller's cleanup (they share temp files)
    for batch in batches:
        for doc in batch:
            writer.add_document(**to_fields(doc))
        after_batch(len(batch))
        if writer.recorder.tokens >= segment_tokens:
            segments.append(finalize_segment(writer))
            writer = _segment_writer(ix, _lk=False)
    if writer.docnum:
        segments.append(finalize_segment(writer))
    return segments


def bulk_build(
    folder: Path,
    docs: Iterable[IndexDocument],
    on_batch: Callable[[int], None],
    procs: int = 2,
    total: int | None = None,
) -> int:
    """Index ``docs`` into the empty index at ``folder`` in ``procs`` processes; returns the count.

    Each process writes its own segment and the parent publishes them all in one table of contents,
    as Whoosh's own multiprocessing writer does (its private segment calls, pinned Whoosh version),
    but with the in-memory length lookup and the analysis done in the workers. Small loads stay in
    this process: starting workers costs more than it saves (``total``, when known, says how many
    there are; else the first are read ahead to count them). ``on_batch(done)`` is called between
    batches and may raise (``Cancelled``) to stop; workers are then ended.
    """
    ix = whoosh_index.open_dir(str(folder))
    writer = _segment_writer(ix)
    stream: Iterator[IndexDocument] = iter(docs)
    if total is None:  # count the first documents to see (held meanwhile)
        head = list(islice(stream, PARALLEL_FROM))
        total, stream = len(head), chain(head, stream)
    if total < PARALLEL_FROM or procs < 2 or not _spawnable():
        return _build_here(ix, writer, stream, on_batch)
    context = multiprocessing.get_context("spawn")
    jobs = context.Queue(maxsize=procs * 2)
    results = context.Queue()
    job = (str(folder), jobs, results, SEGMENT_TOKENS)
    workers = [context.Process(target=_worker, args=job) for _ in range(procs)]
    for worker in workers:
        worker.start()
    try:
        count = 0
        for batch in _batches(stream):
            _put(jobs, batch, workers)
            count += len(batch)
            on_batch(count)
        for _ in workers:
            _put(jobs, None, workers)
        segments = []
        for _ in workers:
            status, value = _get(results, workers)
            if status != "ok":
                raise LibraryError(f"index build failed in a worker: {value}")
            segments.extend(value)
        for worker in workers:
            worker.join()
        publish_segments(writer, segments)
        return count
    except BaseException:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
        jobs.cancel_join_thread()  # batches no worker will read must not hold this process's exit
        writer.cancel()
        raise


def _spawnable() -> bool:
    """Whether a spawned process can re-import this program's main module, as ``spawn`` does before
    it runs anything: not when that module was read from standard input (``python - <<EOF``), whose
    "file" ``<stdin>`` a new process cannot read, and dies trying."""
    main = sys.modules.get("__main__")
    if getattr(getattr(main, "__spec__", None), "name", None) or getattr(sys, "frozen", False):
        return True  # ``python -m``, or a bundle (PyInstaller hands its workers over itself)
    path = getattr(main, "__file__", None)
    start = getattr(multiprocessing.process, "ORIGINAL_DIR", None) or ""  # where a relative path begins
    return path is None or os.path.isfile(os.path.join(start, path))


def _dead(workers: list[Any]) -> str | None:
    """Why a build process ended before handing its segments back, if one did."""
    for worker in workers:
        if worker.exitcode not in (None, 0):
            return f"index build failed: a worker process exited with code {worker.exitcode}"
    return None


def _put(jobs: Any, item: Any, workers: list[Any]) -> None:
    """Queue work for the build processes, failing at once if one dies (the queue would stay full)."""
    while True:
        try:
            return jobs.put(item, timeout=POLL)
        except queue.Full:
            if why := _dead(workers):
                raise LibraryError(why) from None


def _get(results: Any, workers: list[Any]) -> Any:
    """A build process's result, failing at once if one dies before sending it."""
    while True:
        try:
            return results.get(timeout=POLL)
        except queue.Empty:
            if why := _dead(workers):
                raise LibraryError(why) from None


def _build_here(
    ix: whoosh_index.Index,
    writer: BulkSegmentWriter,
    docs: Iterable[IndexDocument],
    on_batch: Callable[[int], None],
) -> int:
    count = 0

    def done(size: int) -> None:
        nonlocal count
        count += size
        on_batch(count)

    try:
        publish_segments(writer, _write_segments(ix, _batches(docs), SEGMENT_TOKENS, done))
    except BaseException:
        writer.cancel()
        raise
    return count


def _batches(docs: Iterable[IndexDocument]) -> Iterator[list[IndexDocument]]:
    stream = iter(docs)
    while batch := list(islice(stream, BATCH)):
        yield batch
