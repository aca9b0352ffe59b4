"""Annotations on a PDF's pages, read and written with PyMuPDF (no database, no Qt).

A highlight is kept as its page (1-based), the quads it covers (eight numbers each, in PDF points from
the page's top left, in PyMuPDF's ul, ur, ll, lr order) and the exact text under them; a note is pinned
to a point (one degenerate quad). ``find_quads`` turns an exact text into quads with ``search_for``,
``write_annotated`` writes real highlight and text annotations into a copy of the PDF (what Zotero,
Okular and browsers show), ``read_annotations`` reads those another reader wrote.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from readerapp.disk import as_disk_full
from readerapp.errors import ExportError, PdfError
from readerapp.highlight_colors import HIGHLIGHT_COLORS
from readerapp.pdfs.mupdf import LOCK, pymupdf
from readerapp.records import PdfMark, Quad
from readerapp.text import normalize_space as clean_text

NOTE_SIZE = 18.0  # points: the side of the note icon other readers draw at a note's point
ORIGIN_PREFIX = "readerapp-"  # the /NM of the annotations this app writes
_HIGHLIGHT_TYPES = frozenset({"Highlight", "Underline", "Squiggly", "StrikeOut"})
_NOTE_TYPES = frozenset({"Text", "FreeText"})


def quad_of(rect: Any) -> Quad:
    """The quad of a PyMuPDF rect or quad, as eight floats."""
    quad = rect.quad if hasattr(rect, "quad") else rect
    return (quad.ul.x, quad.ul.y, quad.ur.x, quad.ur.y, quad.ll.x, quad.ll.y, quad.lr.x, quad.lr.y)


def quad_box(quad: Sequence[float]) -> tuple[float, float, float, float]:
    """The bounding box (x0, y0, x1, y1) of a quad."""
    xs, ys = quad[0::2], quad[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def point_quad(x: float, y: float) -> Quad:
    """The degenerate quad a note pinned at (x, y) keeps."""
    return (x, y, x, y, x, y, x, y)


def _open(path: Path) -> Any:
    try:
        with LOCK:
            return pymupdf().open(path, filetype="pdf")
    except (RuntimeError, ValueError) as exc:
        raise PdfError(f"cannot open {path.name}: {exc}") from exc


def _page(doc: Any, page: int, path: Path) -> Any:
    if not 1 <= page <= doc.page_count:
        raise PdfError(f"{path.name} has no page {page} (it has {doc.page_count})")
    return doc.load_page(page - 1)


def text_under(page: Any, quads: Iterable[Sequence[float]]) -> str:
    """The text under these quads, line by line (what a reader sees highlighted)."""
    fitz = pymupdf()
    parts = []
    for quad in quads:
        x0, y0, x1, y1 = quad_box(quad)
        # Half a point in from the edges: a glyph of the next line touching the box is not under it.
        middle = (y0 + y1) / 2
        parts.append(page.get_textbox(fitz.Rect(x0 - 0.5, middle - 0.5, x1 + 0.5, middle + 0.5)))
    return clean_text(" ".join(parts))


def find_quads(path: Path, page: int, text: str) -> tuple[Quad, ...]:
    """The quads of the first occurrence of ``text`` on ``page`` (1-based), found by PyMuPDF's
    ``search_for`` (which follows a text over line breaks). PdfError names what is missing."""
    wanted = clean_text(text)
    if not wanted:
        raise PdfError("the text to highlight is empty")
    doc = _open(path)
    try:
        with LOCK:
            found = _page(doc, page, path)
            hits = found.search_for(wanted, quads=True)
            quads = _first_occurrence(found, [quad_of(q) for q in hits], wanted)
    finally:
        with LOCK:
            doc.close()
    if not quads:
        raise PdfError(f"{wanted[:60]!r} is not on page {page} of {path.name}")
    return quads


def _first_occurrence(page: Any, quads: list[Quad], wanted: str) -> tuple[Quad, ...]:
    """``search_for`` gives every occurrence's line pieces in one list: keep the pieces of the first
    one, taking lines until the text under them holds as many letters as the wanted text."""
    letters = len(wanted.replace(" ", ""))
    taken: list[Quad] = []
    for quad in quads:
        taken.append(quad)
        if len(text_under(page, taken).replace(" ", "")) >= letters:
            break
    return tuple(taken)


@dataclass(frozen=True, slots=True)
class Word:
    """A word on a page, where PyMuPDF put it: its box and its place in the reading order."""

    box: tuple[float, float, float, float]
    text: str
    block: int
    line: int


def words_on(page: Any) -> list[Word]:
    """Every word on a PyMuPDF page in reading order (the caller holds ``LOCK``)."""
    return [Word((w[0], w[1], w[2], w[3]), w[4], w[5], w[6]) for w in page.get_text("words", sort=False)]


def page_words(path: Path, page: int) -> list[Word]:
    """Every word on a page (1-based) of a file: what a keyboard selection steps over."""
    doc = _open(path)
    try:
        with LOCK:
            return words_on(_page(doc, page, path))
    finally:
        with LOCK:
            doc.close()


def span_quads(words: Sequence[Word]) -> tuple[Quad, ...]:
    """One quad per line of these consecutive words: the union of their boxes on that line."""
    lines: dict[tuple[int, int], list[float]] = {}
    for word in words:
        x0, y0, x1, y1 = word.box
        box = lines.setdefault((word.block, word.line), [x0, y0, x1, y1])
        box[:] = [min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1)]
    return tuple((b[0], b[1], b[2], b[1], b[0], b[3], b[2], b[3]) for b in lines.values())


def _rgb(color: str | None) -> tuple[float, float, float]:
    value = color if color and color.startswith("#") else HIGHLIGHT_COLORS.get((color or "").lower())
    value = value or HIGHLIGHT_COLORS["yellow"]
    return tuple(int(value[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def color_name(rgb: Sequence[float] | None) -> str:
    """The named highlight colour nearest to an annotation's RGB (another reader's yellow is ours)."""
    if not rgb or len(rgb) != 3:
        return "yellow"

    def distance(name: str) -> float:
        return sum((a - b) ** 2 for a, b in zip(_rgb(name), rgb, strict=True))

    return min(HIGHLIGHT_COLORS, key=distance)


def _quad(fitz: Any, q: Sequence[float]) -> Any:
    points = [fitz.Point(q[i], q[i + 1]) for i in range(0, 8, 2)]
    return fitz.Quad(*points)


def write_annotated(source: Path, target: Path, marks: Iterable[tuple[int, PdfMark]]) -> int:
    """Copy ``source`` to ``target`` with each (id, mark) as a real PDF annotation: a highlight over its
    quads in its colour, its comment as the annotation's content and its author as the title, or a
    text note at its point. Written to a temporary file and renamed, so ``target`` is whole or old."""
    fitz = pymupdf()
    doc = _open(source)
    written = 0
    try:
        with LOCK:
            for key, mark in marks:
                page = _page(doc, mark.page, source)
                if mark.kind == "note":
                    x, y = mark.quads[0][0], mark.quads[0][1]
                    annot = page.add_text_annot(fitz.Point(x, y), mark.comment or mark.text or "")
                else:
                    annot = page.add_highlight_annot(quads=[_quad(fitz, q) for q in mark.quads])
                    annot.set_colors(stroke=_rgb(mark.color))
                annot.set_info(content=mark.comment or "", title=mark.author or "", subject="readerapp")
                annot.update()
                doc.xref_set_key(annot.xref, "NM", fitz.get_pdf_str(f"{ORIGIN_PREFIX}{key}"))
                written += 1
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
            os.close(handle)
            try:
                doc.save(temp, garbage=1, deflate=True)
                os.replace(temp, target)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
    except (RuntimeError, ValueError) as exc:
        raise PdfError(f"cannot write {target.name}: {exc}") from exc
    except OSError as exc:  # no folder, no permission, no room: one line, nothing half-written
        found = as_disk_full(exc, target.parent)
        raise (found if found is not exc else ExportError(f"cannot write {target}: {exc.strerror}")) from exc
    finally:
        with LOCK:
            doc.close()
    return written


def read_annotations(path: Path) -> list[PdfMark]:
    """The highlights (and underlines, squigglies, strike-outs) and notes written into a PDF, with the
    text under each highlight; other kinds (ink, shapes, links) are left alone."""
    doc = _open(path)
    found: list[PdfMark] = []
    try:
        for number in range(doc.page_count):
            with LOCK:
                page = doc.load_page(number)
                for annot in page.annots() or ():
                    mark = _mark(page, number + 1, annot)
                    if mark is not None:
                        found.append(mark)
    finally:
        with LOCK:
            doc.close()
    return found


def _mark(page: Any, number: int, annot: Any) -> PdfMark | None:
    kind = annot.type[1]
    info = annot.info
    comment = (info.get("content") or "").strip()
    if kind in _HIGHLIGHT_TYPES:
        points = annot.vertices or []
        quads = tuple(
            tuple(v for point in points[i : i + 4] for v in point) for i in range(0, len(points) - 3, 4)
        )
        if not quads:
            rect = annot.rect
            quads = ((rect.x0, rect.y0, rect.x1, rect.y0, rect.x0, rect.y1, rect.x1, rect.y1),)
        text = text_under(page, quads)
        mark_kind = "highlight"
    elif kind in _NOTE_TYPES and comment:
        quads = (point_quad(annot.rect.x0, annot.rect.y0),)
        text, mark_kind = "", "note"
    else:
        return None
    # An /NM is unique on its page only (PyMuPDF starts each page at "fitz-A0"): the page goes with it.
    origin = f"p{number}:{info['id']}" if info.get("id") else _digest(number, mark_kind, quads, text, comment)
    color = color_name(annot.colors.get("stroke"))
    author = info.get("title") or None
    return PdfMark(number, mark_kind, quads, text, comment or None, color, author, origin[:64])


def _digest(page: int, kind: str, quads: Sequence[Sequence[float]], text: str, comment: str) -> str:
    """What names an annotation that carries no /NM: where it is and what it says."""
    where = ";".join(",".join(f"{v:.0f}" for v in q) for q in quads)
    return hashlib.sha256(f"{page}|{kind}|{where}|{text}|{comment}".encode()).hexdigest()[:40]
