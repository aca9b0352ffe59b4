"""The main window: sidebar, paper list, detail pane, search field, status bar.

The window lays out and wires; what the list holds (the view, every view's ids, the counts, the marks,
the undo history) is the ``ListController``'s, which applies a triage key before it is written. The
window shows; it never waits: every query and write goes through ``Workers`` and comes back as a
queued signal, and a key's write waits until the list has painted the key's result. The window exists
before its library: ``run`` shows it first and ``attach``es the library when a worker has opened it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from readerapp.disk import as_disk_full
from readerapp.interaction.catalog import Entry
from readerapp.interaction.controller import ListController, Sidebar
from readerapp.interaction.views import View, ViewKind, parse_view
from readerapp.paper import Paper
from readerapp.ui.detail_pane import DetailPane
from readerapp.ui.list_loader import ListLoader
from readerapp.ui.paper_model import COLUMN, COLUMNS, PaperTableModel
from readerapp.ui.paper_table import PaperTable
from readerapp.ui.sidebar import VIEW_ROLE, SidebarModel
from readerapp.ui.signals import emit
from readerapp.ui.sync_status import SyncStatus
from readerapp.ui.window_parts import MessageBar, SearchField, SidebarTree, build_menus
from readerapp.ui.workers import Task, Workers

if TYPE_CHECKING:
    from readerapp.api import Library


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
        self.workers = workers
        self.state = state
        self.controller = ListController(library, lambda key, p: str(COLUMNS[COLUMN[key]].show(p)))
        self._reading: str | None = None  # the title of the paper whose PDF is read (the title names it)
        # the session sets Recovery's: takes damage (True), or hands a sound file's error to the callable
        self.take_damage: Callable[[object, Callable[[object], None]], bool] = lambda _error, _shown: False

        self.model = PaperTableModel(lambda ids: self.loader.fetch_rows(ids), self)
        self.sidebar_model = SidebarModel()
        self._build()
        self.loader = ListLoader(self)
        self.search_timer = QTimer(self, singleShot=True, interval=150, timeout=self.loader.run_search)  # type: ignore[call-arg]
        self.model.sort_requested.connect(self.loader.sort_by)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.detail.timer.start())
        self.sidebar.selectionModel().currentRowChanged.connect(self._sidebar_clicked)
        self.search.textEdited.connect(lambda _: self.search_timer.start())
        self.search.returnPressed.connect(self.focus_list)
        self.messages.close_button.clicked.connect(self.table.setFocus)
        self._restore()
        if library is None:
            self.detail.setHtml("<p>Opening library…</p>")
            self.statusBar().showMessage("Opening library…")

    @property
    def library(self) -> Library | None:
        return self.controller.library

    @property
    def view(self) -> View:
        return self.controller.view

    @property
    def detail_paper(self) -> Paper | None:
        return self.detail.paper

    def attach(self, library: Library) -> None:
        """The library, opened behind the painted window; ``load`` then fills the window."""
        self.controller.library = library
        self.statusBar().clearMessage()
        self.detail.clear()

    def load(self) -> None:
        """The first load: the last view, then the sidebar's counts."""
        self.loader.show_view(self.view)
        self.loader.refresh_counts()

    def _build(self) -> None:
        self.setObjectName("main-window")
        self.sidebar = SidebarTree(self.sidebar_model, self)
        self.table = PaperTable(self.model, self)
        self.detail = DetailPane(self)
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
        bar = self.statusBar()
        self.syncing = SyncStatus(bar, self.messages, self.workers, self.state, self.report_error,
                                  lambda: self.loader.reload())  # fmt: skip
        for widget in (self.keys_label, self.syncing.progress, self.syncing.cancel_button, self.counts_label):
            bar.addPermanentWidget(widget)
        self.resize(1280, 780)

    def build_menus(self, entries: Sequence[Entry], run: Callable[[str], None]) -> None:
        """The menu bar, generated from the catalog; the keys are shown, the keymap handles them."""
        buttons = {"dismiss-message": self.messages.close_button, "cancel-sync": self.syncing.cancel_button}
        build_menus(self, entries, run, buttons)

    def watched_widgets(self) -> list[QWidget]:
        """Where triage keys are read: the list, the sidebar, the detail pane, the search field, and
        the window itself for keys that arrive while no child has focus."""
        return [self.table, self.sidebar, self.detail, self.search, self]

    def start_sync(self, **window: Any) -> Task | None:
        return self.syncing.start(self.library, **window)

    def write(self, name: str, job: Callable[[], Any], **how: Any) -> Task:
        """Run a command's write on the serial writer and show what it changed (``ListLoader.write``)."""
        return self.loader.write(name, job, **how)

    # -- persistence -------------------------------------------------------------------------------

    def _restore(self) -> None:
        geometry = self.state.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = self.state.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        try:
            self.controller.view = parse_view(str(self.state.value("window/view", "inbox")))
        except ValueError:
            self.controller.view = View(ViewKind.INBOX)
        if self.view.is_search:
            self.search.setText(self.view.value)

    def save_state(self) -> None:
        self.state.setValue("window/geometry", self.saveGeometry())
        self.state.setValue("window/splitter", self.splitter.saveState())
        self.state.setValue("window/view", self.view.key)
        self.state.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)

    # -- what the controller holds, drawn ----------------------------------------------------------

    def show_sidebar(self, sidebar: Sidebar) -> None:
        """Show counts in the status bar, the title and the sidebar (which rewrites only cells that
        changed, so this is cheap enough for every key)."""
        self.counts_label.setText(self.controller.status_counts())
        collections = sidebar.collections
        self.sidebar_model.update(sidebar.counts, sidebar.tags, sidebar.days,
                                  [(c.name, c.count or 0) for c in collections if not c.live],
                                  [c.query for c in collections if c.query is not None])
        self.update_title()

    def show_reading(self, title: str | None) -> None:
        """While a PDF is read the window's title names its paper, not the hidden list."""
        self._reading = title
        self.update_title()

    def update_title(self) -> None:
        title = self._reading if self._reading is not None else self.controller.title()
        self.setWindowTitle(f"{title} — readerapp")

    def sync_sidebar_selection(self) -> None:
        self.sidebar.show_current(self.sidebar_model.index_of(self.view.key))

    def _sidebar_clicked(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = current.data(VIEW_ROLE)
        if key and key != self.view.key:
            self.loader.show_view(parse_view(key))

    # -- search ------------------------------------------------------------------------------------

    def focus_list(self) -> None:
        self.search_timer.stop()
        if self.search.hasFocus() and self.search.text().strip() != self.view.value:
            self.loader.run_search()
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
            self.detail.timer.start()
            return
        row = max(0, min(row, len(self.model.ids) - 1))
        flags = QItemSelectionModel.SelectionFlag
        mode = flags.NoUpdate if keep else (flags.Select if extend else flags.ClearAndSelect) | flags.Rows
        index = self.model.index(row, 1)
        self.table.selectionModel().setCurrentIndex(index, mode)
        self.table.scrollTo(index)

    def toggle_current_selected(self) -> None:
        """Mark the current row (the first ``x`` keeps the browsing selection as the first mark)."""
        index = self.table.currentIndex()
        if index.isValid():
            flags = QItemSelectionModel.SelectionFlag
            action = flags.Toggle if self.controller.marking else flags.Select
            self.table.selectionModel().select(index, action | flags.Rows)
            self.controller.marking = True

    def clear_marks(self) -> None:
        self.controller.marking = False
        self.select_row(self.current_row())

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


def state_file(library_dir: Path) -> QSettings:
    """Window geometry, splitters and the last view, kept beside the library they belong to."""
    return QSettings(str(library_dir / "ui-state.ini"), QSettings.Format.IniFormat)
