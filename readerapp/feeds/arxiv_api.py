"""The arXiv export API (Atom): papers by id list and by search query, paged politely.

Every request goes through ``FeedClient``, whose per-host spacing keeps arXiv at one request every
``arxiv_delay`` seconds, and whose answer cache (when it has one) answers a query already asked today,
as arXiv's terms ask. The API reports errors as an Atom feed (the parser turns that into ``FeedError``,
and it is never cached) and sometimes answers a query with a false empty page, so an empty page is
asked for once more before it is believed (and kept).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from readerapp.errors import QueryError
from readerapp.feeds.categories import parse_categories
from readerapp.feeds.http import Answer, FeedClient, Params, endpoint, parsing
from readerapp.feeds.result import FetchResult, add_new
from readerapp.formats.arxiv_atom import AtomPage, parse_atom
from readerapp.ids import parse_arxiv_id
from readerapp.records import PaperRecord, Skipped

SOURCE = "arxiv"
NAME = "arXiv API"
MAX_PER_CALL = 2000  # the API's own limit for max_results
IDS_PER_CALL = 200  # keeps an id_list URL near 2.5 kB, well inside what servers and proxies accept
SORT_BY = ("relevance", "lastUpdatedDate", "submittedDate")
SORT_ORDER = ("ascending", "descending")


def fetch_ids(client: FeedClient, ids: Sequence[str], *, batch_size: int = IDS_PER_CALL) -> FetchResult:
    """The papers with these ids (URLs and ``arXiv:`` prefixes accepted; a version asks for that
    version), fetched ``batch_size`` at a time. Ids arXiv does not know are simply absent."""
    wanted: list[str] = []
    bad: list[str] = []
    for raw in ids:
        parsed = parse_arxiv_id(raw)
        if parsed is None:
            bad.append(raw)
        else:
            wanted.append(str(parsed))
    if bad:
        raise QueryError(f"not arXiv ids: {', '.join(repr(b[:60]) for b in bad[:5])}")
    if not 1 <= batch_size <= MAX_PER_CALL:
        raise QueryError(f"batch_size must be between 1 and {MAX_PER_CALL}, not {batch_size}")
    wanted = list(dict.fromkeys(wanted))
    seen: dict[str, PaperRecord] = {}
    skipped: list[Skipped] = []
    pages = 0
    for first in range(0, len(wanted), batch_size):
        batch = wanted[first : first + batch_size]
        page, requests = _page(client, {"id_list": ",".join(batch), "start": 0, "max_results": len(batch)})
        pages += requests
        add_new(seen, page.records)
        skipped += page.skipped
    window = f"id_list={','.join(wanted)}" if len(wanted) <= 5 else f"id_list ({len(wanted)} ids)"
    return FetchResult(list(seen.values()), SOURCE, window, pages, skipped)


def search(
    client: FeedClient,
    query: str,
    *,
    start: int = 0,
    max_results: int = 100,
    page_size: int = 100,
    sort_by: str = "submittedDate",
    sort_order: str = "descending",
) -> FetchResult:
    """Up to ``max_results`` papers matching an API query (``ti: au: abs: cat: all:``, ``AND OR
    ANDNOT``), ``page_size`` per request, from offset ``start``; stops early when the results end."""
    if not query.strip():
        raise QueryError("empty arXiv query")
    if sort_by not in SORT_BY:
        raise QueryError(f"sort_by must be one of {', '.join(SORT_BY)}, not {sort_by!r}")
    if sort_order not in SORT_ORDER:
        raise QueryError(f"sort_order must be one of {', '.join(SORT_ORDER)}, not {sort_order!r}")
    if start < 0 or max_results < 0 or not 1 <= page_size <= MAX_PER_CALL:
        raise QueryError(f"start and max_results must be >= 0 and page_size 1..{MAX_PER_CALL}")
    seen: dict[str, PaperRecord] = {}
    skipped: list[Skipped] = []
    pages = 0
    offset = start
    while offset - start < max_results:
        size = min(page_size, max_results - (offset - start))
        params: dict[str, str | int] = {"search_query": query, "start": offset, "max_results": size}
        page, requests = _page(client, {**params, "sortBy": sort_by, "sortOrder": sort_order})
        pages += requests
        skipped += page.skipped
        if not page.records and not page.skipped:
            break
        add_new(seen, page.records)
        offset += len(page.records) + len(page.skipped)
        if page.total_results is not None and offset >= page.total_results:
            break
    return FetchResult(list(seen.values()), SOURCE, query, pages, skipped)


def since_query(categories: Sequence[str] | str, since: dt.date, until: dt.date | None = None) -> str:
    """The API query for papers in ``categories`` submitted from ``since`` to ``until`` (inclusive,
    default today in UTC): what a sync asks for when the RSS listing has rolled over."""
    last = until or dt.datetime.now(dt.UTC).date()
    if last < since:
        raise QueryError(f"the window ends ({last}) before it starts ({since})")
    cats = " OR ".join(f"cat:{name}" for name in parse_categories(categories))
    return f"({cats}) AND submittedDate:[{since:%Y%m%d}0000 TO {last:%Y%m%d}2359]"


def fetch_since(
    client: FeedClient,
    categories: Sequence[str] | str,
    since: dt.date,
    until: dt.date | None = None,
    *,
    max_results: int = MAX_PER_CALL * 5,
    page_size: int = 500,
) -> FetchResult:
    """Every paper in ``categories`` submitted in the window, newest first (see ``since_query``)."""
    return search(client, since_query(categories, since, until), max_results=max_results, page_size=page_size)


def _page(client: FeedClient, params: Params) -> tuple[AtomPage, int]:
    """One page and the number of answers it took: an empty page is asked for once more, because
    arXiv sometimes answers a query with a false empty; only the second empty answer is cached."""
    page = _get_page(client, params, keep=lambda first: bool(first.records))
    if page.records:
        return page, 1
    return _get_page(client, params), 2


def _get_page(client: FeedClient, params: Params, keep: Callable[[AtomPage], bool] | None = None) -> AtomPage:
    url = endpoint(client.config.arxiv_api_url, "/api/query")
    return client.get_cached(url, _parse_page, source=NAME, params=params, keep=keep)


def _parse_page(answer: Answer) -> AtomPage:
    with parsing(NAME, answer.url):
        return parse_atom(answer.content, skipped=[])
