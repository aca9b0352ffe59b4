"""The note editor (``n``): plain Markdown text, saved when the editor closes.

There is no save button: closing the editor (Escape, Ctrl+Return, or clicking away) writes the note if
it changed, and the write is undoable like any other.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from readerapp.ui.signals import emit


class NoteEditor(QDialog):
    """Emits ``saved(paper_id, text)`` when it closes with a changed note."""

    saved = Signal(str, str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("note-editor")
        self.setWindowTitle("Note — readerapp")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.text = QPlainTextEdit(self)
        self.text.setPlaceholderText("Markdown. Saved when this closes (Escape or Ctrl+Return).")
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.text)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.close)
        self._paper_id = ""
        self._original = ""
        self.resize(560, 380)

    def edit(self, paper_id: str, title: str, note: str) -> None:
        self._paper_id, self._original = paper_id, note
        self.label.setText(title)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setPlainText(note)
        self.show()
        self.text.setFocus()

    def reject(self) -> None:
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        text = self.text.toPlainText()
        if self._paper_id and text != self._original:
            emit(self.saved, self._paper_id, text)
        self._paper_id = ""
        super().closeEvent(event)
