"""The list's fast delegate draws exactly what Qt's own delegate draws, markup in titles as typed."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QWidget
from pytestqt.qtbot import QtBot

from readerapp import Library
from readerapp.ui import theme
from readerapp.ui.paper_delegate import PaperDelegate
from readerapp.ui.paper_model import COLUMN, PaperTableModel
from readerapp.ui.paper_table import PaperTable

HOSTILE = '<b>Bold</b> <script>alert("x")</script> &amp; <img src=x onerror=alert(1)>'


def grab(table: PaperTable) -> QImage:
    table.viewport().repaint()
    return table.viewport().grab().toImage()


@pytest.mark.parametrize("name", ["light", "dark"])
def test_cells_look_as_qt_draws_them(qtbot: QtBot, qapp: QApplication, library: Library, name: str) -> None:
    theme.apply(qapp, name)
    rows = library.rows(library.list_ids())
    rows[0] = dataclasses.replace(rows[0], title=HOSTILE, starred=True, tags=["<i>tag</i>", "llm"])
    rows[1] = dataclasses.replace(rows[1], title="A very long title " * 20, state="reading", upvotes=12345)
    model = PaperTableModel(lambda ids: None)
    model.deliver(rows)
    model.set_ids([p.id for p in rows])
    window = QWidget()
    qtbot.addWidget(window)
    table = PaperTable(model, window)
    table.resize(900, 400)
    table.horizontalHeader().resizeSection(COLUMN["tags"], 60)  # elided tags too
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    selection = table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag
    selection.setCurrentIndex(model.index(1, 0), flags.ClearAndSelect | flags.Rows)
    selection.select(model.index(3, 0), flags.Select | flags.Rows)
    ours = grab(table)
    assert isinstance(table.itemDelegate(), PaperDelegate)

    table.setItemDelegate(QStyledItemDelegate(table))
    assert grab(table) == ours, "the fast delegate must draw pixel for pixel what Qt draws"
