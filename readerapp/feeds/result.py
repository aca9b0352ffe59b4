"""What every feed client returns, so ``sync`` treats all sources alike."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from readerapp.records import PaperRecord, Skipped
from readerapp.text import title_key


@dataclass(slots=True)
class FetchResult:
    """The records one fetch produced, deduplicated, with where they came from for the sync report.

    ``source`` is the CLI's source name (``hf``, ``arxiv``, ``arxiv-rss``); ``window`` says what was
    asked (``date=2025-09-16``, ``cs.LG+cs.CL``, a query); ``pages`` counts the answers read;
    ``skipped`` lists the items of the answers that could not be read (the rest still count).
    """

    records: list[PaperRecord]
    source: str
    window: str
    pages: int
    skipped: list[Skipped] = field(default_factory=list)


def paper_key(record: PaperRecord) -> str:
    """The identity of a paper within one fetch: its arXiv id, else DOI, else its folded title."""
    if record.arxiv_id:
        return f"arxiv:{record.arxiv_id}"
    if record.doi:
        return f"doi:{record.doi.lower()}"
    return f"title:{title_key(record.title)}"


def add_new(seen: dict[str, PaperRecord], records: Iterable[PaperRecord]) -> int:
    """Add the records not yet in ``seen`` (first one wins; windows overlap); return how many were new."""
    added = 0
    for record in records:
        key = paper_key(record)
        if key not in seen:
            seen[key] = record
            added += 1
    return added


def merge_results(results: Sequence[FetchResult], source: str) -> FetchResult:
    """Several windows' results as one, each paper once (windows overlap at their edges)."""
    seen: dict[str, PaperRecord] = {}
    for result in results:
        add_new(seen, result.records)
    window = "; ".join(r.window for r in results)
    skipped = [item for r in results for item in r.skipped]
    return FetchResult(list(seen.values()), source, window, sum(r.pages for r in results), skipped)
