"""The bundled sample day in a library: brought in on a first launch, and taken out again on request."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from readerapp.store import identity
from readerapp.store.changes import log_changes
from readerapp.store.models import Paper as PaperRow


def delete_sample_papers(session: Session, user_id: int) -> tuple[tuple[str, ...], list[str]]:
    """Delete the sample papers nothing but the sample brought in (on a shared library, those a colleague
    left something on stay) and log them; their public ids and the PDF files they pointed at."""
    kept = identity.others_work(PaperRow.id, user_id)
    rows = list(session.scalars(select(PaperRow).where(PaperRow.is_sample.is_(True), ~kept)))
    public = tuple(r.public_id for r in rows)
    pdfs = [r.pdf_path for r in rows if r.pdf_path]
    session.execute(delete(PaperRow).where(PaperRow.id.in_([r.id for r in rows])))
    log_changes(session, public)
    return public, pdfs
