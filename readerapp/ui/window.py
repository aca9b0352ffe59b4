"""The main window: sidebar, paper list, detail pane, search field, status bar.

The window shows; it never waits. Every query and write goes through ``Workers`` and comes back as a
queued signal; what the user does is in ``actions.py`` as named commands. A triage key is applied to
the list at once (the row goes, the next paper is selected, counts move) and written behind it, once
the list has painted. The window exists before its library: ``run`` shows it first and ``attach``es the
library when a worker has opened it. Views keep their id lists (``ViewCache``), so a switch back to a
view shows it at once; counts follow the keys locally and are read again only when something changed
that the window did not do itself (a sync, an undo, another reader).
"""

from __future__ import annotations

import dataclasses
import shlex
from collections.abc import Callable, Sequence
from datetime import date
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from readerapp.disk import as_disk_full
from readerapp.errors import Cancelled
from readerapp.paper import Paper
from readerapp.ui import theme
from readerapp.ui.catalog import Entry
from readerapp.ui.detail_html import paper_html
from readerapp.ui.paper_model import COLUMNS, MergePlan, PaperTableModel, plan_merge
from readerapp.ui.paper_table import PaperTable
from readerapp.ui.sidebar import VIEW_ROLE, SidebarModel
from readerapp.ui.signals import emit
from readerapp.ui.view_cache import Sort, ViewCache
from readerapp.ui.views import RANKED, View, parse_view
from readerapp.ui.workers import Task, Workers

if TYPE_CHECKING:
    from readerapp.api import Library
    from readerapp.index.search_index import Hit
    from readerapp.store.collections import CollectionInfo

    # What the sidebar shows: counts, tags, recent feed days, collections and saved searches.
    SidebarData = tuple[dict[str, int], dict[str, int], list[tuple[date, int]], list[CollectionInfo]]

SEARCH_LIMIT = 500
FOR_YOU_LIMIT = 200
SIMILAR_LIMIT = 50
PREFETCHED = ("inbox", "reading", "done", "archived", "starred")
PAINT_WAIT = 0.1  # seconds a write waits for the list to paint the key's result (hidden window: none)
NATURALLY_DESCENDING = {"feed", "date", "upvotes"}
SYNC_FAILED = "Sync failed (the message above the list says why)."  # what replaces "Syncing…"


SKIPPED_SHOWN = 3  # items left out of a sync named in the message bar (the CLI lists them all)


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


