"""Which key sequence runs which command line, and the parser that reads keys one at a time.

The defaults live in three tables: the window's; the PDF reader's, which applies while a PDF viewer
has focus; and the chosen highlight's, which applies while a highlight is chosen in the detail pane. The
``[keys]`` table of the library's ``settings.toml`` is layered on top of the window's (``"x" = "star"``
rebinds, ``"x" = ""`` unbinds), its ``[keys.reader]`` and ``[keys.highlight]`` tables on top of the
other two (there ``"x" = ""`` makes x do nothing in that context). In those contexts the window's keys
that their table leaves free still work, so ``s`` stars the paper you read. Problems in the user's
tables never stop the app: they are collected as one-line messages that the window reports at start.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from readerapp.highlight_colors import HIGHLIGHT_COLORS
from readerapp.interaction.key_tokens import KeySyntaxError, format_sequence, parse_sequence
from readerapp.interaction.registry import HIGHLIGHT, MAIN, READER, KeyContext

DEFAULT_BINDINGS: dict[str, str] = {
    "j": "next", "Down": "next", "k": "previous", "Up": "previous",
    "g g": "first", "Home": "first", "G": "last", "End": "last",
    "Return": "detail", "o": "read-pdf", "p": "fetch-pdf", "Ctrl+\\": "toggle-pdf-layout",
    "s": "star", "e": "set-state archived", "r": "set-state reading", "d": "set-state done",
    "i": "set-state inbox",
    "x": "select", "J": "extend-down", "K": "extend-up",
    "t": "tag", **{str(n): f"toggle-tag {n}" for n in range(1, 10)},
    "n": "note", "h": "highlight", "]": "next-highlight", "[": "previous-highlight",
    "u": "undo", "Ctrl+Z": "undo", "Ctrl+Shift+Z": "redo",
    "/": "search", "Escape": "focus-list", "Ctrl+D": "dismiss-message",
    ":": "palette", "Ctrl+K": "palette", "?": "help",
    "g i": "go inbox", "g f": "go for-you", "g r": "go reading", "g d": "go done",
    "g a": "go archived", "g s": "go starred",
    "m": "similar", "y b": "copy-bibtex", "y k": "copy-citekey", "y l": "copy-link",
    "Ctrl+R": "sync", "Ctrl+Shift+R": "cancel-sync", "Ctrl+E": "export", "Ctrl+Q": "quit",
}
# The PDF reader's keys. They also take the window's keys that make no sense over a PDF (Down, Home,
# Return would move or open the hidden list); a number typed first is a count (3j, 12G).
READER_BINDINGS: dict[str, str] = {
    "j": "pdf-scroll-down", "Down": "pdf-scroll-down", "Return": "pdf-scroll-down",
    "k": "pdf-scroll-up", "Up": "pdf-scroll-up",
    "Space": "pdf-screen-down", "PageDown": "pdf-screen-down",
    "Shift+Space": "pdf-screen-up", "PageUp": "pdf-screen-up",
    "J": "pdf-next-page", "K": "pdf-previous-page",
    "g g": "pdf-first-page", "Home": "pdf-first-page", "G": "pdf-last-page", "End": "pdf-last-page",
    "+": "pdf-zoom-in", "-": "pdf-zoom-out", "=": "pdf-actual-size",
    "w": "pdf-fit-width", "f": "pdf-fit-page",
    "Left": "pdf-scroll-left", "Right": "pdf-scroll-right",
    "/": "pdf-find", "n": "pdf-next-hit", "N": "pdf-previous-hit",
    "h": "pdf-highlight", "v": "pdf-select", "a": "pdf-note", "]": "pdf-next-mark", "[": "pdf-previous-mark",
    "c": "pdf-edit-mark", "x": "pdf-delete-mark", "Delete": "pdf-delete-mark",
    "Escape": "pdf-back", "q": "close-pdf",
}
# The keys of a highlight chosen in the detail pane (with ``[``/``]``); the caret keys stay the pane's.
HIGHLIGHT_BINDINGS: dict[str, str] = {
    **{str(n): f"recolor-highlight {n}" for n in range(1, len(HIGHLIGHT_COLORS) + 1)},
    "c": "comment-highlight", "x": "delete-highlight", "Delete": "delete-highlight",
    "Escape": "unchoose-highlight",
}
COUNT_DIGITS = frozenset("123456789")  # what starts a count in the reader (0 only continues one)

Sequence = tuple[str, ...]


@dataclass(slots=True)
class Keymap:
    """Bindings from canonical key sequences to command lines (the window's, and the own tables of the
    reader and of a chosen highlight), plus what was wrong with the overrides."""

    bindings: dict[Sequence, str]
    problems: list[str] = field(default_factory=list)
    reader: dict[Sequence, str] = field(default_factory=dict)
    highlight: dict[Sequence, str] = field(default_factory=dict)

    @classmethod
    def build(cls, overrides: Mapping[str, object] | None = None, *,
              check: Callable[[str], object] | None = None,
              defaults: Mapping[str, str] = DEFAULT_BINDINGS,
              reader_defaults: Mapping[str, str] = READER_BINDINGS,
              highlight_defaults: Mapping[str, str] = HIGHLIGHT_BINDINGS) -> Keymap:
        """Defaults with ``overrides`` on top; ``check`` raises on a command line that cannot run. A
        ``reader`` or ``highlight`` table inside ``overrides`` (``[keys.reader]``, ``[keys.highlight]``)
        changes the keys of that context."""
        window = dict(overrides or {})
        nested: dict[str, Mapping[str, object]] = {}
        for context in (READER, HIGHLIGHT):
            table = window.get(context)
            if isinstance(table, Mapping):
                nested[context] = table
                del window[context]
        bindings, problems = _layer(defaults, window, check, "[keys]", keep_empty=False, counts=False)
        in_reader, more = _layer(reader_defaults, nested.get(READER, {}), check, "[keys.reader]",
                                 keep_empty=True, counts=True)
        chosen, rest = _layer(highlight_defaults, nested.get(HIGHLIGHT, {}), check, "[keys.highlight]",
                              keep_empty=True, counts=False)
        return cls(bindings, problems + more + rest, in_reader, chosen)

    def in_reader(self) -> dict[Sequence, str]:
        """The keys while a PDF viewer has focus (digits start a count there)."""
        return self._over(self.reader, counts=True, first=False)

    def _over(self, own: Mapping[Sequence, str], *, counts: bool, first: bool) -> dict[Sequence, str]:
        """A context's own table, then every key of the window's that none of its keys hides and, where
        digits are counts, that does not start with one. One parser reads the reader's merged table, so
        there a window key is hidden only when one is the start of the other; a chosen highlight's keys
        are read ``first``, by a parser of their own, which also takes a window key that merely starts
        like one of them (``g g`` when the user bound ``g c``)."""
        started = {seq[:n] for seq in own for n in range(1, len(seq) + 1)}
        merged = dict(own)
        for seq, line in self.bindings.items():
            if first:
                hidden = any(seq[:n] in started for n in range(1, len(seq) + 1))
            else:
                hidden = seq in started or any(seq[:n] in own for n in range(1, len(seq)))
            if not hidden and not (counts and seq[0] in COUNT_DIGITS):
                merged[seq] = line
        return merged

    def table(self, context: KeyContext = MAIN) -> dict[Sequence, str]:
        """The keys in ``context``: the window's, or the reader's or the chosen highlight's over them."""
        if context == READER:
            return self.in_reader()
        if context == HIGHLIGHT:
            return self._over(self.highlight, counts=False, first=True)
        return self.bindings

    def keys_for(self, line: str, context: KeyContext = MAIN) -> list[str]:
        """Every sequence bound to ``line`` in ``context``, for menus, the palette and the help overlay."""
        return [format_sequence(seq) for seq, bound in self.table(context).items() if bound == line]

    def lines(self, context: KeyContext = MAIN) -> list[str]:
        """Every bound command line of ``context`` once, in binding order."""
        return [line for line in dict.fromkeys(self.table(context).values()) if line]


