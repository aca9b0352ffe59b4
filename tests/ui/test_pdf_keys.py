"""The PDF reader's keys in the real window: named commands in a context of their own, with counts, the
user's ``[keys.reader]`` and its conflicts, ``?`` and the palette in context, and the window's keys the
reader leaves free."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytest_httpserver import HTTPServer
from pytestqt.qtbot import QtBot
from ui_support import keys, open_window, settle

from readerapp import Library
from readerapp.interaction.keymap import READER_BINDINGS
from readerapp.interaction.registry import READER
from readerapp.ui.app import Session
from readerapp.ui.pdf_actions import PdfActions
from readerapp.ui.pdf_view import PdfView
from tests.pdfs_samples import make_pdf

PAGES = 20


def _pdf_actions(session: Session) -> PdfActions:
    actions = session.registry.get("read-pdf").handler.__self__
    assert isinstance(actions, PdfActions)
    return actions


def _store_pdfs(session: Session, httpserver: HTTPServer, *ids: str) -> None:
    library = session.window.library
    assert library is not None
    library.config = replace(library.config, pdf_url=httpserver.url_for("/pdf/{id}"))
    for paper_id in ids:
        httpserver.expect_request(f"/pdf/{paper_id}").respond_with_data(make_pdf(PAGES),
                                                                        content_type="application/pdf")
    assert library.fetch_pdfs(list(ids)).ok


def _read(session: Session, qtbot: QtBot, httpserver: HTTPServer) -> PdfView:
    """The current paper's PDF open in the reading pane, its view focused."""
    paper_id = session.window.current_id()
    assert paper_id is not None
    _store_pdfs(session, httpserver, paper_id)
    keys(qtbot, session.window.table, "o")
    view = _pdf_actions(session).pane.primary.viewer.view
    qtbot.waitUntil(lambda: view.ready and view.page_count == PAGES, timeout=5000)
    view.setFocus()
    return view


def test_every_reader_default_runs_a_real_reader_command(session: Session) -> None:
    for line in READER_BINDINGS.values():
        session.registry.check(line)
    assert {c.name for c in session.registry if c.context == READER} == set(READER_BINDINGS.values())


def test_reader_keys_take_counts_and_leave_the_window_keys_it_does_not_use(
    session: Session, qtbot: QtBot, httpserver: HTTPServer
) -> None:
    window = session.window
    keys(qtbot, window.table, "j")  # in the list, j is still the next paper
    assert window.current_row() == 1
    view = _read(session, qtbot, httpserver)
    keys(qtbot, view, "1", "2")
    assert window.keys_label.text() == "12"  # a count being typed shows like a pending sequence
    keys(qtbot, view, "G")
    assert view.current_page() == 11 and window.keys_label.text() == ""
    keys(qtbot, view, "3", "g", "g")
    assert view.current_page() == 2
    keys(qtbot, view, "2", "J")
    assert view.current_page() == 4
    start = view.verticalScrollBar().value()
    keys(qtbot, view, "3", "j")
    assert view.verticalScrollBar().value() - start == 3 * 48
    qtbot.keyClick(view, Qt.Key.Key_End)  # the window's End (last paper) does not reach the hidden list
    assert view.current_page() == PAGES - 1 and window.current_row() == 1
    qtbot.keyClick(view, Qt.Key.Key_Home)
    keys(qtbot, view, "4", "Escape", "J")  # Escape drops a count being typed
    assert view.current_page() == 1
    keys(qtbot, view, "s")  # the window's triage key, which the reader does not use
    settle(qtbot, session)
    paper = window.current_paper()
    assert paper is not None and paper.starred


def test_left_and_right_scroll_a_zoomed_page_sideways_as_reader_commands(
    session: Session, qtbot: QtBot, httpserver: HTTPServer
) -> None:
    view = _read(session, qtbot, httpserver)
    across = view.horizontalScrollBar()
    keys(qtbot, view, "3", "+")
    qtbot.waitUntil(lambda: across.maximum() > 4 * 48)
    start = across.value()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert across.value() == start + 48
    keys(qtbot, view, "2")
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert across.value() == start + 3 * 48
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert across.value() == start + 2 * 48
    assert session.keymap.keys_for("pdf-scroll-left", READER) == ["Left"]


