"""Helpers for the PDF tests: a library of a few papers, a client whose waits are recorded instead
of slept (or noted and slept), and loopback handlers that hold an answer, resume with Range or cut answers
short."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

from feeds_support import FakeTime, base_url
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from readerapp import Library
from readerapp.feeds.http import HostThrottle
from readerapp.pdfs.download import PdfClient
from readerapp.pdfs.service import PdfFetchReport


def hf_item(paper_id: str, title: str, authors: tuple[str, ...] = ("Ada Lovelace",)) -> dict[str, Any]:
    return {
        "paper": {
            "id": paper_id,
            "title": title,
            "summary": "An abstract about attention heads.",
            "authors": [{"name": name} for name in authors],
            "publishedAt": "2025-09-15T17:59:00.000Z",
            "upvotes": 3,
        },
        "title": title,
    }


def library_with(tmp_path: Path, server: HTTPServer, items: list[dict[str, Any]], **settings: Any) -> Library:
    """A library holding ``items`` (Daily Papers shape) whose PDF URLs point at ``server``."""
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(items), "utf-8")
    settings.setdefault("pdf_url", f"{base_url(server)}/pdf/{{id}}")
    library = Library.open(tmp_path / "lib", **settings)
    library.import_file(feed)
    return library


def recording_client(library: Library, fake: FakeTime, **settings: Any) -> PdfClient:
    """A PDF client over the library's settings (overridable) that records waits instead of sleeping."""
    from dataclasses import replace

    config = replace(library.config, **settings)
    return PdfClient(config, sleep=fake.sleep, throttle=HostThrottle(fake.clock))


class HeldPdf:
    """Answers with ``body`` only once ``release`` is set: a download in flight for as long as a test
    needs. ``started`` says a request came; ``ranges`` records each request's Range header."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.started, self.release = threading.Event(), threading.Event()
        self.ranges: list[str | None] = []

    def __call__(self, request: Request) -> Response:
        self.ranges.append(request.headers.get("Range"))
        self.started.set()
        self.release.wait(60)
        return Response(self.body, content_type="application/pdf")


class WaitingFetch:
    """``library.fetch_pdfs(ids)`` started on a thread with a client whose sleeps are noted, then really
    slept: ``waiting`` is set once it waits for another fetch of the same paper, no test sleeping."""

    def __init__(self, library: Library, ids: list[str]) -> None:
        self.waiting = threading.Event()
        self._client = PdfClient(library.config, sleep=self._sleep)
        self._reports: list[PdfFetchReport] = []
        self._thread = threading.Thread(
            target=lambda: self._reports.append(library.fetch_pdfs(ids, client=self._client))
        )
        self._thread.start()

    def _sleep(self, seconds: float) -> None:
        self.waiting.set()
        threading.Event().wait(seconds)

    def report(self) -> PdfFetchReport:
        """Its report, once it has finished."""
        self._thread.join(60)
        self._client.close()
        return self._reports[0]


class RangeServer:
    """Serves one PDF honouring ``Range``; the first ``cut`` answers stop after ``cut_at`` bytes while
    announcing the whole length (the connection drops). Records every Range header it saw."""

    def __init__(self, body: bytes, *, cut: int = 0, cut_at: int = 0, honour_range: bool = True) -> None:
        self.body = body
        self.cut = cut
        self.cut_at = cut_at
        self.honour_range = honour_range
        self.ranges: list[str | None] = []
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        with self._lock:
            self.ranges.append(request.headers.get("Range"))
            cutting = self.cut > 0
            self.cut -= 1
        start = 0
        match = re.fullmatch(r"bytes=(\d+)-", request.headers.get("Range", ""))
        if match and self.honour_range:
            start = int(match[1])
        chunk = self.body[start:]
        sent = chunk[: self.cut_at] if cutting else chunk
        response = Response(sent, status=206 if start else 200, content_type="application/pdf")
        response.headers["Content-Length"] = str(len(chunk))
        if start:
            response.headers["Content-Range"] = f"bytes {start}-{len(self.body) - 1}/{len(self.body)}"
        return response