def _layer(defaults: Mapping[str, str], overrides: Mapping[str, object],
           check: Callable[[str], object] | None, table: str, *,
           keep_empty: bool, counts: bool) -> tuple[dict[Sequence, str], list[str]]:
    """One table: ``defaults`` with the user's ``overrides`` on top, and what was wrong with them. With
    ``keep_empty`` (a context's table over the window's) an empty command stays, so that the key does
    nothing there (not the window's command); with ``counts`` a key may not start with a digit, which
    starts a count."""
    bindings = {parse_sequence(keys): line for keys, line in defaults.items()}
    problems: list[str] = []
    user: set[Sequence] = set()
    for keys, line in overrides.items():
        where = f"{table} {keys!r}"
        try:
            seq = parse_sequence(keys)
        except KeySyntaxError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if not isinstance(line, str):
            problems.append(f"{where}: the command must be a string, not {type(line).__name__}")
            continue
        if counts and seq[0] in COUNT_DIGITS:
            problems.append(f"{where}: a digit starts a count in the reader (12G is page 12), not a key")
            continue
        line = line.strip()
        if not line and not keep_empty:
            bindings.pop(seq, None)
            user.add(seq)
            continue
        if line and check is not None:
            try:
                check(line)
            except Exception as exc:  # the checker's own error is the message to show
                problems.append(f"{where}: {exc}")
                continue
        previous = bindings.get(seq)
        if line and previous is not None and previous != line and seq not in user:
            problems.append(f"{where} replaces the default binding {previous!r} with {line!r}")
        bindings[seq] = line
        user.add(seq)
    problems.extend(_drop_shadowed(bindings, user, table))
    return bindings, problems


