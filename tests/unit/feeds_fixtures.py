"""Fixtures of the feed client tests (loaded with ``pytest_plugins``; helpers live in feeds_support)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from feeds_support import FakeTime, loopback_client
from pytest_httpserver import HTTPServer

from readerapp.feeds.http import FeedClient


@pytest.fixture
def fake_time() -> FakeTime:
    """Time for one test: every wait the client asks for is recorded, none is slept."""
    return FakeTime()


@pytest.fixture
def feed_client(httpserver: HTTPServer, tmp_path: Path, fake_time: FakeTime) -> Iterator[FeedClient]:
    """A client aimed at the loopback ``httpserver``, closed after the test."""
    with loopback_client(httpserver, tmp_path, fake_time) as client:
        yield client
