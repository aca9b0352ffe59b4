"""Resumable, polite PDF downloads: stream into a ``.part`` file, resume it with ``Range``.

``PdfClient`` is the feeds' ``FeedClient`` (same User-Agent, timeouts, per-host spacing with the
process-wide arXiv throttle, backoff with jitter, ``Retry-After``, cancellation) with one more method
that streams to disk instead of memory. A dropped connection or a body shorter than announced is
retried from where it stopped; a server that ignores ``Range`` and answers 200 is written from the
start; one that refuses the range (416) gets a fresh download.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from readerapp.disk import no_room
from readerapp.errors import Cancelled, NotFoundError, PdfError
from readerapp.feeds.http import FeedClient, retry_after_seconds
from readerapp.pdfs.naming import MAX_PDF
from readerapp.pdfs.verify import describe_non_pdf

_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")

BytesProgress = Callable[[int, int | None], None]


class _Retry(Exception):
    """An attempt failed in a way worth retrying; the ``.part`` file keeps what arrived."""

    def __init__(self, problem: str, retry_after: float | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.retry_after = retry_after


def check_url(url: str) -> None:
    """Only http(s) is fetched: a feed that says ``file:///etc/passwd`` gets a clear refusal."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise PdfError(f"refusing to fetch {url[:160]!r}: only http and https URLs are fetched")


class PdfClient(FeedClient):
    """A ``FeedClient`` that also downloads large files to disk, resumably."""

    def download(self, url: str, part: Path, on_bytes: BytesProgress | None = None) -> None:
        """Download ``url`` into ``part``, resuming what is already there.

        Raises ``NotFoundError`` for 404/410, ``PdfError`` for an HTML answer, another HTTP error or
        running out of retries (the ``.part`` file is kept for the next try), ``Cancelled`` on cancel.
        """
        check_url(url)
        host = urlsplit(url).netloc.lower()
        retries = max(self.config.retries, 0)
        attempt = 0
        while True:
            self._wait(self._throttle.reserve(host, self.min_interval(host)))
            try:
                self._stream_once(url, part, on_bytes)
                return
            except _Retry as failure:
                if attempt == retries:
                    after = f" after {retries} {'retry' if retries == 1 else 'retries'}" if retries else ""
                    raise PdfError(f"{failure.problem} from {url[:160]}{after}") from None
                wait = failure.retry_after if failure.retry_after is not None else self._backoff(attempt)
                self._wait(wait)
                attempt += 1

    def pause(self, seconds: float) -> None:
        """Wait while another process downloads the same paper: ``Cancelled`` on cancel, and the client's
        own sleep, so tests see the wait."""
        self._wait(seconds)

    def _stream_once(self, url: str, part: Path, on_bytes: BytesProgress | None) -> None:
        have = part.stat().st_size if part.exists() else 0
        headers = {"Accept-Encoding": "identity", "Accept": "application/pdf"}
        if have:
            headers["Range"] = f"bytes={have}-"
        try:
            with self._http.stream("GET", url, headers=headers) as response:
                self._receive(response, url, part, have, on_bytes)
        except httpx.TimeoutException:
            raise _Retry(f"no answer within {self.config.timeout:g} s") from None
        except httpx.ConnectError as exc:
            raise _Retry(f"cannot connect ({exc})") from None
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise _Retry(f"connection dropped ({str(exc) or type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise PdfError(f"{exc} ({url[:160]})") from exc

    def _receive(
        self, response: httpx.Response, url: str, part: Path, have: int, on_bytes: BytesProgress | None
    ) -> None:
        status = response.status_code
        if status == 416 and have:
            part.unlink(missing_ok=True)  # the server will not resume this: start over
            raise _Retry("the server refused to resume", retry_after=0)
        if status == 429 or status >= 500:
            raise _Retry(f"HTTP {status}", retry_after_seconds(response.headers.get("Retry-After")))
        if status in (404, 410):
            raise NotFoundError(f"no PDF at {url[:160]} (HTTP {status})")
        if status not in (200, 206):
            raise PdfError(f"HTTP {status} from {url[:160]}")
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind in ("text/html", "application/xhtml+xml"):
            head = next(response.iter_bytes(), b"")
            raise PdfError(f"{url[:160]} sent {describe_non_pdf(head or b'<html')}")
        start, total = self._span(response, have, part)
        if total is not None and total > MAX_PDF:  # refused before a byte of the body is read
            part.unlink(missing_ok=True)
            cap = f"more than the {MAX_PDF:,} bytes a PDF may have"
            raise PdfError(f"{url[:160]} announces {total:,} bytes, {cap}")
        try:
            received = self._write(response, url, part, start, total, on_bytes)
        except PdfError:  # more than it announced, past MAX_PDF: nothing worth resuming
            part.unlink(missing_ok=True)
            raise
        except OSError as exc:
            full = no_room(exc, part)
            if full is None:
                raise
            part.unlink(missing_ok=True)  # a part that filled the disk would fill it again on resume
            raise full from exc
        if total is not None and received < total:
            raise _Retry(f"truncated answer ({received:,} of {total:,} bytes)")

    def _write(
        self,
        response: httpx.Response,
        url: str,
        part: Path,
        start: int,
        total: int | None,
        on_bytes: BytesProgress | None,
    ) -> int:
        """Append the body to ``part`` from ``start``; the bytes the file then holds. ``PdfError`` past
        ``MAX_PDF`` (a server may send more than it announced)."""
        received = start  # a 200 to a Range request is the whole file again: written from the start
        with part.open("ab" if start else "wb") as fh:
            for chunk in response.iter_raw():
                if self.cancel_event.is_set():
                    raise Cancelled("cancelled")
                received += len(chunk)
                if received > MAX_PDF:
                    raise PdfError(f"{url[:160]} is larger than {MAX_PDF:,} bytes")
                fh.write(chunk)
                if on_bytes:
                    on_bytes(received, total)
        return received

    @staticmethod
    def _span(response: httpx.Response, have: int, part: Path) -> tuple[int, int | None]:
        """Where this answer starts in the file and the file's whole size, if the server says."""
        if response.status_code == 206:
            match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
            if not match or int(match[1]) != have:
                part.unlink(missing_ok=True)
                raise _Retry("the server resumed at the wrong place", retry_after=0)
            return have, int(match[3]) if match[3] != "*" else None
        declared = response.headers.get("Content-Length", "")
        return 0, int(declared) if declared.isdigit() else None
