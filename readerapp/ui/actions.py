"""Everything the user can do in the window, each a named command whose docstring is its help.

Commands read and change the list through its controller (``readerapp.interaction.controller``):
triage commands capture their target ids when the key is pressed, apply the edit there at once (the
window's loader shows it) and write on the serial writer. The undo history is touched only on that
writer thread: a write records its change, an undo pops one, so ``u`` pressed right after ``r``
undoes ``r`` even when the write of ``r`` had not finished when ``u`` was pressed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from readerapp.choices import AUTO_EXPORT_FORMATS
from readerapp.interaction.controller import with_fields
from readerapp.interaction.registry import (
    HIGHLIGHT,
    MAIN,
    READER,
    CommandError,
    KeyContext,
    a_name,
    command,
    number_in,
    one_of,
)
from readerapp.interaction.views import ViewKind, parse_view
from readerapp.paper import Changes, Paper
from readerapp.records import STATES
from readerapp.ui.annotate_commands import AnnotationCommands
from readerapp.ui.help_overlay import HelpOverlay
from readerapp.ui.palette import CommandPalette
from readerapp.ui.signals import emit
from readerapp.ui.tag_prompt import TagPrompt
from readerapp.ui.window import MainWindow

if TYPE_CHECKING:
    from readerapp.api import Library
    from readerapp.interaction.catalog import Entry


def _with_tags(add: list[str], remove: list[str]) -> Callable[[Paper], Paper]:
    def edit(paper: Paper) -> Paper:
        kept = [t for t in paper.tags if t not in remove]
        return with_fields(tags=kept + [t for t in add if t not in kept])(paper)

    return edit


class Actions(AnnotationCommands):
    """The command handlers; ``run``, the catalogs and ``reading`` are filled in once the keymap is built."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window
        self.lists = window.controller
        self.loader = window.loader
        self.history = self.lists.history
        self.catalog: list[Entry] = []  # every command, with the keys of its own context
        # every command, with the keys that reach it in the reader, or while a highlight is chosen
        self.context_catalogs: dict[KeyContext, list[Entry]] = {READER: [], HIGHLIGHT: []}
        self.reading: Callable[[], bool] = lambda: False
        self.run: Callable[[str], None] = lambda _line: None
        self.palette = CommandPalette(window)
        self.palette.chosen.connect(lambda line: self.run(line))
        self.help_overlay = HelpOverlay(window)
        self.tag_prompt = TagPrompt(window)
        self._tag_targets: list[str] = []
        self.tag_prompt.submitted.connect(self._apply_tags)
        self._setup_annotations()

    @property
    def library(self) -> Library:
        """The window's library; commands that need it are only reachable once it is open."""
        if self.lists.library is None:
            raise CommandError("the library is still opening")
        return self.lists.library

    def _status(self, text: str) -> None:
        self.w.statusBar().showMessage(text, 4000)

    def _recorded(self, job: Callable[[], Changes]) -> Callable[[], Changes]:
        return self.lists.recorded(job)

    # -- moving ------------------------------------------------------------------------------------

    @command("next", menu="Go", title="Next paper")
    def next(self) -> None:
        """Move to the next paper (a marked selection stays as it is)."""
        self.w.select_row(self.w.current_row() + 1, keep=self.lists.marking)

    @command("previous", menu="Go", title="Previous paper")
    def previous(self) -> None:
        """Move to the previous paper (a marked selection stays as it is)."""
        self.w.select_row(max(self.w.current_row() - 1, 0), keep=self.lists.marking)

    @command("first", menu="Go", title="First paper")
    def first(self) -> None:
        """Jump to the first paper of the list."""
        self.w.select_row(0, keep=self.lists.marking)

    @command("last", menu="Go", title="Last paper")
    def last(self) -> None:
        """Jump to the last paper of the list."""
        self.w.select_row(len(self.w.model.ids) - 1, keep=self.lists.marking)

    @command("go", menu="Go", title="Go to", checks={"view": parse_view})
    def go(self, view: str) -> None:
        """Show a view: inbox, for-you, reading, done, archived, starred, all, tag:NAME, day:YYYY-MM-DD."""
        self.loader.show_view(parse_view(view))
        self.w.table.setFocus()

    @command("search", menu="Go", title="Search")
    def search(self) -> None:
        """Type a search; results replace the list as you type, Enter goes to them, Escape goes back."""
        self.w.search.setFocus()
        self.w.search.selectAll()

    @command("focus-list", menu="Go", title="Back to the list")
    def focus_list(self) -> None:
        """Leave a search for the view it started from, or the detail pane; in the list, clear the marks."""
        w = self.w
        if w.table.hasFocus() and self.lists.marking:
            w.clear_marks()
        elif w.search.hasFocus() or (w.table.hasFocus() and self.lists.view.is_search):
            w.search.clear()
            self.loader.leave_search()
        w.table.setFocus()

    @command("dismiss-message", menu="Go", title="Dismiss message")
    def dismiss_message(self) -> None:
        """Hide the message above the list (a failed query or sync, key settings)."""
        self.w.messages.hide()

    # -- triage ------------------------------------------------------------------------------------

    @command("set-state", menu="Paper", title="Move to", checks={"state": one_of(STATES, "state")})
    def set_state(self, state: str) -> None:
        """Move the selected papers to inbox, reading, done or archived; the next paper comes up."""
        ids = self.w.targets()
        if ids:
            shown = self.loader.apply(ids, with_fields(state=state))
            self.loader.write("set-state", self._recorded(lambda: self.library.set_state(ids, state)),
                         reload=not shown)
            if state == "reading":
                emit(self.w.moved_to_reading, ids)

    @command("star", menu="Paper", title="Star")
    def star(self) -> None:
        """Star the selected papers, or unstar them when all are starred."""
        ids = self.w.targets()
        if not ids:
            return
        papers = self.w.shown_papers(ids)
        on = not papers or not all(p.starred for p in papers)
        shown = self.loader.apply(ids, with_fields(starred=on))
        self.loader.write("star", self._recorded(lambda: self.library.star(ids, on=on)), reload=not shown)

    @command("select", menu="Paper", title="Mark")
    def select(self) -> None:
        """Mark or unmark the current paper; actions then act on all marked papers."""
        self.w.toggle_current_selected()

    @command("extend-down", menu="Paper", title="Extend selection down")
    def extend_down(self) -> None:
        """Add the next paper to the selection."""
        self._extend(+1)

    @command("extend-up", menu="Paper", title="Extend selection up")
    def extend_up(self) -> None:
        """Add the previous paper to the selection."""
        self._extend(-1)

    def _extend(self, step: int) -> None:
        if not self.lists.marking:
            self.w.toggle_current_selected()
        self.w.select_row(self.w.current_row() + step, extend=True)

    @command("tag", menu="Paper", title="Tag…")
    def tag(self) -> None:
        """Add or remove tags on the selected papers, with completion (-name removes one)."""
        self._tag_targets = self.w.targets()
        if self._tag_targets:
            self.tag_prompt.open_for(len(self._tag_targets), self.lists.tag_names)

    def _apply_tags(self, add: list[str], remove: list[str]) -> None:
        ids = self._tag_targets
        shown = self.loader.apply(ids, _with_tags(add, remove))
        self.loader.write("tag", self._recorded(lambda: self.library.tag(ids, add=add, remove=remove)),
                     reload=not shown)
        self.w.table.setFocus()

    @command("toggle-tag", menu="Paper", title="Toggle tag", checks={"number": number_in(1, 9, "tags")})
    def toggle_tag(self, number: str) -> None:
        """Toggle the Nth tag of the sidebar (1-9) on the selected papers."""
        if int(number) > len(self.lists.tag_names):
            self._status(f"No tag {number}: the sidebar numbers the first nine tags.")
            return
        name = self.lists.tag_names[int(number) - 1]
        ids = self.w.targets()
        papers = self.w.shown_papers(ids)
        on = not papers or not all(name in p.tags for p in papers)
        self._tag_targets = ids
        self._apply_tags([name] if on else [], [] if on else [name])

    @command("open-pdf", menu="Paper", title="Open PDF")
    def open_pdf(self) -> None:
        """Open the paper's PDF: the stored file when there is one, else arXiv's PDF page."""
        paper = self.w.current_paper()
        if paper is None:
            return
        if paper.pdf_path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(paper.pdf_path))
        elif paper.arxiv_id:
            QDesktopServices.openUrl(QUrl(f"https://arxiv.org/pdf/{paper.arxiv_id}"))
        else:
            self._status("This paper has no PDF.")

    # -- undo --------------------------------------------------------------------------------------

    @command("undo", menu="Edit", title="Undo")
    def undo(self) -> None:
        """Undo the last change (triage, star, tags, note, highlight, collection, saved search)."""
        self._replay("undo")

    @command("redo", menu="Edit", title="Redo")
    def redo(self) -> None:
        """Redo what was last undone."""
        self._replay("redo")

    def _replay(self, which: Literal["undo", "redo"]) -> None:
        """Undo or redo on the writer, in one transaction; the status line names the action undone or
        redone ("Undid: archive 3 papers"). One that fails changed nothing and stays in the history."""
        said: list[str] = []
        job = self.lists.replay(which, said)
        task = self.loader.write(which, job, reload=True,
                            select=lambda inverse: inverse.ids[0] if inverse and inverse.ids else None)

        def report(inverse: Changes | None) -> None:
            done = "Undid" if which == "undo" else "Redid"
            self._status(f"{done}: {said[-1]}" if inverse is not None else f"Nothing to {which}.")

        task.done.connect(report)

    # -- library -----------------------------------------------------------------------------------

    @command("sync", menu="Library", title="Sync now")
    def sync(self) -> None:
        """Fetch today's Daily Papers on a worker; progress shows in the status bar."""
        self.w.start_sync()

    @command("cancel-sync", menu="Library", title="Cancel sync")
    def cancel_sync(self) -> None:
        """Stop the running sync before it writes anything (Ctrl+R starts it again)."""
        if not self.w.syncing.cancel():
            self._status("No sync is running.")

    @command("export", menu="Library", title="Export…")
    def export(self) -> None:
        """Export papers with their tags, notes and highlights: scope, format, destination, preview."""
        from readerapp.ui.export_dialog import ExportDialog, scope_for_view

        scope = scope_for_view(self.lists.view.kind, self.lists.view.value)
        dialog = ExportDialog(self.library, self.w.workers, self.w.targets(), scope, parent=self.w,
                              settings=self.w.state)
        dialog.finished.connect(dialog.deleteLater)
        dialog.exported.connect(self._status)
        dialog.open()

    @command("collect", menu="Paper", title="Add to collection", checks={"name": a_name})
    def collect(self, name: str) -> None:
        """Add the selected papers to a collection (created when needed), e.g. ``collect "Reading group"``."""
        ids = self.w.targets()
        if ids:
            job = self._recorded(lambda: self.library.add_to_collection(name, ids))
            task = self.loader.write("collect", job)
            task.done.connect(lambda _changes: self.loader.refresh_counts())

    @command("collect-view", menu="Library", title="Collection from this view", checks={"name": a_name})
    def collect_view(self, name: str) -> None:
        """Make a collection of every paper in the current view (a tag, a state, a search...), in order."""
        ids = list(self.w.model.ids)
        if ids:
            job = self._recorded(lambda: self.library.add_to_collection(name, ids))
            task = self.loader.write("collect", job)
            task.done.connect(lambda _changes: self.loader.refresh_counts())

    @command("save-search", menu="Library", title="Save this search", checks={"name": a_name})
    def save_search(self, name: str) -> None:
        """Save the current search as a live collection in the sidebar."""
        if not self.lists.view.is_search:
            raise CommandError("search first (/), then save the search")
        query = self.lists.view.value
        task = self.loader.write("save-search", self._recorded(lambda: self.library.save_search(name, query)))
        task.done.connect(lambda _changes: self.loader.refresh_counts())

    @command("autoexport", menu="Library", title="Auto-export a collection",
             checks={"name": a_name, "fmt": one_of(AUTO_EXPORT_FORMATS, "format"), "path": a_name})
    def autoexport(self, name: str, fmt: str, path: str) -> None:
        """Keep a file current with a collection for writing (bibtex or csl-json), e.g.
        autoexport "Thesis" bibtex ~/thesis/refs.bib: rewritten after every change, keys never change."""
        target = Path(path).expanduser()
        task = self.w.workers.write("autoexport", self.library.autoexport, name, fmt, target)
        task.done.connect(lambda _info: self._status(f"{name} is auto-exported to {target}"))
        task.failed.connect(self.w.report_error)

    @command("autoexport-off", menu="Library", title="Stop auto-exporting a collection",
             checks={"name": a_name})
    def autoexport_off(self, name: str) -> None:
        """Stop keeping a collection's auto-export current (the file stays as it is)."""
        task = self.w.workers.write("autoexport-off", self.library.autoexport_off, name)
        task.done.connect(lambda _none: self._status(f"{name} is no longer auto-exported"))
        task.failed.connect(self.w.report_error)

    @command("uncollect", menu="Paper", title="Remove from collection")
    def uncollect(self, name: str = "") -> None:
        """Take the selected papers out of a collection (by default the one shown); undo puts them back."""
        shown = self.lists.view
        name = name or (shown.value if shown.kind is ViewKind.COLLECTION else "")
        ids = self.w.targets()
        if not name:
            raise CommandError("name the collection: uncollect NAME")
        if ids:
            job = self._recorded(lambda: self.library.remove_from_collection(name, ids))
            task = self.loader.write("uncollect", job, reload=shown.kind is ViewKind.COLLECTION)
            task.done.connect(lambda _changes: self.loader.refresh_counts())

    @command("delete-collection", menu="Library", title="Delete collection")
    def delete_collection(self, name: str = "") -> None:
        """Delete a collection or saved search (the shown one by default; undoable); its papers stay."""
        name = name or self.lists.shown_collection()
        if not name:
            raise CommandError("name the collection: delete-collection NAME")
        job = self._recorded(lambda: self.library.delete_collection(name))
        task = self.loader.write("delete-collection", job)
        task.done.connect(lambda _changes: self.loader.refresh_counts())

    @command("quit", menu="Library", title="Quit")
    def quit(self) -> None:
        """Close the window; every change is already saved."""
        self.w.close()

    # -- help --------------------------------------------------------------------------------------

    def _here(self, *, keyed: bool = False) -> list[Entry]:
        """What can be run where the user is: in the PDF reader or with a highlight chosen in the detail
        pane, that context's commands and then the window's, with the keys that reach them there
        (``keyed``: only the window's that a key reaches there); elsewhere the window's commands, since
        the others need a PDF or a chosen highlight."""
        context = READER if self.reading() else HIGHLIGHT if self.reader.choosing else MAIN
        if context == MAIN:
            return [entry for entry in self.catalog if entry.context == MAIN]
        here = sorted((entry for entry in self.context_catalogs[context] if entry.context in (MAIN, context)),
                      key=lambda entry: entry.context != context)
        return [entry for entry in here if entry.keys or entry.context == context or not keyed]

    @command("palette", menu="Help", title="Command palette")
    def open_palette(self, text: str = "") -> None:
        """Find and run any command by name.

        With ``text``, the field starts with it: the menus open ``collect`` this way for its name."""
        self.palette.open_with(self._here(), text)

    @command("help", menu="Help", title="Keys")
    def help(self) -> None:
        """Show every key and what it does where you are (in the list, in a PDF, on a chosen highlight)."""
        self.help_overlay.show_entries(self._here(keyed=True))
