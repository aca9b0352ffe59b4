"""What the database knows of papers' PDF files: where each is stored (relative to the library folder),
its hash and text, and which stored files a paper still points at (the rest may be deleted)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from readerapp.store.models import Paper as PaperRow


def stored_pdf(session: Session, paper_id: int) -> tuple[str | None, str | None]:
    """The paper's stored PDF and its hash; (None, None) for none, or a paper that is gone."""
    row = session.get(PaperRow, paper_id)
    return (row.pdf_path, row.pdf_sha256) if row else (None, None)


def claimed_by_another(session: Session, paper_id: int, stored: str) -> bool:
    """Does a paper other than ``paper_id`` point at ``stored`` (its file may be gone, the claim stays)?"""
    other = select(PaperRow.id).where(PaperRow.pdf_path == stored, PaperRow.id != paper_id).limit(1)
    return session.scalar(other) is not None


def still_pointed_at(session: Session, stored: Iterable[str]) -> set[str]:
    """Which of these stored paths some paper still points at."""
    return set(session.scalars(select(PaperRow.pdf_path).where(PaperRow.pdf_path.in_(set(stored)))))


def every_pdf_path(session: Session) -> list[tuple[str, str | None]]:
    """Each paper's public id and stored PDF path (None without one): what ``pdfs/`` should hold."""
    rows = session.execute(select(PaperRow.arxiv_id, PaperRow.local_id, PaperRow.pdf_path))
    return [(arxiv_id or local_id, stored) for arxiv_id, local_id, stored in rows]


def record_pdf(
    session: Session, paper_id: int, stored: str, sha256: str, text: str
) -> tuple[PaperRow | None, str | None]:
    """Point the paper at its verified PDF, with hash and text: the row (None: the paper is gone) and
    the path of the file it pointed at before (a re-download under a new title's name), if another."""
    row = session.get(PaperRow, paper_id)
    if row is None:
        return None, None
    replaced = row.pdf_path if row.pdf_path != stored else None
    row.pdf_path, row.pdf_sha256, row.pdf_text = stored, sha256, text
    return row, replaced
