"""One polite, robust HTTP client for every feed: identification, timeouts, retries, rate limits.

The feeds are free services that ask little of us (arXiv: a real User-Agent and one request every
3 s; Hugging Face: about 500 requests per 5 minutes), and they fail in ordinary ways (429, 503, a
connection dropped mid-answer). Keeping all of that here means each feed client only builds URLs and
parses answers, and a failure always ends in one readable ``FeedError`` line. Two more courtesies live
here: answers that say the request budget is spent (``RateLimit`` headers) hold that host until the
budget comes back, and arXiv's answers can be kept for the day in an ``AnswerCache``.
"""

from __future__ import annotations

import math
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar
from urllib.parse import urlsplit

import httpx

from readerapp import __version__
from readerapp.config import Config, load_config
from readerapp.errors import Cancelled, FeedError, NotFoundError
from readerapp.feeds.cache import CACHE_DIR, AnswerCache
from readerapp.feeds.ratelimit import rate_limit_wait
from readerapp.feeds.spacing import SharedSpacing
from readerapp.text import normalize_space

PROJECT_URL = "https://github.com/readerapp/readerapp"
MAX_RETRY_AFTER = 120.0  # longer asks are clamped: a sync blocked for many minutes helps no one
BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0
MAX_BODY = 64 * 2**20  # bytes; far above any real feed page, and a hostile endless body stops here
_URL_SHOWN = 160  # an id_list URL can be 30 kB; error lines stay readable

Sleep = Callable[[float], object]
Progress = Callable[[str, int], None]
Notice = Callable[[str], None]
Params = Mapping[str, str | int]
T = TypeVar("T")


def user_agent(contact: str = "") -> str:
    """``readerapp/<version> (+<project URL>; mailto:<contact>)``: who we are and how to reach us."""
    mailto = f"; mailto:{contact}" if contact else ""
    return f"readerapp/{__version__} (+{PROJECT_URL}{mailto})"


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta seconds or an HTTP date), capped; None if absent
    or unreadable."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        seconds = float(text)
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


