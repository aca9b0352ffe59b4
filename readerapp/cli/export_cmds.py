"""Subcommands ``export`` and ``collection``: getting papers and what was made of them out of the app,
and keeping ordered collections (and saved searches, the live ones) from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from readerapp.choices import AUTO_EXPORT_FORMATS as AUTO_FORMATS
from readerapp.choices import EXPORT_FORMATS as FORMATS
from readerapp.cli.common import print_json, progress_bar, with_library
from readerapp.errors import ReaderappError
from readerapp.export.scope import Scope
from readerapp.records import STATES

if TYPE_CHECKING:
    from readerapp.api import Library

    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def _add_scope(parser: argparse.ArgumentParser, *, required: bool, collection_flag: str) -> None:
    scope = parser.add_mutually_exclusive_group(required=required)
    if required:
        scope.add_argument("--all", action="store_true", help="every paper in the library")
    scope.add_argument(
        collection_flag, dest="collection", metavar="NAME", help="a collection or saved search"
    )
    scope.add_argument("--tag", metavar="TAG", help="papers with this tag")
    scope.add_argument("--query", metavar="QUERY", help="papers a search finds (in relevance order)")
    scope.add_argument("--state", choices=STATES, help="papers in this state")
    if required:
        scope.add_argument("--ids", nargs="+", metavar="ID", help="these papers (ids, URLs or DOIs)")


def _scope(args: argparse.Namespace, ids: list[str] | None = None) -> Scope | None:
    for kind in ("collection", "tag", "query", "state"):
        value = getattr(args, kind, None)
        if value is not None:
            return Scope.of(kind, value)
    if ids:
        return Scope.ids(ids)
    return Scope.all() if getattr(args, "all", False) else None


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "export",
        help="export papers with their tags, notes and highlights",
        description="Formats: " + ", ".join(FORMATS) + " (obsidian writes a folder, updated in place).",
    )
    _add_scope(p, required=True, collection_flag="--collection")
    p.add_argument("--format", "-f", choices=FORMATS, required=True)
    p.add_argument(
        "-o", "--output", type=Path, required=True, metavar="PATH", help="file (folder for obsidian)"
    )
    p.set_defaults(handler=with_library(cmd_export))

    collection = sub.add_parser("collection", help="ordered collections of papers, and saved searches")
    actions = collection.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = actions.add_parser("add", help="add papers to a collection (created if needed)")
    p.add_argument("name")
    p.add_argument("ids", nargs="*", metavar="ID")
    _add_scope(p, required=False, collection_flag="--from-collection")
    p.set_defaults(handler=with_library(cmd_collection_add))

    p = actions.add_parser("remove", help="take papers out of a collection")
    p.add_argument("name")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(handler=with_library(cmd_collection_remove))

    p = actions.add_parser("list", help="collections with their sizes, and saved searches")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=with_library(cmd_collection_list))

    p = actions.add_parser("show", help="the papers of a collection or saved search, in order")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=with_library(cmd_collection_show))

    p = actions.add_parser("reorder", help="give a collection a new order (list every paper once)")
    p.add_argument("name")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(handler=with_library(cmd_collection_reorder))

    p = actions.add_parser("rename", help="rename a collection or saved search")
    p.add_argument("name")
    p.add_argument("new_name", metavar="NEW_NAME")
    p.set_defaults(handler=with_library(cmd_collection_rename))

    p = actions.add_parser("delete", help="delete a collection or saved search (the papers stay)")
    p.add_argument("name")
    p.set_defaults(handler=with_library(cmd_collection_delete))

    p = actions.add_parser("save-search", help="save a search as a live collection")
    p.add_argument("name")
    p.add_argument("query")
    p.set_defaults(handler=with_library(cmd_collection_save_search))

    p = actions.add_parser(
        "autoexport", help="keep a BibTeX or CSL-JSON file current with a collection (stable citation keys)"
    )
    p.add_argument("name", nargs="?", help="the collection (leave out with --list)")
    p.add_argument("--format", choices=AUTO_FORMATS, help="bibtex or csl-json")
    p.add_argument("-o", "--output", type=Path, help="the file to keep current")
    p.add_argument("--off", action="store_true", help="stop keeping the file current (it stays)")
    p.add_argument("--list", action="store_true", help="the auto-exports, with any failure to write")
    p.add_argument("--json", action="store_true", help="with --list: as JSON")
    p.set_defaults(handler=with_library(cmd_collection_autoexport))


def cmd_export(args: argparse.Namespace, library: Library) -> int:
    scope = _scope(args, args.ids)
    assert scope is not None  # argparse requires one
    with progress_bar() as progress:
        result = library.export(scope, args.format, args.output, progress=progress)
    print(result.summary())
    return 0


def cmd_collection_add(args: argparse.Namespace, library: Library) -> int:
    scope = _scope(args)
    if scope is not None and args.ids:
        raise ReaderappError("give paper ids or a scope (--tag, --state, ...), not both")
    changes = (
        library.create_collection(args.name, scope)
        if scope
        else library.add_to_collection(args.name, args.ids)
    )
    print(f"{len(changes.ids)} papers added to {args.name!r}")
    return 0


def cmd_collection_remove(args: argparse.Namespace, library: Library) -> int:
    changes = library.remove_from_collection(args.name, args.ids)
    print(f"{len(changes.ids)} papers removed from {args.name!r}")
    return 0


def cmd_collection_list(args: argparse.Namespace, library: Library) -> int:
    collections = library.collections()
    if args.json:
        print_json(
            [
                {"name": c.name, "count": c.count, "live": c.live, "query": c.query, "created": c.created}
                for c in collections
            ]
        )
        return 0
    for c in collections:
        print(f"{c.name}  (saved search: {c.query})" if c.live else f"{c.name}  ({c.count} papers)")
    return 0


def cmd_collection_show(args: argparse.Namespace, library: Library) -> int:
    papers = library.rows(library.collection_ids(args.name))
    if args.json:
        print_json([p.summary_dict() for p in papers])
        return 0
    for n, p in enumerate(papers, 1):
        print(f"{n:>4}. {p.id:<18} {p.title}")
    return 0


def cmd_collection_reorder(args: argparse.Namespace, library: Library) -> int:
    library.reorder_collection(args.name, args.ids)
    return 0


def cmd_collection_rename(args: argparse.Namespace, library: Library) -> int:
    library.rename_collection(args.name, args.new_name)
    return 0


def cmd_collection_delete(args: argparse.Namespace, library: Library) -> int:
    library.delete_collection(args.name)
    print(f"deleted {args.name!r}")
    return 0


def cmd_collection_autoexport(args: argparse.Namespace, library: Library) -> int:
    if args.list or args.json:
        if args.name or args.off or args.format or args.output:
            raise ReaderappError("--list takes no collection, --format, -o or --off")
        return _list_autoexports(library, as_json=args.json)
    if not args.name:
        raise ReaderappError("name a collection (or give --list)")
    if args.off:
        if args.format or args.output:
            raise ReaderappError("--off takes no --format or -o")
        library.autoexport_off(args.name)
        print(f"{args.name!r} is no longer auto-exported")
        return 0
    if not args.format or not args.output:
        raise ReaderappError("an auto-export needs --format (bibtex or csl-json) and -o PATH")
    info = library.autoexport(args.name, args.format, args.output)
    print(f"{args.name!r} is kept current as {info.format} in {info.path}")
    return 0


def _list_autoexports(library: Library, *, as_json: bool) -> int:
    exports = library.autoexports()
    if as_json:
        keys = ("collection", "format", "path", "error")
        print_json([{key: getattr(a, key) for key in keys} for a in exports])
        return 0
    for a in exports:
        status = f"  (last write failed: {a.error})" if a.error else ""
        print(f"{a.collection}  {a.format}  {a.path}{status}")
    return 0


def cmd_collection_save_search(args: argparse.Namespace, library: Library) -> int:
    library.save_search(args.name, args.query)
    return 0
