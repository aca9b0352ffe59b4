"""The command palette (``:`` or Ctrl+K): every command from the catalog, filtered as you type.

Enter runs the highlighted entry; a typed line with arguments that matches nothing (``go tag:llm``)
runs as typed, qutebrowser-style, so the palette is also the command line. An entry that needs
arguments no key gives (``collect``) is written into the field for them to be typed after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLineEdit, QListView, QVBoxLayout, QWidget

from readerapp.interaction.catalog import Entry, rank
from readerapp.ui.signals import emit

Index = QModelIndex | QPersistentModelIndex
LINE_ROLE = Qt.ItemDataRole.UserRole + 1
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 2


class PaletteModel(QAbstractListModel):
    """The catalog as a list: title and keys shown, the command line and help as data."""

    def __init__(self, entries: Sequence[Entry] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries = list(entries)

    def set_entries(self, entries: Sequence[Entry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            keys = f"   [{' / '.join(entry.keys)}]" if entry.keys else ""
            return f"{entry.title}{keys}   — {entry.help}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.line
        if role == LINE_ROLE:
            return entry.line
        if role == ENTRY_ROLE:
            return entry
        return None


class WordFilter(QSortFilterProxyModel):
    """Keeps the entries that contain every typed word, in any order (``tag tog`` finds toggle-tag),
    the command named exactly first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = text.lower().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        self.sort(-1)  # ranks depend on the words: unsort first, or Qt keeps the previous order
        self.sort(0)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        entry = self.sourceModel().index(source_row, 0, source_parent).data(ENTRY_ROLE)
        return entry is not None and all(word in entry.search_text for word in self._words)

    def lessThan(self, left: Index, right: Index) -> bool:
        ranks = [rank(index.data(ENTRY_ROLE), self._words) for index in (left, right)]
        return (ranks[0], left.row()) < (ranks[1], right.row())


class CommandPalette(QDialog):
    """A popup over the main window; emits ``chosen`` with the command line to run."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("palette")
        self.model = PaletteModel(parent=self)
        self.filter = WordFilter(self)
        self.filter.setSourceModel(self.model)
        self.input = QLineEdit(self)
        self.input.setPlaceholderText("Type a command…")
        self.list = QListView(self)
        self.list.setModel(self.filter)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.input)
        layout.addWidget(self.list)
        self.input.textChanged.connect(self._filter)
        self.input.installEventFilter(self)

    def open_with(self, entries: Sequence[Entry], text: str = "") -> None:
        """Show ``entries``, the field holding ``text`` (a command waiting for its arguments)."""
        self.model.set_entries(entries)
        self.input.setText(text)
        self._filter(text)
        parent = self.parentWidget()
        assert parent is not None  # made with its window as parent
        width = min(720, max(420, parent.width() * 2 // 3))
        self.resize(width, min(440, parent.height() - 80))
        top_left = parent.mapToGlobal(parent.rect().topLeft())
        self.move(top_left.x() + (parent.width() - width) // 2, top_left.y() + 60)
        self.show()
        self.input.setFocus()

    def _filter(self, text: str) -> None:
        self.filter.set_text(text)
        self.list.setCurrentIndex(self.filter.index(0, 0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.input and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.filter.rowCount() - 1, self.list.currentIndex().row() + step))
                self.list.setCurrentIndex(self.filter.index(row, 0))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._choose()
                return True
        return super().eventFilter(watched, event)

    def _choose(self) -> None:
        typed = self.input.text().strip()
        current = self.list.currentIndex()
        entry = current.data(ENTRY_ROLE) if current.isValid() else None
        if entry is not None and entry.asks:
            self.input.setText(f"{entry.line} ")  # its arguments are typed after it
            return
        takes_typed = len(typed.split()) > 1 and not self.filter.rowCount()
        line = typed if takes_typed or not current.isValid() else current.data(LINE_ROLE)
        self.close()
        if line:
            emit(self.chosen, line)
