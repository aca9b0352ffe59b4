"""The Daily Papers client against a loopback server that pages like the real API."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
from feeds_support import (
    FIXTURES,
    base_url,
    hf_items,
    lying_length,
    paged_handler,
)
from pytest_httpserver import HTTPServer

from readerapp.config import load_config
from readerapp.errors import Cancelled, FormatError, NotFoundError, QueryError
from readerapp.feeds.hf_daily import fetch_daily, fetch_paper, window_param
from readerapp.feeds.http import FeedClient, make_client
from readerapp.records import Skipped

pytest_plugins = ["feeds_fixtures"]  # its fixtures: feed_client, fake_time

DAILY = "/api/daily_papers"


def test_a_day_of_120_papers_arrives_over_3_pages(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    items = hf_items(120)
    httpserver.expect_request(
        DAILY, query_string={"date": "2025-09-16", "limit": "50", "p": "0"}
    ).respond_with_json(items[:50])
    httpserver.expect_request(DAILY).respond_with_handler(paged_handler(items))
    result = fetch_daily(feed_client, date="2025-09-16")
    assert len(result.records) == 120
    assert result.pages == 3
    assert (result.source, result.window) == ("hf", "date=2025-09-16")
    assert [r.arxiv_id for r in result.records] == [item["paper"]["id"] for item in items]
    assert {r.feed_day for r in result.records} == {dt.date(2025, 9, 16)}
    pages = [request.args["p"] for request, _ in httpserver.log]
    assert pages == ["0", "1", "2"]


def test_a_full_last_page_ends_with_an_empty_page(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    httpserver.expect_request(DAILY).respond_with_handler(paged_handler(hf_items(100)))
    result = fetch_daily(feed_client, date=dt.date(2025, 9, 16))
    assert (len(result.records), result.pages) == (100, 3)


def test_an_empty_day_is_an_empty_result(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    httpserver.expect_request(DAILY).respond_with_json([])
    result = fetch_daily(feed_client, date="2025-09-20")
    assert result.records == [] and result.pages == 1


def test_the_real_fixture_day_parses(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    day = json.loads((FIXTURES / "hf_daily_papers_2025-09-16.json").read_text("utf-8"))
    httpserver.expect_request(DAILY).respond_with_json(day)
    result = fetch_daily(feed_client, date="2025-09-16")
    assert len(result.records) == 43 and result.records[0].arxiv_id == "2303.11156"


@pytest.mark.parametrize(
    ("window", "param"), [({"week": "2025-W38"}, "week"), ({"month": "2025-09"}, "month")]
)
def test_week_and_month_windows_page_and_dedupe_overlapping_papers(
    feed_client: FeedClient, httpserver: HTTPServer, window: dict[str, str], param: str
) -> None:
    # Two days' worth where the second page repeats ten papers of the first (a paper on two days).
    items = hf_items(50) + hf_items(10, start=40) + hf_items(20, start=50)
    httpserver.expect_request(
        DAILY, query_string={param: window[param], "limit": "50", "p": "0"}
    ).respond_with_json(items[:50])
    httpserver.expect_request(DAILY).respond_with_handler(paged_handler(items))
    result = fetch_daily(feed_client, **window)
    assert len(result.records) == 70
    assert len({r.arxiv_id for r in result.records}) == 70
    assert result.window == f"{param}={window[param]}"
    assert result.pages == 2


def test_a_server_that_ignores_the_page_parameter_does_not_loop(
    feed_client: FeedClient, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(DAILY).respond_with_json(hf_items(50))
    result = fetch_daily(feed_client, date="2025-09-16")
    assert (len(result.records), result.pages) == (50, 2)


def test_submitter_and_sort_are_passed_on(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        DAILY, query_string={"limit": "10", "p": "0", "submitter": "akhaliq", "sort": "trending"}
    ).respond_with_json(hf_items(3))
    result = fetch_daily(feed_client, submitter="akhaliq", sort="trending", limit=10)
    assert len(result.records) == 3 and result.window == "latest"


@pytest.mark.parametrize(
    "window",
    [
        {"date": "2025-13-01"},
        {"date": "16/09/2025"},
        {"date": "2025-9-16"},
        {"week": "2025-38"},
        {"week": "2025-W54"},
        {"week": "2021-W53"},  # 2021 has 52 ISO weeks
        {"month": "2025-00"},
        {"month": "2025-9"},
        {"date": "2025-09-16", "week": "2025-W38"},
    ],
)
def test_bad_windows_get_a_clear_error_before_any_request(
    feed_client: FeedClient, httpserver: HTTPServer, window: dict[str, str]
) -> None:
    with pytest.raises(QueryError):
        fetch_daily(feed_client, **window)
    assert httpserver.log == []


def test_window_param_accepts_real_windows() -> None:
    assert window_param(week="2020-W53") == ("week", "2020-W53")
    assert window_param(month=" 2025-09 ") == ("month", "2025-09")
    assert window_param(date=dt.date(2024, 2, 29)) == ("date", "2024-02-29")
    assert window_param() is None


def test_malformed_json_is_a_format_error(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    httpserver.expect_request(DAILY).respond_with_data(
        '[{"paper": {"id": "2509.0', content_type="application/json"
    )
    with pytest.raises(FormatError, match=r"^HF Daily Papers: malformed JSON from http://"):
        fetch_daily(feed_client, date="2025-09-16")


def test_hostile_nesting_is_a_format_error(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    httpserver.expect_request(DAILY).respond_with_data("[" * 100_000, content_type="application/json")
    with pytest.raises(FormatError):
        fetch_daily(feed_client, date="2025-09-16")


def test_an_object_instead_of_a_list_is_a_format_error(
    feed_client: FeedClient, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(DAILY).respond_with_json({"error": "Something"})
    with pytest.raises(FormatError, match="expected a list of papers"):
        fetch_daily(feed_client, date="2025-09-16")


def test_a_broken_item_is_skipped_and_named(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    httpserver.expect_request(DAILY).respond_with_json([{"paper": {"title": "no id"}}, *hf_items(2)])
    result = fetch_daily(feed_client, date="2025-09-16")
    assert [r.arxiv_id for r in result.records] == ["2509.00000", "2509.00001"]
    assert result.skipped == [Skipped("item 0", "'paper': 'id' is missing")]


def test_a_page_dropped_mid_body_is_fetched_again(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    body = json.dumps(hf_items(5)).encode()
    httpserver.expect_ordered_request(DAILY).respond_with_handler(
        lambda _: lying_length(body[:100], len(body))
    )
    httpserver.expect_ordered_request(DAILY).respond_with_json(hf_items(5))
    assert len(fetch_daily(feed_client, date="2025-09-16").records) == 5


def test_fetch_paper_reads_the_unwrapped_paper(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    paper = hf_items(1)[0]["paper"]
    httpserver.expect_request("/api/papers/2509.00000").respond_with_json(paper)
    record = fetch_paper(feed_client, "https://arxiv.org/abs/2509.00000v2")
    assert record.arxiv_id == "2509.00000"


def test_fetch_paper_of_an_unknown_id_is_not_found(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/papers/2509.99999").respond_with_json({"error": "Not found"}, 404)
    with pytest.raises(NotFoundError, match=r"no paper 2509\.99999"):
        fetch_paper(feed_client, "2509.99999")
    with pytest.raises(QueryError):
        fetch_paper(feed_client, "not an id")


def test_cancel_between_pages_stops_the_fetch(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(DAILY).respond_with_handler(paged_handler(hf_items(120)))
    cancel = threading.Event()
    config = load_config(tmp_path, hf_url=base_url(httpserver))

    def on_page(source: str, pages: int) -> None:
        assert source == "HF Daily Papers"
        if pages == 1:
            cancel.set()  # the user presses Cancel while the first page is being parsed

    with make_client(config, cancel=cancel, progress=on_page) as client, pytest.raises(Cancelled):
        fetch_daily(client, date="2025-09-16")
    assert len(httpserver.log) == 1


def test_make_client_defaults_to_the_default_librarys_settings() -> None:
    with make_client() as client:
        assert client.config.hf_url == "http://127.0.0.1:9"  # from READERAPP_HF_URL (tests/conftest.py)