def test_user_reader_keys_remap_and_conflicts_are_reported(
    qtbot: QtBot, qapp: QApplication, library: Library, httpserver: HTTPServer
) -> None:
    settings = Path(library.path) / "settings.toml"
    settings.write_text('[keys]\n"z" = "star"\n\n'
                        '[keys.reader]\n"l" = "pdf-next-page"\n"J" = "pdf-last-page"\n"1" = "star"\n'
                        '"m" = "frobnicate"\n"g" = "pdf-fit-page"\n"s" = ""\n')
    session = open_window(qtbot, library)
    try:
        message = session.window.messages.label.text()
        replaced = "[keys.reader] 'J' replaces the default binding 'pdf-next-page' with 'pdf-last-page'"
        assert replaced in message
        assert "[keys.reader] '1': a digit starts a count" in message
        assert "[keys.reader] 'm': no such command: frobnicate" in message
        assert "[keys.reader] 'g' hides 'g g' ('pdf-first-page')" in message
        view = _read(session, qtbot, httpserver)
        keys(qtbot, view, "l")
        assert view.current_page() == 1
        keys(qtbot, view, "5", "l")
        assert view.current_page() == 6
        keys(qtbot, view, "J")
        assert view.current_page() == PAGES - 1
        keys(qtbot, view, "g")
        assert view.zoom == "page"
        keys(qtbot, view, "s", "z")  # s does nothing in the reader now; the user's window key z stars
        settle(qtbot, session)
        library_paper = library.get(session.window.current_id() or "")
        assert library_paper.starred
        session.actions.help()
        text = session.actions.help_overlay.browser.toPlainText()
        assert text.index("Reader") < text.index("Go")  # the reader's keys first, in the reader
        assert "\nl\nNext page\n" in text and "\nJ / G / End\nLast page\n" in text
    finally:
        session.close()


def test_help_and_palette_follow_the_reader(session: Session, qtbot: QtBot, httpserver: HTTPServer) -> None:
    actions = session.actions
    keys(qtbot, session.window.table, ":")
    listed = [actions.palette.model.index(r, 0).data() for r in range(actions.palette.model.rowCount())]
    assert not any("Fit width" in text for text in listed)  # no PDF open: the reader's commands wait
    actions.palette.close()

    view = _read(session, qtbot, httpserver)
    keys(qtbot, view, "?")
    overlay = actions.help_overlay
    assert overlay.isVisible()
    text = overlay.browser.toPlainText()
    assert text.startswith("Reader") and "g g / Home" in text and "Star" in text
    assert "Next paper" not in text  # the window's commands that no key reaches in the reader
    overlay.close()

    view.setFocus()
    keys(qtbot, view, ":")
    qtbot.keyClicks(actions.palette.input, "fit page")
    keys(qtbot, actions.palette.input, "Return")
    assert view.zoom == "page"


def test_keys_act_on_the_viewer_they_are_typed_in_and_the_paper_text_passes_them_on(
    session: Session, qtbot: QtBot, httpserver: HTTPServer
) -> None:
    window = session.window
    first = window.current_id()
    keys(qtbot, window.table, "x", "j", "x")
    second = window.current_id()
    assert first and second
    _store_pdfs(session, httpserver, first, second)
    keys(qtbot, window.table, "o")
    pane = _pdf_actions(session).pane
    qtbot.waitUntil(lambda: pane.second is not None and pane.second.viewer.view.ready
                    and pane.primary.viewer.view.ready, timeout=5000)
    assert pane.second is not None
    other = pane.second.viewer.view
    other.setFocus()
    keys(qtbot, other, "5", "G")
    assert other.current_page() == 4 and pane.primary.viewer.view.current_page() == 0
    session.run_line("pdf-next-page")  # the palette and the menu act on the viewer last used
    assert other.current_page() == 5

    primary = pane.primary.viewer.view
    narrow = primary.viewport().width()
    pane.close_compare()
    qtbot.waitUntil(lambda: primary.viewport().width() > narrow)  # laid out alone before G
    pane.paper.setFocus()
    keys(qtbot, pane.paper, "G")  # the paper text does not use G: the PDF beside it does
    assert primary.current_page() == PAGES - 1
    keys(qtbot, pane.paper, "q")
    assert not _pdf_actions(session).reading and window.table.isVisible()
