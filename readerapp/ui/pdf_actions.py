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

from collections.abc import Callable
from typing import Any

from readerapp.interaction.registry import READER, CommandError, command
from readerapp.paper import Changes
from readerapp.ui.pdf_annotator import PdfAnnotator
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
        # Puts a write's change on the window's undo history (``Actions._recorded``; set by the app).
        self.recorded: Callable[[Callable[[], Changes]], Callable[[], Changes]] = lambda job: job

    @property
    def pane(self) -> ReadingPane:
        if self._pane is None:
            assert self.w.library is not None, "the library opens before any command runs"
            pane = self._pane = ReadingPane(self.w.library, self.w.workers, self.w, self.keys,
                                            lambda name, job: self.w.write(name, self.recorded(job)))
            self.w.write_done.connect(lambda changes: pane.written(getattr(changes, "ids", ())))
            pane.status.connect(self._say)
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

    # -- annotating the PDF (issue 16; the work is PdfAnnotator's) ------------------------------

    def _annotator(self) -> PdfAnnotator:
        self._current_view()  # says so when no PDF is open
        return self.pane.current.annotator

    def _say(self, text: str) -> None:
        self.w.statusBar().showMessage(text, 6000)

    @command("pdf-highlight", menu=READER_MENU, title="Highlight", context=READER)
    def pdf_highlight(self) -> None:
        """Highlight the selection (v), or else the current find hit (/): 1-5 picks the colour and
        saves, Tab writes a comment first."""
        self._annotator().highlight()

    @command("pdf-select", menu=READER_MENU, title="Select text", context=READER)
    def pdf_select(self) -> None:
        """Select text from the current find hit or the first word in view: arrows, w/b (words), j/k
        (lines) and ( ) (sentences) extend it, h highlights it, Escape lets go. The mouse selects too."""
        self._annotator().start_selection()

    @command("pdf-note", menu=READER_MENU, title="Add a note", context=READER)
    def pdf_note(self) -> None:
        """Pin a note to the page: at the selection, the current find hit, or the top of the page in view."""
        self._annotator().add_note()

    @command("pdf-next-mark", menu=READER_MENU, title="Next highlight", context=READER)
    def pdf_next_mark(self, *, count: int | None = None) -> None:
        """Choose the next highlight or note of the PDF and show it (c edits, x deletes, Escape lets go)."""
        self._annotator().step(count or 1)

    @command("pdf-previous-mark", menu=READER_MENU, title="Previous highlight", context=READER)
    def pdf_previous_mark(self, *, count: int | None = None) -> None:
        """Choose the previous highlight or note of the PDF and show it."""
        self._annotator().step(-(count or 1))

    @command("pdf-edit-mark", menu=READER_MENU, title="Edit highlight", context=READER)
    def pdf_edit_mark(self) -> None:
        """Change the chosen highlight's comment or colour (a note's text)."""
        self._annotator().edit_chosen()

    @command("pdf-delete-mark", menu=READER_MENU, title="Delete highlight", context=READER)
    def pdf_delete_mark(self) -> None:
        """Delete the chosen highlight or note; u brings it back."""
        self._annotator().delete_chosen()

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
