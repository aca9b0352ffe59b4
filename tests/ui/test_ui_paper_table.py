"""The paper list: its fast delegate draws exactly what Qt's own delegate draws (markup in titles as
typed), and it tells a waiting write when a paint has finished, not when it starts."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleOptionViewItem, QWidget
from pytestqt.qtbot import QtBot

from readerapp import Library
from readerapp.ui import theme
from readerapp.ui.paper_delegate import PaperDelegate
from readerapp.ui.paper_model import COLUMN, PaperTableModel
from readerapp.ui.paper_table import PaperTable

HOSTILE = '<b>Bold</b> <script>alert("x")</script> &amp; <img src=x onerror=alert(1)>'


class Watching(PaperDelegate):
    """Notes, for every cell it draws, whether the table already says the paint has finished."""

    def __init__(self, table: PaperTable) -> None:
        super().__init__(table.model(), table)
        self.table = table
        self.seen: set[bool] = set()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        self.seen.add(self.table.painted.is_set())
        super().paint(painter, option, index)


def grab(table: PaperTable) -> QImage:
    table.viewport().repaint()
    return table.viewport().grab().toImage()


@pytest.mark.parametrize("name", ["light", "dark"])
def test_cells_look_as_qt_draws_them(qtbot: QtBot, qapp: QApplication, library: Library, name: str) -> None:
    theme.apply(qapp, name)
    rows = library.rows(library.list_ids())
    rows[0] = dataclasses.replace(rows[0], title=HOSTILE, starred=True, tags=["<i>tag</i>", "llm"])
    rows[0] = dataclasses.replace(rows[0], venue=HOSTILE)  # markup in a venue shows as typed too
    rows[1] = dataclasses.replace(rows[1], title="A very long title " * 20, state="reading", upvotes=12345)
    model = PaperTableModel(lambda ids: None)
    model.deliver(rows)
    model.set_ids([p.id for p in rows])
    window = QWidget()
    qtbot.addWidget(window)
    table = PaperTable(model, window)
    table.resize(900, 400)
    table.horizontalHeader().resizeSection(COLUMN["tags"], 60)  # elided tags too
    table.setColumnHidden(COLUMN["marks"], True)  # icons, not text: test_marks_are_drawn_as_the_app_s_icons
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


def test_painted_is_set_when_the_paint_has_finished(qtbot: QtBot, library: Library) -> None:
    model = PaperTableModel(lambda ids: model.deliver(library.rows(ids)))
    model.set_ids(library.list_ids())
    window = QWidget()
    qtbot.addWidget(window)
    table = PaperTable(model, window)
    with qtbot.waitExposed(window):
        window.show()
    watching = Watching(table)
    table.setItemDelegate(watching)
    table.painted.clear()
    table.viewport().repaint()
    assert watching.seen == {False}, "a write waiting on it must not start while the list still paints"
    assert table.painted.is_set()


def test_marks_are_drawn_as_the_app_s_icons_in_fixed_slots(qtbot: QtBot, library: Library) -> None:
    rows = library.rows(library.list_ids()[:3])
    rows[0] = dataclasses.replace(rows[0], starred=True, state="done", pdf_path="x.pdf", has_note=True)
    rows[1] = dataclasses.replace(rows[1], starred=False, state="inbox", pdf_path=None, has_note=False)
    rows[2] = dataclasses.replace(rows[2], starred=False, state="inbox", pdf_path="x.pdf", has_note=False)
    model = PaperTableModel(lambda ids: None)
    model.deliver(rows)
    model.set_ids([p.id for p in rows])
    table = PaperTable(model, None)
    qtbot.addWidget(table)
    table.resize(600, 200)
    table.show()
    qtbot.waitExposed(table)
    image = grab(table)
    delegate = table.itemDelegate()
    assert isinstance(delegate, PaperDelegate)

    def colours(row: int) -> set[tuple[int, int, int]]:
        cell = table.visualRect(model.index(row, COLUMN["marks"]))
        found = set()
        for x in range(cell.left(), cell.right()):
            for y in range(cell.top(), cell.bottom()):
                c = image.pixelColor(x * image.width() // table.viewport().width(),
                                     y * image.height() // table.viewport().height())
                found.add((c.red(), c.green(), c.blue()))
        return found

    def has(found: set[tuple[int, int, int]], colour: tuple[int, int, int]) -> bool:
        return any(sum(abs(a - b) for a, b in zip(c, colour, strict=True)) < 40 for c in found)

    star, done, pdf = (0xF2, 0xB7, 0x05), (0x2F, 0x9E, 0x44), (0xC9, 0x2A, 0x2A)
    assert all(has(colours(0), c) for c in (star, done, pdf))  # each mark's own colour (resources/marks)
    assert not any(has(colours(1), c) for c in (star, done, pdf))  # an inbox paper with nothing: empty
    assert has(colours(2), pdf) and not has(colours(2), star)
    assert model.index(0, COLUMN["marks"]).data() == "starred, done, PDF, note"  # in words for readers


def test_every_mark_icon_ships_as_a_readable_svg() -> None:
    from readerapp.resources import MARKS, mark_icon_path
    from readerapp.ui.mark_icons import MarkIcons

    icons = MarkIcons()
    for name in MARKS:
        assert mark_icon_path(name).is_file()
        assert not icons.pixmap(name, 12).toImage().isNull()
