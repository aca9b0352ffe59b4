"""How the paper list draws a cell: plain text laid out once and drawn from a cache.

Qt's own delegate asks the model for about eight roles per cell and lays each cell's text out twice
per paint (to measure it, then to elide and draw it); at 26 visible rows that was most of a triage key's
repaint. Here a cell costs one Python call: the row's ``Paper`` comes straight from the model, and its
text is a ``QStaticText`` (elided to the column's width, plain text so markup in a title shows as
typed) kept until the font or width changes. The marks column is drawn as icons that ship with the app
(``MarkIcons``), one slot per fact. Tooltips and accessibility still read the model's roles (the marks
in words).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QStaticText
from PySide6.QtWidgets import (
    QStyle,
    QStyledItemDelegate,
    QStyleOptionFocusRect,
    QStyleOptionViewItem,
    QWidget,
)

from readerapp.ui.mark_icons import MarkIcons
from readerapp.ui.paper_model import COLUMNS, PaperTableModel, mark_slots

ICON = 12  # a mark's side in pixels
LINES_KEPT = 4_000  # laid-out texts kept; a screenful is ~150, a long scroll refills it
Align = Qt.AlignmentFlag


class PaperDelegate(QStyledItemDelegate):
    """Draws the selection, the text in the palette's colour for the row's state, and the focus frame."""

    def __init__(self, model: PaperTableModel, parent: QWidget) -> None:
        super().__init__(parent)
        self._model = model
        self._lines: dict[tuple[str, int], QStaticText] = {}
        self._font = QFont()
        self._metrics = QFontMetrics(self._font)
        self._margin = parent.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, parent) + 1
        self.icons = MarkIcons()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        paper = self._model.paper(index.row())
        state = option.state
        palette: QPalette = option.palette
        rect = option.rect
        group = (QPalette.ColorGroup.Disabled if not state & QStyle.StateFlag.State_Enabled
                 else QPalette.ColorGroup.Normal if state & QStyle.StateFlag.State_Active
                 else QPalette.ColorGroup.Inactive)  # fmt: skip
        selected = bool(state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, palette.brush(group, QPalette.ColorRole.Highlight))
        if paper is not None and COLUMNS[index.column()].key == "marks":
            self._marks(painter, rect, mark_slots(paper), option.widget.devicePixelRatioF())
        elif paper is not None:
            column = COLUMNS[index.column()]
            text = str(column.show(paper))
            if text:
                width = rect.width() - 2 * self._margin
                line = self._line(text, width, option.font)
                size = line.size()
                x: float = rect.left() + self._margin
                if column.align & Align.AlignRight:
                    x += width - size.width()
                elif column.align & Align.AlignHCenter:
                    x += (width - size.width()) / 2
                y = rect.top() + (rect.height() - size.height()) / 2
                role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
                painter.setPen(palette.color(group, role))
                painter.drawStaticText(QPointF(x, y), line)
        if state & QStyle.StateFlag.State_HasFocus:
            self._focus_frame(painter, option, selected)

    def _marks(self, painter: QPainter, rect: QRect, slots: tuple[str | None, ...], ratio: float) -> None:
        """Each mark's icon in its own slot, the slots centred in the cell."""
        slot = max(ICON, (rect.width() - 2 * self._margin) // len(slots))
        size = min(ICON, rect.height() - 2)
        x = rect.left() + (rect.width() - slot * len(slots)) // 2 + (slot - size) // 2
        y = rect.top() + (rect.height() - size) // 2
        for n, name in enumerate(slots):
            if name is not None:
                painter.drawPixmap(x + n * slot, y, self.icons.pixmap(name, size, ratio))

    @staticmethod
    def _focus_frame(painter: QPainter, option: QStyleOptionViewItem, selected: bool) -> None:
        """The current cell's frame, drawn by the style as Qt's own delegate asks for it."""
        frame = QStyleOptionFocusRect()
        frame.initFrom(option.widget)
        frame.rect = option.rect
        frame.state = option.state | QStyle.StateFlag.State_KeyboardFocusChange | QStyle.StateFlag.State_Item
        enabled = option.state & QStyle.StateFlag.State_Enabled
        group = QPalette.ColorGroup.Normal if enabled else QPalette.ColorGroup.Disabled
        role = QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Window
        frame.backgroundColor = option.palette.color(group, role)
        style = option.widget.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, frame, painter, option.widget)

    def _line(self, text: str, width: int, font: QFont) -> QStaticText:
        """``text`` on one line, elided to ``width``, laid out once for this font."""
        if font != self._font:
            self._font, self._metrics = QFont(font), QFontMetrics(font)
            self._lines.clear()
        line = self._lines.get((text, width))
        if line is None:
            if len(self._lines) >= LINES_KEPT:
                self._lines.clear()
            flat = " ".join(text.split()) if "\n" in text or "\t" in text else text
            line = QStaticText(self._metrics.elidedText(flat, Qt.TextElideMode.ElideRight, max(width, 0)))
            line.setTextFormat(Qt.TextFormat.PlainText)
            line.prepare(font=self._font)
            self._lines[(text, width)] = line
        return line
