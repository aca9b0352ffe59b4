"""Library.sync against a real loopback server: whole days arrive, faults leave the library as it was,
and every run records what happened."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from werkzeug import Request, Response

from readerapp import Library
from readerapp.errors import FeedError
from readerapp.store.models import SyncRun
from tests.unit.feeds_support import arxiv_handler, hf_items, loopback_library, lying_length, paged_handler

DAY = date(2025, 9, 16)


@pytest.fixture
def lib(httpserver: HTTPServer, tmp_path: Path, database_url: str) -> Iterator[Library]:
    with loopback_library(httpserver, tmp_path / "lib", database_url) as library:
        yield library


def serve_day(httpserver: HTTPServer, items: list[dict]) -> None:
    httpserver.expect_request("/api/daily_papers").respond_with_handler(paged_handler(items))


def last_run(lib: Library) -> SyncRun:
    with lib.db.session() as session:
        run = session.scalars(select(SyncRun).order_by(SyncRun.id.desc())).first()
        assert run is not None
        return run


def test_a_day_of_120_papers_over_3_pages_then_a_resync_adds_nothing(lib: Library, httpserver) -> None:
    items = hf_items(120)
    serve_day(httpserver, items)
    report = lib.sync("hf", date=DAY)
    assert (report.fetched, len(report.new)) == (120, 120)
    pages = [r for r, _ in httpserver.log if r.path == "/api/daily_papers"]
    assert [r.args["p"] for r in pages] == ["0", "1", "2"]
    paper = items[7]["paper"]["id"]
    lib.star([paper])
    lib.set_state([paper], "reading")
    lib.tag([paper], add=["kept"])
    lib.set_note(paper, "note")
    lib.add_highlight(paper, lib.get(paper).abstract[:30], comment="c")

    items[7]["paper"]["title"] = items[7]["title"] = "Retitled upstream"
    items[7]["paper"]["upvotes"] = 12345
    again = lib.sync("hf", date=DAY)
    assert (len(again.new), again.updated) == (0, [paper])
    got = lib.get(paper)
    assert (got.title, got.upvotes, got.starred, got.state, got.tags, got.note, len(got.highlights)) == (
        "Retitled upstream",
        12345,
        True,
        "reading",
        ["kept"],
        "note",
        1,
    )
    assert lib.counts()["all"] == 120
    assert (last_run(lib).status, last_run(lib).fetched, last_run(lib).updated) == ("ok", 120, 1)


def test_429_then_success_honours_retry_after(lib: Library, httpserver) -> None:
    httpserver.expect_ordered_request("/api/daily_papers").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "0"})
    )
    httpserver.expect_ordered_request("/api/daily_papers").respond_with_json([i for i in hf_items(3)])
    assert len(lib.sync("hf", date=DAY).new) == 3


def _fault_cases() -> dict[str, object]:
    items = json.dumps(hf_items(3)).encode()
    return {
        "500 every time": Response("boom", status=500, headers={"Retry-After": "0"}),
        "dropped mid-body": lying_length(items[:40], len(items)),
        "malformed JSON": Response(b'[{"paper": {"id": "2509.0', content_type="application/json"),
        "not a list": Response(b'{"error": "Invalid date"}', content_type="application/json"),
    }


@pytest.mark.parametrize("case", list(_fault_cases()))
def test_faults_leave_the_library_as_before_and_record_the_run(
    case: str, httpserver: HTTPServer, tmp_path: Path, database_url: str
) -> None:
    url = httpserver.url_for("/").rstrip("/")
    with Library.open(tmp_path / "lib", hf_url=url, retries=1, database_url=database_url) as lib:
        lib.import_file(Path(__file__).parents[2] / "resources" / "sample_feed.json")
        before = lib.counts()
        httpserver.expect_request("/api/daily_papers").respond_with_response(_fault_cases()[case])
        with pytest.raises(FeedError) as raised:
            lib.sync("hf", date=DAY)
        assert str(raised.value)
        assert lib.counts() == before
        run = last_run(lib)
        assert run.status == "failed" and run.error == str(raised.value)
        assert lib.doctor().consistent


def test_a_timeout_is_a_clear_error(httpserver: HTTPServer, tmp_path: Path, monkeypatch) -> None:
    release = threading.Event()

    def stall(_request: Request) -> Response:
        release.wait(10)
        return Response("[]", content_type="application/json")

    httpserver.expect_request("/api/daily_papers").respond_with_handler(stall)
    monkeypatch.setenv("READERAPP_RETRIES", "0")
    monkeypatch.setenv("READERAPP_TIMEOUT", "0.3")
    url = httpserver.url_for("/").rstrip("/")
    try:
        with Library.open(tmp_path / "lib", hf_url=url) as lib, pytest.raises(FeedError, match="no answer"):
            lib.sync("hf", date=DAY)
    finally:
        release.set()


def test_an_empty_day_is_a_normal_empty_sync(lib: Library, httpserver) -> None:
    httpserver.expect_request("/api/daily_papers").respond_with_json([])
    report = lib.sync("hf", date=DAY)
    assert (report.fetched, report.ok, last_run(lib).status) == (0, True, "ok")


def test_arxiv_error_feed_is_a_clear_failure(lib: Library, httpserver) -> None:
    error_feed = (Path(__file__).parents[1] / "fixtures" / "arxiv_atom_error.xml").read_bytes()
    httpserver.expect_request("/api/query").respond_with_data(error_feed, content_type="application/atom+xml")
    with pytest.raises(FeedError, match="incorrect id format"):
        lib.sync("arxiv", since=date(2025, 9, 15), category="cs.LG")
    assert (lib.counts()["all"], last_run(lib).status) == (0, "failed")


def test_rss_listing_keeps_new_and_cross(lib: Library, httpserver) -> None:
    listing = (Path(__file__).parents[1] / "fixtures" / "arxiv_rss_cs.LG.xml").read_bytes()
    httpserver.expect_request("/rss/cs.LG").respond_with_data(listing, content_type="application/rss+xml")
    report = lib.sync("arxiv-rss", category="cs.LG")
    assert report.fetched == len(lib.list()) > 0
    assert all("arxiv-rss" in p.sources for p in lib.list())


def test_add_by_id_fetches_from_the_arxiv_api(lib: Library, httpserver) -> None:
    sample = (Path(__file__).parents[1] / "fixtures" / "arxiv_atom_sample.xml").read_bytes()
    httpserver.expect_request("/api/query").respond_with_data(sample, content_type="application/atom+xml")
    report = lib.add(["https://arxiv.org/abs/1803.03635v5", "hep-th/9901001"])
    assert sorted(report.new) == ["1803.03635", "hep-th/9901001"]
    assert lib.get("1803.03635").version == 5


def test_a_resync_the_same_day_asks_arxiv_nothing_unless_refreshed(lib: Library, httpserver) -> None:
    listing = (Path(__file__).parents[1] / "fixtures" / "arxiv_rss_cs.LG.xml").read_bytes()
    httpserver.expect_request("/rss/cs.LG").respond_with_data(listing, content_type="application/rss+xml")
    httpserver.expect_request("/api/query").respond_with_handler(arxiv_handler(["2509.00001", "2509.00002"]))
    first = [lib.sync("arxiv-rss", category="cs.LG"), lib.sync("arxiv", since=DAY, category="cs.LG")]
    asked = len(httpserver.log)
    again = [lib.sync("arxiv-rss", category="cs.LG"), lib.sync("arxiv", since=DAY, category="cs.LG")]
    assert len(httpserver.log) == asked  # the loopback arXiv saw no second request
    assert [r.fetched for r in again] == [r.fetched for r in first] and all(r.fetched for r in first)
    assert (last_run(lib).status, last_run(lib).fetched) == ("ok", 2)
    lib.sync("arxiv-rss", category="cs.LG", refresh=True)
    assert [r.path for r, _ in httpserver.log[asked:]] == ["/rss/cs.LG"]
    assert list((lib.path / "cache" / "feeds").glob("*.answer"))


def test_a_wait_for_a_spent_rate_limit_is_reported_as_progress(lib: Library, httpserver) -> None:
    items = hf_items(60)
    spent = {"RateLimit": '"api";r=0;t=0.05', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'}
    httpserver.expect_ordered_request("/api/daily_papers").respond_with_json(items[:50], headers=spent)
    httpserver.expect_ordered_request("/api/daily_papers").respond_with_handler(paged_handler(items))
    seen: list[tuple[str, int, int | None]] = []
    report = lib.sync("hf", date=DAY, progress=lambda what, done, total: seen.append((what, done, total)))
    assert len(report.new) == 60
    assert ("Waiting 1 s for the HF Daily Papers rate limit", 0, None) in seen


def test_syncing_the_sample_day_after_a_first_launch_updates_nothing_and_drops_the_sample_marks(
    lib: Library, httpserver: HTTPServer, sample_feed: Path
) -> None:
    """The first launch brings the sample day; syncing that very day from the feed changes no paper's
    metadata, so it reports 0 updated (it said 43), though the papers are no longer samples. A second
    sync of the unchanged day reports 0 updated too."""
    assert lib.import_sample_if_empty() is not None
    serve_day(httpserver, json.loads(sample_feed.read_text("utf-8")))
    first = lib.sync("hf", date=DAY)
    assert (first.fetched, len(first.new), first.updated) == (43, 0, [])
    assert not any(paper.is_sample for paper in lib.rows(lib.list_ids()))
    again = lib.sync("hf", date=DAY)
    assert (again.fetched, len(again.new), again.updated) == (43, 0, [])
    assert (last_run(lib).fetched, last_run(lib).updated) == (43, 0)
