"""Hugging Face Daily Papers: the papers of a day, an ISO week or a month, and one paper by id.

The API answers a bare JSON array with no total and no cursor, so we page with ``p=0,1,...`` until a
page comes back short; week and month windows overlap at their edges, so records are deduplicated.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from readerapp.errors import FormatError, NotFoundError, QueryError
from readerapp.feeds.http import FeedClient, Params, endpoint, parsing
from readerapp.feeds.result import FetchResult, add_new
from readerapp.formats.hf_json import parse_hf_json
from readerapp.ids import parse_arxiv_id
from readerapp.records import PaperRecord, Skipped

SOURCE = "hf"
NAME = "HF Daily Papers"
SORTS = ("publishedAt", "trending")
MAX_PAGES = 200  # a month is about 20 pages of 50; a server that ignores ``p`` must not loop forever
_WINDOWS = {
    "date": (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), "2025-09-16"),
    "week": (re.compile(r"(\d{4})-W(\d{2})"), "2025-W38"),
    "month": (re.compile(r"(\d{4})-(\d{2})"), "2025-09"),
}


def window_param(
    *, date: dt.date | str | None = None, week: str | None = None, month: str | None = None
) -> tuple[str, str] | None:
    """The one query parameter naming the window (``date``, ``week`` or ``month``), validated here so
    a typo gets a clear message instead of the service's HTTP 400. None means the latest day."""
    given = [(k, v) for k, v in (("date", date), ("week", week), ("month", month)) if v is not None]
    if len(given) > 1:
        raise QueryError("give one window: a date, a week or a month, not several")
    if not given:
        return None
    key, value = given[0]
    if isinstance(value, dt.date):
        return key, value.isoformat()
    text = value.strip()
    if not _exists(key, text):
        raise QueryError(f"{key} must be a real {key} written like {_WINDOWS[key][1]}, not {value!r}")
    return key, text


def _exists(key: str, text: str) -> bool:
    match = _WINDOWS[key][0].fullmatch(text)
    if not match:
        return False
    year, number, *day = (int(group) for group in match.groups())
    try:
        if key == "week":
            dt.date.fromisocalendar(year, number, 1)
        else:
            dt.date(year, number, day[0] if day else 1)
    except ValueError:
        return False
    return True


def fetch_daily(
    client: FeedClient,
    *,
    date: dt.date | str | None = None,
    week: str | None = None,
    month: str | None = None,
    submitter: str | None = None,
    sort: str | None = None,
    limit: int = 50,
) -> FetchResult:
    """Every paper of one window (the latest day when none is given), all pages, deduplicated by id."""
    window = window_param(date=date, week=week, month=month)
    if sort is not None and sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    if limit < 1:
        raise QueryError(f"limit must be at least 1, not {limit}")
    params: dict[str, str | int] = {"limit": limit}
    if window:
        params[window[0]] = window[1]
    if submitter:
        params["submitter"] = submitter
    if sort:
        params["sort"] = sort
    url = endpoint(client.config.hf_url, "/api/daily_papers")
    seen: dict[str, PaperRecord] = {}
    skipped: list[Skipped] = []
    pages = 0
    for page in range(MAX_PAGES):
        items = _get_json(client, url, {**params, "p": page})
        pages += 1
        if not isinstance(items, list):
            raise FormatError(
                f"{NAME}: expected a list of papers from {url}, got a JSON {type(items).__name__}"
            )
        with parsing(NAME, url):
            records = parse_hf_json(items, skipped)
        added = add_new(seen, records)
        if len(items) < limit or added == 0:
            break
    records = list(seen.values())
    if window and window[0] == "date":
        day = dt.date.fromisoformat(window[1])
        for record in records:  # older answers lack submittedOnDailyAt; we know the day we asked for
            record.feed_day = record.feed_day or day
    return FetchResult(records, SOURCE, "=".join(window) if window else "latest", pages, skipped)


def fetch_paper(client: FeedClient, arxiv_id: str) -> PaperRecord:
    """One paper from ``/api/papers/{id}``; ``NotFoundError`` when Hugging Face does not know it."""
    parsed = parse_arxiv_id(arxiv_id)
    if parsed is None:
        raise QueryError(f"not an arXiv id: {arxiv_id!r}")
    url = endpoint(client.config.hf_url, f"/api/papers/{parsed.base}")
    try:
        data = _get_json(client, url)
    except NotFoundError as exc:
        raise NotFoundError(f"{NAME}: no paper {parsed.base} on Hugging Face") from exc
    with parsing(NAME, url):
        records = parse_hf_json(data)
    if len(records) != 1:
        raise FormatError(f"{NAME}: expected one paper from {url}, got {len(records)}")
    return records[0]


def _get_json(client: FeedClient, url: str, params: Params | None = None) -> object:
    response = client.get(url, source=NAME, params=params)
    try:
        return json.loads(response.content)
    except (ValueError, RecursionError) as exc:  # RecursionError: hostile, absurdly nested JSON
        raise FormatError(f"{NAME}: malformed JSON from {url}: {exc}") from exc
