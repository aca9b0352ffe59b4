"""Annotating a PDF in the real window by keys (issue 16): / finds, h highlights the hit, v selects and
extends by word, line and sentence, ] chooses, c edits, x deletes, u undoes, a adds a note; the mouse
selects too; the pane beside the PDF and the detail pane list them with their pages."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont
from pytestqt.qtbot import QtBot
from ui_support import keys, settle

from readerapp import Library
from readerapp.pdfs.annotations import page_words
from readerapp.ui.app import Session
from readerapp.ui.pdf_actions import PdfActions
from readerapp.ui.pdf_view import PdfView
from tests.pdfs_samples import PDF_ONLY_WORD, make_pdf


def _library(session: Session) -> Library:
    library = session.window.library
    assert library is not None
    return library


def open_reader(session: Session, qtbot: QtBot, tmp_path: Path) -> tuple[PdfActions, PdfView, str]:
    """The current paper with a 3-page PDF attached, read with o."""
    window, library = session.window, _library(session)
    paper_id = window.current_id()
    assert paper_id is not None
    source = tmp_path / "paper.pdf"
    source.write_bytes(make_pdf(3))
    assert not library.attach_pdfs([(paper_id, source)]).failed
    actions = session.registry.get("read-pdf").handler.__self__
    assert isinstance(actions, PdfActions)
    keys(qtbot, window.table, "o")
    view = actions.pane.primary.viewer.view
    qtbot.waitUntil(lambda: view.ready and view.page_painted is not None, timeout=5000)
    qtbot.waitUntil(lambda: (c := view.cache.get(0)) is not None and c[0] == view.render_scale())
    view.setFocus()
    return actions, view, paper_id


def _popup_keys(qtbot: QtBot, actions: PdfActions, *typed: str) -> None:
    popup = actions.pane.primary.annotator._popup
    qtbot.waitUntil(lambda: popup is not None and popup.isVisible())
    assert popup is not None
    for key in typed:
        if key in ("Return", "Tab"):
            where = popup.comment if popup.comment.hasFocus() else popup
            qtbot.keyClick(where, getattr(Qt.Key, f"Key_{key}"))
        elif popup.comment.hasFocus():
            qtbot.keyClicks(popup.comment, key)
        else:
            qtbot.keyClick(popup, key)


def _bold(actions: PdfActions, text: str) -> bool:
    """Is ``text`` in the pane beside the PDF drawn in bold (the chosen annotation's entry)?"""
    found = actions.pane.paper.document().find(text)
    return not found.isNull() and found.charFormat().fontWeight() >= QFont.Weight.Bold


def test_highlight_by_keys_then_choose_edit_delete_and_undo(
    session: Session, qtbot: QtBot, tmp_path: Path
) -> None:
    library = _library(session)
    actions, view, paper_id = open_reader(session, qtbot, tmp_path)

    keys(qtbot, view, "/")  # find, then h highlights the hit in green (2)
    finder = actions.pane.primary.viewer.find_field
    qtbot.keyClicks(finder, PDF_ONLY_WORD)
    keys(qtbot, finder, "Return")
    qtbot.waitUntil(lambda: len(view.hits) == 1)
    keys(qtbot, view, "h")
    _popup_keys(qtbot, actions, "2")
    qtbot.waitUntil(lambda: len(library.pdf_highlights(paper_id)) == 1)
    (hit,) = library.pdf_highlights(paper_id)
    assert (hit.page, hit.text, hit.color) == (3, PDF_ONLY_WORD, "green")
    qtbot.waitUntil(lambda: len(view.marks.marks) == 1)  # drawn over the page

    keys(qtbot, view, "Escape", "g", "g", "v")  # a selection from the first word in view
    annotator = actions.pane.primary.annotator
    qtbot.waitUntil(lambda: annotator.selection is not None)
    assert annotator.selection is not None and annotator.selection.text == "A"
    keys(qtbot, view, "j")  # to the end of the line: the title
    assert annotator.selection.text == "A generated paper"
    keys(qtbot, view, "w", "w", "b")
    assert annotator.selection.text == "A generated paper Attention"
    keys(qtbot, view, ")")
    sentence = "A generated paper Attention layers mix tokens; "
    sentence += "the residual stream carries them between blocks."
    assert annotator.selection.text == sentence
    keys(qtbot, view, "h")
    _popup_keys(qtbot, actions, "Tab", "two lines", "Return")
    qtbot.waitUntil(lambda: len(library.pdf_highlights(paper_id)) == 2)
    first = library.pdf_highlights(paper_id)[0]
    assert (first.page, first.text, first.comment, first.color, len(first.quads)) == (
        1, sentence, "two lines", "green", 3)  # fmt: skip
    assert annotator.selection is None
    qtbot.waitUntil(lambda: len(view.marks.marks) == 2)

    keys(qtbot, view, "]")  # chosen: the first in page order, listed in bold beside the PDF
    assert view.marks.chosen == first.id
    qtbot.waitUntil(lambda: _bold(actions, "p. 1"))
    keys(qtbot, view, "c")
    _popup_keys(qtbot, actions, "one sentence", "Return")  # the comment is selected: typing replaces it
    qtbot.waitUntil(lambda: library.pdf_highlights(paper_id)[0].comment == "one sentence")
    settle(qtbot, session)
    keys(qtbot, view, "x")
    qtbot.waitUntil(lambda: [h.id for h in library.pdf_highlights(paper_id)] == [hit.id])
    settle(qtbot, session)
    keys(qtbot, view, "u")  # the window's undo brings it back, drawn again
    qtbot.waitUntil(lambda: [h.id for h in library.pdf_highlights(paper_id)] == [first.id, hit.id])
    qtbot.waitUntil(lambda: len(view.marks.marks) == 2)

    keys(qtbot, view, "Escape", "g", "g", "a")  # Escape lets go of the chosen one: a note on the page in view
    assert not view.hits and view.marks.chosen is None
    _popup_keys(qtbot, actions, "check the figure", "Return")
    qtbot.waitUntil(lambda: any(h.kind == "note" for h in library.pdf_highlights(paper_id)))
    note = next(h for h in library.pdf_highlights(paper_id) if h.kind == "note")
    assert (note.page, note.comment) == (1, "check the figure")
    qtbot.waitUntil(lambda: "check the figure" in actions.pane.paper.toPlainText())
    assert "p. 3" in actions.pane.paper.toPlainText()

    keys(qtbot, view, "q")  # the detail pane lists them with their pages
    session.window.detail.refresh()
    qtbot.waitUntil(lambda: "PDF highlights" in session.window.detail.toPlainText())
    shown = session.window.detail.toPlainText()
    assert "p. 3" in shown and "p. 1" in shown and PDF_ONLY_WORD in shown


def test_the_mouse_selects_and_h_highlights(session: Session, qtbot: QtBot, tmp_path: Path) -> None:
    library = _library(session)
    actions, view, paper_id = open_reader(session, qtbot, tmp_path)
    path = library.pdf_file(paper_id)
    assert path is not None
    words = page_words(path, 1)
    start = next(i for i, w in enumerate(words) if w.text == "Attention")

    def at(index: int) -> QPoint:
        x0, y0, x1, y1 = words[index].box
        rect = view._page_rect(0)
        x, y = (x0 + x1) / 2 * view.scale, (y0 + y1) / 2 * view.scale
        return QPoint(round(rect.x() + x), round(rect.y() + y))

    annotator = actions.pane.primary.annotator
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=at(start))
    qtbot.waitUntil(lambda: annotator.selection is not None)
    qtbot.mouseMove(view.viewport(), at(start + 3))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=at(start + 3))
    selected = "Attention layers mix tokens;"
    qtbot.waitUntil(lambda: annotator.selection is not None and annotator.selection.text == selected)
    keys(qtbot, view, "h")
    _popup_keys(qtbot, actions, "3")
    qtbot.waitUntil(lambda: [(h.text, h.color) for h in library.pdf_highlights(paper_id)] == [
        ("Attention layers mix tokens;", "blue")])


