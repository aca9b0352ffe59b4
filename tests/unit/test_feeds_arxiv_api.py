"""The arXiv export API client against a loopback server: id batches, paged search, errors, spacing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from feeds_support import FIXTURES, FakeTime, arxiv_handler, atom_feed, loopback_client
from pytest_httpserver import HTTPServer

from readerapp.errors import FeedError, FormatError, QueryError
from readerapp.feeds.arxiv_api import fetch_ids, fetch_since, search, since_query
from readerapp.feeds.http import FeedClient

pytest_plugins = ["feeds_fixtures"]  # its fixtures: feed_client, fake_time

QUERY = "/api/query"
ATOM = "application/atom+xml"


def new_ids(count: int) -> list[str]:
    return [f"2509.{n:05d}" for n in range(1, count + 1)]


def test_fetch_ids_asks_for_every_id_in_one_call(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    ids = ["1803.03635", "2202.09778", "1411.2664", "2404.02151", "hep-th/9901001", "math/0611800"]
    httpserver.expect_request(
        QUERY, query_string={"id_list": ",".join(ids), "start": "0", "max_results": "6"}
    ).respond_with_data((FIXTURES / "arxiv_atom_sample.xml").read_bytes(), content_type=ATOM)
    result = fetch_ids(feed_client, [*ids[:-1], "math.CA/0611800"])  # the subject class is an alias
    assert [r.arxiv_id for r in result.records] == ids
    assert (result.source, result.pages) == ("arxiv", 1)


def test_fetch_ids_batches_normalises_and_spaces_its_requests(
    httpserver: HTTPServer, tmp_path: Path, fake_time: FakeTime
) -> None:
    httpserver.expect_request(QUERY).respond_with_handler(arxiv_handler([]))
    wanted = ["2509.00001", "https://arxiv.org/abs/2509.00002", "arXiv:2509.00003", "2509.00001"]
    wanted += ["2509.00004v2", "2509.00005"]
    with loopback_client(httpserver, tmp_path, fake_time, arxiv_delay=3.0) as client:
        result = fetch_ids(client, wanted, batch_size=2)
    assert [r.arxiv_id for r in result.records] == new_ids(5)
    batches = [request.args["id_list"] for request, _ in httpserver.log]
    assert batches == ["2509.00001,2509.00002", "2509.00003,2509.00004v2", "2509.00005"]
    assert fake_time.sleeps == [3.0, 3.0]  # one request every 3 s, and no wait before the first
    assert result.window == "id_list=2509.00001,2509.00002,2509.00003,2509.00004v2,2509.00005"


def test_bad_ids_are_refused_before_any_request(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    with pytest.raises(QueryError, match="not arXiv ids: 'nonsense'"):
        fetch_ids(feed_client, ["2509.00001", "nonsense"])
    assert httpserver.log == []


def test_the_error_feed_is_a_feed_error(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    error_feed = (FIXTURES / "arxiv_atom_error.xml").read_bytes()
    httpserver.expect_request(QUERY).respond_with_data(error_feed, content_type=ATOM)
    with pytest.raises(FeedError, match=r"^arXiv API: .*incorrect id format for 1234\.12345"):
        search(feed_client, "id:1234.12345")
    assert len(httpserver.log) == 1  # an error feed is an answer, not a hiccup: no retry


def test_malformed_xml_is_a_format_error(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    httpserver.expect_request(QUERY).respond_with_data("<feed><entry>", content_type=ATOM)
    with pytest.raises(FormatError, match=r"^arXiv API: .*\(from http://"):
        search(feed_client, "ti:diffusion")


def test_search_pages_with_start_until_the_total(
    httpserver: HTTPServer, tmp_path: Path, fake_time: FakeTime
) -> None:
    httpserver.expect_request(QUERY).respond_with_handler(arxiv_handler(new_ids(250)))
    with loopback_client(httpserver, tmp_path, fake_time, arxiv_delay=3.0) as client:
        result = search(client, "cat:cs.LG", max_results=1000)
    assert [r.arxiv_id for r in result.records] == new_ids(250)
    assert [request.args["start"] for request, _ in httpserver.log] == ["0", "100", "200"]
    first = httpserver.log[0][0].args
    assert (first["search_query"], first["sortBy"], first["sortOrder"]) == (
        "cat:cs.LG",
        "submittedDate",
        "descending",
    )
    assert result.pages == 3
    assert fake_time.sleeps == [3.0, 3.0]


def test_search_stops_at_max_results(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    httpserver.expect_request(QUERY).respond_with_handler(arxiv_handler(new_ids(250)))
    result = search(feed_client, "cat:cs.LG", start=10, max_results=150, page_size=100)
    assert [r.arxiv_id for r in result.records] == new_ids(160)[10:]
    sizes = [(request.args["start"], request.args["max_results"]) for request, _ in httpserver.log]
    assert sizes == [("10", "100"), ("110", "50")]


def test_a_false_empty_first_page_is_asked_for_once_more(
    feed_client: FeedClient, httpserver: HTTPServer
) -> None:
    httpserver.expect_ordered_request(QUERY).respond_with_data(atom_feed([], total=0), content_type=ATOM)
    httpserver.expect_ordered_request(QUERY).respond_with_handler(arxiv_handler(new_ids(3)))
    result = search(feed_client, "all:electron")
    assert len(result.records) == 3 and result.pages == 2


def test_an_empty_answer_twice_is_an_empty_result(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    httpserver.expect_request(QUERY).respond_with_data(atom_feed([], total=0), content_type=ATOM)
    result = search(feed_client, "ti:nothingmatchesthis")
    assert result.records == [] and result.pages == 2
    assert len(httpserver.log) == 2


def test_a_plain_503_from_arxiv_is_retried(
    feed_client: FeedClient, httpserver: HTTPServer, fake_time: FakeTime
) -> None:
    httpserver.expect_ordered_request(QUERY).respond_with_data("busy", 503, {"Retry-After": "5"})
    httpserver.expect_ordered_request(QUERY).respond_with_handler(arxiv_handler(new_ids(2)))
    assert len(search(feed_client, "cat:cs.LG").records) == 2
    assert fake_time.sleeps == [5.0]


def test_since_query_and_fetch_since(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    query = since_query("cs.LG+cs.CL", dt.date(2025, 9, 10), dt.date(2025, 9, 16))
    assert query == "(cat:cs.LG OR cat:cs.CL) AND submittedDate:[202509100000 TO 202509162359]"
    httpserver.expect_request(QUERY).respond_with_handler(arxiv_handler(new_ids(4)))
    result = fetch_since(feed_client, ["cs.LG", "cs.CL"], dt.date(2025, 9, 10), dt.date(2025, 9, 16))
    assert len(result.records) == 4
    assert httpserver.log[0][0].args["search_query"] == query


@pytest.mark.parametrize(
    "kwargs",
    [
        {"query": " "},
        {"query": "ti:x", "sort_by": "date"},
        {"query": "ti:x", "sort_order": "up"},
        {"query": "ti:x", "page_size": 5000},
        {"query": "ti:x", "start": -1},
    ],
)
def test_bad_search_arguments_are_refused(
    feed_client: FeedClient, httpserver: HTTPServer, kwargs: dict[str, object]
) -> None:
    with pytest.raises(QueryError):
        search(feed_client, **kwargs)  # type: ignore[arg-type]
    assert httpserver.log == []


def test_bad_since_windows_are_refused() -> None:
    with pytest.raises(QueryError):
        since_query("cs.LG", dt.date(2025, 9, 16), dt.date(2025, 9, 1))
    with pytest.raises(QueryError, match="not an arXiv category"):
        since_query("cs.LG) OR (all:x", dt.date(2025, 9, 1))
