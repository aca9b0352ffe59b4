"""``readerapp pdf ...``: fetch papers' PDFs into the library (and find where they are); highlight on their
pages, read in another reader's annotations, write an annotated copy."""

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

    p = actions.add_parser("highlight", help="highlight an exact text on a page of the stored PDF")
    p.add_argument("id")
    p.add_argument("--page", type=int, required=True, help="the page (the first is 1)")
    p.add_argument("--text", required=True, help="the exact text, as on the page")
    p.add_argument("--comment", help="a comment on the highlight")
    p.add_argument("--color", help="yellow, green, blue, pink, orange or #rrggbb")
    p.set_defaults(handler=with_library(cmd_highlight))

    p = actions.add_parser(
        "import-annotations", help="read in the highlights and notes another reader wrote into the PDF"
    )
    p.add_argument("id")
    p.set_defaults(handler=with_library(cmd_import_annotations))

    p = actions.add_parser("export-annotated", help="write a copy of the PDF with its highlights and notes")
    p.add_argument("id")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf", help="where to write the copy")
    p.set_defaults(handler=with_library(cmd_export_annotated))


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


def cmd_highlight(args: argparse.Namespace, library: Library) -> int:
    library.add_pdf_highlight(args.id, args.page, args.text, comment=args.comment, color=args.color)
    print(f"{args.id}: highlighted on page {args.page}")
    return 0


def cmd_import_annotations(args: argparse.Namespace, library: Library) -> int:
    changes = library.import_pdf_annotations(args.id)
    print(f"{args.id}: {len(changes.inverse)} annotations read in")
    return 0


def cmd_export_annotated(args: argparse.Namespace, library: Library) -> int:
    written = library.export_annotated_pdf(args.id, args.output)
    print(f"{args.id}: {written} annotations -> {args.output}")
    return 0
