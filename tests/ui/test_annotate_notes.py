"""The note editor: Markdown rendered safely beside the text, autosaved while typing, undone two ways."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from ui_support import keys, settle

from readerapp import Library
from readerapp.ui.app import Session
from readerapp.ui.note_editor import NoteEditor

HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(2)>"


def open_editor(qtbot: QtBot, session: Session) -> NoteEditor:
    editor = session.actions.note_editor
    keys(qtbot, session.window.table, "n")
    qtbot.waitUntil(editor.isVisible)
    assert editor.text.hasFocus()
    return editor


def test_preview_renders_markdown_and_keeps_html_as_text(qtbot: QtBot, session: Session) -> None:
    editor = open_editor(qtbot, session)
    qtbot.keyClicks(editor.text, "# Plan")
    keys(qtbot, editor.text, "Return", "Return")
    qtbot.keyClicks(editor.text, f"Read **section 3**, [code](https://example.org/x) {HOSTILE}")
    qtbot.keyClicks(editor.text, " [bad](javascript:alert(3))")
    qtbot.waitUntil(lambda: "section 3" in editor.preview.toPlainText())
    preview = editor.preview.toPlainText()
    assert preview.startswith("Plan") and "# Plan" not in preview, "the heading is rendered"
    assert HOSTILE in preview, "typed HTML shows as text"
    html = editor.preview.toHtml()
    assert "font-weight" in html and 'href="https://example.org/x"' in html
    assert "javascript:" not in html and "onerror" not in html.replace("onerror=alert(2)&gt;", "")
    keys(qtbot, editor.text, "Escape")
    assert not editor.isVisible()


def test_autosave_while_typing_then_one_undo_for_the_session(qtbot: QtBot, session: Session,
                                                             library: Library) -> None:
    w = session.window
    paper_id = w.current_id()
    assert paper_id is not None
    library.set_note(paper_id, "Earlier thought.")
    editor = open_editor(qtbot, session)
    qtbot.waitUntil(lambda: editor.text.toPlainText() == "Earlier thought.")
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    keys(qtbot, editor.text, "Return")
    qtbot.keyClicks(editor.text, "Then *more*.")
    assert editor.isVisible()
    qtbot.waitUntil(lambda: library.get(paper_id).note == "Earlier thought.\nThen *more*.", timeout=5000)
    qtbot.waitUntil(lambda: editor.state.text() == "Saved.")

    keys(qtbot, editor.text, "Ctrl+Z")
    typed_less = editor.text.toPlainText()
    assert typed_less != "Earlier thought.\nThen *more*." and "Earlier thought.".startswith(typed_less[:5])
    qtbot.waitUntil(lambda: library.get(paper_id).note == typed_less, timeout=5000)
    keys(qtbot, editor.text, "Ctrl+Shift+Z")
    qtbot.keyClicks(editor.text, " Last words")
    keys(qtbot, editor.text, "Escape")  # saves at once, without waiting for the pause
    settle(qtbot, session)
    final = editor.text.toPlainText()
    assert final.endswith("Last words") and library.get(paper_id).note == final
    qtbot.waitUntil(lambda: "Last words" in w.detail.toPlainText())
    assert "more" in w.detail.toPlainText() and "*more*" not in w.detail.toPlainText(), "Markdown in the pane"

    keys(qtbot, w.table, "u")
    settle(qtbot, session)
    assert library.get(paper_id).note == "Earlier thought.", "u undoes the whole editing session"
    keys(qtbot, w.table, "Ctrl+Shift+Z")
    settle(qtbot, session)
    assert library.get(paper_id).note == final


def _note_row(library: Library) -> list[tuple[object, ...]]:
    from sqlalchemy import select

    from readerapp.store.models import Note

    with library.db.session() as db:
        return [tuple(row) for row in db.execute(select(Note.paper_id, Note.markdown, Note.updated))]


def test_undoing_a_session_restores_the_note_and_when_it_was_written(qtbot: QtBot, session: Session,
                                                                     library: Library) -> None:
    w = session.window
    paper_id = w.current_id()
    assert paper_id is not None
    library.set_note(paper_id, "Kept as it was.")
    before = _note_row(library)
    editor = open_editor(qtbot, session)
    qtbot.waitUntil(lambda: editor.text.toPlainText() == "Kept as it was.")
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.text, " More.")
    qtbot.waitUntil(lambda: library.get(paper_id).note == "Kept as it was. More.", timeout=5000)
    qtbot.keyClicks(editor.text, " Last.")
    keys(qtbot, editor.text, "Escape")
    settle(qtbot, session)
    assert library.get(paper_id).note == "Kept as it was. More. Last."

    keys(qtbot, w.table, "u")
    settle(qtbot, session)
    assert _note_row(library) == before, "the text and the time it was written"
    qtbot.waitUntil(lambda: w.statusBar().currentMessage() == "Undid: edit a note")
