"""The arXiv RSS listing (``/rss/cs.LG+cs.CL``): today's announcements for the daily triage.

One request covers every category (arXiv joins them with ``+``). The listing is empty at weekends and
on holidays; that is a normal, empty result, not an error. It changes once a day, so the client's
answer cache (when it has one) answers a second sync the same day.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from readerapp.feeds.categories import parse_categories
from readerapp.feeds.http import Answer, FeedClient, endpoint, parsing
from readerapp.feeds.result import FetchResult, add_new
from readerapp.formats.arxiv_rss import DAILY_TYPES, parse_rss
from readerapp.records import PaperRecord, Skipped

SOURCE = "arxiv-rss"
NAME = "arXiv RSS"


def fetch_listing(
    client: FeedClient,
    categories: Sequence[str] | str,
    announce_types: Collection[str] | None = DAILY_TYPES,
) -> FetchResult:
    """Today's listing for ``categories``, keeping the announce types asked for (``new`` and ``cross``
    by default; None keeps replacements too), each paper once even when listed in several categories."""
    joined = "+".join(parse_categories(categories))
    url = endpoint(client.config.arxiv_rss_url, f"/rss/{joined}")

    def parse(answer: Answer) -> tuple[list[PaperRecord], list[Skipped]]:
        skipped: list[Skipped] = []
        with parsing(NAME, url):
            return parse_rss(answer.content, announce_types, skipped=skipped), skipped

    records, skipped = client.get_cached(url, parse, source=NAME)
    seen: dict[str, PaperRecord] = {}
    add_new(seen, records)
    return FetchResult(list(seen.values()), SOURCE, joined, 1, skipped)
