"""The arXiv answer cache: good until arXiv's next midnight, never errors or cut answers, bounded, and
shrugging off files it cannot read; against a real loopback server where a request matters."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feeds_support import FIXTURES, FakeTime, arxiv_handler, atom_feed, loopback_client, lying_length
from pytest_httpserver import HTTPServer

from readerapp.errors import FeedError
from readerapp.feeds import cache as cache_module
from readerapp.feeds.arxiv_api import fetch_ids, search
from readerapp.feeds.arxiv_rss import fetch_listing
from readerapp.feeds.cache import AnswerCache, next_update
from readerapp.feeds.http import FeedClient

pytest_plugins = ["feeds_fixtures"]  # its fixtures: feed_client, fake_time

RSS = "application/rss+xml"
ATOM = "application/atom+xml"
LISTING = (FIXTURES / "arxiv_rss_cs.LG.xml").read_bytes()
URL = "https://export.arxiv.org/api/query?search_query=cat%3Acs.LG&start=0&max_results=100"


@dataclass
class Wall:
    """A wall clock the test sets by hand."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


def utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture
def wall() -> Wall:
    return Wall(utc(2025, 9, 16, 14, 0))  # 10:00 in New York


@pytest.fixture
def cache(tmp_path: Path, wall: Wall) -> AnswerCache:
    return AnswerCache(tmp_path / "cache", now=wall)


@pytest.fixture
def cached_client(
    httpserver: HTTPServer, tmp_path: Path, fake_time: FakeTime, cache: AnswerCache
) -> Iterator[FeedClient]:
    with loopback_client(httpserver, tmp_path, fake_time, cache=cache) as client:
        yield client


@pytest.mark.parametrize(
    ("fetched", "expires"),
    [
        (utc(2025, 9, 16, 14, 0), utc(2025, 9, 17, 4, 0)),  # summer: midnight EDT is 04:00 UTC
        (utc(2025, 9, 16, 3, 59), utc(2025, 9, 16, 4, 0)),  # a minute before the update: a minute
        (utc(2025, 9, 16, 4, 0), utc(2025, 9, 17, 4, 0)),  # at the update: the whole next day
        (utc(2025, 1, 15, 12, 0), utc(2025, 1, 16, 5, 0)),  # winter: midnight EST is 05:00 UTC
        (utc(2025, 3, 8, 12, 0), utc(2025, 3, 9, 5, 0)),  # the clocks change at 2 am, after midnight
        (utc(2025, 3, 9, 12, 0), utc(2025, 3, 10, 4, 0)),
    ],
)
def test_an_answer_is_good_until_the_next_midnight_in_new_york(fetched: datetime, expires: datetime) -> None:
    assert next_update(fetched) == expires


def test_without_a_time_zone_database_eastern_standard_time_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(_key: str) -> None:
        raise cache_module.ZoneInfoNotFoundError(_key)

    monkeypatch.setattr(cache_module, "ZoneInfo", missing)
    cache_module._new_york.cache_clear()
    try:
        assert next_update(utc(2025, 1, 15, 12, 0)) == utc(2025, 1, 16, 5, 0)
        assert next_update(utc(2025, 9, 16, 14, 0)) == utc(2025, 9, 17, 5, 0)  # an hour late in summer
    finally:
        cache_module._new_york.cache_clear()


def test_a_stored_answer_is_read_back_until_arxiv_updates(cache: AnswerCache, wall: Wall) -> None:
    cache.store(URL, b"<feed/>")
    assert cache.load(URL) == b"<feed/>"
    wall.now = utc(2025, 9, 17, 3, 59)
    assert cache.load(URL) == b"<feed/>"
    wall.now = utc(2025, 9, 17, 4, 0)
    assert cache.load(URL) is None
    assert list(cache.folder.iterdir()) == []  # an expired answer is removed when met


def test_refresh_reads_nothing_but_stores_the_new_answer(tmp_path: Path, wall: Wall) -> None:
    AnswerCache(tmp_path, now=wall).store(URL, b"old")
    refreshing = AnswerCache(tmp_path, now=wall, refresh=True)
    assert refreshing.load(URL) is None
    refreshing.store(URL, b"new")
    assert AnswerCache(tmp_path, now=wall).load(URL) == b"new"


def test_a_clock_set_back_before_the_fetch_is_a_miss(cache: AnswerCache, wall: Wall) -> None:
    cache.store(URL, b"<feed/>")
    wall.now -= timedelta(days=3)
    assert cache.load(URL) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) - 3],  # cut short (a crash before the rename on some filesystems)
        lambda data: data.replace(b"<feed/>", b"<fead/>"),  # the body changed, its size did not
        lambda data: b"not json\n" + data.partition(b"\n")[2],
        lambda data: b"",
        lambda data: b"\xff\xfe" + data,
        lambda data: data.replace(b"max_results=100", b"max_results=999"),  # another URL's answer
    ],
)
def test_an_unreadable_answer_is_a_miss_and_is_removed(cache: AnswerCache, damage: object) -> None:
    cache.store(URL, b"<feed/>")
    path = cache.path(URL)
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert cache.load(URL) is None
    assert not path.exists()


