"""What the user can run, as the menu, the palette and the help overlay list it.

One function joins the command registry with the keymap, so the three views of "what can I do here"
always agree: a command without arguments is one entry; a command that needs arguments appears once
per bound invocation (``go inbox``, ``toggle-tag 3``), which is how it is reached from a key anyway.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from readerapp.ui.commands import CommandRegistry
from readerapp.ui.keymap import Keymap


@dataclass(frozen=True, slots=True)
class Entry:
    """One runnable command line with its label, help text and keys."""

    line: str
    menu: str
    title: str
    help: str
    keys: tuple[str, ...]

    @property
    def search_text(self) -> str:
        """What the palette's filter matches against (not the help text: "star" must not find
        every command whose help mentions starred papers)."""
        return f"{self.title} {self.line} {' '.join(self.keys)}".lower()


def rank(entry: Entry, words: list[str]) -> int:
    """Lower ranks first: the command named exactly, then names starting with the first typed word."""
    if not words:
        return 3
    typed = " ".join(words)
    if entry.line == typed or entry.title.lower() == typed:
        return 0
    if entry.line.startswith(words[0]) or entry.title.lower().startswith(words[0]):
        return 1
    return 2


def catalog(registry: CommandRegistry, keymap: Keymap) -> list[Entry]:
    """Every entry in registry order; bound invocations follow their command in binding order."""
    bound: dict[str, list[str]] = {}
    for line in keymap.lines():
        bound.setdefault(shlex.split(line)[0], []).append(line)
    entries = []
    for cmd in registry:
        lines = bound.get(cmd.name, []) if cmd.takes_arguments else [cmd.name]
        for line in lines:
            args = shlex.split(line)[1:]
            title = f"{cmd.title}: {' '.join(args)}" if args else cmd.title
            entries.append(Entry(line, cmd.menu, title, cmd.help, tuple(keymap.keys_for(line))))
    return entries