class MainWindow(QMainWindow):
    """The library window over one open ``Library``."""

    view_loaded = Signal(str)
    detail_loaded = Signal(str)
    counts_loaded = Signal()
    write_done = Signal(object)
    data_changed = Signal()  # the library changed (a write here, a sync, another reader): the index lags
    moved_to_reading = Signal(list)  # ids the user just moved to Reading (their PDFs may be fetched)
    failed = Signal(str)

    def __init__(self, library: Library | None, workers: Workers, state: QSettings) -> None:
        super().__init__()
        self.library = library
        self.workers = workers
        self.state = state
        self.view = View("inbox")
        self.counts: dict[str, int] = {}
        self.tag_names: list[str] = []
        self.tag_totals: dict[str, int] = {}
        self._sidebar_rest: tuple[list[tuple[date, int]], list[CollectionInfo]] = ([], [])
        self.why: dict[str, tuple[str, ...]] = {}  # For you: the terms that explain each paper's rank
        self._views = ViewCache()
        self._shown_fresh = False
        self._own: set[str] = set()  # ids this window wrote that the change watcher has not reported yet
        self.marking = False
        self._sort: tuple[str, bool] | None = None  # (library sort or column key, reversed)
        self._generation = 0
        self._detail_id: str | None = None
        self.detail_paper: Paper | None = None  # what the detail pane shows (highlights read it)
        self._select_after_load: str | None = None
        self._sync_task: Task | None = None
        self._prefetched = False
        self._recount = False  # the counts must be read again after the next write (a new tag)
        self._counts_asked = 0  # reads of the counts asked for so far: only the newest answer is shown
        self._counts_moved = 0  # local count moves (keys): an answer asked before one is stale
        self._shown: tuple[View, Sort] | None = None  # what the model's ids are the answer to
        self._before_search: tuple[View, str | None] | None = None  # the view a search left, its selection
        self._search_error = ""  # the banner's text while it says why a query could not be read
        self._reading: str | None = None  # the title of the paper whose PDF is read (the title names it)
        # the session sets Recovery's: takes damage (True), or hands a sound file's error to the callable
        self.take_damage: Callable[[object, Callable[[object], None]], bool] = lambda _error, _shown: False

        self.model = PaperTableModel(self._fetch_rows, self)
        self.sidebar_model = SidebarModel()
        self._build()
        self._detail_timer = QTimer(self, singleShot=True, interval=40, timeout=self._load_detail)
        self._search_timer = QTimer(self, singleShot=True, interval=150, timeout=self._run_search)
        self.model.sort_requested.connect(self._sort_by)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._detail_timer.start())
        self.sidebar.selectionModel().currentRowChanged.connect(self._sidebar_clicked)
        self.search.textEdited.connect(lambda _: self._search_timer.start())
        self.search.returnPressed.connect(self.focus_list)
        self.messages.close_button.clicked.connect(self.table.setFocus)
        self._restore()
        if library is None:
            self.detail.setHtml("<p>Opening library…</p>")
            self.statusBar().showMessage("Opening library…")

    def attach(self, library: Library) -> None:
        """The library, opened behind the painted window; ``load`` then fills the window."""
        self.library = library
        self.statusBar().clearMessage()
        self.detail.clear()

    def load(self) -> None:
        """The first load: the last view, then the sidebar's counts."""
        self.show_view(self.view)
        self.refresh_counts()

    # -- layout ------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.setObjectName("main-window")
        self.sidebar = QTreeView(self)
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setModel(self.sidebar_model)
        self.sidebar.setHeaderHidden(True)
        self.sidebar.setRootIsDecorated(False)
        self.sidebar.setUniformRowHeights(True)
        self.sidebar.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sidebar.header().setStretchLastSection(False)
        self.sidebar.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.sidebar.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.sidebar.expandAll()

        self.table = PaperTable(self.model, self)

        self.detail = QTextBrowser(self)
        self.detail.setObjectName("detail")
        self.detail.setOpenExternalLinks(True)
        self.detail.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction | Qt.TextInteractionFlag.TextSelectableByKeyboard)

        self.search = SearchField(self)
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Search  ( / )   words, \"phrases\", author:, tag:, is:starred …")
        self.search.setClearButtonEnabled(True)
        self.messages = MessageBar(self)

        center = QWidget(self)
        column = QVBoxLayout(center)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.search)
        column.addWidget(self.messages)
        column.addWidget(self.table, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("main-splitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(center)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([190, 700, 390])
        self.setCentralWidget(self.splitter)

        self.counts_label = QLabel(self)
        self.keys_label = QLabel(self)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_sync)
        bar = self.statusBar()
        bar.addPermanentWidget(self.keys_label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        bar.addPermanentWidget(self.counts_label)
        self.resize(1280, 780)

    def build_menus(self, entries: Sequence[Entry], run: Callable[[str], None]) -> None:
        """The menu bar, generated from the catalog; the keys are shown, the keymap handles them."""
        self.menuBar().clear()
        names = sorted(dict.fromkeys(entry.menu for entry in entries), key=lambda name: name == "Help")
        menus: dict[str, QMenu] = {name: self.menuBar().addMenu(name) for name in names}  # Help last
        for entry in entries:
            menu = menus[entry.menu]
            keys = f"\t{entry.keys[0]}" if entry.keys else ""
            action = QAction(f"{entry.title}{keys}", self)
            action.setToolTip(entry.help)
            action.setStatusTip(entry.help)
            line = f"palette {shlex.quote(entry.line + ' ')}" if entry.asks else entry.line
            action.setData(entry.line)
            action.triggered.connect(lambda _=False, line=line: run(line))
            menu.addAction(action)
            if entry.line in ("dismiss-message", "cancel-sync") and entry.keys:  # the buttons name their key
                button = self.messages.close_button if entry.line == "dismiss-message" else self.cancel_button
                button.setText(f"{button.text().split('  ')[0]}  {entry.keys[0]}")

    def watched_widgets(self) -> list[QWidget]:
        """Where triage keys are read: the list, the sidebar, the detail pane, the search field, and
        the window itself for keys that arrive while no child has focus."""
        return [self.table, self.sidebar, self.detail, self.search, self]

    # -- persistence -------------------------------------------------------------------------------

    def _restore(self) -> None:
        geometry = self.state.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = self.state.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        try:
            self.view = parse_view(str(self.state.value("window/view", "inbox")))
        except ValueError:
            self.view = View("inbox")
        if self.view.kind == "search":
            self.search.setText(self.view.value)

    def save_state(self) -> None:
        self.state.setValue("window/geometry", self.saveGeometry())
        self.state.setValue("window/splitter", self.splitter.saveState())
        self.state.setValue("window/view", self.view.key)
        self.state.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)

    # -- views and loading -------------------------------------------------------------------------

    def show_view(self, view: View, select: str | None = None) -> None:
        """Switch the list to ``view``: its cached ids at once if it has been shown or prefetched
        (read again behind it when stale), else a new query; the model resets either way."""
        if self._shown is not None and self._shown[0].kind not in ("search", "similar"):
            self._views.put(*self._shown, self.model.ids, fresh=self._shown_fresh)
        if view.kind == "search" and self.view.kind != "search":
            self._before_search = (self.view, self.current_id())
        elif view.kind != "search":
            self._before_search = None
            self.clear_search_error()
        self.view = view
        self.marking = False
        self._select_after_load = select
        if view.kind != "search" and self.search.text():
            self.search.clear()
        self._update_title()
        self._sync_sidebar_selection()
        cached = self._views.get(view, self._sort) if view.kind not in ("search", "similar") else None
        if cached is None:
            self._query(reset=True)
            return
        self._generation += 1  # an answer still on its way for another view is stale now
        self._shown_fresh = cached.fresh
        self._show_ids(cached.ids, reset=True)
        if not cached.fresh:
            self._query(reset=False)

    def reload(self, select: str | None = None) -> None:
        """Something changed that the window cannot replay: read the view and the counts again,
        merging the answer and keeping selection and scroll position."""
        self._views.invalidate()
        self.model.expire()
        self._select_after_load = select
        self._query(reset=False)
        self.refresh_counts()
        emit(self.data_changed)

    def _query(self, *, reset: bool) -> None:
        if self.library is None:
            return  # ``load`` queries once the library is open
        self._generation += 1
        generation, epoch = self._generation, self._views.epoch
        if self.view.kind in RANKED:
            # The first ranking of a library opens (or builds) the search index: say what is going on.
            ranking = f"Ranking {self.view.title} (the first time builds the search index)…"
            self.statusBar().showMessage(ranking)
            ranked = self.workers.read(self.view.kind, self._ranked, self.view, self._sort)
            ranked.done.connect(lambda hits: self._ranked_arrived(generation, epoch, hits, reset))
            ranked.failed.connect(self.report_error)
            ranked.finished.connect(self.statusBar().clearMessage)
            return
        if reset:
            task = self.workers.read("list", self._ids_for, self.view, self._sort)
            task.done.connect(lambda ids: self._ids_arrived(generation, epoch, ids, reset))
        else:  # a merge: the worker also works out the difference from what the list shows now
            before, version = list(self.model.ids), self.model.version
            task = self.workers.read("list", self._ids_and_plan, self.view, self._sort, before)
            task.done.connect(lambda answer: self._ids_arrived(generation, epoch, answer[0], reset,
                                                               plan=answer[1], version=version))
        task.failed.connect(self._search_failed if self.view.kind == "search" else self.report_error)

    def _ids_and_plan(self, view: View, sort: Sort, before: list[str]) -> tuple[list[str], MergePlan | None]:
        """Runs on a worker: the view's ids and how the list (``before``) becomes them."""
        ids = self._ids_for(view, sort)
        return ids, plan_merge(before, ids)

    def _ids_for(self, view: View, sort: Sort) -> list[str]:
        """Runs on a worker: the ids of a view in the order the user asked for."""
        assert self.library is not None
        if view.kind == "search":
            ids = [hit.id for hit in self.library.search(view.value, limit=SEARCH_LIMIT)]
        else:
            key = sort[0] if sort and sort[0] in NATURALLY_DESCENDING | {"title"} else "feed"
            ids = self.library.list_ids(**view.filters(), sort=key)
        return self._sorted(ids, sort, by_rows=view.kind == "search")

    def _ranked(self, view: View, sort: Sort) -> list[Hit]:
        """Runs on a worker: For you or a paper's neighbours, best first (or in the column order the
        user asked for)."""
        assert self.library is not None
        if view.kind == "similar":
            hits = self.library.similar(view.value, limit=SIMILAR_LIMIT)
        else:
            hits = self.library.for_you(limit=FOR_YOU_LIMIT)
        if sort is None:
            return hits
        by_id = {hit.id: hit for hit in hits}
        return [by_id[i] for i in self._sorted(list(by_id), sort, by_rows=True)]

    def _sorted(self, ids: list[str], sort: Sort, *, by_rows: bool) -> list[str]:
        """Apply a column sort the library could not (or, for ranked lists, did not) do."""
        if sort is None:
            return ids
        assert self.library is not None
        key, backwards = sort
        if key not in NATURALLY_DESCENDING | {"title"} or by_rows:
            column = next(c for c in COLUMNS if c.key == key)
            rows = {p.id: p for p in self.library.rows(ids)}
            ids = sorted(ids, key=lambda i: str(column.show(rows[i])).lower() if i in rows else "")
        return ids[::-1] if backwards else ids

    def _ranked_arrived(self, generation: int, epoch: int, hits: list[Hit], reset: bool) -> None:
        self.why = {hit.id: hit.reasons for hit in hits}
        self._ids_arrived(generation, epoch, [hit.id for hit in hits], reset)
        self._detail_timer.start()  # the pane shows the reasons of the current paper

    def _ids_arrived(self, generation: int, epoch: int, ids: list[str], reset: bool,
                     plan: MergePlan | None = None, version: int = -1) -> None:
        if generation != self._generation:
            return  # a newer query is on its way: this answer is stale
        if self.view.kind == "search":
            self.clear_search_error()  # this query could be read: the last one's error is past
        self._shown_fresh = epoch == self._views.epoch
        self._show_ids(ids, reset=reset, plan=plan, version=version)
        if not self._shown_fresh:
            self._query(reset=False)  # a key was pressed while the query ran: its answer may predate it
        elif not self._prefetched:
            self._prefetch()

    def _show_ids(self, ids: list[str], *, reset: bool, plan: MergePlan | None = None,
                  version: int = -1) -> None:
        current = self.current_id()
        self._shown = (self.view, self._sort)
        if reset:
            self.model.set_ids(ids)
        else:
            self.model.merge_ids(ids, plan, version)
        wanted = self._select_after_load or (None if reset else current)
        self._select_after_load = None
        row = self.model.row_of(wanted) if wanted else -1
        if reset or row >= 0 or self.current_row() < 0:
            self.select_row(max(row, 0))
        if self._shown_fresh:  # a stale list is on screen only until its fresh answer is merged
            emit(self.view_loaded, self.view.key)

    def _prefetch(self) -> None:
        """After the first view, read the other standard views once, one after another on a worker,
        so that the first visit to each is as quick as a revisit."""
        self._prefetched = True
        views = [View(kind) for kind in PREFETCHED if self._views.get(View(kind), None) is None]
        views = [v for v in views if v != self.view or self._sort is not None]
        if not views:
            return
        library, epoch = self.library, self._views.epoch
        assert library is not None
        task = self.workers.read("prefetch", lambda: [library.list_ids(**v.filters()) for v in views])
        task.done.connect(lambda lists: self._prefetch_arrived(epoch, views, lists))
        task.failed.connect(self.report_error)

    def _prefetch_arrived(self, epoch: int, views: list[View], lists: list[list[str]]) -> None:
        for view, ids in zip(views, lists, strict=True):
            if self._views.get(view, None) is None and view != self.view:
                self._views.put(view, None, ids, fresh=epoch == self._views.epoch)

    def _sort_by(self, column: int, order: Qt.SortOrder) -> None:
        key = COLUMNS[column].key
        descending = order == Qt.SortOrder.DescendingOrder
        natural = key in NATURALLY_DESCENDING
        self._sort = (key, descending != natural)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self._query(reset=True)

    def _fetch_rows(self, ids: list[str]) -> None:
        assert self.library is not None  # rows are asked for only once a view has loaded
        task = self.workers.read("rows", self.library.rows, ids)
        task.done.connect(self.model.deliver)
        task.failed.connect(self.report_error)

    def refresh_counts(self) -> None:
        """Read every count again (first load, sync, undo, other readers); keys move them locally."""
        if self.library is None:
            return
        self._counts_asked += 1
        asked = (self._counts_asked, self._counts_moved)
        task = self.workers.read("counts", self._all_counts)
        task.done.connect(lambda answer: self._counts_arrived(answer, asked))
        task.failed.connect(self.report_error)

    def _all_counts(self) -> SidebarData:
        library = self.library
        assert library is not None
        return library.counts(), library.tag_counts(), library.feed_days(), library.collections()

    def _counts_arrived(self, answer: SidebarData, asked: tuple[int, int]) -> None:
        # Reads run side by side, so answers can arrive out of order: one asked before a newer read, or
        # before a key moved the counts locally, describes the past and must not overwrite the present
        # (the first load's slow answer once wiped the tags a key had just added). The newest read
        # that turns out stale asks again.
        number, moved = asked
        if number != self._counts_asked:
            return
        if moved != self._counts_moved:
            self.refresh_counts()
            return
        counts, tags, days, collections = answer
        self.tag_names = list(tags)
        self._sidebar_rest = (days, collections)
        self.show_counts(counts, tags)
        self.sidebar.expandAll()
        self._sync_sidebar_selection()
        emit(self.counts_loaded)

    def show_counts(self, counts: dict[str, int], tags: dict[str, int] | None = None) -> None:
        """Show counts in the status bar, the title and the sidebar (which rewrites only cells that
        changed, so this is cheap enough for every key)."""
        self.counts = dict(counts)
        if tags is not None:
            self.tag_totals = dict(tags)
        names = ("inbox", "reading", "done", "archived", "starred", "all")
        self.counts_label.setText("  ·  ".join(f"{n.capitalize()} {counts.get(n, 0)}" for n in names))
        days, collections = self._sidebar_rest
        self.sidebar_model.update(self.counts, self.tag_totals, days,
                                  [(c.name, c.count or 0) for c in collections if not c.live],
                                  [c.query for c in collections if c.query is not None])
        self._update_title()

    def shown_collection(self) -> str:
        """The name of the collection or saved search the list shows ("" for any other view): a saved
        search is shown as a search of its query, so its name comes from the sidebar's entries."""
        if self.view.kind == "collection":
            return self.view.value
        if self.view.kind == "search":
            return next((c.name for c in self._sidebar_rest[1] if c.query == self.view.value), "")
        return ""

    def show_reading(self, title: str | None) -> None:
        """While a PDF is read the window's title names its paper, not the hidden list."""
        self._reading = title
        self._update_title()

    def _update_title(self) -> None:
        if self._reading is not None:
            self.setWindowTitle(f"{self._reading} — readerapp")
            return
        count = self.counts.get(self.view.kind)
        suffix = f" ({count})" if count is not None else ""
        self.setWindowTitle(f"{self.view.title}{suffix} — readerapp")

    def _sync_sidebar_selection(self) -> None:
        index = self.sidebar_model.index_of(self.view.key)
        selection = self.sidebar.selectionModel()
        if not index.isValid() and selection.currentIndex().isValid():
            # A view the sidebar does not list (a search): no entry stays lit as if it were shown.
            selection.blockSignals(True)
            selection.clear()
            selection.blockSignals(False)
            self.sidebar.viewport().update()
        elif index.isValid() and selection.currentIndex() != index:
            selection.blockSignals(True)
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                      | QItemSelectionModel.SelectionFlag.Rows)  # fmt: skip
            selection.blockSignals(False)
            self.sidebar.viewport().update()

    def _sidebar_clicked(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = current.data(VIEW_ROLE)
        if key and key != self.view.key:
            self.show_view(parse_view(key))

    # -- search ------------------------------------------------------------------------------------

    def _run_search(self) -> None:
        text = self.search.text().strip()
        if text:
            self.show_view(View("search", text))
        elif self.view.kind == "search":
            self.leave_search()

    def leave_search(self) -> bool:
        """Back from search results to the view the search started from, with the paper selected
        there (the inbox when the window opened on a search); False when no search is shown."""
        self._search_timer.stop()
        if self.view.kind != "search":
            return False
        back, selected = self._before_search or (View("inbox"), None)
        self.show_view(back, select=selected)
        return True

    def _search_failed(self, error: object) -> None:
        """A query that cannot be read (``(foo``) says why in the banner until a query that can be read,
        or another view, takes its place."""
        self.report_error(error)
        text = self.messages.label.text()  # (a damaged file instead goes to the restore offer)
        self._search_error = text if not self.messages.isHidden() and str(error) in text else ""

    def clear_search_error(self) -> None:
        if self._search_error and self.messages.label.text() == self._search_error:
            self.messages.hide()
        self._search_error = ""

    def focus_list(self) -> None:
        self._search_timer.stop()
        if self.search.hasFocus() and self.search.text().strip() != self.view.value:
            self._run_search()
        self.table.setFocus()

    # -- selection ---------------------------------------------------------------------------------

    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def current_id(self) -> str | None:
        return self.model.id_at(self.current_row())

    def current_paper(self) -> Paper | None:
        row = self.current_row()
        return self.model.paper(row) if row >= 0 else None

    def shown_papers(self, ids: Sequence[str]) -> list[Paper]:
        """The rows of ``ids`` as the list shows them (rows still on their way are left out)."""
        papers = (self.model.paper(row) for row in (self.model.row_of(i) for i in ids) if row >= 0)
        return [p for p in papers if p is not None]

    def targets(self) -> list[str]:
        """What an action acts on: the selected papers, else the current one."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        ids = [self.model.ids[r] for r in rows]
        if not ids and (current := self.current_id()):
            ids = [current]
        return ids

    def select_row(self, row: int, *, extend: bool = False, keep: bool = False) -> None:
        """Make ``row`` current: alone (browsing), added to the selection, or without touching it."""
        if not self.model.ids:
            self._detail_timer.start()
            return
        row = max(0, min(row, len(self.model.ids) - 1))
        flags = QItemSelectionModel.SelectionFlag
        if keep:
            mode = flags.NoUpdate
        elif extend:
            mode = flags.Select | flags.Rows
        else:
            mode = flags.ClearAndSelect | flags.Rows
        index = self.model.index(row, 1)
        self.table.selectionModel().setCurrentIndex(index, mode)
        self.table.scrollTo(index)

    def toggle_current_selected(self) -> None:
        """Mark the current row (the first ``x`` keeps the browsing selection as the first mark)."""
        index = self.table.currentIndex()
        if index.isValid():
            flags = QItemSelectionModel.SelectionFlag
            action = flags.Toggle if self.marking else flags.Select
            self.table.selectionModel().select(index, action | flags.Rows)
            self.marking = True

    def clear_marks(self) -> None:
        self.marking = False
        self.select_row(self.current_row())

    # -- applying changes --------------------------------------------------------------------------

    def apply_locally(self, ids: Sequence[str], edit: Callable[[Paper], Paper]) -> bool:
        """Show an edit before the library has written it: patch rows, drop those leaving the view.

        When rows leave, the paper after the last one that left becomes current (the next in the
        triage), and counts move at once. False when some rows had not arrived yet: the caller then
        reloads the view after the write.
        """
        before = self.shown_papers(ids)
        after = [edit(p) for p in before]
        self._views.moved(before, after, skip=self.view)
        leaving = [new.id for new in after if not self.view.admits(new)]
        self.model.patch([new for new in after if new.id not in leaving])
        self._count_moves(before, after)
        if leaving:
            rows = [self.model.row_of(i) for i in leaving]
            first = min(rows)
            self.model.remove_ids(leaving)
            self.marking = False
            self.select_row(first)
        if self._detail_id in ids:
            self._detail_timer.start()
        return len(before) == len(ids)

    def _count_moves(self, before: Sequence[Paper], after: Sequence[Paper]) -> None:
        counts, tags = dict(self.counts), dict(self.tag_totals)
        for old, new in zip(before, after, strict=True):
            for name in set(old.tags) ^ set(new.tags):
                tags[name] = tags.get(name, 0) + (1 if name in new.tags else -1)
            for key, was, now in (("state", old.state, new.state), ("starred", old.starred, new.starred)):
                if was == now:
                    continue
                if key == "state":
                    counts[str(was)] = counts.get(str(was), 0) - 1
                    counts[str(now)] = counts.get(str(now), 0) + 1
                else:
                    counts["starred"] = counts.get("starred", 0) + (1 if now else -1)
        tags = {name: n for name, n in tags.items() if n > 0}
        if counts != self.counts or tags != self.tag_totals:
            self._counts_moved += 1
            if set(tags) != set(self.tag_names):
                # A tag came or went: the library decides the numbering (1-9 keys), read it after the write.
                self._recount = True
                self.tag_names = list(tags)
            self.show_counts(counts, tags)

    def write(self, name: str, job: Callable[[], Any], *, reload: bool = False,
              select: Callable[[Any], str | None] | None = None) -> Task:
        """Run ``job`` on the serial writer; afterwards re-read what it touched.

        ``reload`` re-runs the view's query (an undo may bring a paper back); otherwise only the
        touched rows are read again. A failed write reloads the view, so the list never shows
        something the library does not hold.
        """
        painted = self.table.painted
        painted.clear()

        def after_paint() -> Any:
            # The writer's SQLAlchemy code would take turns with the GUI thread for the GIL while the
            # list paints the key's result; the list paints first (PAINT_WAIT if nothing paints).
            painted.wait(PAINT_WAIT)
            return job()

        task = self.workers.write(name, after_paint)
        task.done.connect(lambda changes: self._written(changes, reload, select))
        if self._recount:
            self._recount = False
            if not reload:  # (a reload reads them anyway)
                self.refresh_counts()  # a read: it waits for the write just submitted
        task.failed.connect(self._write_failed)
        return task

    def _write_failed(self, error: object) -> None:
        self.report_error(error)
        self.reload()

    def _written(self, changes: Any, reload: bool, select: Callable[[Any], str | None] | None) -> None:
        ids = list(getattr(changes, "ids", ()) or ())
        self._own.update(ids)
        self.model.refresh(ids)
        if reload:
            self.reload(select=select(changes) if select else None)
        if self._detail_id in ids:
            self._detail_timer.start()
        self._follow_saved_search(getattr(changes, "searches", ()) or ())
        self._show_autoexport_warnings()
        emit(self.write_done, changes)
        emit(self.data_changed)

    def _show_autoexport_warnings(self) -> None:
        """An auto-export the write could not rewrite (its folder gone, the disk full): the write stood,
        the status bar says so; the next write retries it."""
        warnings = self.library.take_autoexport_warnings() if self.library is not None else []
        if warnings:
            self.statusBar().showMessage(" · ".join(dict.fromkeys(warnings)), 10000)

    def _follow_saved_search(self, rewritten: Sequence[str]) -> None:
        """The list shows a saved search as a search of its query: when a write rewrote that saved
        search's query (a tag renamed or merged, its undo or redo), show the new query, keeping the
        selection, instead of the old one, which now finds nothing."""
        name = self.shown_collection() if self.view.kind == "search" else ""
        if not name or name not in rewritten or self.library is None:
            return
        shown, keep = self.view, self.current_id()

        def arrived(collections: Sequence[CollectionInfo]) -> None:
            query = next((c.query for c in collections if c.name == name), None)
            if self.view != shown or not query or query == shown.value:
                return  # moved on meanwhile, or the query is as it was
            if self.search.text().strip() == shown.value:
                self.search.setText(query)
            self.show_view(View("search", query), select=keep)

        task = self.workers.read("saved search", self.library.collections)
        task.done.connect(arrived)
        task.failed.connect(self.report_error)

    def changed_elsewhere(self, ids: Sequence[str]) -> None:
        """Papers changed by someone else (another app on a shared library, the CLI): re-read those
        rows, the counts and the view, keeping the selection; the window's own writes are skipped."""
        theirs = [i for i in ids if i not in self._own]
        self._own.difference_update(ids)
        if not theirs:
            return
        self.model.refresh(theirs)
        self.reload()
        if self._detail_id in theirs:
            self._detail_timer.start()

    # -- detail pane -------------------------------------------------------------------------------

    def _load_detail(self) -> None:
        paper_id = self.current_id()
        self._detail_id = paper_id
        if self.library is None:
            return
        if paper_id is None:
            self.detail.setHtml("<p>No paper in this view.</p>")
            return
        task = self.workers.read("detail", self.library.get, paper_id)
        task.done.connect(self._detail_arrived)
        task.failed.connect(self.report_error)

    def refresh_detail(self) -> None:
        """Read the current paper's detail again (the library under it changed, e.g. a restore)."""
        self._detail_timer.start()

    def _detail_arrived(self, paper: Paper) -> None:
        if paper.id != self._detail_id:
            return  # the user has moved on
        scheme = theme.current_scheme(QApplication.instance())
        accents = theme.ACCENTS[scheme]
        me = self.library.user_name if self.library is not None else None
        html = paper_html(paper, muted=accents["muted"], highlight=accents["highlight"], me=me)
        why = self.why.get(paper.id, ()) if self.view.kind in RANKED else ()
        if why:  # a ranked view says why it ranked the paper, above the title
            terms = escape(", ".join(why))
            because = "For you because of" if self.view.kind == "for-you" else "Similar because of"
            html = f'<p style="color:{accents["muted"]}">{because}: {terms}</p>{html}'
        self.detail_paper = paper
        self.detail.setHtml(html)
        emit(self.detail_loaded, paper.id)

    # -- sync --------------------------------------------------------------------------------------

    def start_sync(self, **window: Any) -> Task | None:
        """Sync the Daily Papers feed on a worker with progress in the status bar; one at a time."""
        library = self.library
        if library is None:
            self.statusBar().showMessage("The library is still opening.", 3000)
            return None
        if self._sync_task is not None:
            self.statusBar().showMessage("A sync is already running.", 3000)
            return None
        task = self.workers.long("sync", lambda t: library.sync(
            "hf", progress=lambda what, done, total: t.report(done, total or 0, what),
            cancel=t.cancel_event, **window))  # fmt: skip
        self._sync_task = task
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.statusBar().showMessage("Syncing Daily Papers…")
        task.progress.connect(self._sync_progress)
        task.done.connect(self._sync_done)
        task.failed.connect(self._sync_failed)
        task.finished.connect(self._sync_finished)
        return task

    def cancel_sync(self) -> bool:
        """Ask the running sync to stop; False when none runs."""
        if self._sync_task is None:
            return False
        self._sync_task.cancel()
        return True

    def _sync_progress(self, done: int, total: int, what: str) -> None:
        self.progress.setRange(0, total)
        if total:
            self.progress.setValue(min(done, total))
        # A notice (a wait for a rate limit) comes with no count: "Syncing: Waiting 40 s for ...".
        count = f" {done}/{total}" if total else f" {done}" if done else ""
        self.statusBar().showMessage(f"Syncing: {what}{count}")

    def _sync_failed(self, error: object) -> None:
        if isinstance(error, Cancelled):  # the user asked for it: a status line, not an error banner
            self.statusBar().showMessage("Sync cancelled.", 8000)
            return
        self.report_error(error, prefix="Sync failed: ")
        self.statusBar().showMessage(SYNC_FAILED, 8000)

    def _sync_done(self, report: Any) -> None:
        self.state.setValue("sync/last", date.today().isoformat())
        if getattr(report, "error", None):
            self.messages.show_message(f"Sync failed: {report.error}")
            self.statusBar().showMessage(SYNC_FAILED, 8000)
        elif report.skipped:  # merged, but some items were left out: say which, until dismissed
            shown = "; ".join(f"{item.where}: {item.reason}" for item in report.skipped[:SKIPPED_SHOWN])
            more = len(report.skipped) - SKIPPED_SHOWN
            self.messages.show_message(
                f"{report.summary()}. Skipped {shown}" + (f"; and {more} more" if more > 0 else "")
            )
        else:
            self.statusBar().showMessage(report.summary(), 8000)
        self.reload()

    def _sync_finished(self) -> None:
        self._sync_task = None
        if self.statusBar().currentMessage().startswith("Syncing"):  # a cancelled sync: nothing to say
            self.statusBar().clearMessage()
        self.progress.hide()
        self.cancel_button.hide()

    # -- errors ------------------------------------------------------------------------------------

    def report_error(self, error: object, prefix: str = "") -> None:
        """Every failure from a worker ends here: one dismissable line, never a crash; a damaged
        database found by any read or write goes to ``take_damage`` (the restore offer) instead."""
        if isinstance(error, OSError) and self.library is not None:  # a search index write, say
            error = as_disk_full(error, self.library.path)
        if not self.take_damage(error, lambda sound: self._show_error(sound, prefix)):
            self._show_error(error, prefix)

    def _show_error(self, error: object, prefix: str) -> None:
        text = f"{prefix}{error}" if str(error) else f"{prefix}{type(error).__name__}"
        self.messages.show_message(text)
        emit(self.failed, text)


def with_fields(**changes: Any) -> Callable[[Paper], Paper]:
    """An edit for ``apply_locally``: the paper with some fields replaced."""
    return lambda paper: dataclasses.replace(paper, **changes)


def state_file(library_dir: Path) -> QSettings:
    """Window geometry, splitters and the last view, kept beside the library they belong to."""
    return QSettings(str(library_dir / "ui-state.ini"), QSettings.Format.IniFormat)
