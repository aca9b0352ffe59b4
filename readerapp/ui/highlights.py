"""Highlighting the abstract from the keyboard: a caret in the detail pane, selections made with
Shift+arrows, and one highlight at a time chosen with ``[``/``]`` to recolour, comment or delete.

The detail pane is redrawn after every write, which resets Qt's text cursor; ``AbstractReader`` keeps
the caret as an offset in the abstract and the chosen highlight by id, and puts both back when the
pane is redrawn. The pane's key filter runs before the window's keymap (it is reinstalled, so made
the newest filter, whenever the pane gets focus), taking the arrows for the caret and, while a
highlight is chosen, the keys of the "highlight" context (``keymap.HIGHLIGHT_BINDINGS``: 1-5, ``c``,
``x``/Delete and Escape, remappable in ``[keys.highlight]``). Every other key goes on to the keymap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFont, QKeyEvent, QPalette, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication, QTextBrowser, QTextEdit, QWidget

from readerapp.interaction.key_tokens import format_sequence
from readerapp.interaction.keymap import Keymap, KeyParser, Sequence
from readerapp.paper import HighlightView, Paper
from readerapp.readable import Readable
from readerapp.ui.annotation_html import (
    ABSTRACT_ANCHOR,
    COLOR_KEYS,
    HIGHLIGHT_ANCHOR,
    in_place,
    on_screen,
    ordered,
    shown_abstract,
)
from readerapp.ui.key_events import KeyDispatcher, token_from_event

Move = QTextCursor.MoveOperation
_MOVES = {"Left": Move.Left, "Right": Move.Right, "Up": Move.Up, "Down": Move.Down,
          "Home": Move.StartOfLine, "End": Move.EndOfLine, "Ctrl+Left": Move.PreviousWord,
          "Ctrl+Right": Move.NextWord, "Ctrl+Home": Move.Start, "Ctrl+End": Move.End}


def anchor_positions(document: QTextDocument) -> dict[str, int]:
    """Where each named anchor of the pane starts (the abstract, the entries of the highlight list)."""
    found: dict[str, int] = {}
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            for name in fragment.charFormat().anchorNames():
                found.setdefault(name, fragment.position())
            fragments += 1
        block = block.next()
    return found


@dataclass(frozen=True, slots=True)
class Selection:
    """A piece of the abstract: offsets and the exact quote."""

    start: int
    end: int
    quote: str


def trimmed(abstract: str, start: int, end: int) -> Selection | None:
    """The selection clipped to the abstract without surrounding whitespace; None when nothing is left."""
    start, end = max(0, min(start, end)), min(len(abstract), max(start, end))
    while start < end and abstract[start].isspace():
        start += 1
    while end > start and abstract[end - 1].isspace():
        end -= 1
    return Selection(start, end, abstract[start:end]) if end > start else None


class AbstractReader(QObject):
    """The detail pane's caret, its selection in the abstract, and the chosen highlight."""

    def __init__(self, detail: QTextBrowser, run: Callable[[str], None],
                 status: Callable[[str], None]) -> None:
        super().__init__(detail)
        self.detail = detail
        self._run = run
        self._status = status
        self.paper: Paper | None = None
        self.chosen: int | None = None
        self._anchors: dict[str, int] = {}
        self._caret: int | None = None  # offset in the abstract, kept across redraws
        self._after_redraw: Callable[[list[HighlightView]], int | None] | None = None
        self.use_keys(Keymap.build().highlight)
        detail.setCursorWidth(2)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)

    def use_keys(self, bindings: Mapping[Sequence, str],
                 show_pending: Callable[[str], None] | None = None) -> None:
        """Read a chosen highlight's keys with ``bindings`` (the user's ``[keys.highlight]`` over the
        defaults); a half-typed sequence is shown with ``show_pending``."""
        self._bindings = dict(bindings)
        self._keys = KeyDispatcher(KeyParser(bindings), lambda line, _count=None: self._run(line), self)
        if show_pending is not None:
            self._keys.pending_changed.connect(show_pending)

    @property
    def choosing(self) -> bool:
        """Whether the chosen highlight's keys apply: one is chosen and the pane has the window's keyboard
        (its focus widget, also while a dialog such as the palette is in front)."""
        return self.chosen is not None and self.detail.window().focusWidget() is self.detail

    def _hint(self) -> str:
        """What the chosen highlight's keys do, as bound (``1-5 recolour · c comment · x delete ...``)."""
        keys: dict[str, str] = {}
        for seq, line in self._bindings.items():
            if line:
                keys.setdefault(line, format_sequence(seq))
        digits = [str(n) for n in range(1, len(COLOR_KEYS) + 1)]
        colours = [keys[f"recolor-highlight {n}"] for n in digits if f"recolor-highlight {n}" in keys]
        shown = {"recolour": f"{digits[0]}-{digits[-1]}" if colours == digits else "/".join(colours),
                 "comment": keys.get("comment-highlight"), "delete": keys.get("delete-highlight"),
                 "let go": keys.get("unchoose-highlight")}
        return " · ".join(f"{key} {word}" for word, key in shown.items() if key)

    # -- the pane ----------------------------------------------------------------------------------

    def shown(self, paper: Paper) -> None:
        """The pane now shows ``paper``: find the abstract, then restore the caret and the choice."""
        same = self.paper is not None and self.paper.id == paper.id
        self.paper = paper
        self._anchors = anchor_positions(self.detail.document())
        if not same:
            self.chosen, self._caret, self._after_redraw = None, None, None
        pick, self._after_redraw = self._after_redraw, None
        if pick is not None:
            self.chosen = pick(self.highlights())
        if self.chosen is not None and self.chosen not in {h.id for h in self.highlights()}:
            self.chosen = None
        if self._caret is not None and self.abstract_start is not None:
            self._place(self.abstract_start + min(self._caret, len(self._shown())))
        self._mark()

    @property
    def abstract_start(self) -> int | None:
        return self._anchors.get(ABSTRACT_ANCHOR)

    def _view(self) -> Readable:
        """The abstract as the pane shows it, with the map back to the stored abstract's offsets."""
        return shown_abstract(self.paper.abstract if self.paper is not None else "")

    def _shown(self) -> str:
        """The text the pane shows of the abstract (offsets in it map back through ``_view``)."""
        return self._view().text

    def _drawn(self) -> dict[int, HighlightView]:
        """The highlights drawn in the shown abstract, by id, with offsets in the shown text."""
        if self.paper is None:
            return {}
        view = self._view()
        return {h.id: h for h in in_place(view.text, on_screen(view, self.paper.highlights))}

    def highlights(self) -> list[HighlightView]:
        """The shown paper's abstract highlights in reading order (the order ``[``/``]`` walk)."""
        if self.paper is None:
            return []
        return ordered(self.paper.abstract, [h for h in self.paper.highlights if h.field == "abstract"])

    def enter(self) -> None:
        """Put the keyboard in the pane with the caret at the abstract (unless it already is there)."""
        self.detail.setFocus()
        self._filter_first()
        start = self.abstract_start
        if start is not None and self.paper is not None:
            position = self.detail.textCursor().position()
            if not start <= position <= start + len(self._shown()):
                self._place(start)
        self._status("Shift+arrows select (Ctrl: by word) · h highlights · [ ] choose a highlight · "
                     "Esc back to the list")

    def selection(self) -> Selection | None:
        """The text selected in the abstract (mouse or keys), clipped to it."""
        cursor = self.detail.textCursor()
        start = self.abstract_start
        if self.paper is None or start is None or not cursor.hasSelection():
            return None
        view = self._view()
        shown = trimmed(view.text, cursor.selectionStart() - start, cursor.selectionEnd() - start)
        if shown is None:
            return None
        return trimmed(view.raw, *view.to_raw(shown.start, shown.end))  # the stored text it shows

    def chosen_highlight(self) -> HighlightView | None:
        return next((h for h in self.highlights() if h.id == self.chosen), None)

    # -- choosing highlights -----------------------------------------------------------------------

    def step(self, delta: int) -> None:
        """Choose the next (1) or previous (-1) highlight; from none, the first or the last."""
        marks = self.highlights()
        if not marks:
            self._status("This abstract has no highlights yet: select text and press h.")
            return
        ids = [h.id for h in marks]
        if self.chosen in ids:
            index = ids.index(self.chosen) + delta
            if not 0 <= index < len(ids):
                self._status("No more highlights that way.")
                return
        else:
            index = 0 if delta > 0 else len(ids) - 1
        self.choose(ids[index])

    def choose(self, highlight_id: int | None) -> None:
        """Choose a highlight (None: none); the caret goes to it so the pane scrolls there."""
        self.chosen = highlight_id
        self.detail.setFocus()
        self._filter_first()
        mark = self.chosen_highlight()
        position = self._position_of(mark) if mark is not None else None
        if position is not None:
            self._place(position)
            self._scroll_to_third()
        self._mark()
        if mark is not None:
            n = [h.id for h in self.highlights()].index(mark.id) + 1
            lost = "" if mark.anchored else " (no longer in the abstract)"
            self._status(f"Highlight {n} of {len(self.highlights())}, {mark.color}{lost}: {self._hint()}")

    def after_redraw(self, pick: Callable[[list[HighlightView]], int | None]) -> None:
        """Choose a highlight once the pane is redrawn after a write (the new one, a neighbour)."""
        self._after_redraw = pick

    def _position_of(self, mark: HighlightView) -> int | None:
        start, drawn = self.abstract_start, self._drawn().get(mark.id)
        if start is not None and drawn is not None:
            return start + drawn.start
        return self._anchors.get(f"{HIGHLIGHT_ANCHOR}{mark.id}")

    def _mark(self) -> None:
        """Show the chosen highlight in bold, underlined, keeping its colour, in the abstract and the list."""
        mark = self.chosen_highlight()
        selections = []
        palette = self.detail.palette()
        for start, end in self._ranges(mark) if mark is not None else []:
            cursor = QTextCursor(self.detail.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            extra = QTextEdit.ExtraSelection()
            extra.cursor = cursor
            chosen: QTextCharFormat = extra.format
            chosen.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            chosen.setUnderlineColor(palette.color(QPalette.ColorRole.Highlight))
            chosen.setFontUnderline(True)
            chosen.setFontWeight(QFont.Weight.Bold)
            selections.append(extra)
        self.detail.setExtraSelections(selections)

    def _ranges(self, mark: HighlightView) -> list[tuple[int, int]]:
        ranges = []
        start, drawn = self.abstract_start, self._drawn().get(mark.id)
        if start is not None and drawn is not None:
            ranges.append((start + drawn.start, start + drawn.end))
        entry = self._anchors.get(f"{HIGHLIGHT_ANCHOR}{mark.id}")
        if entry is not None:
            block = self.detail.document().findBlock(entry)
            ranges.append((entry, block.position() + block.length() - 1))
        return ranges

    # -- the caret ---------------------------------------------------------------------------------

    def _place(self, position: int, *, keep_anchor: bool = False) -> None:
        cursor = self.detail.textCursor()
        mode = QTextCursor.MoveMode.KeepAnchor if keep_anchor else QTextCursor.MoveMode.MoveAnchor
        cursor.setPosition(max(0, min(position, self.detail.document().characterCount() - 1)), mode)
        self.detail.setTextCursor(cursor)
        self.detail.ensureCursorVisible()
        self._remember(cursor.position())

    def _scroll_to_third(self) -> None:
        """Bring the caret's line to a third of the pane's height, so what follows it shows too."""
        bar = self.detail.verticalScrollBar()
        bar.setValue(bar.value() + self.detail.cursorRect().top() - self.detail.viewport().height() // 3)

    def _remember(self, position: int) -> None:
        start = self.abstract_start
        self._caret = position - start if start is not None and position >= start else None

    def _move(self, token: str) -> bool:
        select = "Shift+" in token
        operation = _MOVES.get(token.replace("Shift+", ""))
        if operation is None:
            return False
        cursor = self.detail.textCursor()
        mode = QTextCursor.MoveMode.KeepAnchor if select else QTextCursor.MoveMode.MoveAnchor
        cursor.movePosition(operation, mode)
        self.detail.setTextCursor(cursor)
        self.detail.ensureCursorVisible()
        self._remember(cursor.position())
        if self.chosen is not None:
            self.chosen = None
            self._mark()
        return True

    # -- keys --------------------------------------------------------------------------------------

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is self.detail:
            self._filter_first()

    def _filter_first(self) -> None:
        """(Re)install the key filter so it is the newest, which Qt runs before the keymap's."""
        self.detail.removeEventFilter(self)
        self.detail.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is not self.detail or kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        assert isinstance(event, QKeyEvent)
        token = token_from_event(event)
        if token is None:
            return False
        chosen = self.chosen is not None
        if not chosen and token.replace("Shift+", "") not in _MOVES:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # claimed (as the window's keymap would) so that no Qt shortcut takes it
            return True
        if chosen and self._keys.feed(token):
            return True
        return self._move(token)
