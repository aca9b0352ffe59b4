"""Which key sequence runs which command line, and the parser that reads keys one at a time.

The defaults live in one table; the ``[keys]`` table of the library's ``settings.toml`` is layered on
top (``"x" = "star"`` rebinds, ``"x" = ""`` unbinds). Problems in the user's table never stop the app:
they are collected as one-line messages that the window reports at start.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from readerapp.ui.keys import KeySyntaxError, format_sequence, parse_sequence

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
    "/": "search", "Escape": "focus-list", ":": "palette", "Ctrl+K": "palette", "?": "help",
    "g i": "go inbox", "g f": "go for-you", "g r": "go reading", "g d": "go done",
    "g a": "go archived", "g s": "go starred",
    "Ctrl+R": "sync", "Ctrl+E": "export", "Ctrl+Q": "quit",
}

Sequence = tuple[str, ...]


@dataclass(slots=True)
class Keymap:
    """Bindings from canonical key sequences to command lines, plus what was wrong with overrides."""

    bindings: dict[Sequence, str]
    problems: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, overrides: Mapping[str, object] | None = None, *,
              check: Callable[[str], object] | None = None,
              defaults: Mapping[str, str] = DEFAULT_BINDINGS) -> Keymap:
        """Defaults with ``overrides`` on top; ``check`` raises on a command line that cannot run."""
        bindings = {parse_sequence(keys): line for keys, line in defaults.items()}
        problems: list[str] = []
        user: set[Sequence] = set()
        for keys, line in (overrides or {}).items():
            where = f"[keys] {keys!r}"
            try:
                seq = parse_sequence(keys)
            except KeySyntaxError as exc:
                problems.append(f"{where}: {exc}")
                continue
            if not isinstance(line, str):
                problems.append(f"{where}: the command must be a string, not {type(line).__name__}")
                continue
            line = line.strip()
            if not line:
                bindings.pop(seq, None)
                user.add(seq)
                continue
            if check is not None:
                try:
                    check(line)
                except Exception as exc:  # the checker's own error is the message to show
                    problems.append(f"{where}: {exc}")
                    continue
            previous = bindings.get(seq)
            if previous is not None and previous != line and seq not in user:
                problems.append(f"{where} replaces the default binding {previous!r} with {line!r}")
            bindings[seq] = line
            user.add(seq)
        problems.extend(_drop_shadowed(bindings, user))
        return cls(bindings, problems)

    def keys_for(self, line: str) -> list[str]:
        """Every sequence bound to ``line``, for menus, the palette and the help overlay."""
        return [format_sequence(seq) for seq, bound in self.bindings.items() if bound == line]

    def lines(self) -> list[str]:
        """Every bound command line once, in binding order."""
        return list(dict.fromkeys(self.bindings.values()))


def _drop_shadowed(bindings: dict[Sequence, str], user: set[Sequence]) -> list[str]:
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
            problems.append(f"[keys] {format_sequence(winner)!r} hides {format_sequence(loser)!r} "
                            f"({bindings[loser]!r}), which is no longer bound")
            del bindings[loser]
            if loser == seq:
                break
    return problems


@dataclass(frozen=True, slots=True)
class KeyResult:
    """What one key did: ran a command line, started or continued a sequence, broke one, or nothing."""

    kind: Literal["match", "partial", "cancelled", "none"]
    line: str | None = None


class KeyParser:
    """Feeds canonical tokens through the keymap; multi-key sequences such as ``g g`` wait here.

    A key that breaks a pending sequence is swallowed (``g x`` runs nothing), as in vim, so a
    mistyped prefix never triages a paper by accident.
    """

    def __init__(self, bindings: Mapping[Sequence, str]) -> None:
        self._bindings = dict(bindings)
        self._prefixes = {seq[:n] for seq in bindings for n in range(1, len(seq))}
        self._pending: Sequence = ()

    @property
    def pending(self) -> Sequence:
        return self._pending

    def reset(self) -> None:
        self._pending = ()

    def feed(self, token: str) -> KeyResult:
        seq = (*self._pending, token)
        if seq in self._bindings:
            self._pending = ()
            return KeyResult("match", self._bindings[seq])
        if seq in self._prefixes:
            self._pending = seq
            return KeyResult("partial")
        if self._pending:
            self._pending = ()
            return KeyResult("cancelled")
        return KeyResult("none")
