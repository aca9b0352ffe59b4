"""Annotating a PDF in the viewer (issue 16): highlight the current find hit or a selection made by
keys or the mouse, pin a note to a point, choose an annotation to jump to, edit or delete it.

One ``PdfAnnotator`` per viewer. It reads the paper's annotations on the pool and hands them to the
view's ``MarkLayer``; its writes go through ``write`` (in the app: the window's serial writer, recorded
on the undo history, so ``u`` takes them back) and it reloads when a write touched its paper.

While a selection is open, its key filter (installed on the view after the viewer's dispatcher, so it
runs first) takes the selection's keys: Right/``w``/``l`` and Left/``b`` a word, Down/``j`` and
Up/``k`` a line, ``)`` and ``(`` a sentence, Return highlights, Escape lets go. Escape also lets go of
a chosen annotation. Every other key goes on to the reader's keys (``h`` highlights the selection too).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QKeyEvent

from readerapp.paper import Changes, HighlightView
from readerapp.pdfs.annotations import Word, point_quad
from readerapp.pdfs.selection import WordSelection, first_word_in, word_at
from readerapp.ui.highlight_popup import HighlightPopup
from readerapp.ui.key_events import token_from_event
from readerapp.ui.signals import emit

if TYPE_CHECKING:
    from readerapp.api import Library
    from readerapp.ui.pdf_view import PdfView
    from readerapp.ui.workers import Workers

Writer = Callable[[str, Callable[[], Changes]], Any]
NOTE_INSET = 36.0  # points from the seen part's corner where a note goes when nothing marks a place

_SELECTION_KEYS: dict[str, tuple[str, int]] = {
    "Right": ("word", 1), "w": ("word", 1), "l": ("word", 1), "Left": ("word", -1), "b": ("word", -1),
    "Down": ("line", 1), "j": ("line", 1), "Up": ("line", -1), "k": ("line", -1),
    ")": ("sentence", 1), "(": ("sentence", -1),
}  # fmt: skip


class PdfAnnotator(QObject):
    """The annotations of the paper open in ``view``, and the making of new ones."""

    marks_loaded = Signal()
    chosen_changed = Signal(object)  # the chosen annotation's id, or None
    status = Signal(str)

    def __init__(self, view: PdfView, library: Library, workers: Workers,
                 write: Writer | None = None) -> None:
        super().__init__(view)
        self.view = view
        self.library = library
        self.workers = workers
        self._write = write or (lambda name, job: workers.write(name, job))
        self.paper_id: str | None = None
        self.marks: list[HighlightView] = []
        self.selection: WordSelection | None = None
        self._words: dict[int, list[Word]] = {}
        self._waiting: dict[int, list[Callable[[list[Word]], None]]] = {}
        self._popup: HighlightPopup | None = None
        self._on_chosen: Callable[[str, str], None] | None = None
        self.color = "yellow"
        view.words_found.connect(self._words_found)
        view.mouse_on_page.connect(self._mouse)
        view.installEventFilter(self)

    # -- the paper's annotations -----------------------------------------------------------------

    def open_paper(self, paper_id: str) -> None:
        """Forget the last paper's words and selection; read this one's annotations."""
        self.paper_id = paper_id
        self._words.clear()
        self._waiting.clear()
        self._set_selection(None)
        self.marks = []
        self.view.marks.set_marks([])
        self.load()

    def load(self) -> None:
        if self.paper_id is None:
            return
        task = self.workers.read("PDF annotations", self._read, self.paper_id)
        task.done.connect(self._loaded)

    def _read(self, paper_id: str) -> tuple[str, list[HighlightView]]:
        return paper_id, self.library.pdf_highlights(paper_id)

    def _loaded(self, found: tuple[str, list[HighlightView]]) -> None:
        paper_id, marks = found
        if paper_id != self.paper_id:
            return
        self.marks = marks
        self.view.marks.set_marks(marks)
        self.view.viewport().update()
        emit(self.marks_loaded)

    @property
    def chosen(self) -> HighlightView | None:
        return next((m for m in self.marks if m.id == self.view.marks.chosen), None)

    def choose(self, mark_id: int | None) -> None:
        self.view.marks.chosen = mark_id
        mark = self.chosen
        if mark is not None:
            self.view.reveal((mark.page or 1) - 1, min(q[1] for q in mark.quads))
            n = self.marks.index(mark) + 1
            what = "note" if mark.kind == "note" else "highlight"
            self._say(f"{what.capitalize()} {n} of {len(self.marks)}, p. {mark.page}: c edits, x deletes")
        self.view.viewport().update()
        emit(self.chosen_changed, mark_id)

    def step(self, by: int) -> None:
        """Choose the next (or previous) annotation in page order and show it."""
        if not self.marks:
            self._say("No highlights in this PDF yet: / finds text, v selects, h highlights.")
            return
        ids = [m.id for m in self.marks]
        here = ids.index(self.view.marks.chosen) if self.view.marks.chosen in ids else (-1 if by > 0 else 0)
        self.choose(ids[(here + by) % len(ids)])

    # -- words and selections ----------------------------------------------------------------------

    def _with_words(self, page: int, then: Callable[[list[Word]], None]) -> None:
        """Run ``then`` with page ``page``'s words (from 0), at once if they were read before."""
        if page in self._words:
            then(self._words[page])
            return
        self._waiting.setdefault(page, []).append(then)
        self.view.request_words(page)

    def _words_found(self, page: int, words: list[Word]) -> None:
        self._words[page] = words
        for then in self._waiting.pop(page, []):
            then(words)

    def start_selection(self) -> None:
        """Select from the current find hit, or from the first word in view."""
        if not self.view.ready:
            return
        hit = self.view.current_hit()
        page = hit.page if hit is not None else self.view.current_page()
        box = hit.box if hit is not None else self.view.seen_part(page)

        def start(words: list[Word]) -> None:
            if not words:
                self._say(f"Page {page + 1} has no text to select.")
                return
            self._set_selection(WordSelection.at(page + 1, words, first_word_in(words, box)))

        self._with_words(page, start)

    def extend(self, unit: str, step: int) -> None:
        selection = self.selection
        if selection is None:
            return
        moves = {"word": selection.by_word, "line": selection.by_line, "sentence": selection.by_sentence}
        self._set_selection(moves[unit](step))

    def _set_selection(self, selection: WordSelection | None) -> None:
        self.selection = selection
        if selection is None:
            self.view.marks.set_selection(None)
        else:
            self.view.marks.set_selection(selection.page - 1, selection.quads)
            self.view.reveal(selection.page - 1, selection.span[-1].box[1])
            self._say(f"Selecting “{_short(selection.text)}”: arrows, w/b, j/k, ( ) extend; h highlights")
        self.view.viewport().update()

    def _mouse(self, what: str, page: int, x: float, y: float) -> None:
        if what == "press":
            self._set_selection(None)

            def anchor(words: list[Word]) -> None:
                index = word_at(words, x, y)
                if index is not None:
                    self._set_selection(WordSelection.at(page + 1, words, index))

            self._with_words(page, anchor)
        elif self.selection is not None and self.selection.page == page + 1:
            index = word_at(self.selection.words, x, y)
            if index is not None and index != self.selection.head:
                self._set_selection(self.selection.to(index))

    # -- making and changing annotations ---------------------------------------------------------

    def highlight(self) -> None:
        """Highlight the selection, or else the current find hit: 1-5 picks the colour, Tab a comment."""
        if self.paper_id is None:
            return
        paper_id, selection, hit = self.paper_id, self.selection, self.view.current_hit()
        if selection is not None:
            page, text, quads = selection.page, selection.text, [list(q) for q in selection.quads]
        elif hit is not None:
            x0, y0, x1, y1 = hit.box
            page, text, quads = hit.page + 1, self.view.query, [[x0, y0, x1, y0, x0, y1, x1, y1]]
        else:
            self._say("Find text with / or select it with v first, then h highlights it.")
            return

        def save(color: str, comment: str) -> None:
            self.color = color
            self._set_selection(None)
            self._save("highlight", lambda: self.library.add_pdf_highlight(
                paper_id, page, text, quads=quads, color=color, comment=comment or None))  # fmt: skip

        self._ask(text, self.color, "", save)

    def add_note(self) -> None:
        """Pin a note to the selection's start, the current hit, or the top of the part of the page
        in view; the popup opens in its text."""
        if self.paper_id is None or not self.view.ready:
            return
        paper_id, hit = self.paper_id, self.view.current_hit()
        if self.selection is not None:
            page, (x, y) = self.selection.page, self.selection.span[0].box[:2]
        elif hit is not None:
            page, (x, y) = hit.page + 1, hit.box[:2]
        else:
            current = self.view.current_page()
            x0, y0, _x1, _y1 = self.view.seen_part(current)
            page, x, y = current + 1, x0 + NOTE_INSET, y0 + NOTE_INSET

        def save(color: str, comment: str) -> None:
            if not comment:
                self._say("A note needs a text: nothing was added.")
                return
            self._set_selection(None)
            quads = [list(point_quad(x, y))]
            self._save("note", lambda: self.library.add_pdf_highlight(
                paper_id, page, kind="note", quads=quads, comment=comment, color=color))  # fmt: skip

        self._ask(f"Note on p. {page}", self.color, "", save, edit_comment=True)

    def edit_chosen(self) -> None:
        mark = self._need_chosen()
        if mark is None:
            return

        def save(color: str, comment: str) -> None:
            if mark.kind == "note" and not comment:
                self._say("A note needs a text: x deletes it.")
                return
            edit = self.library.edit_highlight
            self._save("edit highlight", lambda: edit(mark.id, color=color, comment=comment))

        quote = mark.text or f"Note on p. {mark.page}"
        self._ask(quote, mark.color, mark.comment or "", save, edit_comment=True)

    def delete_chosen(self) -> None:
        mark = self._need_chosen()
        if mark is None:
            return
        index = self.marks.index(mark)

        def then() -> None:  # the next one is chosen once the list is read again
            self.marks_loaded.disconnect(then)
            self.choose(self.marks[min(index, len(self.marks) - 1)].id if self.marks else None)

        self.marks_loaded.connect(then)
        self._save("delete highlight", lambda: self.library.delete_highlight(mark.id))

    def _need_chosen(self) -> HighlightView | None:
        mark = self.chosen
        if mark is None:
            self._say("Choose a highlight first: ] and [ go through them.")
        return mark

    def _save(self, name: str, job: Callable[[], Changes]) -> None:
        self._write(name, job).done.connect(lambda _changes: self.load())

    def _ask(self, quote: str, color: str, comment: str, then: Callable[[str, str], None], *,
             edit_comment: bool = False) -> None:
        if self._popup is None:
            self._popup = HighlightPopup(self.view.window())
            self._popup.chosen.connect(self._popup_chosen)
        self._on_chosen = then
        self._popup.open_for(quote, color, comment, edit_comment=edit_comment)

    def _popup_chosen(self, color: str, comment: str) -> None:
        then, self._on_chosen = self._on_chosen, None
        if then is not None:
            then(color, comment)

    def _say(self, text: str) -> None:
        emit(self.status, text)

    # -- keys while selecting or choosing --------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not (isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress):
            return False
        token = token_from_event(event)
        if token == "Escape" and (self.selection is not None or self.view.marks.chosen is not None):
            if self.selection is not None:
                self._set_selection(None)
                self._say("Selection let go.")
            else:
                self.choose(None)
            return True
        if self.selection is None or token is None:
            return False
        if token == "Return":
            self.highlight()
            return True
        move = _SELECTION_KEYS.get(token)
        if move is not None:
            self.extend(*move)
            return True
        return False


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
