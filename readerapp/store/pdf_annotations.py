"""PDF annotations in the library: highlights and point notes on a PDF's pages (issue 16).

They are rows of the one ``highlights`` table with ``field`` "pdf" (see ``models.Highlight``), so the
search index (``note:``), undo, sharing and the lossless JSON treat them like abstract highlights. These
functions run inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from readerapp.records import PdfMark
from readerapp.store.models import Highlight, Paper
from readerapp.store.types import utcnow
from readerapp.text import normalize_space as clean_text

PDF = "pdf"
KINDS = ("highlight", "note")


def add_pdf_annotation(
    session: Session,
    paper: Paper,
    user_id: int,
    page: int,
    quads: Sequence[Sequence[float]],
    text: str,
    *,
    kind: str = "highlight",
    color: str | None = None,
    comment: str | None = None,
    created: datetime | None = None,
    imported: bool = False,
    origin: str | None = None,
) -> Highlight:
    """Store one annotation on page ``page`` (1-based) of the paper's PDF. ValueError says what is wrong."""
    quote = clean_text(text)
    if kind not in KINDS:
        raise ValueError(f"unknown annotation kind {kind!r}; choose one of {', '.join(KINDS)}")
    if page < 1:
        raise ValueError(f"page {page} does not exist: pages count from 1")
    if not quads or any(len(q) != 8 for q in quads):
        raise ValueError("an annotation on a PDF needs its place on the page (quads of eight numbers)")
    if kind == "highlight" and not quote:
        raise ValueError("a PDF highlight needs the text it covers")
    if kind == "note" and not (comment or "").strip():
        raise ValueError("a note on a PDF page needs a text")
    highlight = Highlight(
        paper_id=paper.id,
        user_id=user_id,
        field=PDF,
        start=0,
        end=len(quote),
        quote=quote,
        color=color or "yellow",
        comment=(comment or "").strip() or None,
        created=created or utcnow(),
        anchored=True,
        page=page,
        quads=[[float(v) for v in q] for q in quads],
        kind=kind,
        imported=imported,
        origin=origin,
    )
    session.add(highlight)
    session.flush()
    return highlight


def pdf_annotations(session: Session, paper_id: int) -> list[Highlight]:
    """Every reader's annotations on the paper's PDF, in page order."""
    query = select(Highlight).where(Highlight.paper_id == paper_id, Highlight.field == PDF)
    return list(session.scalars(query.order_by(Highlight.page, Highlight.id)))


def _same(h: Highlight, mark: PdfMark) -> bool:
    """Is ``mark`` the annotation ``h``: a note with the same words on the same page, or a highlight
    there whose text holds the other's (the text under a highlight's quads may run a letter past the
    exact text it was made from)?"""
    if (h.page, h.kind) != (mark.page, mark.kind):
        return False
    if mark.kind == "note":
        return clean_text(h.comment or "") == clean_text(mark.comment or "")
    ours, theirs = clean_text(h.quote), clean_text(mark.text)
    return bool(ours and theirs) and (ours in theirs or theirs in ours)


def import_marks(session: Session, paper: Paper, user_id: int, marks: Iterable[PdfMark]) -> list[Highlight]:
    """Read in what another reader wrote into the PDF, once: a mark already read in (its origin) or
    already in the library (the same text on the same page, as an export of ours carries) is skipped.
    Returns the annotations added, marked as imported."""
    present = pdf_annotations(session, paper.id)
    origins = {h.origin for h in present if h.origin}
    added: list[Highlight] = []
    for mark in marks:
        if (mark.origin and mark.origin in origins) or any(_same(h, mark) for h in present):
            continue
        if mark.kind == "highlight" and not clean_text(mark.text):
            continue  # a highlight over an image or a scanned page: no text to keep or search
        highlight = add_pdf_annotation(session, paper, user_id, mark.page, mark.quads, mark.text,
                                       kind=mark.kind, color=mark.color, comment=mark.comment, imported=True,
                                       origin=mark.origin)  # fmt: skip
        added.append(highlight)
        present.append(highlight)
        if mark.origin:
            origins.add(mark.origin)
    return added