class HostThrottle:
    """Keeps requests to one host at least ``interval`` seconds apart, across every thread (and, with
    ``shared``, every process of the user), and holds a host whose rate-limit budget is spent until it
    comes back.

    Each caller books the next free slot under a lock and then sleeps outside it, so concurrent
    callers queue up one interval apart instead of all waking at once.
    """

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, shared: SharedSpacing | None = None
    ) -> None:
        self._clock = clock
        self._shared = shared
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}
        self._held_until: dict[str, float] = {}

    def reserve(self, host: str, interval: float) -> float:
        """Book the next slot for ``host``; return how many seconds to wait for it."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + max(interval, 0.0)
        wait = slot - now
        if self._shared is not None and interval > 0:  # other processes' requests count too
            wait = max(wait, self._shared.reserve(host, interval, earliest=wait))
        return wait

    def hold(self, host: str, seconds: float) -> None:
        """No request to ``host`` before ``seconds`` from now: its answer said the budget is spent."""
        with self._lock:
            until = self._clock() + seconds
            self._held_until[host] = max(self._held_until.get(host, until), until)
            self._next_slot[host] = max(self._next_slot.get(host, until), until)

    def held(self, host: str) -> float:
        """Seconds ``host`` is still held by its rate limit (0 when it is not)."""
        with self._lock:
            return max(self._held_until.get(host, 0.0) - self._clock(), 0.0)


PROCESS_THROTTLE = HostThrottle(shared=SharedSpacing())
"""Shared by every client in the process, and through its files with the user's other processes, so
two syncs never hit arXiv faster than its etiquette."""


def endpoint(base_url: str, path: str) -> str:
    """A service path appended to a configured base URL, whether or not the base ends in ``/``."""
    return f"{base_url.rstrip('/')}/{path.lstrip('/')}"


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _shown(url: httpx.URL | str) -> str:
    text = str(url)
    return text if len(text) <= _URL_SHOWN else text[: _URL_SHOWN - 3] + "..."


def _unresolved(exc: BaseException) -> bool:
    """Whether a failed connection failed at the name lookup (a ``socket.gaierror`` under httpx's)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@contextmanager
def parsing(source: str, url: str) -> Iterator[None]:
    """Re-raise a parser's error (same class) with the source and URL, so the user knows which feed."""
    try:
        yield
    except FeedError as exc:
        raise type(exc)(f"{source}: {exc} (from {_shown(url)})") from exc


@dataclass(frozen=True, slots=True)
class _Failure:
    """A failed attempt worth retrying: what went wrong, and the wait the server asked for."""

    problem: str
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """A successful answer with its whole body read and checked: what the parsers need."""

    url: str
    headers: httpx.Headers
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class FeedClient:
    """GET with a User-Agent, timeouts, retries (backoff + jitter, ``Retry-After``), a per-host minimum
    interval, rate-limit holds, cancellation and page progress. Thread-safe; one per sync is the
    intended use.

    ``notice`` hears about long waits the user should know of (a spent rate limit); ``cache`` keeps the
    answers ``get_cached`` is asked for. ``sleep``, ``throttle`` and ``rng`` are injectable so tests
    check the waits without waiting. The default sleep returns early when ``cancel`` is set.
    """

    def __init__(
        self,
        config: Config,
        *,
        cancel: threading.Event | None = None,
        progress: Progress | None = None,
        notice: Notice | None = None,
        cache: AnswerCache | None = None,
        sleep: Sleep | None = None,
        throttle: HostThrottle = PROCESS_THROTTLE,
        rng: random.Random | None = None,
        transport: httpx.BaseTransport | None = None,
        max_body: int = MAX_BODY,
    ) -> None:
        self.config = config
        self.cancel_event = cancel or threading.Event()
        self.cache = cache
        self.pages = 0
        self._pages_lock = threading.Lock()
        self._max_body = max_body
        self._progress = progress
        self._notice = notice
        self._sleep: Sleep = sleep or self.cancel_event.wait
        self._throttle = throttle
        self._rng = rng or random.Random()
        self._intervals = {
            _host(url): config.arxiv_delay
            for url in (config.arxiv_api_url, config.arxiv_rss_url, config.pdf_url)
        }
        self._http = httpx.Client(
            timeout=httpx.Timeout(config.timeout),
            headers={"User-Agent": user_agent(config.contact)},
            follow_redirects=True,
            transport=transport,
        )

    def __enter__(self) -> FeedClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def cancel(self) -> None:
        """Stop at the next request or wait; the running call raises ``Cancelled``."""
        self.cancel_event.set()

    def min_interval(self, host: str) -> float:
        """Seconds between two requests to ``host``: arXiv's etiquette for its hosts, else none."""
        host = host.lower()
        if host in self._intervals:
            return self._intervals[host]
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return self.config.arxiv_delay if name == "arxiv.org" or name.endswith(".arxiv.org") else 0.0

    def get(self, url: str, *, source: str, params: Params | None = None) -> Answer:
        """GET ``url`` and return the successful answer with its whole body read.

        Retries 429, 5xx, timeouts, dropped connections and truncated bodies up to ``config.retries``
        times; 404/410 raise ``NotFoundError``; anything else, or running out of retries, raises
        ``FeedError`` naming ``source`` (e.g. "HF Daily Papers") and the URL.
        """
        return self._send(self._request(url, source, params), source)

    def get_cached(
        self,
        url: str,
        parse: Callable[[Answer], T],
        *,
        source: str,
        params: Params | None = None,
        keep: Callable[[T], bool] | None = None,
    ) -> T:
        """``parse`` of the answer for ``url``: today's stored answer when the cache has one, else a
        fresh one, stored once ``parse`` accepted it (and ``keep`` agrees), so an error feed, a refused
        or a truncated answer is never kept. A stored answer the parser refuses is fetched again."""
        request = self._request(url, source, params)
        key = str(request.url)
        if self.cache is not None:
            body = self.cache.load(key)
            if body is not None:
                try:
                    parsed = parse(Answer(key, httpx.Headers(), body))
                except FeedError:
                    self.cache.forget(key)
                else:
                    self._count_page(source)
                    return parsed
        answer = self._send(request, source)
        parsed = parse(answer)
        if self.cache is not None and (keep is None or keep(parsed)):
            self.cache.store(key, answer.content)
        return parsed

    def _request(self, url: str, source: str, params: Params | None) -> httpx.Request:
        try:
            return self._http.build_request("GET", url, params=params)
        except httpx.InvalidURL as exc:
            raise FeedError(f"{source}: invalid URL {_shown(url)}: {exc}") from exc

    def _send(self, request: httpx.Request, source: str) -> Answer:
        host = request.url.netloc.decode("ascii", "replace").lower()
        retries = max(self.config.retries, 0)
        attempt = 0
        while True:
            held = self._throttle.held(host)
            if held > 0 and self._notice:
                self._notice(f"Waiting {math.ceil(held)} s for the {source} rate limit")
            self._wait(self._throttle.reserve(host, self.min_interval(host)))
            outcome = self._attempt(request, source, host)
            if isinstance(outcome, Answer):
                self._count_page(source)
                return outcome
            if attempt == retries:
                after = f" after {retries} {'retry' if retries == 1 else 'retries'}" if retries else ""
                raise FeedError(f"{source}: {outcome.problem} from {_shown(request.url)}{after}")
            self._wait(outcome.retry_after if outcome.retry_after is not None else self._backoff(attempt))
            attempt += 1

    def _count_page(self, source: str) -> None:
        with self._pages_lock:
            self.pages += 1
            pages = self.pages
        if self._progress:
            self._progress(source, pages)

    def _attempt(self, request: httpx.Request, source: str, host: str) -> Answer | _Failure:
        try:
            response = self._http.send(request, stream=True)
            try:
                body = self._read_body(response, source)
            finally:
                response.close()
        except httpx.TimeoutException:
            return _Failure(f"no answer within {self.config.timeout:g} s")
        except httpx.ConnectError as exc:
            if _unresolved(exc):  # offline, or no such host: a retry a second later finds the same
                name = request.url.host
                raise FeedError(f"{source}: cannot find {name} (offline, or no such host): {exc}") from exc
            return _Failure(f"cannot connect ({exc})")
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            return _Failure(f"connection dropped ({str(exc) or type(exc).__name__})")
        except httpx.HTTPError as exc:  # unsupported scheme, proxy and local protocol errors: not transient
            raise FeedError(f"{source}: {exc} ({_shown(request.url)})") from exc
        status = response.status_code
        failed = status == 429 or status >= 500
        retry_after = retry_after_seconds(response.headers.get("Retry-After")) if failed else None
        spent = rate_limit_wait(response.headers)
        if spent is not None:  # the budget is spent: hold every request to this host, the retry included
            self._throttle.hold(host, max(spent, retry_after or 0.0))
            retry_after = 0.0  # the hold does the waiting, and says so
        if failed:
            return _Failure(f"HTTP {status}", retry_after)
        if status in (404, 410):
            raise NotFoundError(f"{source}: nothing at {_shown(request.url)} (HTTP {status})")
        if status >= 300:
            detail = normalize_space(body[:2000].decode("utf-8", "replace"))[:200]
            raise FeedError(f"{source}: HTTP {status} from {_shown(request.url)}: {detail}".rstrip(": "))
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) != response.num_bytes_downloaded:
            return _Failure(f"truncated answer ({response.num_bytes_downloaded} of {declared} bytes)")
        return Answer(str(response.url), response.headers, body)

    def _read_body(self, response: httpx.Response, source: str) -> bytes:
        """The decoded body, refused past ``max_body`` bytes (also after decompression)."""
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self._max_body:
                limit = f"{self._max_body:,} bytes"
                raise FeedError(f"{source}: the answer from {_shown(response.url)} is larger than {limit}")
            chunks.append(chunk)
        return b"".join(chunks)

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with equal jitter: half fixed, half random, so clients spread out."""
        ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt)
        return ceiling / 2 + self._rng.random() * ceiling / 2

    def _wait(self, seconds: float) -> None:
        if self.cancel_event.is_set():
            raise Cancelled("cancelled")
        if seconds > 0:
            self._sleep(seconds)
            if self.cancel_event.is_set():
                raise Cancelled("cancelled")


def make_client(
    config: Config | None = None,
    *,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    notice: Notice | None = None,
    refresh: bool = False,
) -> FeedClient:
    """The client a sync uses: ``config`` (the default library's settings when None), the process-wide
    throttle, real sleeps that ``cancel`` interrupts, and the library's answer cache (which ``refresh``
    writes without reading)."""
    config = config or load_config()
    cache = AnswerCache(config.library / CACHE_DIR, refresh=refresh)
    return FeedClient(config, cancel=cancel, progress=progress, notice=notice, cache=cache)
