"""The window's smaller widgets: the message bar above the list, the search field, the menu bar."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPushButton,
    QTreeView,
    QWidget,
)

from readerapp.interaction.catalog import Entry
from readerapp.ui.sidebar import SidebarModel


class MessageBar(QFrame):
    """A dismissable one-line message above the list (a failed sync, keymap conflicts)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("message-bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.close_button = QPushButton("Dismiss", self)
        self.close_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button)
        self.close_button.clicked.connect(self.hide)
        self.hide()

    def show_message(self, text: str) -> None:
        self.label.setText(text)
        self.show()


class SearchField(QLineEdit):
    """The search field keeps the Enter that takes the user to the results: passed on to the window,
    the key would also run the list's Return binding and move the keyboard into the detail pane."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


class SidebarTree(QTreeView):
    """The sidebar's views with their counts; the entry of the shown view is lit."""

    def __init__(self, model: SidebarModel, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setModel(model)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.expandAll()

    def show_current(self, index: QModelIndex) -> None:
        """Light ``index`` (the shown view's entry) without reporting it as a click."""
        selection = self.selectionModel()
        if not index.isValid() and selection.currentIndex().isValid():
            # A view the sidebar does not list (a search): no entry stays lit as if it were shown.
            selection.blockSignals(True)
            selection.clear()
            selection.blockSignals(False)
            self.viewport().update()
        elif index.isValid() and selection.currentIndex() != index:
            selection.blockSignals(True)
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                      | QItemSelectionModel.SelectionFlag.Rows)  # fmt: skip
            selection.blockSignals(False)
            self.viewport().update()


def build_menus(window: QMainWindow, entries: Sequence[Entry], run: Callable[[str], None],
                buttons: dict[str, QPushButton]) -> None:
    """The menu bar, generated from the catalog; the keys are shown, the keymap handles them. The
    ``buttons`` that run a command by name (Dismiss, Cancel) name its key too."""
    window.menuBar().clear()
    names = sorted(dict.fromkeys(entry.menu for entry in entries), key=lambda name: name == "Help")
    menus: dict[str, QMenu] = {name: window.menuBar().addMenu(name) for name in names}  # Help last
    for entry in entries:
        menu = menus[entry.menu]
        keys = f"\t{entry.keys[0]}" if entry.keys else ""
        action = QAction(f"{entry.title}{keys}", window)
        action.setToolTip(entry.help)
        action.setStatusTip(entry.help)
        line = f"palette {shlex.quote(entry.line + ' ')}" if entry.asks else entry.line
        action.setData(entry.line)
        action.triggered.connect(lambda _=False, line=line: run(line))
        menu.addAction(action)
        if entry.line in buttons and entry.keys:
            button = buttons[entry.line]
            button.setText(f"{button.text().split('  ')[0]}  {entry.keys[0]}")
