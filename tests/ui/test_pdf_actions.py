"""Reading mode in the real window: fetch the current paper's PDF from loopback, read it beside the
paper, switch to PDF only and back to the list, all by keys once the commands are registered."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from pytest_httpserver import HTTPServer
from pytestqt.qtbot import QtBot

from readerapp.ui.app import Session
from readerapp.ui.commands import CommandRegistry
from readerapp.ui.pdf_actions import PdfActions
from tests.pdfs_samples import make_pdf


def test_fetch_read_toggle_and_leave(session: Session, qtbot: QtBot, httpserver: HTTPServer) -> None:
    window = session.window
    window.library.config = replace(window.library.config, pdf_url=httpserver.url_for("/pdf/{id}"))
    actions = PdfActions(window)
    assert not actions.reading and actions._pane is None  # nothing built until the first PDF command
    registry = CommandRegistry.collect(session.actions, actions)  # no name clashes with the app's
    names = {c.name for c in registry}
    assert {"read-pdf", "fetch-pdf", "toggle-pdf-layout", "close-pdf", "compare-pdf"} <= names
    paper_id = window.current_id()
    assert paper_id is not None
    pdf = make_pdf(4)
    httpserver.expect_request(f"/pdf/{paper_id}").respond_with_data(pdf, content_type="application/pdf")

    with qtbot.waitSignal(actions.pane.fetched, timeout=10_000):
        actions.fetch_pdf()
    qtbot.waitUntil(lambda: (window.current_paper() or window).pdf_path is not None)  # the list's PDF mark

    actions.read_pdf()
    view = actions.pane.primary.viewer.view
    qtbot.waitUntil(lambda: view.ready and view.page_count == 4, timeout=5000)
    assert actions.reading and not window.table.isVisible() and actions.pane.paper.isVisible()
    view.setFocus()
    qtbot.keyClicks(view, "G")
    assert view.current_page() == 3
    qtbot.keyClick(view, Qt.Key.Key_Backslash, Qt.KeyboardModifier.ControlModifier)
    assert not actions.pane.side_by_side
    qtbot.keyClick(view, Qt.Key.Key_Q)
    assert not actions.reading and window.table.isVisible()
