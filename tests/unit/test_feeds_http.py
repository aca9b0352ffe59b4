"""The shared HTTP client against a real loopback server: retries, waits, truncation, timeouts, limits."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from feeds_support import FakeTime, base_url, loopback_client, lying_length
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from readerapp.config import load_config
from readerapp.errors import Cancelled, FeedError, NotFoundError
from readerapp.feeds.http import MAX_RETRY_AFTER, FeedClient, HostThrottle, retry_after_seconds

pytest_plugins = ["feeds_fixtures"]  # its fixtures: feed_client, fake_time

SOURCE = "HF Daily Papers"


def test_sends_a_user_agent_that_names_the_app_and_the_contact(
    httpserver: HTTPServer, tmp_path: Path, fake_time: FakeTime
) -> None:
    httpserver.expect_request("/ua").respond_with_data("ok")
    with loopback_client(httpserver, tmp_path, fake_time, contact="me@example.org") as feed_client:
        feed_client.get(httpserver.url_for("/ua"), source=SOURCE)
    agent = httpserver.log[0][0].headers["User-Agent"]
    assert agent.startswith("readerapp/")
    assert "(+http" in agent and "mailto:me@example.org" in agent


def test_429_with_retry_after_is_honoured_then_succeeds(
    feed_client: FeedClient, httpserver: HTTPServer, fake_time: FakeTime
) -> None:
    httpserver.expect_ordered_request("/p").respond_with_data("slow down", 429, {"Retry-After": "7"})
    httpserver.expect_ordered_request("/p").respond_with_data("[]")
    response = feed_client.get(httpserver.url_for("/p"), source=SOURCE)
    assert response.text == "[]"
    assert fake_time.sleeps == [7.0]


def test_retry_after_as_an_http_date_is_honoured(
    feed_client: FeedClient, httpserver: HTTPServer, fake_time: FakeTime
) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    httpserver.expect_ordered_request("/p").respond_with_data("", 503, {"Retry-After": later})
    httpserver.expect_ordered_request("/p").respond_with_data("ok")
    feed_client.get(httpserver.url_for("/p"), source=SOURCE)
    assert len(fake_time.sleeps) == 1 and 15 <= fake_time.sleeps[0] <= 20


def test_500_every_time_gives_up_after_the_configured_retries_with_one_clear_line(
    feed_client: FeedClient, httpserver: HTTPServer, fake_time: FakeTime
) -> None:
    httpserver.expect_request("/p").respond_with_data("boom", 500)
    url = httpserver.url_for("/p")
    with pytest.raises(FeedError) as caught:
        feed_client.get(url, source=SOURCE)
    assert str(caught.value) == f"{SOURCE}: HTTP 500 from {url} after 4 retries"
    assert len(httpserver.log) == 5
    # Exponential backoff with jitter: each wait lies in [ceiling/2, ceiling], ceilings 1, 2, 4, 8.
    assert len(fake_time.sleeps) == 4
    for wait, ceiling in zip(fake_time.sleeps, (1, 2, 4, 8), strict=True):
        assert ceiling / 2 <= wait <= ceiling


def test_a_body_cut_short_is_retried(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/p").respond_with_handler(lambda _: lying_length(b"[{", 4000))
    httpserver.expect_ordered_request("/p").respond_with_data("[]")
    assert feed_client.get(httpserver.url_for("/p"), source=SOURCE).text == "[]"


def test_a_body_always_cut_short_ends_in_a_feed_error(
    httpserver: HTTPServer, tmp_path: Path, fake_time: FakeTime
) -> None:
    httpserver.expect_request("/p").respond_with_handler(lambda _: lying_length(b"[{", 4000))
    with (
        loopback_client(httpserver, tmp_path, fake_time, retries=1) as feed_client,
        pytest.raises(FeedError, match=r"connection dropped .* after 1 retry$"),
    ):
        feed_client.get(httpserver.url_for("/p"), source=SOURCE)
    assert len(httpserver.log) == 2


def test_not_found_and_other_client_errors_are_not_retried(
    feed_client: FeedClient, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/missing").respond_with_data("no", 404)
    httpserver.expect_request("/bad").respond_with_json({"error": "Invalid date"}, 400)
    with pytest.raises(NotFoundError, match="HTTP 404"):
        feed_client.get(httpserver.url_for("/missing"), source=SOURCE)
    with pytest.raises(FeedError, match=r"HTTP 400 from .*Invalid date"):
        feed_client.get(httpserver.url_for("/bad"), source=SOURCE)
    assert len(httpserver.log) == 2


def test_a_refused_connection_is_retried_then_reported(tmp_path: Path, fake_time: FakeTime) -> None:
    config = load_config(tmp_path, retries=2)  # conftest points every endpoint at port 9: nothing listens
    with (
        FeedClient(config, sleep=fake_time.sleep, throttle=HostThrottle(fake_time.clock)) as feed_client,
        pytest.raises(FeedError, match=r"^arXiv API: cannot connect .* after 2 retries$"),
    ):
        feed_client.get(f"{config.arxiv_api_url}/api/query", source="arXiv API")
    assert len(fake_time.sleeps) == 2


def test_an_unknown_host_fails_at_once_without_retries(tmp_path: Path, fake_time: FakeTime) -> None:
    """Offline (or a mistyped feed URL) the name lookup fails: retrying it only delays the message."""
    config = load_config(tmp_path, retries=3)
    with (
        FeedClient(config, sleep=fake_time.sleep, throttle=HostThrottle(fake_time.clock)) as feed_client,
        pytest.raises(FeedError, match=r"^HF Daily Papers: cannot find papers\.invalid \(offline, or no"),
    ):
        feed_client.get("http://papers.invalid/api/daily_papers", source=SOURCE)  # .invalid never resolves
    assert fake_time.sleeps == []


@pytest.fixture
def stalled_server() -> Iterator[tuple[HTTPServer, threading.Event]]:
    """A server of its own whose handler hangs until released, so a hung request never blocks others."""
    release = threading.Event()
    server = HTTPServer(threaded=True)

    def hang(_: Request) -> Response:
        release.wait(30)
        return Response("late")

    server.expect_request("/slow").respond_with_handler(hang)
    server.start()
    yield server, release
    release.set()
    server.stop()


def test_a_timeout_is_retried_then_reported(
    stalled_server: tuple[HTTPServer, threading.Event], tmp_path: Path, fake_time: FakeTime
) -> None:
    server, _ = stalled_server
    with (
        loopback_client(server, tmp_path, fake_time, timeout=0.2, retries=1) as feed_client,
        pytest.raises(FeedError, match=r"no answer within 0.2 s from .* after 1 retry$"),
    ):
        feed_client.get(server.url_for("/slow"), source=SOURCE)
    assert len(fake_time.sleeps) == 1


def test_arxiv_hosts_get_one_request_per_interval(
    httpserver: HTTPServer, tmp_path: Path, fake_time: FakeTime
) -> None:
    httpserver.expect_request("/api/query").respond_with_data("<feed/>")
    with loopback_client(httpserver, tmp_path, fake_time, arxiv_delay=3.0) as feed_client:
        for _ in range(3):
            feed_client.get(f"{base_url(httpserver)}/api/query", source="arXiv API")
    assert fake_time.sleeps == [3.0, 3.0]


def test_only_arxiv_hosts_are_spaced(tmp_path: Path) -> None:
    config = load_config(
        tmp_path,
        hf_url="https://huggingface.co",
        arxiv_api_url="https://export.arxiv.org",
        arxiv_rss_url="https://rss.arxiv.org",
        pdf_url="https://arxiv.org/pdf/{id}",
        arxiv_delay=3.0,
    )
    with FeedClient(config) as feed_client:
        assert feed_client.min_interval("export.arxiv.org") == 3.0
        assert feed_client.min_interval("rss.arxiv.org") == 3.0
        assert feed_client.min_interval("arxiv.org:443") == 3.0
        assert feed_client.min_interval("huggingface.co") == 0.0
        assert feed_client.min_interval("notarxiv.org") == 0.0


def test_the_throttle_spaces_concurrent_callers() -> None:
    throttle = HostThrottle(clock=lambda: 100.0)
    waits: list[float] = []
    lock = threading.Lock()

    def book() -> None:
        wait = throttle.reserve("export.arxiv.org", 3.0)
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=book) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits) == [3.0 * n for n in range(20)]
    assert throttle.reserve("huggingface.co", 0.0) == 0.0


def test_retry_after_parsing() -> None:
    now = datetime(2025, 9, 16, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds("Tue, 16 Sep 2025 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Tue, 16 Sep 2025 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("86400") == MAX_RETRY_AFTER
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("") is None
    assert retry_after_seconds(None) is None


def test_cancel_stops_before_the_next_request(feed_client: FeedClient, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data("ok")
    feed_client.cancel()
    with pytest.raises(Cancelled):
        feed_client.get(httpserver.url_for("/p"), source=SOURCE)
    assert httpserver.log == []


def test_cancel_during_a_backoff_wait_stops_the_retries(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/p").respond_with_data("", 503, {"Retry-After": "60"})
    cancel = threading.Event()
    config = load_config(tmp_path, hf_url=base_url(httpserver))
    # The default sleep waits on the cancel event, so a cancel from another thread ends a long wait.
    with FeedClient(config, cancel=cancel, throttle=HostThrottle()) as feed_client:
        started = time.monotonic()
        threading.Timer(0.05, cancel.set).start()
        with pytest.raises(Cancelled):
            feed_client.get(httpserver.url_for("/p"), source=SOURCE)
    assert time.monotonic() - started < 30  # the 60 s wait was cut short
    assert len(httpserver.log) == 1


def test_progress_counts_pages(httpserver: HTTPServer, tmp_path: Path, fake_time: FakeTime) -> None:
    httpserver.expect_request("/p").respond_with_data("ok")
    seen: list[tuple[str, int]] = []
    config = load_config(tmp_path, hf_url=base_url(httpserver))
    with FeedClient(config, progress=lambda s, n: seen.append((s, n)), sleep=fake_time.sleep) as feed_client:
        feed_client.get(httpserver.url_for("/p"), source=SOURCE)
        feed_client.get(httpserver.url_for("/p"), source=SOURCE)
    assert seen == [(SOURCE, 1), (SOURCE, 2)]


def test_an_oversized_answer_is_refused_not_buffered(
    httpserver: HTTPServer, tmp_path: Path, fake_time: FakeTime
) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 50_000)
    config = load_config(tmp_path, hf_url=base_url(httpserver))
    with (
        FeedClient(config, sleep=fake_time.sleep, max_body=10_000) as feed_client,
        pytest.raises(FeedError, match=r"larger than 10,000 bytes"),
    ):
        feed_client.get(httpserver.url_for("/big"), source=SOURCE)
    assert len(httpserver.log) == 1  # not retried: the next answer would be as big
