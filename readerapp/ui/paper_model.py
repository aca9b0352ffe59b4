"""The paper list's model: a list of ids with a lazy row cache, fast at 100,000 papers.

Only ids are held for the whole view; rows are fetched from the library in blocks when the view first
paints them (calibre's and Anki's browser models work this way), but on a worker: the GUI thread never
waits on the database, and a block arrives a frame later with one ``dataChanged``. Edits patch or drop
single rows; a triage key that moves a paper out of the view removes just that row. A reset happens
only for a new query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from readerapp.paper import Paper
from readerapp.readable import readable_text
from readerapp.ui.signals import emit

Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole + 1
PAPER_ROLE = Qt.ItemDataRole.UserRole + 2
BLOCK = 200
CACHE_LIMIT = 20_000
ROLES = frozenset(int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                                   Qt.ItemDataRole.TextAlignmentRole, ID_ROLE, PAPER_ROLE))
NEAR = 64  # rows either side of the last one found that ``row_of`` looks at first
TIPPED = ("marks", "title", "author", "venue", "tags")  # the columns whose whole text a tooltip shows
FEW = 8  # up to this many delivered rows are found one by one; a block repaints the view


def _date(paper: Paper) -> str:
    """The feed day, else the publication date only as precisely as its source gave it (a year-only
    reference shows ``2018``, never an invented ``2018-01-01``)."""
    return paper.feed_day.isoformat() if paper.feed_day else paper.published_text


def _year(paper: Paper) -> str:
    return str(paper.published.year) if paper.published else ""


def mark_slots(paper: Paper) -> tuple[str | None, str | None, str | None, str | None]:
    """The icon of each fact (``resources/marks/NAME.svg``) or None, always in the same slot so the
    column reads at a glance: star, state (an inbox paper has none), PDF, note."""
    state = paper.state if paper.state in ("reading", "done", "archived") else None
    return ("star" if paper.starred else None, state, "pdf" if paper.pdf_path else None,
            "note" if paper.has_note else None)  # fmt: skip


_MARK_WORDS = {"star": "starred", "pdf": "PDF"}


SAMPLE_MARK = "sample · "  # before the title of a paper from the bundled sample day (remove-samples)


def _title(paper: Paper) -> str:
    """The title, after a word that says a paper came from the first launch's sample day."""
    title = readable_text(paper.title)  # LaTeX as text: $\alpha$ -> α
    return SAMPLE_MARK + title if paper.is_sample else title


def _marks(paper: Paper) -> str:
    """The marks in words (the column's text for tooltips and screen readers; the list draws icons)."""
    return ", ".join(_MARK_WORDS.get(name, name) for name in mark_slots(paper) if name)


@dataclass(frozen=True, slots=True)
class Column:
    """A column: header, how a row shows, and the library sort that orders by it (None: sort rows)."""

    key: str
    header: str
    show: Callable[[Paper], Any]
    sort: str | None
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