def test_the_folder_stays_under_its_size_dropping_expired_then_oldest(tmp_path: Path, wall: Wall) -> None:
    cache = AnswerCache(tmp_path, now=wall, max_bytes=2500)
    cache.store("https://x/yesterday", b"y" * 100)
    wall.now += timedelta(days=1)
    for n in range(3):
        cache.store(f"https://x/{n}", b"a" * 1000)
        wall.now += timedelta(minutes=1)
    assert cache.load("https://x/0") is None  # the oldest of today went to make room
    assert cache.load("https://x/1") == cache.load("https://x/2") == b"a" * 1000
    assert len(list(tmp_path.iterdir())) == 2  # yesterday's was pruned without being asked for
    cache.store("https://x/huge", b"h" * 3000)  # bigger than the whole cache: not kept, nothing evicted
    assert cache.load("https://x/huge") is None and len(list(tmp_path.iterdir())) == 2


def test_half_written_files_left_by_a_dead_process_are_removed(cache: AnswerCache) -> None:
    cache.folder.mkdir()
    old, fresh = cache.folder / ".abc.part", cache.folder / ".def.part"
    for part in (old, fresh):
        part.write_bytes(b"half")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    cache.store(URL, b"<feed/>")
    assert not old.exists() and fresh.exists()  # a fresh one may be another process's write


def test_an_unwritable_cache_never_fails_the_fetch(tmp_path: Path, wall: Wall) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("in the way")
    cache = AnswerCache(blocker / "cache", now=wall)
    cache.store(URL, b"<feed/>")
    assert cache.load(URL) is None


# -- through the client, against the loopback server ------------------------------------------------


def test_a_second_rss_fetch_the_same_day_asks_arxiv_nothing(
    cached_client: FeedClient, httpserver: HTTPServer, wall: Wall
) -> None:
    httpserver.expect_request("/rss/cs.LG").respond_with_data(LISTING, content_type=RSS)
    first = fetch_listing(cached_client, "cs.LG")
    again = fetch_listing(cached_client, "cs.LG")
    assert [r.arxiv_id for r in again.records] == [r.arxiv_id for r in first.records] and first.records
    assert len(httpserver.log) == 1
    wall.now = utc(2025, 9, 17, 4, 0)  # arXiv's next update
    fetch_listing(cached_client, "cs.LG")
    assert len(httpserver.log) == 2


def test_the_cache_is_keyed_by_the_whole_url(cached_client: FeedClient, httpserver: HTTPServer) -> None:
    ids = [f"2509.{n:05d}" for n in range(1, 8)]
    httpserver.expect_request("/api/query").respond_with_handler(arxiv_handler(ids))
    search(cached_client, "cat:cs.LG", max_results=4, page_size=2)
    search(cached_client, "cat:cs.LG", max_results=4, page_size=2)
    assert len(httpserver.log) == 2  # two pages once
    search(cached_client, "cat:cs.LG", max_results=6, page_size=2)
    assert [r.args["start"] for r, _ in httpserver.log] == ["0", "2", "4"]  # only the new page is asked
    fetch_ids(cached_client, ["2509.00001"])
    assert len(httpserver.log) == 4


def test_an_error_feed_is_not_cached(cached_client: FeedClient, httpserver: HTTPServer) -> None:
    error_feed = (FIXTURES / "arxiv_atom_error.xml").read_bytes()
    httpserver.expect_request("/api/query").respond_with_data(error_feed, content_type=ATOM)
    for _ in range(2):
        with pytest.raises(FeedError, match="incorrect id format"):
            fetch_ids(cached_client, ["2509.00001"])
    assert len(httpserver.log) == 2


def test_refused_and_cut_answers_are_not_cached(
    httpserver: HTTPServer, tmp_path: Path, fake_time: FakeTime, cache: AnswerCache
) -> None:
    httpserver.expect_ordered_request("/rss/cs.LG").respond_with_data("busy", 503)
    httpserver.expect_ordered_request("/rss/cs.LG").respond_with_handler(
        lambda _: lying_length(LISTING[:500], len(LISTING))
    )
    with loopback_client(httpserver, tmp_path, fake_time, cache=cache, retries=1) as client:
        with pytest.raises(FeedError, match=r"truncated|dropped"):
            fetch_listing(client, "cs.LG")
        assert not cache.folder.exists() or list(cache.folder.iterdir()) == []
        httpserver.expect_request("/rss/cs.LG").respond_with_data(LISTING, content_type=RSS)
        assert fetch_listing(client, "cs.LG").records
    assert len(httpserver.log) == 3


def test_a_first_empty_answer_is_asked_again_and_only_the_second_is_kept(
    cached_client: FeedClient, httpserver: HTTPServer
) -> None:
    empty = atom_feed([], total=0)
    httpserver.expect_request("/api/query").respond_with_data(empty, content_type=ATOM)
    assert search(cached_client, "cat:cs.LG").records == []
    assert len(httpserver.log) == 2  # the false-empty check still asks twice the first time...
    assert search(cached_client, "cat:cs.LG").records == []
    assert len(httpserver.log) == 2  # ...and the believed empty answer is kept for the day


def test_a_stored_answer_the_parser_refuses_is_fetched_again(
    cached_client: FeedClient, httpserver: HTTPServer, cache: AnswerCache
) -> None:
    httpserver.expect_request("/rss/cs.LG").respond_with_data(LISTING, content_type=RSS)
    fetch_listing(cached_client, "cs.LG")
    url = httpserver.url_for("/rss/cs.LG")
    cache.store(url, b"<html>not a listing</html>")  # e.g. kept by a version whose parser was laxer
    assert fetch_listing(cached_client, "cs.LG").records
    assert len(httpserver.log) == 2
    assert json.loads(cache.path(url).read_bytes().partition(b"\n")[0])["size"] == len(LISTING)
