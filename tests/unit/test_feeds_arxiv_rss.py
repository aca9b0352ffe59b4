"""The arXiv RSS client against a loopback server: categories, announce types, empty days."""

from __future__ import annotations

import pytest
from feeds_support import FIXTURES
from pytest_httpserver import HTTPServer

from readerapp.errors import FormatError, QueryError
from readerapp.feeds.arxiv_rss import fetch_listing
from readerapp.feeds.http import FeedClient

pytest_plugins = ["feeds_fixtures"]  # its fixtures: feed_client, fake_time

RSS = "application/rss+xml"
LISTING = (FIXTURES / "arxiv_rss_cs.LG.xml").read_bytes()


@pytest.mark.parametrize(
    ("announce_types", "expected"),
    [
        (("new", "cross"), 4),  # the daily triage: 3 new and 1 cross-listed
        (("replace", "replace-cross"), 2),
        (None, 6),
    ],
)
def test_announce_types_are_filtered(
    feed_client: FeedClient, httpserver: HTTPServer, announce_types: tuple[str, ...] | None, expected: int
) -> None:
    httpserver.expect_request("/rss/cs.LG").respond_with_data(LISTING, content_type=RSS)
    result = fetch_listing(feed_client, "cs.LG", announce_types)
    assert len(result.records) == expected
    assert (result.source, result.window, result.pages) == ("arxiv-rss", "cs.LG", 1)


def test_the_default_keeps_new_and_cross(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/rss/cs.LG").respond_with_data(LISTING, content_type=RSS)
    ids = [r.arxiv_id for r in fetch_listing(feed_client, ["cs.LG"]).records]
    assert "2509.09488" in ids and len(ids) == 4


def test_several_categories_are_one_request_joined_with_plus(
    feed_client: FeedClient, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/rss/cs.LG+cs.CL+hep-th").respond_with_data(LISTING, content_type=RSS)
    result = fetch_listing(feed_client, ["cs.LG cs.CL", "hep-th", "cs.LG"])
    assert result.window == "cs.LG+cs.CL+hep-th" and len(result.records) == 4
    assert len(httpserver.log) == 1


def test_an_empty_weekend_listing_is_an_empty_result(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    weekend = (FIXTURES / "arxiv_rss_empty_weekend.xml").read_bytes()
    httpserver.expect_request("/rss/cs.LG").respond_with_data(weekend, content_type=RSS)
    result = fetch_listing(feed_client, "cs.LG")
    assert result.records == [] and result.pages == 1


@pytest.mark.parametrize("categories", ["", [], "cs.LG/../../etc", "cs.LG?x=1", "CS LG!"])
def test_bad_categories_are_refused_before_any_request(
    feed_client: FeedClient, httpserver: HTTPServer, categories: str | list[str]
) -> None:
    with pytest.raises(QueryError):
        fetch_listing(feed_client, categories)
    assert httpserver.log == []


def test_an_html_page_instead_of_rss_is_a_format_error(
    feed_client: FeedClient, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/rss/cs.LG").respond_with_data(
        "<html><body>Oops</body></html>", content_type="text/html"
    )
    with pytest.raises(FormatError, match=r"^arXiv RSS: .*\(from http://"):
        fetch_listing(feed_client, "cs.LG")
