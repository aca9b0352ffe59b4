"""The paper list's view: a ``QTableView`` set up for 100k rows that tells writers when it has painted.

A triage key's write waits until the list has painted the key's result (``painted``): the writer's
SQLAlchemy code and the paint's model calls would otherwise take turns for the GIL, and each turn can
cost the paint up to the interpreter's switch interval (5 ms). The event is set when the paint has
finished, not when it starts, so the write runs beside the rest of the window's C++ painting.
"""

from __future__ import annotations

import threading

from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from readerapp.ui.paper_delegate import PaperDelegate
from readerapp.ui.paper_model import COLUMN, PaperTableModel

# The title stretches into what the others leave: they stay narrow enough that it keeps most of the list.
WIDTHS = {"marks": 52, "author": 120, "year": 44, "venue": 100, "date": 84, "upvotes": 40, "tags": 84}


class PaperTable(QTableView):
    """Whole-row selection, fixed row heights (no per-row measuring at 100k), sort by header click."""

    def __init__(self, model: PaperTableModel, parent: QWidget) -> None:
        super().__init__(parent)
        self.painted = threading.Event()
        self.setObjectName("paper-list")
        self.setModel(model)
        self.setItemDelegate(PaperDelegate(model, self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.setTabKeyNavigation(False)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSortIndicatorShown(False)
        header.setHighlightSections(False)
        for key, width in WIDTHS.items():
            header.resizeSection(COLUMN[key], width)
        header.setSectionResizeMode(COLUMN["title"], QHeaderView.ResizeMode.Stretch)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.painted.set()
