"""The list's traffic with the workers: the controller's reads run on them, their answers go into the
model, and the writes of keys run on the serial writer once the list has painted the key's result.

Views keep their id lists (the controller's ``ViewCache``), so a switch back to a view shows it at
once; counts follow the keys locally and are read again only when something changed that the window
did not do itself (a sync, an undo, another reader). Every answer is checked against the newest
question (``generation``) and the changes since it was asked (``epoch``) before it is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt

from readerapp.interaction.controller import NATURALLY_DESCENDING, Applied, Sidebar
from readerapp.interaction.view_cache import Sort
from readerapp.interaction.views import View, ViewKind
from readerapp.paper import Paper
from readerapp.ui.paper_model import COLUMNS, MergePlan, plan_merge
from readerapp.ui.signals import emit
from readerapp.ui.workers import Task

if TYPE_CHECKING:
    from readerapp.api import CollectionInfo, Hit
    from readerapp.ui.window import MainWindow

PAINT_WAIT = 0.1  # seconds a write waits for the list to paint the key's result (hidden window: none)


class ListLoader(QObject):
    """Runs the window's controller on the workers and shows what comes back."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w, self.c, self.model = window, window.controller, window.model
        self._shown: tuple[View, Sort] | None = None  # what the model's ids are the answer to
        self._shown_fresh = False
        self._prefetched = False
        self._select_after_load: str | None = None
        self._search_error = ""  # the banner's text while it says why a query could not be read

    # -- views -------------------------------------------------------------------------------------

    def show_view(self, view: View, select: str | None = None) -> None:
        """Switch the list to ``view``: its cached ids at once if it has been shown or prefetched
        (read again behind it when stale), else a new query; the model resets either way."""
        self.c.switch(view, self._shown, self.model.ids, fresh=self._shown_fresh, current=self.w.current_id())
        if not view.is_search:
            self.clear_search_error()
            if self.w.search.text():
                self.w.search.clear()
        self._select_after_load = select
        self.w.update_title()
        self.w.sync_sidebar_selection()
        cached = self.c.cached()
        if cached is None:
            self._query(reset=True)
            return
        self.c.generation += 1  # an answer still on its way for another view is stale now
        ids, self._shown_fresh = cached
        self._show_ids(ids, reset=True)
        if not self._shown_fresh:
            self._query(reset=False)

    def reload(self, select: str | None = None) -> None:
        """Something changed that the window cannot replay: read the view and the counts again,
        merging the answer and keeping selection and scroll position."""
        self.c.views.invalidate()
        self.model.expire()
        self._select_after_load = select
        self._query(reset=False)
        self.refresh_counts()
        emit(self.w.data_changed)

    def _query(self, *, reset: bool) -> None:
        if self.c.library is None:
            return  # ``load`` queries once the library is open
        self.c.generation += 1
        generation, epoch, view, sort = self.c.generation, self.c.views.epoch, self.c.view, self.c.sort
        bar = self.w.statusBar()
        if view.is_ranked:
            # The first ranking of a library opens (or builds) the search index: say what is going on.
            bar.showMessage(f"Ranking {view.title} (the first time builds the search index)…")
            ranked = self.w.workers.read(view.kind, self.c.ranked, view, sort)
            ranked.done.connect(lambda hits: self._ranked_arrived(generation, epoch, hits, reset))
            ranked.failed.connect(self.w.report_error)
            ranked.finished.connect(bar.clearMessage)
            return
        if reset:
            task = self.w.workers.read("list", self.c.ids_for, view, sort)
            task.done.connect(lambda ids: self._ids_arrived(generation, epoch, ids, reset))
        else:  # a merge: the worker also works out the difference from what the list shows now
            before, version = list(self.model.ids), self.model.version
            task = self.w.workers.read("list", self._ids_and_plan, view, sort, before)
            task.done.connect(lambda answer: self._ids_arrived(generation, epoch, answer[0], reset,
                                                               plan=answer[1], version=version))
        task.failed.connect(self._search_failed if view.is_search else self.w.report_error)

    def _ids_and_plan(self, view: View, sort: Sort, before: list[str]) -> tuple[list[str], MergePlan | None]:
        """Runs on a worker: the view's ids and how the list (``before``) becomes them."""
        ids = self.c.ids_for(view, sort)
        return ids, plan_merge(before, ids)

    def _ranked_arrived(self, generation: int, epoch: int, hits: list[Hit], reset: bool) -> None:
        self.c.why = {hit.id: hit.reasons for hit in hits}
        self._ids_arrived(generation, epoch, [hit.id for hit in hits], reset)
        self.w.detail.refresh()  # the pane shows the reasons of the current paper

    def _ids_arrived(self, generation: int, epoch: int, ids: list[str], reset: bool,
                     plan: MergePlan | None = None, version: int = -1) -> None:
        if generation != self.c.generation:
            return  # a newer query is on its way: this answer is stale
        if self.c.view.is_search:
            self.clear_search_error()  # this query could be read: the last one's error is past
        self._shown_fresh = epoch == self.c.views.epoch
        self._show_ids(ids, reset=reset, plan=plan, version=version)
        if not self._shown_fresh:
            self._query(reset=False)  # a key was pressed while the query ran: its answer may predate it
        elif not self._prefetched:
            self._prefetch()

    def _show_ids(self, ids: list[str], *, reset: bool, plan: MergePlan | None = None,
                  version: int = -1) -> None:
        current = self.w.current_id()
        self._shown = (self.c.view, self.c.sort)
        if reset:
            self.model.set_ids(ids)
        else:
            self.model.merge_ids(ids, plan, version)
        wanted = self._select_after_load or (None if reset else current)
        self._select_after_load = None
        row = self.model.row_of(wanted) if wanted else -1
        if reset or row >= 0 or self.w.current_row() < 0:
            self.w.select_row(max(row, 0))
        if self._shown_fresh:  # a stale list is on screen only until its fresh answer is merged
            emit(self.w.view_loaded, self.c.view.key)

    def _prefetch(self) -> None:
        """After the first view, read the other standard views once, one after another on a worker,
        so that the first visit to each is as quick as a revisit."""
        self._prefetched = True
        views, epoch = self.c.to_prefetch(), self.c.views.epoch
        if views:
            task = self.w.workers.read("prefetch", self.c.lists_of, views)
            task.done.connect(lambda lists: self.c.prefetched(epoch, views, lists))
            task.failed.connect(self.w.report_error)

    def fetch_rows(self, ids: list[str]) -> None:
        """The model's rows, read when the list first paints them."""
        assert self.c.library is not None  # rows are asked for only once a view has loaded
        task = self.w.workers.read("rows", self.c.library.rows, ids)
        task.done.connect(self.model.deliver)
        task.failed.connect(self.w.report_error)

    def sort_by(self, column: int, order: Qt.SortOrder) -> None:
        key = COLUMNS[column].key
        self.c.sort = (key, (order == Qt.SortOrder.DescendingOrder) != (key in NATURALLY_DESCENDING))
        self.w.table.horizontalHeader().setSortIndicatorShown(True)
        self._query(reset=True)

    # -- counts ------------------------------------------------------------------------------------

    def refresh_counts(self) -> None:
        """Read every count again (first load, sync, undo, other readers); keys move them locally."""
        if self.c.library is None:
            return
        asked = self.c.ask_counts()
        task = self.w.workers.read("counts", self.c.read_sidebar)
        task.done.connect(lambda answer: self._counts_arrived(answer, asked))
        task.failed.connect(self.w.report_error)

    def _counts_arrived(self, answer: Sidebar, asked: tuple[int, int]) -> None:
        kept = self.c.take_sidebar(answer, asked)
        if kept is False:  # the newest read, but a key moved the counts since: ask again
            self.refresh_counts()
        if not kept:
            return
        self.w.show_sidebar(answer)
        self.w.sidebar.expandAll()
        self.w.sync_sidebar_selection()
        emit(self.w.counts_loaded)

    # -- changes -----------------------------------------------------------------------------------

    def apply(self, ids: Sequence[str], edit: Callable[[Paper], Paper]) -> bool:
        """Show an edit before the library has written it (the controller's ``apply``): patch rows,
        drop those leaving the view and make the paper after the last one that left current (the next
        in the triage). False when some rows had not arrived yet: the caller then reloads the view
        after the write."""
        applied: Applied = self.c.apply(ids, self.w.shown_papers(ids), edit)
        self.model.patch([new for new in applied.after if new.id not in applied.leaving])
        if applied.counts_moved:
            self.w.show_sidebar(self.c.sidebar)
        if applied.leaving:
            first = min(self.model.row_of(i) for i in applied.leaving)
            self.model.remove_ids(applied.leaving)
            self.w.select_row(first)
        self.w.detail.refresh(ids)
        return applied.complete

    def write(self, name: str, job: Callable[[], Any], *, reload: bool = False,
              select: Callable[[Any], str | None] | None = None) -> Task:
        """Run ``job`` on the serial writer; afterwards re-read what it touched.

        ``reload`` re-runs the view's query (an undo may bring a paper back); otherwise only the
        touched rows are read again. A failed write reloads the view, so the list never shows
        something the library does not hold.
        """
        painted = self.w.table.painted
        painted.clear()

        def after_paint() -> Any:
            # The writer's SQLAlchemy code would take turns with the GUI thread for the GIL while the
            # list paints the key's result; the list paints first (PAINT_WAIT if nothing paints).
            painted.wait(PAINT_WAIT)
            return job()

        task = self.w.workers.write(name, after_paint)
        task.done.connect(lambda changes: self._written(changes, reload, select))
        if self.c.recount:
            self.c.recount = False
            if not reload:  # (a reload reads them anyway)
                self.refresh_counts()  # a read: it waits for the write just submitted
        task.failed.connect(self._write_failed)
        return task

    def _write_failed(self, error: object) -> None:
        self.w.report_error(error)
        self.reload()

    def _written(self, changes: Any, reload: bool, select: Callable[[Any], str | None] | None) -> None:
        ids = list(getattr(changes, "ids", ()) or ())
        self.c.written(ids)
        self.model.refresh(ids)
        if reload:
            self.reload(select=select(changes) if select else None)
        self.w.detail.refresh(ids)
        self._follow_saved_search(getattr(changes, "searches", ()) or ())
        warnings = self.c.library.take_autoexport_warnings() if self.c.library is not None else []
        if warnings:  # an auto-export the write could not rewrite: the write stood; the next retries it
            self.w.statusBar().showMessage(" · ".join(dict.fromkeys(warnings)), 10000)
        emit(self.w.write_done, changes)
        emit(self.w.data_changed)

    def _follow_saved_search(self, rewritten: Sequence[str]) -> None:
        """The list shows a saved search as a search of its query: when a write rewrote that saved
        search's query (a tag renamed or merged, its undo or redo), show the new query, keeping the
        selection, instead of the old one, which now finds nothing."""
        name = self.c.shown_collection() if self.c.view.is_search else ""
        if not name or name not in rewritten or self.c.library is None:
            return
        shown, keep = self.c.view, self.w.current_id()

        def arrived(collections: Sequence[CollectionInfo]) -> None:
            query = next((c.query for c in collections if c.name == name), None)
            if self.c.view != shown or not query or query == shown.value:
                return  # moved on meanwhile, or the query is as it was
            if self.w.search.text().strip() == shown.value:
                self.w.search.setText(query)
            self.show_view(View(ViewKind.SEARCH, query), select=keep)

        task = self.w.workers.read("saved search", self.c.library.collections)
        task.done.connect(arrived)
        task.failed.connect(self.w.report_error)

    def changed_elsewhere(self, ids: Sequence[str]) -> None:
        """Papers changed by someone else (another app on a shared library, the CLI): re-read those
        rows, the counts and the view, keeping the selection; the window's own writes are skipped."""
        theirs = self.c.theirs(ids)
        if theirs:
            self.model.refresh(theirs)
            self.reload()
            self.w.detail.refresh(theirs)

    # -- search ----------------------------------------------------------------------------------

    def run_search(self) -> None:
        text = self.w.search.text().strip()
        if text:
            self.show_view(View(ViewKind.SEARCH, text))
        elif self.c.view.is_search:
            self.leave_search()

    def leave_search(self) -> bool:
        """Back from search results to the view the search started from, with the paper selected
        there (the inbox when the window opened on a search); False when no search is shown."""
        self.w.search_timer.stop()
        if not self.c.view.is_search:
            return False
        back, selected = self.c.back_from_search()
        self.show_view(back, select=selected)
        return True

    # -- a query that cannot be read ---------------------------------------------------------------

    def _search_failed(self, error: object) -> None:
        """A query that cannot be read (``(foo``) says why in the banner until a query that can be read,
        or another view, takes its place."""
        self.w.report_error(error)
        messages = self.w.messages  # (a damaged file instead goes to the restore offer)
        text = messages.label.text()
        self._search_error = text if not messages.isHidden() and str(error) in text else ""

    def clear_search_error(self) -> None:
        if self._search_error and self.w.messages.label.text() == self._search_error:
            self.w.messages.hide()
        self._search_error = ""
