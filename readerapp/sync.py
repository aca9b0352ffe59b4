"""Sync and import: fetch -> normalise -> merge in one transaction -> report.

A feed is looked up in ``feeds.registry`` and read there (fetch and parse); ``sync_feed`` hands what
it read to ``run_merge``, the one merge every sync, import and add goes through.

Everything is fetched and parsed before the first write, and the merge, the change log and the closing
of the sync run are one transaction: after any failure the library is exactly as before, and the run
records what happened.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy.orm import Session

from readerapp.config import Config
from readerapp.errors import ReaderappError
from readerapp.feeds.registry import FeedWindow, feed_named
from readerapp.feeds.result import FetchResult
from readerapp.progress import Progress, no_progress
from readerapp.records import PaperRecord, Skipped
from readerapp.store.database import Database
from readerapp.store.runs import finish_run, start_run
from readerapp.store.upsert import MergeReport, upsert_records


@dataclass(slots=True)
class SyncReport:
    """What one sync or import did: the run's id, what was asked, and what changed; for a file, the
    items it left out and why (``skipped``) and the papers whose PDF it brought (``attached``)."""

    run_id: int
    source: str
    window: str
    fetched: int = 0
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # left out (unreadable, refused), the rest merged
    error: str | None = None
    attached: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary(self) -> str:
        if self.error:
            return f"{self.source} {self.window}: failed: {self.error}"
        return f"{self.source} {self.window}: {self.counts()}"

    def counts(self, fetched: str = "fetched") -> str:
        """``12 fetched, 3 new, 1 updated``, with the skipped items and attached PDFs when there are any."""
        parts = [f"{self.fetched} {fetched}", f"{len(self.new)} new", f"{len(self.updated)} updated"]
        parts += [f"{len(self.skipped)} skipped"] if self.skipped else []
        parts += [f"{len(self.attached)} PDFs attached"] if self.attached else []
        return ", ".join(parts)

    def skipped_lines(self) -> list[str]:
        """One line per item left out: ``skipped 2509.00001: 'title' is missing``."""
        return [f"skipped {item.where}: {item.reason}" for item in self.skipped]


class Batch(Protocol):
    """What a sync or an import hands to the merge: the records read, and the items that could not be."""

    @property
    def records(self) -> Iterable[PaperRecord]: ...  # a list, or an iterator read as it is merged

    @property
    def skipped(self) -> Sequence[Skipped]: ...


def sync_feed(
    db: Database,
    user_id: int,
    config: Config,
    source: str,
    window: FeedWindow,
    *,
    refresh: bool = False,
    cancel: threading.Event | None = None,
    progress: Progress = no_progress,
) -> SyncReport:
    """The one path from a feed to rows: the feed registered as ``source`` checks the window, fetches
    and parses all of it (nothing written yet), and ``run_merge`` merges it in one transaction.

    arXiv answers already fetched today come from the library's cache unless ``refresh``; a wait for a
    spent rate limit is reported through ``progress`` (its text, 0 of unknown)."""
    feed = feed_named(source)
    feed.check(window)

    def produce() -> FetchResult:
        from readerapp.feeds.http import make_client

        def notice(text: str) -> None:
            progress(text, 0, None)

        today = datetime.now(UTC).date()
        with make_client(config, cancel=cancel, notice=notice, refresh=refresh) as client:
            return feed.read(client, window, today, progress)

    return run_merge(db, user_id, feed.name, window.describe(feed.name), produce, progress=progress)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a big batch of records is built and merged.

    The records and rows make no cycles, but their sheer number makes the collector rescan them over
    and over: a 100k-paper import spends a third of its time there.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_merge(
    db: Database,
    user_id: int,
    source: str,
    window: str,
    produce: Callable[[], Batch],
    *,
    sample: bool = False,
    progress: Progress = no_progress,
    after_merge: Callable[[Session, MergeReport], None] | None = None,
) -> SyncReport:
    """Record a run, produce the records (fetch or parse), merge them in one transaction, close the run.

    A failure while producing or merging leaves the library untouched and the run marked failed with
    the error; the error is raised again for the caller to show. Single items that could not be read or
    stored are not failures: they are left out and listed in the report's ``skipped``. The records may
    come as an iterator (a big file read as it is merged): the merge is one transaction all the same.
    """
    with db.session() as session:
        run_id = start_run(session, source, window)
    report = SyncReport(run_id=run_id, source=source, window=window)
    try:
        with gc_paused():
            batch = produce()
            total = len(batch.records) if isinstance(batch.records, Sized) else None
            with db.session() as session:
                merged = upsert_records(
                    session,
                    batch.records,
                    user_id=user_id,
                    sample=sample,
                    progress=lambda done: progress("Merging", done, total),
                )
                if after_merge is not None:
                    after_merge(session, merged)
                merged.fetched += len(batch.skipped)  # every item that came counts, read or not
                merged.skipped[:0] = batch.skipped
                finish_run(
                    session, run_id, fetched=merged.fetched, new=len(merged.new), updated=len(merged.updated)
                )
    except BaseException as exc:
        message = str(exc) if isinstance(exc, ReaderappError) else f"{type(exc).__name__}: {exc}"
        with db.session() as session:
            finish_run(session, run_id, fetched=0, new=0, updated=0, error=message or type(exc).__name__)
        raise
    report.fetched, report.new, report.updated = merged.fetched, merged.new, merged.updated
    report.skipped = merged.skipped
    return report
