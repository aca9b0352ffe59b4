"""Search you can leave: Escape goes back to the view and paper the search started from, a query that
can be read (or another view) clears the error of one that could not, and a key dismisses the banner."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from ui_support import keys

from readerapp import Library
from readerapp.ui.app import Session

QUERY = "model"


def _search(qtbot: QtBot, session: Session, text: str) -> None:
    w = session.window
    keys(qtbot, w.table, "/")
    qtbot.keyClicks(w.search, text)
    qtbot.waitUntil(lambda: w.view.kind == "search" and w.view.value == text)


def test_escape_in_the_results_returns_to_the_view_and_paper_the_search_left(
        qtbot: QtBot, session: Session, library: Library) -> None:
    w = session.window
    assert library.search(QUERY), "the sample day has papers the query finds"
    keys(qtbot, w.table, "g", "d", "g", "i", "j", "j")
    qtbot.waitUntil(lambda: w.view.kind == "inbox" and w.current_row() == 2)
    chosen = w.current_id()
    _search(qtbot, session, QUERY)
    qtbot.waitUntil(lambda: w.windowTitle().startswith(f"Search: {QUERY}"))
    assert not w.sidebar.selectionModel().currentIndex().isValid(), "no sidebar entry claims the results"
    keys(qtbot, w.search, "Return")
    assert w.table.hasFocus() and w.view.kind == "search", "Enter goes to the results"
    keys(qtbot, w.table, "Escape")
    qtbot.waitUntil(lambda: w.view.kind == "inbox" and w.current_id() == chosen)
    assert w.windowTitle().startswith("Inbox") and w.search.text() == ""
    assert w.table.hasFocus()
    assert w.sidebar.selectionModel().currentIndex().data() == "Inbox"


def test_escape_in_the_search_field_goes_back_too(qtbot: QtBot, session: Session) -> None:
    w = session.window
    keys(qtbot, w.table, "j")
    chosen = w.current_id()
    _search(qtbot, session, QUERY)
    keys(qtbot, w.search, "Escape")
    qtbot.waitUntil(lambda: w.view.kind == "inbox" and w.current_id() == chosen)
    assert w.search.text() == "" and w.table.hasFocus()
    assert not w.windowTitle().startswith("Search")


def test_a_readable_query_clears_the_error_of_one_that_was_not(qtbot: QtBot, session: Session) -> None:
    w = session.window
    _search(qtbot, session, "(foo")
    qtbot.waitUntil(lambda: not w.messages.isHidden())
    w.search.clear()
    qtbot.keyClicks(w.search, QUERY)
    qtbot.waitUntil(lambda: w.messages.isHidden())


def test_a_view_switch_clears_the_query_error(qtbot: QtBot, session: Session) -> None:
    w = session.window
    _search(qtbot, session, "(foo")
    qtbot.waitUntil(lambda: not w.messages.isHidden())
    keys(qtbot, w.search, "Return")
    keys(qtbot, w.table, "g", "s")
    qtbot.waitUntil(lambda: w.view.kind == "starred")
    assert w.messages.isHidden()


def test_a_key_dismisses_the_banner(qtbot: QtBot, session: Session) -> None:
    w = session.window
    _search(qtbot, session, "(foo")
    qtbot.waitUntil(lambda: not w.messages.isHidden())
    keys(qtbot, w.search, "Ctrl+D")
    assert w.messages.isHidden()
    assert "Ctrl+D" in w.messages.close_button.text()
