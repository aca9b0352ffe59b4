"""Highlights made, recoloured, commented, deleted and undone with keys only, checked through the API."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_support import keys, open_window, settle

from readerapp import Library
from readerapp.paper import HighlightView
from readerapp.ui.app import Session
from readerapp.ui.highlight_popup import placed
from readerapp.ui.paper_model import COLUMNS


def shown(qtbot: QtBot, session: Session) -> str:
    """Wait until the detail pane shows the current paper; its id."""
    w = session.window
    qtbot.waitUntil(lambda: w.detail_paper is not None and w.detail_paper.id == w.current_id())
    assert w.detail_paper is not None
    return w.detail_paper.id


def only_highlight(library: Library, paper_id: str) -> HighlightView:
    marks = library.get(paper_id).highlights
    assert len(marks) == 1
    return marks[0]


def test_highlight_lifecycle_by_keys(qtbot: QtBot, session: Session, library: Library) -> None:
    w, reader, popup = session.window, session.actions.reader, session.actions.highlight_popup
    paper_id = shown(qtbot, session)
    abstract = library.get(paper_id).abstract
    keys(qtbot, w.table, "Return")
    assert w.detail.hasFocus()
    keys(qtbot, w.detail, "Ctrl+Right", *["Shift+Right"] * 16, "Shift+Left")
    first_word = abstract.split(" ")[0]
    quote = abstract[len(first_word) + 1 : len(first_word) + 16].strip()
    assert reader.selection() is not None and reader.selection().quote == quote  # type: ignore[union-attr]

    keys(qtbot, w.detail, "h")
    qtbot.waitUntil(popup.isVisible)
    keys(qtbot, popup, "2")
    settle(qtbot, session)
    mark = only_highlight(library, paper_id)
    assert (mark.text, mark.start, mark.color, mark.comment) == (quote, len(first_word) + 1, "green", None)
    qtbot.waitUntil(lambda: reader.chosen == mark.id)  # the new highlight is chosen for c / 1-5 / x
    assert "Highlights" in w.detail.toPlainText() and quote in w.detail.toPlainText()

    keys(qtbot, w.detail, "c")
    qtbot.waitUntil(popup.isVisible)
    assert popup.comment.hasFocus()
    qtbot.keyClicks(popup.comment, "see <b>§3</b>")
    keys(qtbot, popup.comment, "Return")
    settle(qtbot, session)
    assert only_highlight(library, paper_id).comment == "see <b>§3</b>"
    qtbot.waitUntil(lambda: "see <b>§3</b>" in w.detail.toPlainText())  # shown as text, not markup

    w.detail.setFocus()
    keys(qtbot, w.detail, "3")
    settle(qtbot, session)
    assert only_highlight(library, paper_id).color == "blue"
    assert w.controller.tag_names == [], "with a highlight chosen, 3 recolours instead of toggling a tag"

    qtbot.waitUntil(lambda: reader.chosen == mark.id)
    keys(qtbot, w.detail, "x")
    settle(qtbot, session)
    assert library.get(paper_id).highlights == []
    keys(qtbot, w.detail, "u")
    settle(qtbot, session)
    restored = only_highlight(library, paper_id)
    assert (restored.text, restored.color, restored.comment) == (quote, "blue", "see <b>§3</b>")
    keys(qtbot, w.detail, "u")
    settle(qtbot, session)
    assert only_highlight(library, paper_id).color == "green", "undo walks back through the recolour"


def test_brackets_walk_highlights_and_flag_lost_ones(qtbot: QtBot, session: Session,
                                                     library: Library) -> None:
    w, reader = session.window, session.actions.reader
    paper_id = shown(qtbot, session)
    abstract = library.get(paper_id).abstract
    words = abstract.split()
    library.add_highlight(paper_id, words[3], color="pink")
    library.add_highlight(paper_id, words[0], comment="first")
    library.add_highlight(paper_id, "a quote that is not there", start=0)
    keys(qtbot, w.table, "j", "k")
    shown(qtbot, session)
    qtbot.waitUntil(lambda: len(reader.highlights()) == 3)
    ordered = reader.highlights()
    assert [h.text for h in ordered] == [words[0], words[3], "a quote that is not there"]
    assert "no longer matches the abstract" in w.detail.toPlainText()

    keys(qtbot, w.table, "]")
    assert reader.chosen == ordered[0].id and w.detail.hasFocus()
    keys(qtbot, w.detail, "]", "]")
    assert reader.chosen == ordered[2].id
    assert "no longer in the abstract" in w.statusBar().currentMessage()
    keys(qtbot, w.detail, "x")
    settle(qtbot, session)
    assert {h.text for h in library.get(paper_id).highlights} == {words[3], words[0]}
    qtbot.waitUntil(lambda: reader.chosen == ordered[1].id)  # the neighbour is chosen next
    keys(qtbot, w.detail, "[", "Escape")
    assert reader.chosen is None and w.detail.hasFocus()
    keys(qtbot, w.detail, "Escape")
    assert w.table.hasFocus()


def test_hostile_highlight_text_stays_text(qtbot: QtBot, session: Session, library: Library) -> None:
    w = session.window
    paper_id = shown(qtbot, session)
    word = library.get(paper_id).abstract.split()[0]
    hostile = '"><script>alert(1)</script>'
    library.add_highlight(paper_id, word, comment=hostile, color="red;background:url(x)")
    keys(qtbot, w.table, "j", "k")
    qtbot.waitUntil(lambda: "<script>alert(1)</script>" in w.detail.toPlainText())
    html = w.detail.toHtml()
    assert "url(x)" not in html and "<script>" not in html


def _listed(session: Session) -> list[str]:
    palette = session.actions.palette
    return [palette.model.index(row, 0).data() for row in range(palette.model.rowCount())]


def test_chosen_highlight_keys_are_commands_of_their_own_context(
    qtbot: QtBot, qapp: QApplication, library: Library
) -> None:
    """[keys.highlight] remaps them (its conflicts are reported), ? lists them first while one is chosen,
    and the palette offers them only then."""
    settings = Path(library.path) / "settings.toml"
    settings.write_text('[keys.highlight]\n"d" = "delete-highlight"\n"x" = ""\n"7" = "recolor-highlight 4"\n'
                        '"m" = "frobnicate"\n')
    session = open_window(qtbot, library)
    try:
        w, reader, actions = session.window, session.actions.reader, session.actions
        assert "[keys.highlight] 'm': no such command: frobnicate" in w.messages.label.text()
        paper_id = shown(qtbot, session)
        words = library.get(paper_id).abstract.split()
        library.add_highlight(paper_id, words[0])
        library.add_highlight(paper_id, words[2], color="blue")
        keys(qtbot, w.table, "j", "k")
        qtbot.waitUntil(lambda: len(reader.highlights()) == 2)
        keys(qtbot, w.table, ":")
        assert not any("Recolour" in text or "Delete highlight" in text for text in _listed(session))
        actions.palette.close()

        w.table.setFocus()
        keys(qtbot, w.table, "]")
        first = reader.chosen
        assert first is not None and reader.choosing
        assert "1-5 recolour · c comment · Delete delete · Escape let go" in w.statusBar().currentMessage()
        keys(qtbot, w.detail, "x")  # "" in [keys.highlight]: nothing, not the window's mark
        settle(qtbot, session)
        assert len(library.get(paper_id).highlights) == 2 and not w.controller.marking
        keys(qtbot, w.detail, "7")
        settle(qtbot, session)
        assert {h.id: h.color for h in library.get(paper_id).highlights}[first] == "pink"

        qtbot.waitUntil(lambda: reader.chosen == first)
        keys(qtbot, w.detail, "?")
        overlay = actions.help_overlay
        assert overlay.isVisible()
        text = overlay.browser.toPlainText()
        assert text.startswith("Highlight") and "\nDelete / d\nDelete highlight\n" in text
        assert "\n4 / 7\nRecolour highlight: 4\n" in text and "Star" in text
        assert "Toggle tag: 1" not in text and "Back to the list" not in text  # hidden by 1-5 and Escape
        overlay.close()

        w.detail.setFocus()
        keys(qtbot, w.detail, ":")
        assert any("Delete highlight" in text for text in _listed(session))
        qtbot.keyClicks(actions.palette.input, "delete highlight")
        keys(qtbot, actions.palette.input, "Return")
        settle(qtbot, session)
        assert [h.text for h in library.get(paper_id).highlights] == [words[2]]
        left = library.get(paper_id).highlights[0].id
        # the neighbour is chosen next, and the pane has the keyboard back from the palette
        qtbot.waitUntil(lambda: reader.chosen == left and reader.choosing)
        keys(qtbot, w.detail, "d")
        settle(qtbot, session)
        assert library.get(paper_id).highlights == []
    finally:
        session.close()



def test_the_highlight_popup_opens_next_to_the_selected_text(
        qtbot: QtBot, session: Session, library: Library) -> None:
    w, popup = session.window, session.actions.highlight_popup
    shown(qtbot, session)
    keys(qtbot, w.table, "Return")
    keys(qtbot, w.detail, "Down", "Down", "Ctrl+Right", *["Shift+Right"] * 12)
    cursor = w.detail.textCursor()
    assert cursor.hasSelection()
    end = QTextCursor(cursor)
    end.setPosition(cursor.selectionEnd())
    text_at = w.detail.viewport().mapToGlobal(w.detail.cursorRect(end).bottomLeft())
    keys(qtbot, w.detail, "h")
    qtbot.waitUntil(popup.isVisible)
    top_left = popup.pos()
    assert 0 <= top_left.y() - text_at.y() <= 12, (top_left, text_at)  # just below the selected line
    start = QTextCursor(cursor)
    start.setPosition(cursor.selectionStart())
    start_x = w.detail.viewport().mapToGlobal(w.detail.cursorRect(start).topLeft()).x()
    screen = w.screen().availableGeometry()
    wanted_x = min(start_x, screen.right() + 1 - popup.width())  # from where the text starts, on screen
    assert abs(top_left.x() - wanted_x) <= 4  # (the platform may shift a popup by its frame)
    keys(qtbot, popup, "Escape")
    qtbot.waitUntil(lambda: not popup.isVisible())


def test_the_popup_goes_above_the_text_when_there_is_no_room_below_and_stays_on_screen() -> None:
    screen = QRect(0, 0, 1000, 800)
    assert placed(QRect(100, 200, 50, 16), (460, 120), screen) == QPoint(100, 215 + 6)
    assert placed(QRect(100, 760, 50, 16), (460, 120), screen) == QPoint(100, 760 - 6 - 120)
    assert placed(QRect(900, 200, 50, 16), (460, 120), screen).x() == 1000 - 460


def test_an_abstract_s_latex_shows_as_text_and_a_highlight_on_it_keeps_the_stored_offsets(
        qtbot: QtBot, session: Session, library: Library) -> None:
    w = session.window
    paper_id = "2302.04265"  # "... when D{to}infty. The flexibility ..." in the feed
    w.select_row(w.model.row_of(paper_id))
    qtbot.waitUntil(lambda: w.detail_paper is not None and w.detail_paper.id == paper_id)
    text = w.detail.toPlainText()
    assert "D→∞" in text and "64×64" in text and "{to}" not in text and "infty" not in text
    abstract = library.get(paper_id).abstract
    keys(qtbot, w.table, "Return")
    start = session.actions.reader.abstract_start
    assert start is not None
    shown_at = text[text.index("Abstract"):].index("D→∞") + text.index("Abstract")
    cursor = w.detail.textCursor()
    cursor.setPosition(shown_at)
    w.detail.setTextCursor(cursor)
    keys(qtbot, w.detail, *["Shift+Right"] * len("D→∞. The"))
    keys(qtbot, w.detail, "h")
    qtbot.waitUntil(session.actions.highlight_popup.isVisible)
    keys(qtbot, session.actions.highlight_popup, "1")
    settle(qtbot, session)
    mark = only_highlight(library, paper_id)
    assert mark.text == "D{to}infty. The" and abstract[mark.start:mark.end] == mark.text
    qtbot.waitUntil(lambda: "“D→∞. The”" in w.detail.toPlainText())  # the list of highlights reads the same


def test_a_title_s_latex_shows_as_text_in_the_list(session: Session) -> None:
    title = next(c for c in COLUMNS if c.key == "title")
    paper = session.window.current_paper()
    assert paper is not None
    assert title.show(replace(paper, title=r"Pruning at $\alpha$-sparsity: the `lottery' view")) == (
        "Pruning at α-sparsity: the ‘lottery’ view")
