"""Index test helpers: the 43-paper fixture day as ``IndexDocument`` values and a built index."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from readerapp.formats.hf_json import parse_hf_json
from readerapp.index.document import IndexDocument
from readerapp.index.search_index import SearchIndex

FIXTURE_DAY = Path(__file__).resolve().parents[1] / "fixtures" / "hf_daily_papers_2025-09-16.json"


def fixture_documents() -> list[IndexDocument]:
    """The fixture day's papers as the store would describe them: all in the inbox, untouched."""
    records = parse_hf_json(json.loads(FIXTURE_DAY.read_text(encoding="utf-8")))
    return [
        IndexDocument(
            id=r.arxiv_id or r.title,
            revision=1,
            title=r.title,
            abstract=r.abstract or "",
            authors=list(r.authors),
            tags=[],
            note="",
            highlights=[],
            pdf_text="",
            categories=list(r.categories),
            state="inbox",
            starred=False,
            has_code=bool(r.code_url),
            has_pdf=False,
            has_note=False,
            published=r.published,
            feed_day=r.feed_day,
            upvotes=r.upvotes or 0,
        )
        for r in records
    ]


def changed(doc: IndexDocument, **changes: Any) -> IndexDocument:
    """A copy of ``doc`` with ``changes`` and its revision bumped, as the store would write it."""
    new = IndexDocument(**{**doc, **changes})  # type: ignore[typeddict-item]
    new["revision"] = doc["revision"] + 1
    return new


def build_index(folder: Path, docs: list[IndexDocument]) -> SearchIndex:
    index = SearchIndex.create(folder)
    index.rebuild(docs)
    return index


def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Whether ``condition`` holds within ``timeout`` seconds (polled): a wait on a condition, not a sleep."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False
