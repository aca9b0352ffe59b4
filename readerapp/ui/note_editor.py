"""The note editor (``n``): Markdown on the left, its rendered preview on the right, saved as you type.

There is no save button. A pause in typing (``AUTOSAVE_MS``) autosaves on the serial writer, closing
(Escape, Ctrl+Return) saves what is left, and the window records the whole session as one undoable
change. Ctrl+Z inside the editor undoes keystrokes. The preview is the Markdown library's output with
the note's own HTML shown as text and only http(s)/mailto links kept, in a browser that follows none.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QLabel, QPlainTextEdit, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from readerapp.ui.annotation_html import note_html
from readerapp.ui.signals import emit

AUTOSAVE_MS = 600
PREVIEW_MS = 120


class NoteEditor(QDialog):
    """``autosave(paper_id, text)`` after a pause in typing; ``finished_editing(paper_id, before, text)``
    when a session closes, changed or not (``before`` is the note as the session found it)."""

    autosave = Signal(str, str)
    finished_editing = Signal(str, str, str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("note-editor")
        self.setWindowTitle("Note — readerapp")
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.text = QPlainTextEdit(self)
        self.text.setPlaceholderText("Markdown: # headings, **bold**, - lists, [links](https://…). "
                                     "Saved as you type; Escape closes.")
        self.preview = QTextBrowser(self)
        self.preview.setObjectName("note-preview")
        self.preview.setOpenLinks(False)
        self.preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.state = QLabel(self)
        self.state.setEnabled(False)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.text)
        split.addWidget(self.preview)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(split, 1)
        layout.addWidget(self.state)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.close)
        # PySide connects a signal given as a keyword; the stubs know only properties.
        self._autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_MS, timeout=self._save_now)  # type: ignore[call-arg]
        self._render = QTimer(self, singleShot=True, interval=PREVIEW_MS, timeout=self._show_preview)  # type: ignore[call-arg]
        self.text.textChanged.connect(self._typed)
        self._paper_id = ""
        self._before = ""
        self._saved = ""
        self.resize(900, 480)

    def edit(self, paper_id: str, title: str, note: str) -> None:
        """Open on a paper's note; a session on another paper is closed (and saved) first."""
        if self._paper_id and self._paper_id != paper_id:
            self.close()
        self._paper_id, self._before, self._saved = paper_id, note, note
        self.label.setText(title)
        self.text.blockSignals(True)
        self.text.setPlainText(note)
        self.text.blockSignals(False)
        self.text.document().clearUndoRedoStacks()
        self._show_preview()
        self.state.setText("Saved as you type · Ctrl+Z undoes typing · Escape closes · u in the list "
                           "undoes the whole session")
        self.show()
        self.activateWindow()
        self.text.setFocus()

    @property
    def paper_id(self) -> str:
        return self._paper_id

    def saved_up_to(self, paper_id: str, text: str) -> None:
        """The writer has stored ``text``: say so, unless more has been typed since."""
        if paper_id == self._paper_id and text == self.text.toPlainText():
            self.state.setText("Saved.")

    def _typed(self) -> None:
        self.state.setText("Editing…")
        self._autosave.start()
        self._render.start()

    def _save_now(self) -> None:
        text = self.text.toPlainText()
        if self._paper_id and text != self._saved:
            self._saved = text
            emit(self.autosave, self._paper_id, text)

    def _show_preview(self) -> None:
        self.preview.setHtml(note_html(self.text.toPlainText()))

    def reject(self) -> None:
        """Escape: save what is left and close (QDialog's closeEvent also lands here)."""
        self._finish()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._finish()
        super().closeEvent(event)

    def _finish(self) -> None:
        self._autosave.stop()
        self._render.stop()
        text = self.text.toPlainText()
        if self._paper_id:
            emit(self.finished_editing, self._paper_id, self._before, text)
        self._paper_id = ""
