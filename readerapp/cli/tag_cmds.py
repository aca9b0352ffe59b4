"""``readerapp tags``: list tags with their paper counts, rename a tag, merge tags into one.

Renames and merges act on the whole library (saved searches that name a tag follow it); each prints
what it changed in one line.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from readerapp.cli.common import print_json, with_library
from readerapp.errors import ReaderappError

if TYPE_CHECKING:
    from readerapp.api import Library

    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: Subparsers) -> None:
    tags = sub.add_parser("tags", help="list tags with counts; rename or merge tags across the library")
    tags.add_argument("--json", action="store_true", help="one JSON array of {name, papers}")
    tags.set_defaults(handler=with_library(cmd_list))
    actions = tags.add_subparsers(dest="tags_command", metavar="ACTION")

    p = actions.add_parser("rename", help="rename a tag on every paper (a change of case too)")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    p.set_defaults(handler=with_library(cmd_rename))

    p = actions.add_parser("merge", help="fold tags into one: papers carrying FROM carry INTO instead")
    p.add_argument("names", nargs="+", metavar="FROM... INTO")
    p.set_defaults(handler=with_library(cmd_merge))


def cmd_list(args: argparse.Namespace, library: Library) -> int:
    counts = library.tag_counts()
    if args.json:
        print_json([{"name": name, "papers": n} for name, n in counts.items()])
        return 0
    width = max((len(str(n)) for n in counts.values()), default=1)
    for name, n in counts.items():
        print(f"{n:>{width}}  {name}")
    if not counts:
        print("no tags yet")
    return 0


def cmd_rename(args: argparse.Namespace, library: Library) -> int:
    changes = library.rename_tag(args.old, args.new)
    papers = _papers(len(changes.ids))
    print(f"renamed tag {args.old!r} to {args.new.strip()!r} on {papers}{_searches(changes.searches)}")
    return 0


def cmd_merge(args: argparse.Namespace, library: Library) -> int:
    if len(args.names) < 2:
        raise ReaderappError("usage: readerapp tags merge FROM... INTO (name at least two tags)")
    *sources, into = args.names
    changes = library.merge_tags(sources, into)
    names = ", ".join(repr(s) for s in sources)
    moved = _papers(len(changes.ids))
    print(f"merged {names} into {into.strip()!r}: {moved} moved{_searches(changes.searches)}")
    return 0


def _papers(n: int) -> str:
    return f"{n} paper{'s' if n != 1 else ''}"


def _searches(names: tuple[str, ...]) -> str:
    """The saved searches whose ``tag:`` terms followed the tag, for the end of the line."""
    if not names:
        return ""
    return f"; saved search{'es' if len(names) != 1 else ''} {', '.join(repr(n) for n in names)} updated"
