"""Sync and import: fetch -> normalise -> merge in one transaction -> report.

Everything is fetched and parsed before the first write, and the merge, the change log and the closing
of the sync run are one transaction: after any failure the library is exactly as before, and the run
records what happened.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from readerapp.choices import SYNC_SOURCES
from readerapp.config import Config
from readerapp.errors import ReaderappError
from readerapp.feeds.result import FetchResult
from readerapp.progress import Progress, no_progress
from readerapp.records import PaperRecord, Skipped
from readerapp.store.database import Database
from readerapp.store.runs import finish_run, start_run
from readerapp.store.upsert import MergeReport, upsert_records

SOURCES = SYNC_SOURCES


@dataclass(slots=True)
class SyncReport:
    """What one sync or import did: the run's id, what was asked, and what changed."""

    run_id: int
    source: str
    window: str
    fetched: int = 0
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary(self) -> str:
        if self.error:
            return f"{self.source} {self.window}: failed: {self.error}"
        lines = [
            f"{self.source} {self.window}: {self.fetched} fetched, {len(self.new)} new, "
            f"{len(self.updated)} updated",
            *(f"  {item.where}: {item.reason}" for item in self.skipped),
        ]
        return "\n".join(lines)


def hf_windows(
    day: date | None, week: str | None, month: str | None, since: date | None, today: date
) -> list[dict[str, str]]:
    """The Daily Papers windows a request stands for; ``since`` becomes one request per day."""
    given = [w for w in (day, week, month, since) if w is not None]
    if len(given) > 1:
        raise ReaderappError("give at most one of --date, --week, --month and --since")
    if week:
        return [{"week": week}]
    if month:
        return [{"month": month}]
    if since:
        if since > today:
            raise ReaderappError(f"--since {since} is in the future")
        if (today - since).days > 366:
            raise ReaderappError("--since reaches back more than a year; use --month windows instead")
        return [{"date": (since + timedelta(days=n)).isoformat()} for n in range((today - since).days + 1)]
    return [{"date": (day or today).isoformat()}]


def fetch(
    config: Config,
    source: str,
    *,
    day: date | None = None,
    week: str | None = None,
    month: str | None = None,
    since: date | None = None,
    category: str | None = None,
    refresh: bool = False,
    cancel: threading.Event | None = None,
    progress: Progress = no_progress,
) -> FetchResult:
    """Fetch and parse everything a sync asks for, without touching the library. arXiv answers already
    fetched today come from the library's cache unless ``refresh``; a wait for a spent rate limit is
    reported through ``progress`` (its text, 0 of unknown)."""
    from readerapp.feeds import arxiv_api, arxiv_rss, hf_daily
    from readerapp.feeds.http import make_client

    def notice(text: str) -> None:
        progress(text, 0, None)

    today = datetime.now(UTC).date()
    with make_client(config, cancel=cancel, notice=notice, refresh=refresh) as client:
        if source == "hf":
            results = []
            windows = hf_windows(day, week, month, since, today)
            for n, window in enumerate(windows, 1):
                results.append(
                    hf_daily.fetch_daily(
                        client, date=window.get("date"), week=window.get("week"), month=window.get("month")
                    )
                )
                progress("Fetching Daily Papers", n, len(windows))
            return merge_results(results, "hf")
        categories = (category or config.categories).replace("+", " ").split()
        if source == "arxiv-rss":
            if any(w is not None for w in (day, week, month, since)):
                raise ReaderappError("the arXiv RSS listing has no dates: it is always today's")
            return arxiv_rss.fetch_listing(client, categories)
        if source == "arxiv":
            start = since or day or today - timedelta(days=1)
            return arxiv_api.fetch_since(client, categories, start, until=day)
    raise ReaderappError(f"unknown source {source!r}; choose one of {', '.join(SOURCES)}")


def merge_results(results: Sequence[FetchResult], source: str) -> FetchResult:
    """Several windows' results as one, each paper once (windows overlap at their edges)."""
    from readerapp.feeds.result import add_new

    seen: dict[str, PaperRecord] = {}
    for result in results:
        add_new(seen, result.records)
    window = "; ".join(r.window for r in results)
    return FetchResult(list(seen.values()), source, window, sum(r.pages for r in results))


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


def describe_window(source: str, **window: object) -> str:
    return " ".join(f"{k}={v}" for k, v in window.items() if v is not None) or source


def run_merge(
    db: Database,
    user_id: int,
    source: str,
    window: str,
    produce: Callable[[], Sequence[PaperRecord]],
    *,
    sample: bool = False,
    progress: Progress = no_progress,
    after_merge: Callable[[Session, MergeReport], None] | None = None,
) -> SyncReport:
    """Record a run, produce the records (fetch or parse), merge them in one transaction, close the run.

    A failure while producing or merging leaves the library untouched and the run marked failed with
    the error; the error is raised again for the caller to show.
    """
    with db.session() as session:
        run_id = start_run(session, source, window)
    report = SyncReport(run_id=run_id, source=source, window=window)
    try:
        with gc_paused():
            records = produce()
            total = len(records)
            with db.session() as session:
                merged = upsert_records(
                    session,
                    records,
                    user_id=user_id,
                    sample=sample,
                    progress=lambda done: progress("Merging", done, total),
                )
                if after_merge is not None:
                    after_merge(session, merged)
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
