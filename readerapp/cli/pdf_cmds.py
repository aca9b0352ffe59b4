"""``readerapp pdf ...``: fetch papers' PDFs into the library (and find where they are)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from readerapp.cli.common import progress_bar, with_library
from readerapp.errors import ReaderappError
from readerapp.records import STATES

if TYPE_CHECKING:
    from readerapp.api import Library

    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: Subparsers) -> None:
    pdf = sub.add_parser("pdf", help="download papers' PDFs, verified, with their text indexed")
    actions = pdf.add_subparsers(dest="pdf_command", metavar="ACTION", required=True)

    p = actions.add_parser("fetch", help="download the PDFs of papers (by id, or a whole view)")
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument("--state", choices=STATES, help="every paper in this state")
    p.add_argument("--starred", action="store_true", help="every starred paper")
    p.add_argument("--force", action="store_true", help="download again even if the PDF is stored")
    p.set_defaults(handler=with_library(cmd_fetch))

    p = actions.add_parser("path", help="print the stored PDF's path (exit 1 when there is none)")
    p.add_argument("id")
    p.set_defaults(handler=with_library(cmd_path))


def cmd_fetch(args: argparse.Namespace, library: Library) -> int:
    ids = list(args.ids)
    if args.state or args.starred:
        ids += library.list_ids(state=args.state, starred=True if args.starred else None)
    if not ids:
        if args.state or args.starred:
            print("no papers in that view")
            return 0
        raise ReaderappError("name papers to fetch, or use --state / --starred")
    with progress_bar() as progress:
        report = library.fetch_pdfs(ids, progress, force=args.force)
    for fetched in report.fetched:
        print(f"{fetched.public_id}: {fetched.pages} pages -> {fetched.path}")
    for ident in report.already:
        print(f"{ident}: already stored")
    for ident, problem in report.failed.items():
        print(f"readerapp: error: {ident}: {problem}", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_path(args: argparse.Namespace, library: Library) -> int:
    path = library.pdf_file(args.id)
    if path is None:
        print(f"readerapp: {args.id} has no stored PDF (readerapp pdf fetch {args.id})", file=sys.stderr)
        return 1
    print(path)
    return 0
