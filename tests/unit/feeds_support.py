"""Helpers for the feed client tests: a config aimed at the loopback server and time that never waits."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from readerapp import Library
from readerapp.config import load_config
from readerapp.feeds.cache import AnswerCache
from readerapp.feeds.http import FeedClient, HostThrottle, Notice

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@dataclass
class FakeTime:
    """A clock that only moves when the client sleeps, recording every requested wait."""

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def base_url(server: HTTPServer) -> str:
    return server.url_for("/").rstrip("/")


def loopback_client(
    server: HTTPServer,
    tmp_path: Path,
    fake: FakeTime,
    *,
    cache: AnswerCache | None = None,
    notice: Notice | None = None,
    **settings: Any,
) -> FeedClient:
    """A client whose every endpoint is ``server``, with fake sleeps and its own throttle."""
    url = base_url(server)
    config = load_config(tmp_path / "library", hf_url=url, arxiv_api_url=url, arxiv_rss_url=url, **settings)
    throttle = HostThrottle(fake.clock)
    return FeedClient(config, sleep=fake.sleep, throttle=throttle, cache=cache, notice=notice)


@contextmanager
def loopback_library(server: HTTPServer, folder: Path, database_url: str = "") -> Iterator[Library]:
    """A library whose every feed is ``server`` (on SQLite, or on ``database_url``)."""
    url = base_url(server)
    settings = {"hf_url": url, "arxiv_api_url": url, "arxiv_rss_url": url, "database_url": database_url}
    with Library.open(folder, **settings) as library:
        yield library


def lying_length(body: bytes, declared: int) -> Response:
    """An answer that promises ``declared`` bytes and sends ``body``: the server then drops the line."""
    response = Response(body, content_type="application/octet-stream")
    response.headers["Content-Length"] = str(declared)
    return response


def hf_items(count: int, *, start: int = 0, day: str = "2025-09-16") -> list[dict[str, Any]]:
    """``count`` Daily Papers items shaped like the real day's fixture, each with a fresh arXiv id."""
    template = json.loads((FIXTURES / "hf_daily_papers_2025-09-16.json").read_text("utf-8"))
    items = []
    for n in range(start, start + count):
        item = json.loads(json.dumps(template[n % len(template)]))
        paper_id = f"2509.{n:05d}"
        item["paper"]["id"] = paper_id
        item["paper"]["title"] = f"{item['paper']['title']} ({paper_id})"
        item["title"] = item["paper"]["title"]
        item["paper"]["submittedOnDailyAt"] = f"{day}T08:00:00.000Z"
        items.append(item)
    return items


def paged_handler(items: list[dict[str, Any]]) -> Any:
    """A ``/api/daily_papers`` handler that pages ``items`` with ``p`` and ``limit`` like the real API."""

    def handle(request: Request) -> Response:
        page = int(request.args.get("p", "0"))
        limit = int(request.args.get("limit", "50"))
        chunk = items[page * limit : (page + 1) * limit]
        return Response(json.dumps(chunk), content_type="application/json")

    return handle


def atom_feed(ids: list[str], *, total: int | None = None, start: int = 0) -> str:
    """An export API answer (namespaces as the current service writes them) with one entry per id."""
    entries = "".join(
        f"""
  <entry>
    <id>http://arxiv.org/abs/{paper_id}v1</id>
    <title>Paper {paper_id}: a
  hard-wrapped title</title>
    <summary>What {paper_id} is about.</summary>
    <published>2025-09-15T17:59:00Z</published>
    <updated>2025-09-15T17:59:00Z</updated>
    <author><name>Ada Lovelace</name></author>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <arxiv:primary_category term="cs.LG"/>
  </entry>"""
        for paper_id in ids
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
      xmlns:arxiv="http://arxiv.org/schemas/atom">
  <id>https://arxiv.org/api/test</id>
  <title>arXiv Query</title>
  <updated>2025-09-16T12:00:00Z</updated>
  <opensearch:itemsPerPage>{len(ids)}</opensearch:itemsPerPage>
  <opensearch:totalResults>{len(ids) if total is None else total}</opensearch:totalResults>
  <opensearch:startIndex>{start}</opensearch:startIndex>{entries}
</feed>"""


def arxiv_handler(ids: list[str]) -> Any:
    """An ``/api/query`` handler: ``id_list`` gets one entry per id asked for; ``search_query`` gets the
    page of ``ids`` that start/max_results select, with the total, like the real API."""

    def handle(request: Request) -> Response:
        if request.args.get("id_list"):
            body = atom_feed([re.sub(r"v\d+$", "", i) for i in request.args["id_list"].split(",")])
        else:
            start = int(request.args.get("start", "0"))
            size = int(request.args.get("max_results", "10"))
            body = atom_feed(ids[start : start + size], total=len(ids), start=start)
        return Response(body, content_type="application/atom+xml")

    return handle
