"""Rename and merge tags for the whole library, by keys: the tag manager (``manage-tags``).

The tags are listed with their paper counts. ``r`` renames the current tag, ``x`` (or Space) marks
tags, ``m`` merges the marked tags (or the current one) into a tag typed with completion, Escape
closes. Each rename and merge is one undoable change in the window's history.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from readerapp.ui.signals import emit

NAME_ROLE = Qt.ItemDataRole.UserRole + 1


class TagManager(QDialog):
    """``rename(old, new)`` and ``merge(sources, into)`` when the user confirms one with Enter."""

    rename = Signal(str, str)
    merge = Signal(list, str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("tag-manager")
        self.setWindowTitle("Tags — readerapp")
        self.list = QListWidget(self)
        self.list.installEventFilter(self)
        self.prompt = QLabel(self)
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)
        self.input = QLineEdit(self)
        self.names = QStringListModel(self)
        completer = QCompleter(self.names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.input.setCompleter(completer)
        hint = QLabel("r rename · x mark · m merge the marked (or current) tags · Esc close", self)
        hint.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.prompt)
        layout.addWidget(self.input)
        layout.addWidget(hint)
        self.input.returnPressed.connect(self._confirm)
        self._asking: tuple[str, list[str]] | None = None  # ("rename" | "merge", tags it acts on)
        self._hide_prompt()
        self.resize(420, 460)

    def open_with(self, counts: dict[str, int], select: str | None = None) -> None:
        """Show (or refresh) the list on ``select`` (else the current tag); marks survive where the
        tags do."""
        current = select or self._current()
        marked = set(self.marked())
        self.list.clear()
        for name, count in counts.items():
            item = QListWidgetItem(f"{count:>5}  {name}")
            item.setData(NAME_ROLE, name)
            item.setCheckState(Qt.CheckState.Checked if name in marked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
            if name == current:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self.names.setStringList(list(counts))
        self._hide_prompt()
        self.show()
        self.activateWindow()
        self.list.setFocus()

    def marked(self) -> list[str]:
        items = (self.list.item(row) for row in range(self.list.count()))
        return [item.data(NAME_ROLE) for item in items if item.checkState() == Qt.CheckState.Checked]

    def _current(self) -> str | None:
        item = self.list.currentItem()
        return item.data(NAME_ROLE) if item is not None else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The list's keys: r, x/Space, m, j/k; the list's own type-to-search never sees them."""
        if watched is not self.list or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        text, current = event.text(), self._current()
        if current is None or text not in ("x", " ", "r", "m", "j", "k"):
            return False
        if text in ("x", " "):
            item = self.list.currentItem()
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
            self._step(1)
        elif text == "r":
            self._ask("rename", [current], f"Rename {current!r} on every paper to:", current)
        elif text == "m":
            sources = self.marked() or [current]
            self._ask("merge", sources, f"Merge {', '.join(map(repr, sources))} into:", "")
        else:
            self._step(1 if text == "j" else -1)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.input.hasFocus() and event.key() == Qt.Key.Key_Escape:
            self._hide_prompt()  # Escape leaves the prompt first, then the dialog
        else:
            super().keyPressEvent(event)

    def _step(self, delta: int) -> None:
        self.list.setCurrentRow(max(0, min(self.list.currentRow() + delta, self.list.count() - 1)))

    def _ask(self, what: str, tags: list[str], prompt: str, start: str) -> None:
        self._asking = (what, tags)
        self.prompt.setText(prompt)
        self.prompt.show()
        self.input.setText(start)
        self.input.show()
        self.input.setFocus()
        self.input.selectAll()

    def _hide_prompt(self) -> None:
        self._asking = None
        self.prompt.hide()
        self.input.hide()
        self.list.setFocus()

    def _confirm(self) -> None:
        if self.input.completer().popup().isVisible():  # type: ignore[union-attr]  # popup() makes one if need be
            return  # Enter picked a completion; the next Enter confirms
        asking, name = self._asking, self.input.text().strip()
        if asking is None or not name:
            return
        what, tags = asking
        self._hide_prompt()
        if what == "rename":
            emit(self.rename, tags[0], name)
        else:
            emit(self.merge, tags, name)
