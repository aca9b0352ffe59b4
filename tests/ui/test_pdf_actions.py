"""Reading mode in the real window, by keys: p fetches the current paper's PDF from loopback, o reads it
beside the paper, Ctrl+\\ switches to the PDF alone, q goes back to the list."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from pytest_httpserver import HTTPServer
from pytestqt.qtbot import QtBot
from ui_support import keys, settle

from readerapp import Library
from readerapp.paper import Paper
from readerapp.ui.app import Session
from readerapp.ui.pdf_actions import PdfActions
from tests.pdfs_samples import make_pdf


def _library(session: Session) -> Library:
    library = session.window.library
    assert library is not None
    return library


def _reading_mode(session: Session, httpserver: HTTPServer) -> PdfActions:
    """The window's registered reading-mode commands, with PDFs fetched from ``httpserver``."""
    library = _library(session)
    library.config = replace(library.config, pdf_url=httpserver.url_for("/pdf/{id}"))
    actions = session.registry.get("read-pdf").handler.__self__
    assert isinstance(actions, PdfActions)
    return actions


def _current(session: Session) -> Paper:
    paper = session.window.current_paper()
    assert paper is not None
    return paper


def test_fetch_read_toggle_and_leave_by_keys(session: Session, qtbot: QtBot, httpserver: HTTPServer) -> None:
    window = session.window
    actions = _reading_mode(session, httpserver)
    paper_id = window.current_id()
    assert paper_id is not None
    pdf = make_pdf(12)
    httpserver.expect_request(f"/pdf/{paper_id}").respond_with_data(pdf, content_type="application/pdf")

    keys(qtbot, window.table, "o")  # no PDF yet: the pane says how to get one
    qtbot.waitUntil(lambda: actions.pane.primary.message.isVisible())
    assert "press p" in actions.pane.primary.message.text()
    keys(qtbot, actions.pane.primary.viewer.view, "q")
    assert not actions.reading and window.table.isVisible()

    window.table.setFocus()
    with qtbot.waitSignal(actions.pane.fetched, timeout=10_000):
        keys(qtbot, window.table, "p")
    qtbot.waitUntil(lambda: _current(session).pdf_path is not None)  # the list's PDF mark

    keys(qtbot, window.table, "o")
    view = actions.pane.primary.viewer.view
    qtbot.waitUntil(lambda: view.ready and view.page_count == 12, timeout=5000)
    assert actions.reading and not window.table.isVisible() and actions.pane.paper.isVisible()
    view.setFocus()
    keys(qtbot, view, "G")
    assert view.verticalScrollBar().value() == view.verticalScrollBar().maximum() > 0
    qtbot.keyClick(view, Qt.Key.Key_Backslash, Qt.KeyboardModifier.ControlModifier)
    assert not actions.pane.side_by_side
    keys(qtbot, view, "s")  # a triage key the viewer does not use reaches the window: star
    qtbot.waitUntil(lambda: _current(session).starred)
    keys(qtbot, view, "Return")  # would focus the hidden detail pane: kept in the reading view
    assert view.hasFocus()
    keys(qtbot, view, "Escape")
    assert not actions.reading and window.table.isVisible() and window.table.hasFocus()


def test_two_selected_papers_open_side_by_side(
    session: Session, qtbot: QtBot, httpserver: HTTPServer
) -> None:
    window = session.window
    actions = _reading_mode(session, httpserver)
    first = window.current_id()
    keys(qtbot, window.table, "x", "j", "x")
    second = window.current_id()
    assert first and second and window.targets() == [first, second]
    for paper_id, pages in ((first, 3), (second, 5)):
        pdf = make_pdf(pages)
        httpserver.expect_request(f"/pdf/{paper_id}").respond_with_data(pdf, content_type="application/pdf")
    with qtbot.waitSignal(actions.pane.fetched, timeout=10_000):
        keys(qtbot, window.table, "p")
    keys(qtbot, window.table, "o")
    pane = actions.pane
    qtbot.waitUntil(lambda: pane.second is not None and pane.second.viewer.view.page_count == 3)
    assert actions.pane.primary.paper_id == second  # the current paper leads
    qtbot.waitUntil(lambda: actions.pane.primary.viewer.view.page_count == 5)


def test_moving_papers_to_reading_fetches_their_pdfs_when_set(
    session: Session, qtbot: QtBot, httpserver: HTTPServer
) -> None:
    window, library = session.window, _library(session)
    actions = _reading_mode(session, httpserver)
    first = window.current_id()
    keys(qtbot, window.table, "r")  # the setting is off by default: nothing is fetched
    settle(qtbot, session)
    assert httpserver.log == [] and library.get(first).pdf_path is None

    library.config = replace(library.config, pdf_on_reading=True)
    keys(qtbot, window.table, "x", "j", "x")
    chosen = window.targets()
    for paper_id in chosen:
        served = httpserver.expect_request(f"/pdf/{paper_id}")
        served.respond_with_data(make_pdf(2), content_type="application/pdf")
    with qtbot.waitSignal(actions.pane.fetched, timeout=15_000):
        keys(qtbot, window.table, "r")
    settle(qtbot, session)
    assert sorted(request.path for request, _ in httpserver.log) == sorted(f"/pdf/{i}" for i in chosen)
    assert all(library.get(i).pdf_path and library.get(i).state == "reading" for i in chosen)


def test_a_pdf_stored_meanwhile_by_another_process_opens_when_p_finds_it(
    session: Session, qtbot: QtBot, httpserver: HTTPServer
) -> None:
    window, library = session.window, _library(session)
    actions = _reading_mode(session, httpserver)
    paper_id = window.current_id()
    assert paper_id is not None
    pdf = make_pdf(4)
    httpserver.expect_request(f"/pdf/{paper_id}").respond_with_data(pdf, content_type="application/pdf")
    keys(qtbot, window.table, "o")
    qtbot.waitUntil(lambda: actions.pane.primary.message.isVisible())  # "press p"
    assert library.fetch_pdfs([paper_id]).fetched, "the CLI, say, stored it meanwhile"
    view = actions.pane.primary.viewer.view
    with qtbot.waitSignal(actions.pane.fetched, timeout=10_000) as fetched:
        keys(qtbot, view, "p")
    assert fetched.args is not None and fetched.args[0].already == [paper_id]
    qtbot.waitUntil(lambda: view.ready and view.page_count == 4, timeout=5000)


def test_the_title_names_the_paper_being_read(session: Session, qtbot: QtBot, httpserver: HTTPServer) -> None:
    window = session.window
    actions = _reading_mode(session, httpserver)
    qtbot.waitUntil(lambda: window.windowTitle().startswith("Inbox ("))
    title = _current(session).title
    keys(qtbot, window.table, "o")
    qtbot.waitUntil(lambda: actions.reading)
    assert window.windowTitle() == f"{title} — readerapp"
    keys(qtbot, actions.pane.primary.viewer.view, "q")
    assert window.windowTitle().startswith("Inbox (")
