"""The feeds a sync reads, one entry each: its name, the window options it takes, and how it is read.

A new feed is one more ``Feed`` here; ``sync`` looks the source up instead of branching on its name,
and an option a feed does not take is refused in words before anything is fetched (it would otherwise
be silently ignored). The names themselves live in ``choices`` so the CLI's parser needs none of this.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from readerapp.choices import SYNC_SOURCES, SourceName
from readerapp.errors import ReaderappError
from readerapp.progress import Progress

if TYPE_CHECKING:
    from readerapp.feeds.http import FeedClient
    from readerapp.feeds.result import FetchResult


@dataclass(frozen=True, slots=True)
class FeedWindow:
    """What a sync asks a feed for; each feed takes some of these (``Feed.options``)."""

    date: dt.date | None = None
    week: str | None = None
    month: str | None = None
    since: dt.date | None = None
    category: str | None = None

    def given(self) -> list[str]:
        """The options set, in their order."""
        return [f.name for f in fields(self) if getattr(self, f.name) is not None]

    def describe(self, source: str) -> str:
        """What the sync run records as its window: ``date=2025-09-16 category=cs.LG``, or the source."""
        return " ".join(f"{name}={getattr(self, name)}" for name in self.given()) or source

    def categories(self, client: FeedClient) -> list[str]:
        """The arXiv categories asked for (``cs.LG+cs.CL`` or spaced), else the library's setting."""
        return (self.category or client.config.categories).replace("+", " ").split()


Reader = Callable[["FeedClient", FeedWindow, dt.date, Progress], "FetchResult"]


@dataclass(frozen=True, slots=True)
class Feed:
    """One source ``sync`` reads: ``read(client, window, today, progress)`` fetches and parses its
    window; ``options`` are the window's fields it takes, ``refusal`` what to say of any other."""

    name: SourceName
    title: str
    options: tuple[str, ...]
    read: Reader
    refusal: str = ""

    def check(self, window: FeedWindow) -> None:
        """Refuse a window option this feed does not take, before anything is fetched."""
        extra = [name for name in window.given() if name not in self.options]
        if extra:
            takes = ", ".join(f"--{name}" for name in self.options)
            why = f"the {self.title} feed takes no --{extra[0]} (only {takes})"
            raise ReaderappError(self.refusal or why)


def hf_windows(
    day: dt.date | None, week: str | None, month: str | None, since: dt.date | None, today: dt.date
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
        return [{"date": (since + dt.timedelta(days=n)).isoformat()} for n in range((today - since).days + 1)]
    return [{"date": (day or today).isoformat()}]


def _read_hf(client: FeedClient, window: FeedWindow, today: dt.date, progress: Progress) -> FetchResult:
    from readerapp.feeds import hf_daily
    from readerapp.feeds.result import merge_results

    results = []
    windows = hf_windows(window.date, window.week, window.month, window.since, today)
    for n, one in enumerate(windows, 1):
        results.append(
            hf_daily.fetch_daily(client, date=one.get("date"), week=one.get("week"), month=one.get("month"))
        )
        progress("Fetching Daily Papers", n, len(windows))
    return merge_results(results, "hf")


def _read_arxiv_rss(client: FeedClient, window: FeedWindow, _today: dt.date, _p: Progress) -> FetchResult:
    from readerapp.feeds import arxiv_rss

    return arxiv_rss.fetch_listing(client, window.categories(client))


def _read_arxiv(client: FeedClient, window: FeedWindow, today: dt.date, _progress: Progress) -> FetchResult:
    from readerapp.feeds import arxiv_api

    start = window.since or window.date or today - dt.timedelta(days=1)
    return arxiv_api.fetch_since(client, window.categories(client), start, until=window.date)


FEEDS: dict[SourceName, Feed] = {
    feed.name: feed
    for feed in (
        Feed("hf", "Daily Papers", ("date", "week", "month", "since"), _read_hf),
        Feed(
            "arxiv-rss",
            "arXiv RSS listing",
            ("category",),
            _read_arxiv_rss,
            refusal="the arXiv RSS listing has no dates: it is always today's",
        ),
        Feed("arxiv", "arXiv API", ("date", "since", "category"), _read_arxiv),
    )
}


def feed_named(source: str) -> Feed:
    """The feed called ``source``; an unknown name is refused with the choices."""
    for name, feed in FEEDS.items():
        if name == source:
            return feed
    raise ReaderappError(f"unknown source {source!r}; choose one of {', '.join(SYNC_SOURCES)}")
