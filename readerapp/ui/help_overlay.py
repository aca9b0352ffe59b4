"""The key help overlay (``?``): every command and its keys, grouped as the menu groups them."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QTextBrowser, QVBoxLayout, QWidget

from readerapp.interaction.catalog import Entry


def help_html(entries: Sequence[Entry]) -> str:
    """A table per menu: keys on the left, what they do on the right."""
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.menu, []).append(entry)
    parts = []
    for menu, items in groups.items():
        rows = "".join(
            f"<tr><td style='padding-right:18px'><b>{escape(' / '.join(e.keys) or '—')}</b></td>"
            f"<td>{escape(e.title)}</td><td style='padding-left:12px'>{escape(e.help)}</td></tr>"
            for e in items
        )
        parts.append(f"<h3>{escape(menu)}</h3><table>{rows}</table>")
    return "".join(parts)


class HelpOverlay(QDialog):
    """A read-only page over the window; Escape, ``?`` or ``q`` closes it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("help-overlay")
        self.setWindowTitle("Keys — readerapp")
        self.browser = QTextBrowser(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.resize(760, 620)

    def show_entries(self, entries: Sequence[Entry]) -> None:
        self.browser.setHtml(help_html(entries))
        self.show()
        self.browser.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.text() in ("?", "q") or event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)
