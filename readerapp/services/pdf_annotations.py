"""Annotations on PDF pages (issue 16): add, list, read in from the stored file, write out a copy.

Each write runs in one transaction and returns ``Changes`` with its undo as for any highlight (edit and
delete are ``Annotations``'). Finding text, reading and writing the file are
``readerapp.pdfs.annotations``'s; storing is ``readerapp.store.pdf_annotations``'s. ``import_quietly``
is ``PdfFiles``' hook: what another reader wrote into a PDF being stored is read in with it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from readerapp.errors import ExportError, PdfError, ReaderappError
from readerapp.highlight_colors import HIGHLIGHT_COLORS, color_value
from readerapp.paper import Changes, HighlightView
from readerapp.records import PdfMark
from readerapp.services.context import LibraryContext
from readerapp.services.pdf_files import PdfFiles
from readerapp.services.reading import Reading
from readerapp.store import queries
from readerapp.store import undo as inverses
from readerapp.store.models import Highlight
from readerapp.store.models import Paper as PaperRow
from readerapp.store.pdf_annotations import add_pdf_annotation, import_marks

log = logging.getLogger(__name__)


class PdfAnnotations:
    """The annotations on the PDF pages of one library's papers (``Library.add_pdf_highlight`` etc.)."""

    def __init__(self, ctx: LibraryContext, reading: Reading, pdfs: PdfFiles) -> None:
        self.ctx = ctx
        self._reading = reading
        self._pdfs = pdfs

    def add(
        self, ident: str, page: int, text: str, quads: Sequence[Sequence[float]] | None, comment: str | None,
        color: str | None, kind: str
    ) -> Changes:  # fmt: skip
        pdf = self._pdfs.file(ident) if quads is None else None
        with self.ctx.db.session() as session:
            row = queries.resolve(session, ident)
            added = add(session, row, self.ctx.user_id, pdf, page, text, quads=quads, kind=kind,
                        comment=comment, color=color)  # fmt: skip
            return self.ctx.changed(session, "add_pdf_highlight", [row], [inverses.DeleteHighlight(added.id)])

    def highlights(self, ident: str) -> list[HighlightView]:
        return self._reading.get(ident).pdf_highlights

    def import_into(self, ident: str) -> Changes:
        pdf = needs_pdf(self._pdfs.file(ident), ident)
        with self.ctx.db.session() as session:
            row = queries.resolve(session, ident)
            added = import_from(session, row, self.ctx.user_id, pdf)
            undo = [inverses.DeleteHighlight(h.id) for h in added]
            return self.ctx.changed(session, "import_pdf_annotations", [row] if added else [], undo)

    def export_annotated(self, ident: str, target: Path) -> int:
        from readerapp.pdfs.annotations import write_annotated

        pdf = needs_pdf(self._pdfs.file(ident), ident)
        if target.resolve() == pdf.resolve():
            raise ExportError(f"{target} is the stored PDF itself: write the annotated copy elsewhere")
        return write_annotated(pdf, target, marks_of(self.highlights(ident)))


def check_color(color: str | None) -> str | None:
    """A colour the app draws: a name of ``HIGHLIGHT_COLORS`` or ``#rrggbb``; anything else is refused."""
    if color is None or color.lower() in HIGHLIGHT_COLORS:
        return color and color.lower()
    if color_value(color, "") == color:
        return color
    raise ReaderappError(f"unknown colour {color!r}; use one of {', '.join(HIGHLIGHT_COLORS)} or #rrggbb")


def needs_pdf(path: Path | None, ident: str) -> Path:
    if path is None:
        raise ReaderappError(f"{ident} has no stored PDF: fetch it first (readerapp pdf fetch {ident})")
    return path


def add(
    session: Session,
    row: PaperRow,
    user_id: int,
    pdf: Path | None,
    page: int,
    text: str,
    *,
    quads: Sequence[Sequence[float]] | None = None,
    kind: str = "highlight",
    comment: str | None = None,
    color: str | None = None,
) -> Highlight:
    """Add one annotation: given ``quads``, as they are; else at the first place ``text`` stands on the
    page of the stored PDF (PyMuPDF's ``search_for``)."""
    color = check_color(color)
    if quads is None:
        from readerapp.pdfs.annotations import find_quads

        quads = find_quads(needs_pdf(pdf, row.public_id), page, text)
    try:
        return add_pdf_annotation(session, row, user_id, page, quads, text, kind=kind, color=color,
                                  comment=comment)  # fmt: skip
    except ValueError as exc:
        raise ReaderappError(str(exc)) from exc


def import_from(session: Session, row: PaperRow, user_id: int, pdf: Path) -> list[Highlight]:
    """Read in the annotations another reader wrote into ``pdf``, each once."""
    from readerapp.pdfs.annotations import read_annotations

    return import_marks(session, row, user_id, read_annotations(pdf))


def import_quietly(session: Session, row: PaperRow, user_id: int, pdf: Path) -> list[Highlight]:
    """``import_from`` for a PDF being stored: a file whose annotations cannot be read is still stored."""
    try:
        return import_from(session, row, user_id, pdf)
    except (PdfError, ValueError) as exc:
        log.warning("%s: annotations not read in: %s", row.public_id, exc)
        return []


def marks_of(highlights: Sequence[HighlightView]) -> list[tuple[int, PdfMark]]:
    """The PDF annotations among a paper's highlights, as ``write_annotated`` takes them."""
    return [
        (h.id, PdfMark(h.page or 1, h.kind, h.quads, h.text, h.comment, h.color, h.author))  # type: ignore[arg-type]
        for h in highlights
        if h.on_pdf
    ]
