"""Papers like this one, and citing from the app: ``similar`` and the ``copy-*`` commands.

An owner of its own in the command registry (like the PDF reader's commands), so the window's commands
stay where they are. The text to copy is made on a worker by ``Library.citation`` (the BibTeX export's
own entry and key) and put on the system clipboard when it arrives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from readerapp.interaction.registry import CommandError, command
from readerapp.interaction.views import View, ViewKind

if TYPE_CHECKING:
    from readerapp.api import Library
    from readerapp.choices import CitationKind
    from readerapp.ui.window import MainWindow

_COPIED = {"bibtex": "BibTeX entry", "citekey": "citation key", "link": "link"}


class CiteCommands:
    """``similar``, ``copy-bibtex``, ``copy-citekey`` and ``copy-link`` over one window."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window

    @command("similar", menu="Go", title="Similar papers")
    def similar(self) -> None:
        """List the papers most like the current one, each with the words they share (shown above it)."""
        paper = self.w.current_paper()
        if paper is None:
            raise CommandError("no paper is selected")
        self.w.loader.show_view(View(ViewKind.SIMILAR, paper.id))
        self.w.statusBar().showMessage(f"Papers like {paper.title}", 6000)
        self.w.table.setFocus()

    @command("copy-bibtex", menu="Paper", title="Copy BibTeX")
    def copy_bibtex(self) -> None:
        """Copy the current paper's BibTeX entry (as the BibTeX export writes it) to the clipboard."""
        self._copy("bibtex")

    @command("copy-citekey", menu="Paper", title="Copy citation key")
    def copy_citekey(self) -> None:
        """Copy the current paper's citation key (the one its BibTeX entry carries) to the clipboard."""
        self._copy("citekey")

    @command("copy-link", menu="Paper", title="Copy link")
    def copy_link(self) -> None:
        """Copy the current paper's link (its arXiv page, else its DOI or publisher page) to the clipboard."""
        self._copy("link")

    def _copy(self, kind: CitationKind) -> None:
        paper_id = self.w.current_id()
        if paper_id is None:
            raise CommandError("no paper is selected")
        task = self.w.workers.read(f"copy-{kind}", self._library().citation, paper_id, kind)
        task.done.connect(lambda text: self._copied(kind, text))
        task.failed.connect(self.w.report_error)

    def _copied(self, kind: str, text: str) -> None:
        QApplication.clipboard().setText(text)
        first = text.splitlines()[0] if text else ""
        self.w.statusBar().showMessage(f"Copied the {_COPIED[kind]}: {first}", 6000)

    def _library(self) -> Library:
        if self.w.library is None:
            raise CommandError("the library is still opening")
        return self.w.library
