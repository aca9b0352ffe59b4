"""The window's annotation commands: highlights in the abstract, the Markdown note, and tag renames and
merges for the whole library.

A mixin of ``Actions`` (whose registry collects every ``@command`` along the class's MRO), so these
writes go through the same undo history: ``_recorded`` puts each change on it, on the writer thread.
A note is autosaved while it is typed without touching that history; when the editor closes, one
change that restores the note from before the editing session (its text and the time it was written)
is recorded, so ``u`` undoes a whole session of typing and the editor's own Ctrl+Z undoes keystrokes.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING

from readerapp.interaction.registry import HIGHLIGHT, CommandError, command, number_in
from readerapp.interaction.views import ViewKind
from readerapp.paper import Changes, HighlightView, Paper
from readerapp.ui.annotation_html import COLOR_KEYS
from readerapp.ui.highlight_popup import HighlightPopup, selection_rect
from readerapp.ui.highlights import AbstractReader, Selection
from readerapp.ui.note_editor import NoteEditor
from readerapp.ui.tag_manager import TagManager

if TYPE_CHECKING:
    from readerapp.api import Library
    from readerapp.interaction.history import History
    from readerapp.ui.window import MainWindow

CHOSEN_MENU = "Highlight"  # the commands on the highlight chosen with [ and ] (keys: [keys.highlight])


class AnnotationCommands:
    """Highlight, note and tag-management commands; ``_setup_annotations`` wires them to the window."""

    # Provided by Actions.
    w: MainWindow
    history: History[Changes]
    run: Callable[[str], None]
    _status: Callable[[str], None]
    _recorded: Callable[[Callable[[], Changes]], Callable[[], Changes]]

    def _setup_annotations(self) -> None:
        self.reader = AbstractReader(self.w.detail, lambda line: self.run(line), self._status)
        self.w.detail_loaded.connect(self._detail_shown)
        self.highlight_popup = HighlightPopup(self.w)
        self.highlight_popup.chosen.connect(self._highlight_chosen)
        self._popup_for: tuple[str, Selection | None, int | None] | None = None
        self.note_editor = NoteEditor(self.w)
        # The first autosave of each open session, by paper: its inverse restores the note as the session
        # found it. Touched only on the writer thread, in the order the editor's signals came.
        self._note_starts: dict[str, Changes] = {}
        self.note_editor.autosave.connect(self._autosave_note)
        self.note_editor.finished_editing.connect(self._note_session_done)
        self.tag_manager = TagManager(self.w)
        self.tag_manager.rename.connect(self._rename_tag)
        self.tag_manager.merge.connect(self._merge_tags)

    def _detail_shown(self, paper_id: str) -> None:
        paper = getattr(self.w, "detail_paper", None)
        if isinstance(paper, Paper) and paper.id == paper_id:
            self.reader.shown(paper)

    # -- highlights --------------------------------------------------------------------------------

    @command("detail", menu="Go", title="Read in the detail pane")
    def detail(self) -> None:
        """Move the keyboard into the abstract: arrows move, Shift+arrows select text for h to highlight."""
        self.reader.enter()

    @command("highlight", menu="Paper", title="Highlight selection")
    def highlight(self) -> None:
        """Highlight the abstract text selected in the detail pane: 1-5 picks the colour, Tab a comment."""
        paper = self.reader.paper
        chosen = self.reader.chosen_highlight()
        selection = self.reader.selection()
        if paper is None or paper.id != self.w.current_id():
            self._status("The paper is still loading.")
            return
        if selection is None and chosen is not None:
            self._edit_popup(chosen, edit_comment=False)
            return
        if selection is None:
            self._status("Select text in the abstract first (Enter, then Shift+arrows).")
            return
        self._popup_for = (paper.id, selection, None)
        last = self.highlight_popup.color
        self.highlight_popup.open_for(selection.quote, last, "", anchor=selection_rect(self.w.detail))

    @command("next-highlight", menu="Paper", title="Next highlight")
    def next_highlight(self) -> None:
        """Choose the next highlight of the abstract (then 1-5 recolours, c comments, x deletes)."""
        self.reader.step(+1)

    @command("previous-highlight", menu="Paper", title="Previous highlight")
    def previous_highlight(self) -> None:
        """Choose the previous highlight of the abstract."""
        self.reader.step(-1)

    @command("recolor-highlight", menu=CHOSEN_MENU, title="Recolour highlight", context=HIGHLIGHT,
             checks={"number": number_in(1, len(COLOR_KEYS), "colours")})
    def recolor_highlight(self, number: str) -> None:
        """Give the chosen highlight colour 1-5 (yellow, green, blue, pink, orange)."""
        mark = self._chosen()
        color, library = COLOR_KEYS[int(number) - 1], self._library()
        self.reader.after_redraw(lambda _marks: mark.id)
        self.w.write("highlight", self._recorded(lambda: library.edit_highlight(mark.id, color=color)))

    @command("comment-highlight", menu=CHOSEN_MENU, title="Comment highlight", context=HIGHLIGHT)
    def comment_highlight(self) -> None:
        """Write or change the chosen highlight's comment (empty removes it)."""
        self._edit_popup(self._chosen(), edit_comment=True)

    @command("delete-highlight", menu=CHOSEN_MENU, title="Delete highlight", context=HIGHLIGHT)
    def delete_highlight(self) -> None:
        """Delete the chosen highlight; the next one is chosen, and u brings it back."""
        mark = self._chosen()
        index, library = [h.id for h in self.reader.highlights()].index(mark.id), self._library()
        self.reader.after_redraw(lambda marks: marks[min(index, len(marks) - 1)].id if marks else None)
        self.w.write("highlight", self._recorded(lambda: library.delete_highlight(mark.id)))

    @command("unchoose-highlight", menu=CHOSEN_MENU, title="Stop choosing highlights", context=HIGHLIGHT)
    def unchoose_highlight(self) -> None:
        """Let go of the chosen highlight; the caret stays in the abstract."""
        self.reader.choose(None)

    def _chosen(self) -> HighlightView:
        mark = self.reader.chosen_highlight()
        if mark is None:
            raise CommandError("choose a highlight first: [ and ] in the detail pane")
        return mark

    def _edit_popup(self, mark: HighlightView, *, edit_comment: bool) -> None:
        assert self.reader.paper is not None
        self._popup_for = (self.reader.paper.id, None, mark.id)
        self.highlight_popup.open_for(mark.text, mark.color, mark.comment or "", edit_comment=edit_comment,
                                      anchor=selection_rect(self.w.detail))

    def _highlight_chosen(self, color: str, comment: str) -> None:
        target, self._popup_for = self._popup_for, None
        self.w.activateWindow()
        self.reader.enter()
        if target is None:
            return
        paper_id, selection, highlight_id = target
        library = self._library()
        if highlight_id is not None:
            self.reader.after_redraw(lambda _marks: highlight_id)
            job = self._recorded(lambda: library.edit_highlight(highlight_id, color=color, comment=comment))
            self.w.write("highlight", job)
            return
        assert selection is not None
        task = self.w.write("highlight", self._recorded(lambda: library.add_highlight(
            paper_id, selection.quote, comment or None, color, start=selection.start)))  # fmt: skip
        made = (selection.start, selection.quote)
        self.reader.after_redraw(lambda marks: next((h.id for h in marks if (h.start, h.text) == made), None))
        task.done.connect(lambda _changes: self._status("Highlighted: [ ] choose · c comment · u undo"))

    # -- notes -------------------------------------------------------------------------------------

    @command("note", menu="Paper", title="Edit note")
    def note(self) -> None:
        """Edit the current paper's Markdown note beside its preview; it saves itself as you type."""
        paper_id = self.w.current_id()
        if paper_id is None:
            return
        task = self.w.workers.read("note", self._library().get, paper_id)
        task.done.connect(lambda paper: self.note_editor.edit(paper.id, paper.title, paper.note))
        task.failed.connect(self.w.report_error)

    def _autosave_note(self, paper_id: str, text: str) -> None:
        library, starts = self._library(), self._note_starts

        def job() -> Changes:
            changes = library.set_note(paper_id, text)
            if changes.inverse:
                starts.setdefault(paper_id, changes)
            return changes

        task = self.w.write("note", job)
        task.done.connect(lambda _changes: self.note_editor.saved_up_to(paper_id, text))

    def _note_session_done(self, paper_id: str, before: str, text: str) -> None:
        """One undoable change for the whole session: undo restores the note from before it, with the
        time it was written."""
        library, history, starts = self._library(), self.history, self._note_starts

        def job() -> Changes:
            last = library.set_note(paper_id, text)  # typed after the last autosave, if anything
            first = starts.pop(paper_id, None) or last
            if text == before or not first.inverse:
                return last
            session = Changes("set_note", (paper_id,), first.inverse)
            history.record(session)
            return session

        self.w.write("note", job)
        self.w.activateWindow()
        self.w.table.setFocus()

    # -- tags --------------------------------------------------------------------------------------

    @command("manage-tags", menu="Edit", title="Rename and merge tags…")
    def manage_tags(self) -> None:
        """Rename a tag, or merge marked tags into one, across the whole library (undoable)."""
        self._show_tags()

    def _show_tags(self, select: str | None = None) -> None:
        task = self.w.workers.read("tags", self._library().tag_counts)
        task.done.connect(lambda counts: self.tag_manager.open_with(counts, select))
        task.failed.connect(self.w.report_error)

    def _rename_tag(self, old: str, new: str) -> None:
        library = self._library()
        self._tag_write(f"Renamed tag {old!r} to {new!r}", lambda: library.rename_tag(old, new), old, new=new)

    def _merge_tags(self, sources: list[str], into: str) -> None:
        library = self._library()
        self._tag_write(f"Merged {len(sources)} tags into {into!r}",
                        lambda: library.merge_tags(sources, into), *sources, new=into)  # fmt: skip

    def _tag_write(self, done: str, job: Callable[[], Changes], *old: str, new: str) -> None:
        """Write, then refresh the tag list; a view of a tag that is gone moves to its new name."""
        view = self.w.view
        follow = view.kind is ViewKind.TAG and view.value.lower() in {o.lower() for o in old}
        task = self.w.write("tags", self._recorded(job), reload=True)
        task.done.connect(lambda _changes: self._status(done))
        task.done.connect(lambda _changes: self._show_tags(new) if self.tag_manager.isVisible() else None)
        if follow:
            task.done.connect(lambda _changes: self.run(f"go {shlex.quote('tag:' + new)}"))

    def _library(self) -> Library:
        if self.w.library is None:
            raise CommandError("the library is still opening")
        return self.w.library