COLUMNS: tuple[Column, ...] = (
    Column("marks", "", _marks, None, Qt.AlignmentFlag.AlignCenter),
    Column("title", "Title", _title, "title"),
    Column("author", "First author", lambda p: p.authors[0] if p.authors else "", None),
    Column("year", "Year", _year, None),
    Column("venue", "Venue", lambda p: p.venue or "", None),
    Column("date", "Date", _date, "date"),
    Column("upvotes", "▲", lambda p: p.upvotes, "upvotes",
           Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
    Column("tags", "Tags", lambda p: ", ".join(p.tags), None),
)
COLUMN = {c.key: n for n, c in enumerate(COLUMNS)}


@dataclass(frozen=True, slots=True)
class MergePlan:
    """How one id list becomes another: ids to remove, (row, id) to insert in ascending rows, and
    whether the ids that stay change order."""

    removed: list[str]
    inserted: list[tuple[int, str]]
    reordered: bool


def plan_merge(current: list[str], ids: list[str]) -> MergePlan | None:
    """The plan from ``current`` to ``ids``, or None when they are equal. Pure, so a worker can run it
    over a copy of the model's list."""
    if current == ids:
        return None
    wanted, present = set(ids), set(current)
    kept = [i for i in ids if i in present]
    staying = [i for i in current if i in wanted]
    inserted = [(row, i) for row, i in enumerate(ids) if i not in present]
    return MergePlan([i for i in current if i not in wanted], inserted, kept != staying)


class PaperTableModel(QAbstractTableModel):
    """Rows are paper ids; ``request(ids)`` asks for light ``Paper`` rows, handed back to ``deliver``.

    Sorting 100k rows is the library's job, not the model's: a header click only asks for it.
    """

    sort_requested = Signal(int, Qt.SortOrder)

    def __init__(self, request: Callable[[list[str]], None], parent: Any = None) -> None:
        super().__init__(parent)
        self._request = request
        self._ids: list[str] = []
        self._cache: dict[str, Paper] = {}  # by id, across views: a switch back paints at once
        self._expired: dict[str, Paper] = {}  # shown until their re-read arrives (see ``expire``)
        self._asked: set[str] = set()
        self.version = 0  # changes with every change to the id list (a merge plan names its version)
        self._near = 0  # the row ``row_of`` found last

    # -- Qt's model interface ---------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section].header
            if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section].key == "marks":
                return "star · state (reading, done, archived) · PDF · note"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Qt asks for about eight roles at a time (tooltips, accessibility, size hints); most are not
        # ours and are answered first. The list's cells are drawn by ``PaperDelegate``, not from here.
        if role not in ROLES or not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        paper = self.paper(index.row())
        if paper is None:
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.show(paper)
        if role == Qt.ItemDataRole.ToolTipRole and column.key in TIPPED:
            return column.show(paper) if column.key != "author" else ", ".join(paper.authors[:12])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align.value)
        if role == PAPER_ROLE:
            return paper
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        emit(self.sort_requested, column, order)

    # -- ids and rows -----------------------------------------------------------------------------

    @property
    def ids(self) -> list[str]:
        return self._ids

    def id_at(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, paper_id: str) -> int:
        """The row of ``paper_id``, or -1. Rows near the last one found are looked at first: a key
        looks up the rows around the current one several times, and a scan of the whole list costs
        about a millisecond at 83k rows (four of them made ``e`` at the bottom of the inbox 40% slower)."""
        try:
            row = self._ids.index(paper_id, max(0, self._near - NEAR), self._near + NEAR)
        except ValueError:
            try:
                row = self._ids.index(paper_id)
            except ValueError:
                return -1
        self._near = row
        return row

    def paper(self, row: int) -> Paper | None:
        """The light row for ``row``, or None while its block is on its way."""
        paper_id = self._ids[row]
        cached = self._cache.get(paper_id)
        if cached is None and paper_id not in self._asked:
            start = row - row % BLOCK
            block = [i for i in self._ids[start : start + BLOCK] if i not in self._cache]
            self._asked.update(block)
            self._request(block)
        return cached if cached is not None else self._expired.get(paper_id)

    def deliver(self, papers: Sequence[Paper]) -> None:
        """Rows fetched by the worker; one ``dataChanged`` lets the view repaint what it shows."""
        if len(self._cache) + len(papers) > CACHE_LIMIT:
            self._cache.clear()
        for paper in papers:
            self._asked.discard(paper.id)
            self._expired.pop(paper.id, None)
            self._cache[paper.id] = paper
        if len(papers) <= FEW:  # a refresh after a write, or a change by someone else: those rows only
            for paper in papers:
                if (row := self.row_of(paper.id)) >= 0:
                    self._row_changed(row)
        elif self._ids:
            emit(self.dataChanged, self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1))

    def set_ids(self, ids: Sequence[str]) -> None:
        """A new query or another view: the one place the model resets. Rows already read stay
        cached (every edit patches or re-reads them), so a view switch paints without waiting."""
        self.beginResetModel()
        self._ids = list(ids)
        self.version += 1
        self.endResetModel()

    def expire(self) -> None:
        """Something changed that the window did not do (a sync, an undo, another reader): read the
        rows again as they are painted, showing the old ones until the new arrive (no blank frame)."""
        self._expired, self._cache = self._cache, {}
        self._asked.clear()
        if self._ids:
            emit(self.dataChanged, self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1))

    def patch(self, papers: Iterable[Paper]) -> None:
        """Show new versions of rows (an optimistic edit, or the library's answer after a write)."""
        for paper in papers:
            row = self.row_of(paper.id)
            if row >= 0:
                self._cache[paper.id] = paper
                self._row_changed(row)

    def refresh(self, ids: Sequence[str]) -> None:
        """Ask again for rows a write changed; the cached version shows until the new one arrives."""
        present = [i for i in ids if i in self._cache]
        if present:
            self._asked.update(present)
            self._request(present)

    def remove_ids(self, ids: Iterable[str]) -> None:
        """Remove rows, one contiguous block at a time, from the bottom up."""
        ids = list(ids)
        if len(ids) > FEW:  # one pass over the list instead of a scan per id
            gone = set(ids)
            found = (row for row, paper_id in enumerate(self._ids) if paper_id in gone)
        else:
            found = (r for r in (self.row_of(i) for i in ids) if r >= 0)
        rows = sorted(set(found), reverse=True)
        if rows:
            self.version += 1
        while rows:
            last = first = rows.pop(0)
            while rows and rows[0] == first - 1:
                first = rows.pop(0)
            self.beginRemoveRows(QModelIndex(), first, last)
            for paper_id in self._ids[first : last + 1]:
                self._cache.pop(paper_id, None)
            del self._ids[first : last + 1]
            self.endRemoveRows()

    def merge_ids(self, ids: list[str], plan: MergePlan | None = None, version: int = -1) -> None:
        """Bring the list to ``ids`` with removals and insertions only, keeping selection and scroll.

        Used after a sync or an undo, when the query's answer mostly agrees with what is shown. If the
        papers that stay are in a different order, only then is it a layout change. ``plan`` is the
        difference a worker worked out against the list at ``version``; still valid if the list has
        not changed since, it spares the GUI thread four passes over the ids (25-35 ms at 83k).
        """
        if version != self.version:
            plan = plan_merge(self._ids, ids)
        if plan is None:
            return  # the usual answer when a stale view is read again
        self.remove_ids(plan.removed)
        if plan.reordered:
            present = set(self._ids)
            kept = [i for i in ids if i in present]
            emit(self.layoutAboutToBeChanged)
            old = {paper_id: row for row, paper_id in enumerate(self._ids)}
            self._ids = kept
            moved = [(self.index(old[i], c), self.index(n, c)) for n, i in enumerate(kept)
                     for c in range(len(COLUMNS))]  # fmt: skip
            for before, after in moved:
                self.changePersistentIndex(before, after)
            emit(self.layoutChanged)
        for row, paper_id in plan.inserted:
            self.beginInsertRows(QModelIndex(), row, row)
            self._ids.insert(row, paper_id)
            self.endInsertRows()
        self.version += 1

    def _row_changed(self, row: int) -> None:
        emit(self.dataChanged, self.index(row, 0), self.index(row, len(COLUMNS) - 1))