def test_the_list_of_pdf_highlights_escapes_what_it_shows() -> None:
    from datetime import UTC, datetime

    from readerapp.paper import HighlightView
    from readerapp.ui.annotation_html import pdf_marks_html

    when = datetime.now(UTC)
    marks = [
        HighlightView(1, "pdf", 0, 4, "<script>x</script>", "red;background:url(x)", "<b>c</b>", when, True,
                      "bob", 2, ((1.0,) * 8,)),
        HighlightView(2, "pdf", 0, 0, "", "pink", "<i>note</i>", when, True, "me", 5, ((1.0,) * 8,), "note",
                      True),
    ]
    shown = pdf_marks_html(marks, "#ff0", "#888", "me", chosen=2)
    assert "<script>" not in shown and "&lt;script&gt;" in shown and "url(x)" not in shown
    assert "p. 2" in shown and "— bob" in shown and "&lt;b&gt;c&lt;/b&gt;" in shown
    assert "<b>p. 5" in shown and "✎ &lt;i&gt;note&lt;/i&gt;" in shown and "(imported)" in shown


def test_a_read_in_highlight_is_not_painted_over_the_files_own(qtbot: QtBot) -> None:
    """The page's render shows an imported highlight already: filled again it would darken."""
    from datetime import UTC, datetime

    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter

    from readerapp.paper import HighlightView
    from readerapp.ui.pdf_marks import MarkLayer

    quad = (10.0, 10.0, 30.0, 10.0, 10.0, 20.0, 30.0, 20.0)
    ours = HighlightView(1, "pdf", 0, 1, "x", "green", None, datetime.now(UTC), True, "me", 1, (quad,))
    theirs = HighlightView(2, "pdf", 0, 1, "x", "green", None, datetime.now(UTC), True, "me", 1, (quad,),
                           imported=True)  # fmt: skip
    for mark, changed in ((ours, True), (theirs, False)):
        layer, image = MarkLayer(), QImage(50, 50, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        layer.set_marks([mark])
        painter = QPainter(image)
        layer.paint(painter, 0, QRectF(0, 0, 50, 50), 1.0)
        painter.end()
        assert (image.pixelColor(20, 15) != QColor("white")) is changed
