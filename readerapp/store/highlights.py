"""Anchoring highlights: offsets for speed, the quoted text for truth.

When an upstream abstract changes, a highlight finds its quote again (the occurrence nearest its old
offset); when the quote is gone it is kept but flagged as not anchored, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from readerapp.store.models import Highlight, Paper


def locate(text: str, quote: str, near: int | None = None) -> tuple[int, int] | None:
    """Where ``quote`` stands in ``text``: the occurrence closest to ``near``; None if absent."""
    if not quote:
        return None
    starts = []
    position = text.find(quote)
    while position != -1:
        starts.append(position)
        position = text.find(quote, position + 1)
    if not starts:
        return None
    start = min(starts, key=lambda s: abs(s - near)) if near is not None else starts[0]
    return start, start + len(quote)


def field_text(paper: Paper, field: str) -> str:
    """The text of a highlightable field of a paper."""
    if field == "title":
        return paper.title
    if field == "abstract":
        return paper.abstract
    raise ValueError(f"cannot highlight the field {field!r} (use title or abstract)")


def reanchor_highlights(session: Session, paper_ids: Sequence[int]) -> None:
    """Re-find every highlight of these papers in their (changed) text."""
    papers = {p.id: p for p in session.scalars(select(Paper).where(Paper.id.in_(paper_ids)))}
    on_text = Highlight.paper_id.in_(paper_ids), Highlight.field != "pdf"  # a PDF's pages do not move
    for highlight in session.scalars(select(Highlight).where(*on_text)):
        paper = papers[highlight.paper_id]
        found = locate(field_text(paper, highlight.field), highlight.quote, highlight.start)
        if found is None:
            highlight.anchored = False
        else:
            highlight.start, highlight.end = found
            highlight.anchored = True
