"""Reading side by side: the paper (abstract, highlights, note) beside its PDF, or two PDFs to compare.

``ReadingPane`` talks to the Library only through ``Workers`` (reads on the pool, the reading position
through the serial writer, downloads as long cancellable work), so opening, fetching and saving never
block the GUI thread. Feed text is shown through ``detail_html`` (escaped), never as markup.

``readerapp.ui.pdf_actions`` puts it in the main window (``o``, ``p``, ``Ctrl+\\``) and gives it the
reader's keys (``ViewerKeys``), which each viewer reads; the keys the paper text beside the PDF leaves
over go to the viewer last used, so ``q`` leaves and ``j`` scrolls the PDF from there too.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from readerapp.paper import Paper
from readerapp.pdfs.position import PdfPosition
from readerapp.ui import theme
from readerapp.ui.detail_html import paper_html
from readerapp.ui.key_events import token_from_event
from readerapp.ui.pdf_view import PdfViewer, ViewerKeys
from readerapp.ui.signals import emit
from readerapp.ui.workers import Task, Workers

if TYPE_CHECKING:  # the app imports this before the store: keep SQLAlchemy off its start path
    from readerapp.api import Library


_KEPT = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab)


class PaperPdf(QWidget):
    """One paper's PDF in a viewer, opened from the library at the remembered position, which is
    saved back as the reader moves."""

    def __init__(self, library: Library, workers: Workers, parent: QWidget | None = None,
                 keys: ViewerKeys | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.workers = workers
        self.paper_id: str | None = None
        self.viewer = PdfViewer(self, keys)
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.viewer, 1)
        self.setFocusProxy(self.viewer)
        self.viewer.view.position_changed.connect(self._save_position)

    def open_paper(self, paper_id: str) -> Task:
        """Look up the stored PDF and the reading position on the pool, then open it."""
        self.paper_id = paper_id
        task = self.workers.read("open PDF", self._locate, paper_id)
        task.done.connect(self._located)
        task.failed.connect(lambda error: self.show_message(str(error)))
        return task

    def _locate(self, paper_id: str) -> tuple[str, Path | None, PdfPosition | None]:
        path = self.library.pdf_file(paper_id)
        return paper_id, path, self.library.reading_position(paper_id) if path else None

    def _located(self, found: tuple[str, Path | None, PdfPosition | None]) -> None:
        paper_id, path, position = found
        if paper_id != self.paper_id:
            return  # another paper was asked for meanwhile
        if path is None:
            self.viewer.view.close_document()
            self.show_message(f"No PDF stored for {paper_id} yet: press p to fetch it.")
            return
        self.message.hide()
        self.viewer.show()
        self.viewer.open(path, position)

    def show_message(self, text: str) -> None:
        self.viewer.hide()
        self.message.setText(text)
        self.message.show()

    def _save_position(self, position: PdfPosition) -> None:
        if self.paper_id is not None:
            self.workers.write("save reading position", self.library.save_reading_position,
                               self.paper_id, position)

    def close_document(self) -> None:
        self.viewer.view.close_document()


class ReadingPane(QSplitter):
    """The paper's text beside its PDF (``side_by_side``), or the PDF alone; optionally a second PDF."""

    layout_changed = Signal(bool)  # side by side?
    close_requested = Signal()  # Escape with no find hits: the reader is done with the PDF
    fetched = Signal(object)  # PdfFetchReport
    fetch_failed = Signal(str)  # the whole fetch failed (an unknown id, a cancelled run)
    progress = Signal(int, int, str)

    def __init__(self, library: Library, workers: Workers, parent: QWidget | None = None,
                 keys: ViewerKeys | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("reading-pane")
        self.library = library
        self.workers = workers
        self.keys = keys
        self.paper = QTextBrowser(self)
        self.paper.setObjectName("reading-paper")
        self.paper.setOpenExternalLinks(True)
        self.primary = self._paper_pdf()
        self.current = self.primary  # the viewer the reader last used, where commands act
        self.second: PaperPdf | None = None
        self.addWidget(self.paper)
        self.addWidget(self.primary)
        self.setStretchFactor(0, 2)
        self.setStretchFactor(1, 3)
        self.fetch_task: Task | None = None

    def _paper_pdf(self) -> PaperPdf:
        pdf = PaperPdf(self.library, self.workers, self, self.keys)
        pdf.viewer.engaged.connect(partial(self._engaged, pdf))
        pdf.viewer.view.leave_requested.connect(self.close_requested)
        return pdf

    def _engaged(self, pdf: PaperPdf) -> None:
        self.current = pdf

    @property
    def side_by_side(self) -> bool:
        return not self.paper.isHidden()

    def open_paper(self, paper_id: str) -> None:
        """Show the paper's abstract and note and open its PDF where the reader left it."""
        task = self.workers.read("paper", self.library.get, paper_id)
        task.done.connect(self._show_paper)
        self.primary.open_paper(paper_id)
        self.primary.setFocus()

    def _show_paper(self, paper: Paper) -> None:
        if paper.id != self.primary.paper_id:
            return
        accents = theme.ACCENTS[theme.current_scheme(QApplication.instance())]
        self.paper.setHtml(paper_html(paper, muted=accents["muted"], highlight=accents["highlight"],
                                      me=self.library.user_name))

    def toggle_layout(self) -> None:
        """Side by side (paper text and PDF) <-> PDF only."""
        self.paper.setVisible(not self.side_by_side)
        self.primary.setFocus()
        emit(self.layout_changed, self.side_by_side)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Keys the paper text leaves over (it scrolls with the arrows itself) are the reader's keys of
        the viewer last used. Return and Tab that reach here stay: the window would move focus to its
        hidden list or detail pane. Other keys go on up to the window."""
        token = token_from_event(event)
        if self.paper.hasFocus() and token is not None and self.current.viewer.dispatcher.feed(token):
            return
        if event.key() in _KEPT:
            event.accept()
        else:
            super().keyPressEvent(event)

    def compare(self, paper_id: str) -> None:
        """Open another paper's PDF beside the first (again: replace it)."""
        if self.second is None:
            self.second = self._paper_pdf()
            self.addWidget(self.second)
        self.second.open_paper(paper_id)

    def close_compare(self) -> None:
        if self.second is not None:
            self.second.close_document()
            self.second.deleteLater()
            self.second = None
            self.current = self.primary

    def fetch(self, ids: Sequence[str]) -> Task:
        """Download these papers' PDFs as cancellable background work; the open paper's PDF is shown
        as soon as it arrives."""
        wanted = list(ids)

        def job(task: Task) -> Any:
            def report(_what: str, done: int, total: int | None) -> None:
                task.report(done, total or 0, "Fetching PDFs")

            return self.library.fetch_pdfs(wanted, report, task.cancel_event)

        task = self.workers.long("fetch PDFs", job)
        task.progress.connect(lambda done, total, text: emit(self.progress, done, total, text))
        task.done.connect(self._fetched)
        task.failed.connect(lambda error: emit(self.fetch_failed, str(error)))
        self.fetch_task = task
        return task

    def _fetched(self, report: Any) -> None:
        emit(self.fetched, report)
        opened = self.primary.paper_id
        stored = any(f.public_id == opened for f in report.fetched)
        # ... or stored meanwhile by another process (the CLI) while this pane said "press p"
        stored = stored or (opened in report.already and not self.primary.viewer.view.ready)
        if opened is not None and stored:
            self.primary.open_paper(opened)
        elif opened in report.failed:
            self.primary.show_message(f"{opened}: {report.failed[opened]}")

    def close_documents(self) -> None:
        self.primary.close_document()
        self.close_compare()
