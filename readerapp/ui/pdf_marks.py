"""The annotations drawn over a PDF's pages: highlights in their colours, notes as small squares at their
point, the chosen one outlined, and a selection in progress. One read in from the PDF is in the page's
own render already (MuPDF draws the file's annotations): it is only outlined when chosen.

Boxes are kept per page in PDF points and drawn through the painter's transform, multiplied into the
page image as a marker on paper would be (the letters stay black). A page of 200 highlights costs a few
hundred rectangle fills, no per-paint conversion (see docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPen

from readerapp.highlight_colors import HIGHLIGHT_COLORS, color_value
from readerapp.paper import HighlightView
from readerapp.pdfs.annotations import NOTE_SIZE, quad_box

_SELECTION = QColor(60, 130, 255, 90)
_CHOSEN = QColor(200, 40, 40)
_NOTE_EDGE = QColor(120, 90, 0)


def _boxes(quads: Sequence[Sequence[float]]) -> list[QRectF]:
    return [QRectF(x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1 in (quad_box(q) for q in quads)]


class MarkLayer:
    """What to draw over each page (pages from 0): the paper's annotations and the selection."""

    def __init__(self) -> None:
        self.marks: list[HighlightView] = []
        self.chosen: int | None = None  # a mark's id
        self._by_page: dict[int, list[tuple[int, str, QColor, list[QRectF]]]] = {}
        self.selection: tuple[int, list[QRectF]] | None = None

    def set_marks(self, marks: Sequence[HighlightView]) -> None:
        self.marks = [m for m in marks if m.on_pdf]
        self._by_page = {}
        for mark in self.marks:
            color = QColor(color_value(mark.color, HIGHLIGHT_COLORS["yellow"]))
            if mark.kind == "note":
                x, y = mark.quads[0][0], mark.quads[0][1]
                boxes = [QRectF(x, y, NOTE_SIZE, NOTE_SIZE)]
            else:
                boxes = _boxes(mark.quads)
            on_page = self._by_page.setdefault((mark.page or 1) - 1, [])
            on_page.append((mark.id, "imported" if mark.imported else mark.kind, color, boxes))
        if self.chosen not in {m.id for m in self.marks}:
            self.chosen = None

    def set_selection(self, page: int | None, quads: Sequence[Sequence[float]] = ()) -> None:
        self.selection = None if page is None else (page, _boxes(quads))

    def paint(self, painter: QPainter, page: int, rect: QRectF, scale: float) -> None:
        marks = self._by_page.get(page, [])
        selected = self.selection if self.selection is not None and self.selection[0] == page else None
        if not marks and selected is None:
            return
        painter.save()
        painter.translate(rect.topLeft())
        painter.scale(scale, scale)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
        chosen: list[QRectF] = []
        for mark_id, kind, color, boxes in marks:
            if kind != "imported":  # the page's own render shows it: filled twice, it would darken
                for box in boxes:
                    painter.fillRect(box, color)
            if kind == "note":
                painter.setPen(QPen(_NOTE_EDGE, 1.0))
                painter.drawRect(boxes[0])
            if mark_id == self.chosen:
                chosen = boxes
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        if selected is not None:
            for box in selected[1]:
                painter.fillRect(box, _SELECTION)
        if chosen:
            painter.setPen(QPen(_CHOSEN, 1.5 / scale))
            for box in chosen:
                painter.drawRect(box)
        painter.restore()
