"""The small popup that ``h`` (and ``c`` on a chosen highlight) opens: a colour by keys 1-5, and an
optional comment.

A colour key saves at once, so the common case is two keys (``h 2``). To comment first, press Tab or
``c``, type, and Enter saves with the colour shown as chosen. Escape cancels.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QTextEdit, QVBoxLayout, QWidget

from readerapp.highlight_colors import HIGHLIGHT_COLORS
from readerapp.ui.annotation_html import COLOR_KEYS
from readerapp.ui.signals import emit

QUOTE_SHOWN = 120
WIDTH = 460
GAP = 6  # pixels between the selected text and the popup


def selection_rect(editor: QTextEdit) -> QRect:
    """Where the editor's selected text (or its caret) is, in global coordinates: the popup opens there."""
    cursor = editor.textCursor()
    ends = []
    for position in (cursor.selectionStart(), cursor.selectionEnd()):
        at = QTextCursor(cursor)
        at.setPosition(position)
        ends.append(editor.cursorRect(at))
    area = ends[0].united(ends[1]).intersected(editor.viewport().rect())
    if area.isEmpty():  # scrolled out of sight: the top of the text field
        area = QRect(editor.viewport().rect().topLeft(), ends[1].size())
    return QRect(editor.viewport().mapToGlobal(area.topLeft()), area.size())


def placed(anchor: QRect, size: tuple[int, int], screen: QRect) -> QPoint:
    """The popup's corner: just below ``anchor`` and starting at its left, above it when there is no
    room below, always inside ``screen``."""
    width, height = size
    x = min(max(anchor.left(), screen.left()), screen.right() - width + 1)
    y = anchor.bottom() + GAP
    if y + height > screen.bottom() + 1:
        y = max(screen.top(), anchor.top() - GAP - height)
    return QPoint(x, y)


class HighlightPopup(QDialog):
    """``chosen(color, comment)`` when the user saves; nothing when they cancel."""

    chosen = Signal(str, str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("highlight-popup")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.quote = QLabel(self)
        self.quote.setTextFormat(Qt.TextFormat.PlainText)
        self.quote.setWordWrap(True)
        self.colors = QLabel(self)
        self.colors.setTextFormat(Qt.TextFormat.RichText)
        self.comment = QLineEdit(self)
        self.comment.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # keys start on the colours, not here
        self.comment.setPlaceholderText("comment (optional): Enter saves")
        hint = QLabel("1-5: colour and save  ·  Tab or c: comment  ·  Enter: save  ·  Esc: cancel", self)
        hint.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        for widget in (self.quote, self.colors, self.comment, hint):
            layout.addWidget(widget)
        self.comment.returnPressed.connect(self._save)
        self.color = COLOR_KEYS[0]

    def open_for(self, quote: str, color: str, comment: str, *, edit_comment: bool = False,
                 anchor: QRect | None = None) -> None:
        """Show the popup next to ``anchor`` (the selected text, in global coordinates), else under the
        parent's top edge; ``edit_comment`` starts in the comment field."""
        flat = " ".join(quote.split())
        self.quote.setText(f"“{flat[:QUOTE_SHOWN]}{'…' if len(flat) > QUOTE_SHOWN else ''}”")
        self.color = color if color in HIGHLIGHT_COLORS else COLOR_KEYS[0]
        self._show_colors()
        self.comment.setText(comment)
        parent = self.parentWidget()
        assert parent is not None  # made with its window as parent
        self.resize(WIDTH, self.sizeHint().height())
        corner = parent.mapToGlobal(parent.rect().topLeft())
        if anchor is None:
            self.move(corner.x() + (parent.width() - WIDTH) // 2, corner.y() + 80)
        else:
            screen = parent.screen().availableGeometry()
            self.move(placed(anchor, (WIDTH, self.height()), screen))
        self.show()
        if edit_comment:
            self.comment.setFocus()
            self.comment.selectAll()
        else:
            self.setFocus()

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Tab, Qt.Key.Key_Backtab):  # fmt: skip
            (self.setFocus if self.comment.hasFocus() else self.comment.setFocus)()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text and text in "12345" and not self.comment.hasFocus():
            self.color = COLOR_KEYS[int(text) - 1]
            self._save()
        elif text == "c" and not self.comment.hasFocus():
            self.comment.setFocus()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._save()
        else:
            super().keyPressEvent(event)

    def _show_colors(self) -> None:
        cells = []
        for n, name in enumerate(COLOR_KEYS, start=1):
            mark = f"<b><u>{n} {escape(name)}</u></b>" if name == self.color else f"{n} {escape(name)}"
            cells.append(f'<span style="background-color:{HIGHLIGHT_COLORS[name]}; color:#000">'
                         f"&nbsp;{mark}&nbsp;</span>")
        self.colors.setText("&nbsp; ".join(cells))

    def _save(self) -> None:
        self.close()
        emit(self.chosen, self.color, self.comment.text().strip())
