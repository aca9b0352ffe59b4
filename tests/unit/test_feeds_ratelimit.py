"""Rate-limit headers: a spent budget holds the host until its reset instead of running into a 429;
read from every header style, capped, cancellable and reported. Against a real loopback server."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest
from feeds_support import FakeTime, base_url, hf_items, loopback_client, paged_handler
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from readerapp.config import load_config
from readerapp.errors import Cancelled
from readerapp.feeds.hf_daily import fetch_daily
from readerapp.feeds.http import FeedClient, HostThrottle
from readerapp.feeds.ratelimit import MAX_RATE_LIMIT_WAIT, rate_limit_wait

pytest_plugins = ["feeds_fixtures"]  # its fixtures: feed_client, fake_time

SOURCE = "HF Daily Papers"
NOW = 1_758_000_000.0  # a Unix time, for resets given as one


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"RateLimit": '"api";r=0;t=189', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'}, 189.0),
        ({"RateLimit": '"api";r=489;t=189'}, None),  # budget left: no wait
        ({"RateLimit": '"api";r=12;t=40, "pages";r=0;t=75'}, 75.0),  # the spent policy binds
        ({"RateLimit": '"api"; r=0; t=30, "pages";r=0;t=10'}, 30.0),  # both spent: the later reset
        ({"RateLimit": "limit=100, remaining=0, reset=30"}, 30.0),  # the older draft's dictionary
        ({"RateLimit-Limit": "100", "RateLimit-Remaining": "0", "RateLimit-Reset": "12"}, 12.0),
        ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "25"}, 25.0),
        ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(NOW) + 42)}, 42.0),  # a Unix time
        ({"X-RateLimit-Remaining": "3", "X-RateLimit-Reset": "25"}, None),
        ({"RateLimit": '"api";r=0;t=86400'}, MAX_RATE_LIMIT_WAIT),  # capped
        ({"RateLimit": '"api";r=0'}, None),  # spent, but no reset to wait for: the 429 path decides
        ({"RateLimit": '"api";r=0;t=0'}, None),  # already reset
        ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(NOW) - 5)}, None),  # in the past
        ({"RateLimit": "garbage;;==,,", "X-RateLimit-Remaining": "nan", "X-RateLimit-Reset": "inf"}, None),
        ({}, None),
    ],
)
def test_rate_limit_headers_are_read_in_every_style(headers: dict[str, str], wait: float | None) -> None:
    assert rate_limit_wait(httpx.Headers(headers), now=NOW) == wait


def spent(reset: str = "40") -> dict[str, str]:
    return {"RateLimit": f'"api";r=0;t={reset}', "RateLimit-Policy": '"fixed window";"api";q=500;w=300'}


def test_a_spent_budget_holds_the_next_request_until_the_reset_and_says_so(
    httpserver: HTTPServer, tmp_path: Path, fake_time: FakeTime
) -> None:
    items = hf_items(60)
    httpserver.expect_ordered_request("/api/daily_papers").respond_with_json(items[:50], headers=spent())
    httpserver.expect_ordered_request("/api/daily_papers").respond_with_handler(paged_handler(items))
    notices: list[str] = []
    with loopback_client(httpserver, tmp_path, fake_time, notice=notices.append) as client:
        result = fetch_daily(client, date="2025-09-16")
    assert len(result.records) == 60
    assert fake_time.sleeps == [40.0]
    assert notices == ["Waiting 40 s for the HF Daily Papers rate limit"]
    assert [response.status_code for _, response in httpserver.log] == [200, 200]  # never a 429


def test_a_429_with_only_rate_limit_headers_waits_for_the_reset_not_a_backoff(
    feed_client: FeedClient, httpserver: HTTPServer, fake_time: FakeTime
) -> None:
    httpserver.expect_ordered_request("/p").respond_with_data("slow down", 429, spent("75"))
    httpserver.expect_ordered_request("/p").respond_with_data("[]")
    assert feed_client.get(httpserver.url_for("/p"), source=SOURCE).text == "[]"
    assert fake_time.sleeps == [75.0]


def test_a_longer_retry_after_on_the_429_wins(
    feed_client: FeedClient, httpserver: HTTPServer, fake_time: FakeTime
) -> None:
    httpserver.expect_ordered_request("/p").respond_with_data("", 429, {**spent("20"), "Retry-After": "50"})
    httpserver.expect_ordered_request("/p").respond_with_data("[]")
    feed_client.get(httpserver.url_for("/p"), source=SOURCE)
    assert fake_time.sleeps == [50.0]


def test_the_hold_is_shared_by_every_client_of_the_throttle(
    httpserver: HTTPServer, tmp_path: Path, fake_time: FakeTime
) -> None:
    """Hugging Face counts requests per address, not per client: a second sync waits out the first's."""
    httpserver.expect_ordered_request("/p").respond_with_data("[]", headers=spent("30"))
    httpserver.expect_ordered_request("/p").respond_with_data("[]")
    config = load_config(tmp_path, hf_url=base_url(httpserver))
    throttle = HostThrottle(fake_time.clock)
    for _ in range(2):
        with FeedClient(config, sleep=fake_time.sleep, throttle=throttle) as client:
            client.get(httpserver.url_for("/p"), source=SOURCE)
    assert fake_time.sleeps == [30.0]


def test_a_cancel_ends_the_wait_for_the_reset(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/p").respond_with_data("[]", headers=spent("300"))
    cancel = threading.Event()
    config = load_config(tmp_path, hf_url=base_url(httpserver))

    def cancel_when_told(_text: str) -> None:
        threading.Timer(0.05, cancel.set).start()

    with FeedClient(config, cancel=cancel, throttle=HostThrottle(), notice=cancel_when_told) as client:
        client.get(httpserver.url_for("/p"), source=SOURCE)
        started = time.monotonic()
        with pytest.raises(Cancelled):
            client.get(httpserver.url_for("/p"), source=SOURCE)
    assert time.monotonic() - started < 30  # the 300 s wait was cut short
    assert len(httpserver.log) == 1


def test_an_unspent_budget_never_waits(
    feed_client: FeedClient, httpserver: HTTPServer, fake_time: FakeTime
) -> None:
    def answer(_request: Request) -> Response:
        left = 500 - len(httpserver.log)
        return Response("[]", headers={"RateLimit": f'"api";r={left};t=200'})

    httpserver.expect_request("/p").respond_with_handler(answer)
    for _ in range(5):
        feed_client.get(httpserver.url_for("/p"), source=SOURCE)
    assert fake_time.sleeps == []