def _drop_shadowed(bindings: dict[Sequence, str], user: set[Sequence], table: str) -> list[str]:
    """A sequence that starts with another bound sequence can never be typed; drop it and say so.

    When the user's own binding is the prefix, the longer default is dropped; when the user bound the
    longer one, the user's intent is kept and the shorter default goes.
    """
    problems = []
    for seq in sorted(bindings, key=len):
        if seq not in bindings:
            continue
        for other in [o for o in bindings if len(o) > len(seq) and o[: len(seq)] == seq]:
            if other in user and seq not in user:
                loser, winner = seq, other
            else:
                loser, winner = other, seq
            problems.append(f"{table} {format_sequence(winner)!r} hides {format_sequence(loser)!r} "
                            f"({bindings[loser]!r}), which is no longer bound")
            del bindings[loser]
            if loser == seq:
                break
    return problems


@dataclass(frozen=True, slots=True)
class KeyResult:
    """What one key did: ran a command line (with the count typed before it), started or continued a
    sequence or a count, broke one, or nothing."""

    kind: Literal["match", "partial", "cancelled", "none"]
    line: str | None = None
    count: int | None = None


class KeyParser:
    """Feeds canonical tokens through the keymap; multi-key sequences such as ``g g`` wait here.

    A key that breaks a pending sequence is swallowed (``g x`` runs nothing), as in vim, so a
    mistyped prefix never triages a paper by accident. With ``counts``, digits typed before a key are
    its count (``12G``, ``3j``), and Escape drops a count being typed.
    """

    def __init__(self, bindings: Mapping[Sequence, str], *, counts: bool = False) -> None:
        self._bindings = dict(bindings)
        self._prefixes = {seq[:n] for seq in bindings for n in range(1, len(seq))}
        self._pending: Sequence = ()
        self._counts = counts
        self._count = ""

    @property
    def pending(self) -> Sequence:
        """What was typed so far, the count first (shown in the status bar)."""
        return (self._count, *self._pending) if self._count else self._pending

    def reset(self) -> None:
        self._pending, self._count = (), ""

    def feed(self, token: str) -> KeyResult:
        if self._counts and not self._pending and (token in COUNT_DIGITS or (self._count and token == "0")):
            self._count += token
            return KeyResult("partial")
        seq = (*self._pending, token)
        count = int(self._count) if self._count else None
        if seq in self._bindings and not (count and token == "Escape"):
            self.reset()
            return KeyResult("match", self._bindings[seq], count)
        if seq in self._prefixes:
            self._pending = seq
            return KeyResult("partial")
        if self.pending:
            self.reset()
            return KeyResult("cancelled")
        return KeyResult("none")
