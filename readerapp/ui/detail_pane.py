"""The detail pane: the current paper in full, read on a worker a moment after the cursor stops on it
(so holding ``j`` reads only the paper it stops at)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QTextBrowser

from readerapp.interaction.views import RANKED
from readerapp.paper import Paper
from readerapp.ui import theme
from readerapp.ui.detail_html import paper_html
from readerapp.ui.signals import emit

if TYPE_CHECKING:
    from readerapp.ui.window import MainWindow


class DetailPane(QTextBrowser):
    """Shows the window's current paper; the window's ``detail_loaded`` says when it has."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.paper: Paper | None = None  # what the pane shows (highlights read it)
        self._id: str | None = None  # the paper asked for
        self.setObjectName("detail")
        self.setOpenExternalLinks(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.timer = QTimer(self, singleShot=True, interval=40, timeout=self._load)  # type: ignore[call-arg]

    def refresh(self, ids: Sequence[str] | None = None) -> None:
        """Read the current paper again (when ``ids`` is given: if it is one of them)."""
        if ids is None or self._id in ids:
            self.timer.start()

    def _load(self) -> None:
        paper_id = self._id = self.w.current_id()
        library = self.w.library
        if library is None:
            return
        if paper_id is None:
            self.setHtml("<p>No paper in this view.</p>")
            return
        task = self.w.workers.read("detail", library.get, paper_id)
        task.done.connect(self._arrived)
        task.failed.connect(self.w.report_error)

    def _arrived(self, paper: Paper) -> None:
        if paper.id != self._id:
            return  # the user has moved on
        accents = theme.ACCENTS[theme.current_scheme(QApplication.instance())]
        me = self.w.library.user_name if self.w.library is not None else None
        html = paper_html(paper, muted=accents["muted"], highlight=accents["highlight"], me=me)
        lists = self.w.controller
        why = lists.why.get(paper.id, ()) if lists.view.is_ranked else ()
        if why:  # a ranked view says why it ranked the paper, above the title
            terms = escape(", ".join(why))
            because = RANKED[lists.view.kind]
            html = f'<p style="color:{accents["muted"]}">{because}: {terms}</p>{html}'
        self.paper = paper
        self.setHtml(html)
        emit(self.w.detail_loaded, paper.id)
