"""What every subcommand shares: opening the library from the global options, JSON output, progress."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

from readerapp.config import cli_overrides, load_config
from readerapp.errors import DiskFull, LibraryError
from readerapp.export.jsontext import dumps
from readerapp.progress import Progress, no_progress
from readerapp.text import strip_controls

if TYPE_CHECKING:
    from readerapp.api import Backup, Library
    from readerapp.quick import QuickLibrary

Handler = Callable[[argparse.Namespace, "Library"], int]
# A handler that also runs on the light path (``readerapp.quick``): it uses only what both offer.
QuickHandler = Callable[[argparse.Namespace, "Library | QuickLibrary"], int]


def open_library(args: argparse.Namespace) -> Library:
    from readerapp.api import Library  # the store, imported once a command runs (not for --help)

    return Library.open(args.library, **cli_overrides(args))


def with_library(handler: Handler) -> Callable[[argparse.Namespace], int]:
    """Run ``handler`` with the library the global options name, closed afterwards."""

    def run(args: argparse.Namespace) -> int:
        with open_library(args) as library:
            _daily_backup(library.backup_if_due)
            try:
                return handler(args, library)
            finally:
                for warning in library.take_autoexport_warnings():
                    print(f"readerapp: warning: {warning}", file=sys.stderr)

    return run


def with_quick_library(handler: QuickHandler) -> Callable[[argparse.Namespace], int]:
    """Like ``with_library``, but on the light path when it covers the library and the call: a SQLite
    file read and written with ``sqlite3`` alone answers before SQLAlchemy could even be imported."""
    full = with_library(handler)

    def run(args: argparse.Namespace) -> int:
        from readerapp.quick import NotCovered, QuickLibrary

        store = QuickLibrary.open(load_config(args.library, **cli_overrides(args)))
        if store is None:
            return full(args)
        with store:
            _daily_backup(store.backup_if_due)
            try:
                return handler(args, store)
            except NotCovered:
                pass  # nothing written or printed yet: the Library does it (and words any error)
        return full(args)

    return run


def _daily_backup(backup_if_due: Callable[[], Backup | None]) -> None:
    """The first command of the day backs the database up; a failed backup warns, the command runs."""
    try:
        backup_if_due()
    except (LibraryError, DiskFull) as exc:
        print(f"readerapp: warning: {exc}", file=sys.stderr)


def terminal_text(text: str, *, lines: bool = True) -> str:
    """Library text (titles and abstracts from feeds) as it may be printed: no control characters, so a
    title cannot retitle the terminal or hide what follows; ``lines=False`` keeps it on one line."""
    return strip_controls(text, lines=lines)


def print_json(value: Any) -> None:
    sys.stdout.write(dumps(value, indent=2, default=str) + "\n")


def print_json_array(items: Iterable[Any]) -> None:
    """A JSON array written as it is produced, one item per line (a long list starts at once)."""
    sys.stdout.write("[")
    for n, item in enumerate(items):
        sys.stdout.write(",\n" if n else "\n")
        sys.stdout.write(dumps(item, default=str))
    sys.stdout.write("\n]\n")


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


@contextmanager
def progress_bar() -> Iterator[Progress]:
    """A rich progress bar when stdout is a terminal; silence otherwise (scripts, pipes, tests)."""
    if not sys.stdout.isatty():
        yield no_progress
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
    from rich.progress import Progress as RichProgress

    with RichProgress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True
    ) as bar:
        tasks: dict[str, Any] = {}

        def report(what: str, done: int, total: int | None) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done, total=total)

        yield report
