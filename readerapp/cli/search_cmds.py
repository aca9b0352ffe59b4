"""Subcommands over the search index: search, similar, reindex."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from readerapp.choices import SEARCH_SORTS
from readerapp.cli import plain_help
from readerapp.cli.common import print_json, progress_bar, with_library
from readerapp.query_help import QUERY_SECTION
from readerapp.text import split_marks

if TYPE_CHECKING:
    from readerapp.api import Hit, Library

    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def _query_help() -> str:
    """The query language for ``--help``: plain text on a terminal."""
    return plain_help(QUERY_SECTION)


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "search",
        help="search the library (see --help for the query language)",
        description="Search titles, abstracts, authors, tags, notes, highlights and PDF text.",
        epilog=_query_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("query", nargs="+", help="the query (several words are joined with spaces)")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--sort", choices=SEARCH_SORTS, default="relevance")
    p.add_argument("--json", action="store_true", help="one JSON array: the list --json keys, score, snippet")
    p.set_defaults(handler=with_library(cmd_search))

    p = sub.add_parser("similar", help="papers like one paper (by title and abstract)")
    p.add_argument("id")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=with_library(cmd_similar))

    p = sub.add_parser("reindex", help="rebuild the search index from the library")
    p.set_defaults(handler=with_library(cmd_reindex))


def cmd_search(args: argparse.Namespace, library: Library) -> int:
    hits = library.search(" ".join(args.query), limit=args.limit, sort=args.sort)
    _show(hits, library, args.json)
    return 0


def cmd_similar(args: argparse.Namespace, library: Library) -> int:
    hits = library.similar(args.id, limit=args.limit)
    _show(hits, library, args.json)
    return 0


def cmd_reindex(args: argparse.Namespace, library: Library) -> int:
    with progress_bar() as progress:
        count = library.reindex(progress=progress)
    print(f"indexed {count} papers")
    return 0


def _show(hits: list[Hit], library: Library, as_json: bool) -> None:
    if as_json:
        rows = {paper.id: paper.summary_dict() for paper in library.rows([h.id for h in hits])}
        print_json([_hit_dict(hit, rows.get(hit.id, {})) for hit in hits])
        return
    styled = sys.stdout.isatty()
    for hit in hits:
        print(f"{hit.id:<18} {_printable(hit.title)}")
        if hit.reasons:
            print(f"{'':18} because: {', '.join(hit.reasons)}")
        if hit.snippet:
            print(f"{'':18} {_render(hit.snippet, styled)}")
    if not hits:
        print("no papers found", file=sys.stderr)


def _hit_dict(hit: Hit, summary: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {"id": hit.id, "title": hit.title, "score": round(hit.score, 4)}
    found["snippet"] = hit.snippet
    if hit.reasons:
        found["reasons"] = list(hit.reasons)
    return {**summary, **found}


def _render(snippet: str, styled: bool) -> str:
    """Matched words in bold on a terminal; the ``[[word]]`` markers as they are in a pipe."""
    snippet = _printable(snippet)
    if not styled:
        return snippet
    return "".join(f"\033[1m{text}\033[0m" if marked else text for text, marked in split_marks(snippet))


_CONTROL = dict.fromkeys([*range(0x00, 0x20), *range(0x7F, 0xA0)], " ")


def _printable(text: str) -> str:
    """Paper text is data: control characters (terminal escapes) become spaces."""
    return text.translate(_CONTROL)
