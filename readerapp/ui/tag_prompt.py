"""The tag prompt (``t``): type tags with completion; ``-name`` removes a tag.

Completion works on the word under the cursor, so several tags can be typed in one go
(``llm -todo eval``). Enter applies, Escape cancels.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from readerapp.ui.signals import emit


def parse_tag_input(text: str) -> tuple[list[str], list[str]]:
    """Split ``llm, -todo eval`` into tags to add and tags to remove."""
    add: list[str] = []
    remove: list[str] = []
    for word in text.replace(",", " ").split():
        if word.startswith("-") and len(word) > 1:
            remove.append(word[1:])
        elif word != "-":
            add.append(word)
    return add, remove


class LastWordCompleter(QCompleter):
    """Completes the last word of the line and keeps the words before it."""

    def splitPath(self, path: str) -> list[str]:
        return [path.split(" ")[-1].lstrip("-")]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        field = self.widget()
        line = field.text() if isinstance(field, QLineEdit) else ""
        head, _, last = line.rpartition(" ")
        sign = "-" if last.startswith("-") else ""
        prefix = f"{head} " if head else ""
        return f"{prefix}{sign}{index.data()}"


class TagPrompt(QDialog):
    """A small popup; ``submitted(add, remove)`` when the user presses Enter."""

    submitted = Signal(list, list)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("tag-prompt")
        self.label = QLabel(self)
        self.input = QLineEdit(self)
        self.input.setPlaceholderText("tag  -tag-to-remove")
        self.tags = QStringListModel(self)
        self.completer = LastWordCompleter(self.tags, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.input.setCompleter(self.completer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.label)
        layout.addWidget(self.input)
        self.input.returnPressed.connect(self._submit)

    def open_for(self, count: int, known_tags: Sequence[str]) -> None:
        self.label.setText(f"Tags for {count} paper{'s' if count != 1 else ''} (-name removes):")
        self.tags.setStringList(list(known_tags))
        self.input.clear()
        parent = self.parentWidget()
        assert parent is not None  # made with its window as parent
        self.resize(420, self.sizeHint().height())
        top_left = parent.mapToGlobal(parent.rect().topLeft())
        self.move(top_left.x() + (parent.width() - 420) // 2, top_left.y() + 80)
        self.show()
        self.input.setFocus()

    def _submit(self) -> None:
        if self.completer.popup().isVisible():  # type: ignore[union-attr]  # popup() makes one if need be
            return  # Enter picked a completion; the next Enter applies
        add, remove = parse_tag_input(self.input.text())
        self.close()
        if add or remove:
            emit(self.submitted, add, remove)
