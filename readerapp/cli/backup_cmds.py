"""``readerapp backup``: take a backup now, list the backups, or restore one.

Restoring never opens the library first: the database being replaced may be too damaged to open.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from readerapp.cli.common import open_library, print_json
from readerapp.config import load_config
from readerapp.errors import LibraryError

if TYPE_CHECKING:
    from readerapp.api import Backup

    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: Subparsers) -> None:
    p = sub.add_parser("backup", help="back up the library database now, list backups, or restore one")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--list", action="store_true", help="list the backups, newest first")
    what.add_argument("--restore", type=Path, metavar="PATH", help="replace the database by this backup")
    p.add_argument("--json", action="store_true", help="with --list: one JSON array")
    p.set_defaults(handler=cmd_backup)


def cmd_backup(args: argparse.Namespace) -> int:
    if args.restore is not None:
        return _restore(args)
    with open_library(args) as library:
        if args.list:
            _print_backups(library.backups(), args.json)
            return 0
        print(f"backed up to {library.backup_now().path}")
    return 0


def _print_backups(backups: list[Backup], as_json: bool) -> None:
    if as_json:
        print_json([{"path": b.path, "taken": b.taken, "label": b.label, "size": b.size} for b in backups])
        return
    for b in backups:
        print(f"{b.taken:%Y-%m-%d %H:%M:%S}  {b.label:<14} {b.size / 1024:>9.0f} KiB  {b.path}")
    if not backups:
        print("no backups yet")


def _restore(args: argparse.Namespace) -> int:
    config = load_config(args.library, database_url=args.database_url)
    if config.database_url:
        raise LibraryError("a shared library is restored by its database server's administrator")
    folder = config.library / "backups"
    source = args.restore if args.restore.exists() or args.restore.is_absolute() else folder / args.restore
    from readerapp.api import restore_library

    saved = restore_library(config.library, source)
    with open_library(args) as library:  # migrates a backup from an older schema
        papers = library.counts()["all"]
    print(f"restored {source} ({papers} papers); the replaced database was saved as {saved}")
    return 0
