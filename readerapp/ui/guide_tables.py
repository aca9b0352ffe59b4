"""The user guide's tables of keys and settings, generated from the app itself so the guide cannot drift.

The keys come from the real window's command registry and default keymap (the same ``catalog`` the
menus, the palette and the help overlay show); the settings from ``readerapp.config.SETTINGS``; the
query language from ``readerapp search --help``. A test
checks that docs/user-guide.md carries exactly what this prints.

Usage: ``python -m readerapp.ui.guide_tables keys|settings|query`` prints one table;
``python -m readerapp.ui.guide_tables --write docs/user-guide.md`` refreshes the guide's generated blocks.
"""

from __future__ import annotations

import inspect
import os
import re
import shlex
import sys
import tempfile
from pathlib import Path

from readerapp.config import SETTINGS, load_config
from readerapp.interaction.catalog import Entry
from readerapp.interaction.registry import HIGHLIGHT, READER
from readerapp.query_help import QUERY_SECTION

# Where the keys of a menu whose commands all belong to another context than the window's apply.
_WHERE = {READER: "while a PDF has focus; `[keys.reader]`",
          HIGHLIGHT: "while a highlight is chosen in the detail pane; `[keys.highlight]`"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _paragraph(doc: str | None) -> str:
    """A handler's first docstring paragraph on one line (the menus show only its first line)."""
    return " ".join(inspect.cleandoc(doc or "").split("\n\n")[0].split())


def default_commands() -> list[tuple[Entry, str]]:
    """Every command line of a fresh window with the default keymap (no user ``[keys]``) and its full
    help, built offscreen over an empty library folder that is never opened."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from readerapp.ui.app import build_session

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        session = build_session(load_config(folder, sync_on_start="never"))
        try:
            return [(e, _paragraph(session.registry.get(e.line.split()[0]).handler.__doc__))
                    for e in session.actions.catalog]
        finally:
            session.close()
            session.window.deleteLater()
            app.processEvents()


def _keys(entries: list[Entry]) -> str:
    """The keys of one command's bound invocations, each with its arguments when they say more."""
    cells = []
    for entry in entries:
        args = " ".join(shlex.split(entry.line)[1:])
        cells += [f"`{k}`" + (f" {args}" if args and args != k else "") for k in entry.keys]
    return ", ".join(cells) or "palette (`:`)"


def keys_markdown(commands: list[tuple[Entry, str]]) -> str:
    """One table per menu, in menu order, one row per command (a menu of the reader's or the chosen
    highlight's commands says where its keys apply)."""
    menus: dict[str, dict[str, list[tuple[Entry, str]]]] = {}
    for entry, help_text in commands:
        menus.setdefault(entry.menu, {}).setdefault(entry.line.split()[0], []).append((entry, help_text))
    parts = []
    for menu, by_name in menus.items():
        contexts = {entry.context for rows in by_name.values() for entry, _ in rows}
        where = _WHERE.get(contexts.pop()) if len(contexts) == 1 else None
        heading = f"{menu} ({where})" if where else menu
        lines = [f"#### {heading}", "", "| Keys | Command | What it does |", "|---|---|---|"]
        for name, rows in by_name.items():
            keys = _keys([entry for entry, _ in rows])
            lines.append(f"| {_cell(keys)} | `{name}` | {_cell(rows[0][1])} |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _toml(value: object) -> str:
    """A default as it would be written in settings.toml."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"' if isinstance(value, str) else str(value)


def settings_markdown() -> str:
    """Every setting with its ``settings.toml`` key, environment variable, default and meaning."""
    lines = ["| Setting | Environment variable | Default | What it does |", "|---|---|---|---|"]
    lines += [
        f"| `{s.key}` | `{s.env}` | `{_cell(_toml(s.default))}` | {_cell(s.doc)} |"
        for s in SETTINGS
    ]
    return "\n".join(lines) + "\n"


def query_markdown() -> str:
    """The query language ``readerapp search --help`` prints, without its heading, literals as code."""
    return QUERY_SECTION.replace("``", "`").split("\n", 2)[2].strip() + "\n"


GENERATORS = {"keys": lambda: keys_markdown(default_commands()), "settings": settings_markdown,
              "query": query_markdown}


def fill(guide: str) -> str:
    """``guide`` with every ``<!-- generated: NAME ... -->`` block holding what NAME prints now."""
    for name, generate in GENERATORS.items():
        block = re.compile(rf"(<!-- generated: {name}\b[^\n]*-->\n).*?(<!-- end generated: {name} -->)", re.S)
        found = block.search(guide)
        if found:
            guide = guide[: found.end(1)] + generate() + guide[found.start(2) :]
    return guide


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--write":
        path = Path(argv[1])
        path.write_text(fill(path.read_text(encoding="utf-8")), encoding="utf-8")
        return 0
    if len(argv) != 1 or argv[0] not in GENERATORS:
        usage = f"python -m readerapp.ui.guide_tables {'|'.join(GENERATORS)} | --write GUIDE.md"
        print(f"usage: {usage}", file=sys.stderr)
        return 2
    print(GENERATORS[argv[0]](), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
