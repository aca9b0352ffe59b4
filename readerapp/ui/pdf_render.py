"""The PDF viewer's render thread: it owns the open document and turns pages into QImages.

Only this thread touches the viewer's document; every MuPDF call holds ``readerapp.pdfs.mupdf.LOCK``
for one page, so a text extraction on the download pool interleaves instead of racing. The view says
what it wants *now* (visible pages first, then the ones ahead) with ``want``; the list replaces the
previous one, so pages scrolled past are never rendered late. Finding text runs here too, and so does
reading a page's words for a selection (``words``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from readerapp.errors import PdfError
from readerapp.pdfs.annotations import Word, words_on
from readerapp.pdfs.mupdf import LOCK, pymupdf
from readerapp.pdfs.verify import check_envelope
from readerapp.ui.signals import emit

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF points


@dataclass(frozen=True, slots=True)
class Hit:
    page: int
    box: Box


class PageRenderer(QObject):
    """One document, one thread. Signals arrive on the GUI thread as queued calls.

    The thread is a daemon Python thread, not a ``QThread``: a window closed (or a process ending)
    with a PDF open must not abort on "QThread destroyed while running"; the view still stops it.
    """

    opened = Signal(object)  # list[tuple[float, float]]: every page's size in points
    open_failed = Signal(str)
    rendered = Signal(int, float, QImage)  # page, scale (pixels per point), image
    found = Signal(str, object)  # query, list[Hit]
    words_found = Signal(int, object)  # page (from 0), list[Word] in reading order

    def __init__(self, path: Path, parent: Any = None) -> None:
        super().__init__(parent)
        self.path = path
        self._cond = threading.Condition()
        self._wanted: list[tuple[int, float]] = []
        self._query: str | None = None
        self._words_of: list[int] = []
        self._rendering: tuple[int, float] | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self.run, name="readerapp-pdf-render", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout: float | None = 10.0) -> None:
        """Wait for the thread to end after ``stop`` (it finishes the page in hand)."""
        if self._thread.is_alive():
            self._thread.join(timeout)

    def want(self, requests: list[tuple[int, float]]) -> None:
        """Render these (page, scale) pairs in this order, instead of whatever was asked before (the
        page being rendered right now is not asked twice: its image is on its way)."""
        with self._cond:
            self._wanted = [r for r in requests if r != self._rendering]
            self._cond.notify()

    def find(self, query: str) -> None:
        with self._cond:
            self._query = query
            self._cond.notify()

    def words(self, page: int) -> None:
        """Read the words of ``page`` (from 0); ``words_found`` brings them."""
        with self._cond:
            if page not in self._words_of:
                self._words_of.append(page)
            self._cond.notify()

    def stop(self) -> None:
        """Finish the page in hand and end; the caller waits with ``wait()``."""
        with self._cond:
            self._stopping = True
            self._cond.notify()

    def run(self) -> None:
        fitz = pymupdf()
        try:
            check_envelope(self.path)
            with LOCK:
                doc = fitz.open(self.path, filetype="pdf")
                sizes = [(r.width, r.height) for r in (doc.load_page(i).rect for i in range(doc.page_count))]
        except (PdfError, OSError, RuntimeError, ValueError) as exc:
            emit(self.open_failed, f"cannot open {self.path.name}: {exc}")
            return
        if not sizes:
            emit(self.open_failed, f"{self.path.name} has no pages")
            return
        emit(self.opened, sizes)
        try:
            self._serve(fitz, doc)
        finally:
            with LOCK:
                doc.close()

    def _serve(self, fitz: Any, doc: Any) -> None:
        while True:
            with self._cond:
                while not (self._stopping or self._wanted or self._query is not None or self._words_of):
                    self._cond.wait()
                if self._stopping:
                    return
                query, self._query = self._query, None
                words = self._words_of.pop(0) if query is None and self._words_of else None
                job = self._rendering = self._wanted.pop(0) if query is None and words is None else None
            if query is not None:
                emit(self.found, query, self._find(doc, query))
            elif words is not None:
                emit(self.words_found, words, self._words(doc, words))
            elif job is not None:
                page, scale = job
                image = self._render(fitz, doc, page, scale)
                emit(self.rendered, page, scale, image)
                with self._cond:
                    self._rendering = None

    @staticmethod
    def _render(fitz: Any, doc: Any, page: int, scale: float) -> QImage:
        with LOCK:
            pix = doc.load_page(page).get_pixmap(matrix=fitz.Matrix(scale, scale), alpha=False)
            image = QImage(pix.samples, pix.width, pix.height, pix.stride, QImage.Format.Format_RGB888)
            return image.copy()  # own the pixels: ``pix`` is freed when this returns

    @staticmethod
    def _find(doc: Any, query: str) -> list[Hit]:
        hits: list[Hit] = []
        if not query.strip():
            return hits
        for number in range(doc.page_count):
            with LOCK:
                rects = doc.load_page(number).search_for(query)
            hits.extend(Hit(number, (r.x0, r.y0, r.x1, r.y1)) for r in rects)
        return hits

    @staticmethod
    def _words(doc: Any, page: int) -> list[Word]:
        with LOCK:
            return words_on(doc.load_page(page))
