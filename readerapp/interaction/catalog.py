"""What the user can run, as the menu, the palette and the help overlay list it.

One function joins the command registry with the keymap, so the three views of "what can I do here"
always agree: a command without arguments is one entry; a command that needs arguments appears once
per bound invocation (``go inbox``, ``toggle-tag 3``), which is how it is reached from a key anyway,
or, when no key gives them (``collect NAME``), once as an entry whose arguments the palette asks for.
The window's catalog shows each command with the keys of its own context (the reader's commands with
the reader's keys); the catalog of another context (the reader, a chosen highlight) shows every command
with the keys that reach it there.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from readerapp.interaction.keymap import Keymap
from readerapp.interaction.registry import HIGHLIGHT, MAIN, READER, CommandRegistry, KeyContext


@dataclass(frozen=True, slots=True)
class Entry:
    """One runnable command line with its label, help text and keys."""

    line: str
    menu: str
    title: str
    help: str
    keys: tuple[str, ...]
    context: KeyContext = MAIN  # the command's: the reader's need a PDF, the highlight's a chosen highlight
    asks: bool = False  # the line still needs its arguments (``collect``): the palette asks for them

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


def catalog(registry: CommandRegistry, keymap: Keymap, context: KeyContext = MAIN) -> list[Entry]:
    """Every entry in registry order; bound invocations follow their command in binding order. Keys
    are those of ``context`` when it is not the window's, else those of each command's own context."""
    bound: dict[KeyContext, dict[str, list[str]]] = {MAIN: {}, READER: {}, HIGHLIGHT: {}}
    for where, by_command in bound.items():
        for line in keymap.lines(where):
            by_command.setdefault(shlex.split(line)[0], []).append(line)
    entries = []
    for cmd in registry:
        where = cmd.context if context == MAIN else context
        lines = bound[where].get(cmd.name, []) if cmd.takes_arguments else [cmd.name]
        if not lines:  # arguments no key gives (a collection's name): the palette asks for them
            entries.append(Entry(cmd.name, cmd.menu, f"{cmd.title}…", cmd.help, (), cmd.context, asks=True))
        for line in lines:
            args = shlex.split(line)[1:]
            title = f"{cmd.title}: {' '.join(args)}" if args else cmd.title
            keys = tuple(keymap.keys_for(line, where))
            entries.append(Entry(line, cmd.menu, title, cmd.help, keys, cmd.context))
    return entries
