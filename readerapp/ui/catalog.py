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
        """What the palette's filter matches against."""
        return f"{self.title} {self.line} {self.help} {' '.join(self.keys)}".lower()


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
