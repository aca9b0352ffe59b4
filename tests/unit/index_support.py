"""Index test helpers: the 43-paper fixture day as ``IndexDocument`` values and a built index."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from readerapp.api import Library
from readerapp.formats.hf_json import parse_hf_json
from readerapp.index.document import IndexDocument
from readerapp.index.search_index import SearchIndex
from readerapp.store.documents import index_documents
from readerapp.store.models import ChangeLog
from readerapp.store.models import Paper as PaperRow

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


class StoreSource:
    """The keeper's ``DocumentSource`` over a real library database (the shape api.py wires up)."""

    def __init__(self, library: Library) -> None:
        self.db = library.db
        self.user_id = library.user_id

    def documents(self, ids: Sequence[str] | None = None) -> Iterator[IndexDocument]:
        with self.db.session() as session:
            yield from index_documents(session, self.user_id, ids)

    def changes_since(self, watermark: int) -> tuple[list[str], int]:
        with self.db.session() as session:
            logged = select(ChangeLog.id, ChangeLog.public_id).where(ChangeLog.id > watermark)
            rows = session.execute(logged.order_by(ChangeLog.id)).all()
        if not rows:
            return [], watermark
        return list(dict.fromkeys(pid for _, pid in rows)), rows[-1][0]

    def stamps(self) -> dict[str, int]:
        with self.db.session() as session:
            rows = session.execute(select(PaperRow.arxiv_id, PaperRow.local_id, PaperRow.revision))
            return {arxiv_id or local_id: revision for arxiv_id, local_id, revision in rows}
