"""The main window's reading mode: commands that open the paper beside its PDF, fetch PDFs, switch
between side by side and PDF only, and the viewer's own commands (``pdf-scroll-down``...) on the viewer
the reader last used, so that the palette and the menu reach them too.

Wiring (in ``readerapp.ui.app.build_session`` and the default keymap):
``CommandRegistry.collect(actions, PdfActions(window))``, the window's bindings ``"o": "read-pdf"``,
``"p": "fetch-pdf"``, ``"Ctrl+\\": "toggle-pdf-layout"``, the reader's table (``keymap.READER_BINDINGS``)
and ``keys``: every viewer reads the reader's keys of the user's keymap and runs them through the
window's registry.
"""

from __future__ import annotations

from typing import Any

from readerapp.interaction.registry import READER, CommandError, command
from readerapp.ui.pdf_pane import ReadingPane
from readerapp.ui.pdf_view import READER_MENU, PdfView, ViewerCommands, ViewerKeys
from readerapp.ui.window import MainWindow


class PdfActions(ViewerCommands):
    """Reading-mode commands over one window. The pane is built on first use, in the window's splitter:
    the window paints before its library is open, and a reader may never open a PDF."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(self._current_view)
        self.w = window
        self._pane: ReadingPane | None = None
        self.keys: ViewerKeys | None = None  # the reader's keys, once the keymap is built

    @property
    def pane(self) -> ReadingPane:
        if self._pane is None:
            assert self.w.library is not None, "the library opens before any command runs"
            pane = self._pane = ReadingPane(self.w.library, self.w.workers, self.w, self.keys)
            pane.hide()
            self.w.splitter.addWidget(pane)
            self.w.splitter.setStretchFactor(self.w.splitter.indexOf(pane), 4)
            pane.progress.connect(self._progress)
            pane.fetched.connect(self._fetched)
            pane.fetch_failed.connect(lambda problem: self.w.statusBar().showMessage(problem, 8000))
            pane.close_requested.connect(self.close_pdf)
        return self._pane

    @property
    def reading(self) -> bool:
        return self._pane is not None and not self._pane.isHidden()

    def _current_view(self) -> PdfView:
        if not self.reading:
            raise CommandError("no PDF is open: o reads the paper's PDF")
        return self.pane.current.viewer.view

    @command("read-pdf", menu="Paper", title="Read PDF beside the paper")
    def read_pdf(self) -> None:
        """Open the paper's PDF beside its abstract and note, where you stopped (q: back); with two
        papers selected, their PDFs side by side to compare."""
        ids = self.w.targets()
        current = self.w.current_id()
        if not ids:
            return
        first = current if current in ids else ids[0]
        others = [i for i in ids if i != first]
        self._show_reading(True)
        self.w.show_reading(next((p.title for p in self.w.shown_papers([first])), "Reading"))
        self.pane.open_paper(first)
        if others:
            self.pane.compare(others[0])
        else:
            self.pane.close_compare()

    @command("toggle-pdf-layout", menu="Paper", title="Side by side / PDF only")
    def toggle_pdf_layout(self) -> None:
        """Switch the reading view between the paper beside its PDF and the PDF alone."""
        if not self.reading:
            self.read_pdf()
            return
        self.pane.toggle_layout()

    @command("close-pdf", menu=READER_MENU, title="Back to the list", context=READER)
    def close_pdf(self) -> None:
        """Leave the reading view (the position in the PDF is kept for next time)."""
        if not self.reading:
            return
        self.pane.close_documents()
        self._show_reading(False)
        self.w.show_reading(None)
        self.w.table.setFocus()

    @command("fetch-pdf", menu="Paper", title="Fetch PDFs")
    def fetch_pdf(self) -> None:
        """Download the selected papers' PDFs in the background (verified, text indexed)."""
        ids = self.w.targets()
        if ids:
            self.w.statusBar().showMessage(f"Fetching {len(ids)} PDF{'s' if len(ids) > 1 else ''}…")
            self.pane.fetch(ids)

    def fetch_for_reading(self, ids: list[str]) -> None:
        """With ``pdf_on_reading`` set, papers moved to Reading get their PDFs behind the list (those
        already stored are skipped by the fetch), so they are there when the reading starts."""
        library = self.w.library
        if library is not None and library.config.pdf_on_reading:
            self.pane.fetch(ids)

    def _show_reading(self, on: bool) -> None:
        list_pane = self.w.table.parentWidget()
        assert list_pane is not None  # the table sits in the window's list pane
        for widget in (self.w.sidebar, list_pane, self.w.detail):
            widget.setVisible(not on)
        self.pane.setVisible(on)

    def _progress(self, done: int, total: int, text: str) -> None:
        self.w.statusBar().showMessage(f"{text}: {done} / {total}")

    def _fetched(self, report: Any) -> None:
        ids = list(report.changes.ids)
        self.w.model.refresh(ids)
        parts = [f"{len(report.fetched)} PDF{'s' if len(report.fetched) != 1 else ''} stored"]
        if report.already:
            parts.append(f"{len(report.already)} already there")
        parts.extend(f"{ident}: {problem}" for ident, problem in report.failed.items())
        self.w.statusBar().showMessage(" · ".join(parts), 8000)
