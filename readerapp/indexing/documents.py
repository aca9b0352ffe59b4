"""Build search-index documents from the database, the only place the index learns anything from."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from readerapp.index.document import IndexDocument
from readerapp.records import State
from readerapp.store.models import Highlight, Note, PaperState, PaperTag, Tag
from readerapp.store.models import Paper as PaperRow

_BATCH = 900


def index_documents(
    session: Session, user_id: int, public_ids: Sequence[str] | None = None
) -> Iterator[IndexDocument]:
    """Documents for these public ids (those that exist), or for the whole library."""
    if public_ids is None:
        last = 0
        while True:
            ids = list(
                session.scalars(
                    select(PaperRow.id).where(PaperRow.id > last).order_by(PaperRow.id).limit(_BATCH * 5)
                )
            )
            if not ids:
                return
            for start in range(0, len(ids), _BATCH):
                yield from _documents(session, user_id, ids[start : start + _BATCH])
            last = ids[-1]
    wanted = list(dict.fromkeys(public_ids))
    for start in range(0, len(wanted), _BATCH):
        chunk = wanted[start : start + _BATCH]
        ids = list(
            session.scalars(
                select(PaperRow.id).where(PaperRow.arxiv_id.in_(chunk) | PaperRow.local_id.in_(chunk))
            )
        )
        yield from _documents(session, user_id, ids)


def _documents(session: Session, user_id: int, ids: list[int]) -> Iterator[IndexDocument]:
    if not ids:
        return
    states = {
        pid: (state, starred)
        for pid, state, starred in session.execute(
            select(PaperState.paper_id, PaperState.state, PaperState.starred).where(
                PaperState.paper_id.in_(ids), PaperState.user_id == user_id
            )
        )
    }
    tags: dict[int, list[str]] = {}
    for pid, name in session.execute(
        select(PaperTag.paper_id, Tag.name)
        .join(Tag, Tag.id == PaperTag.tag_id)
        .where(PaperTag.paper_id.in_(ids))
    ):
        tags.setdefault(pid, []).append(name)
    notes: dict[int, list[str]] = {}
    for pid, markdown in session.execute(select(Note.paper_id, Note.markdown).where(Note.paper_id.in_(ids))):
        notes.setdefault(pid, []).append(markdown)
    highlights: dict[int, list[str]] = {}
    for pid, quote, comment in session.execute(
        select(Highlight.paper_id, Highlight.quote, Highlight.comment).where(Highlight.paper_id.in_(ids))
    ):
        highlights.setdefault(pid, []).extend(t for t in (quote, comment) if t)
    for paper in session.scalars(select(PaperRow).where(PaperRow.id.in_(ids))):
        state, starred = states.get(paper.id, ("inbox", False))
        note = "\n\n".join(notes.get(paper.id, []))
        yield IndexDocument(
            id=paper.public_id,
            revision=paper.revision,
            title=paper.title,
            abstract=paper.abstract,
            authors=list(paper.authors),
            tags=tags.get(paper.id, []),
            note=note,
            highlights=highlights.get(paper.id, []),
            pdf_text=paper.pdf_text or "",
            categories=list(paper.categories),
            state=cast(State, state or "inbox"),  # the store writes only states
            starred=bool(starred),
            has_code=bool(paper.code_url),
            has_pdf=bool(paper.pdf_path),
            has_note=bool(note.strip()),
            published=paper.published,
            feed_day=paper.feed_day,
            upvotes=paper.upvotes,
        )
