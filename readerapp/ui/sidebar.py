"""The sidebar: standard views, tags, collections, saved searches and recent feed days, with counts.

Counts change after every triage key, so ``update`` rewrites the count cells in place and rebuilds a
section only when its entries change; the selection and the tree's expansion survive either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel

from readerapp.interaction.views import STANDARD

VIEW_ROLE = Qt.ItemDataRole.UserRole + 1
SECTIONS = ("Library", "Tags", "Collections", "Saved searches", "Feed days")

Entries = list[tuple[str, str, int | None]]  # (view key, label, count)


class SidebarModel(QStandardItemModel):
    """Two columns (name, count); top-level rows are section headers that cannot be selected."""

    def __init__(self) -> None:
        super().__init__(0, 2)
        bold = QFont()
        bold.setBold(True)
        self._sections: dict[str, QStandardItem] = {}
        for name in SECTIONS:
            header = QStandardItem(name)
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            header.setFont(bold)
            spacer = QStandardItem("")
            spacer.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.appendRow([header, spacer])
            self._sections[name] = header

    def update(self, counts: dict[str, int], tags: dict[str, int], days: Sequence[tuple[date, int]],
               collections: Sequence[tuple[str, int]] = (), searches: Sequence[str] = ()) -> None:
        """Show fresh counts; tags are numbered 1-9 in the order the number keys toggle them."""
        self._fill("Library", [(key, title, counts.get(key)) for key, title in STANDARD.items()])
        self._fill("Tags", [(f"tag:{name}", f"{n}  {name}" if n <= 9 else f"    {name}", count)
                            for n, (name, count) in enumerate(tags.items(), start=1)])  # fmt: skip
        self._fill("Collections", [(f"collection:{name}", name, count) for name, count in collections])
        self._fill("Saved searches", [(f"search:{query}", query, None) for query in searches])
        self._fill("Feed days", [(f"day:{day.isoformat()}", day.strftime("%a %d %b %Y"), count)
                                 for day, count in days])  # fmt: skip

    def index_of(self, view_key: str) -> QModelIndex:
        """The name cell for a view, or an invalid index when the sidebar does not list it."""
        for header in self._sections.values():
            for row in range(header.rowCount()):
                child = header.child(row, 0)
                if child is not None and child.data(VIEW_ROLE) == view_key:
                    return child.index()
        return QModelIndex()

    def _fill(self, section: str, entries: Entries) -> None:
        header = self._sections[section]
        current = [header.child(r, 0).data(VIEW_ROLE) for r in range(header.rowCount())]
        if current != [key for key, _, _ in entries]:
            header.removeRows(0, header.rowCount())
            for key, label, _ in entries:
                name = QStandardItem(label)
                name.setData(key, VIEW_ROLE)
                name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                number = QStandardItem("")
                number.setData(key, VIEW_ROLE)
                number.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                header.appendRow([name, number])
        for row, (_, label, count) in enumerate(entries):
            text = "" if count is None else str(count)
            if header.child(row, 0).text() != label:
                header.child(row, 0).setText(label)
            if header.child(row, 1).text() != text:
                header.child(row, 1).setText(text)
