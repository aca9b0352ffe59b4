"""Subcommands over the library: sync, import, add, list, show, triage, notes, highlights, doctor, gui."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from readerapp.choices import LIST_SORTS, SYNC_SOURCES
from readerapp.cli.common import (
    parse_date,
    print_json,
    print_json_array,
    progress_bar,
    terminal_text,
    with_library,
)
from readerapp.errors import ReaderappError
from readerapp.records import STATES

if TYPE_CHECKING:
    from readerapp.api import Library, SyncReport

    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: Subparsers) -> None:
    p = sub.add_parser("gui", help="open the app (the default without a command)")
    p.set_defaults(handler=cmd_gui)

    p = sub.add_parser("sync", help="fetch a feed window into the library")
    p.add_argument("--source", choices=SYNC_SOURCES, default="hf")
    window = p.add_mutually_exclusive_group()
    window.add_argument("--date", type=parse_date, help="one day, YYYY-MM-DD (default: today)")
    window.add_argument("--week", help="an ISO week, YYYY-Www (Daily Papers)")
    window.add_argument("--month", help="a month, YYYY-MM (Daily Papers)")
    window.add_argument("--since", type=parse_date, help="every day from this date to today")
    p.add_argument("--category", help="arXiv categories, e.g. cs.LG or cs.AI+cs.CL")
    p.add_argument(
        "--refresh", action="store_true", help="ask arXiv again even when today's answer is cached"
    )
    p.set_defaults(handler=with_library(cmd_sync))

    p = sub.add_parser("import", help="import files (HF JSON, arXiv Atom/RSS, BibTeX, JSON Lines, ...)")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.set_defaults(handler=with_library(cmd_import))

    p = sub.add_parser("add", help="add papers by arXiv id or URL")
    p.add_argument("ids", nargs="+", metavar="ID_OR_URL")
    p.set_defaults(handler=with_library(cmd_add))

    p = sub.add_parser("list", help="list papers (every paper without a filter)")
    p.add_argument("--state", choices=STATES)
    p.add_argument("--tag")
    p.add_argument("--starred", action="store_true")
    p.add_argument("--limit", type=int)
    p.add_argument("--sort", choices=LIST_SORTS, default="feed")
    p.add_argument("--json", action="store_true", help="one JSON array")
    p.set_defaults(handler=with_library(cmd_list))

    p = sub.add_parser("show", help="show one paper")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=with_library(cmd_show))

    p = sub.add_parser("state", help="set the state of papers")
    p.add_argument("args", nargs="+", metavar="ID... STATE")
    p.set_defaults(handler=with_library(cmd_state))

    p = sub.add_parser("star", help="star papers (--off to unstar)")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--off", action="store_true")
    p.set_defaults(handler=with_library(cmd_star))

    p = sub.add_parser("tag", help="add (+t) and remove (-t) tags", prefix_chars="@")
    p.add_argument("args", nargs="+", metavar="ID... +TAG -TAG")
    p.set_defaults(handler=with_library(cmd_tag))

    p = sub.add_parser("note", help="set a paper's Markdown note")
    p.add_argument("id")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--text", help="the note's text ('-' reads standard input)")
    how.add_argument("--edit", action="store_true", help="edit in $EDITOR")
    p.set_defaults(handler=with_library(cmd_note))

    p = sub.add_parser("highlight", help="highlight a quote of the abstract")
    p.add_argument("id")
    p.add_argument("--text", required=True, help="the exact quote")
    p.add_argument("--comment")
    p.add_argument("--color")
    p.set_defaults(handler=with_library(cmd_highlight))

    p = sub.add_parser("doctor", help="check the library (exit 0 only when consistent)")
    p.add_argument("--repair", action="store_true", help="fix what can be fixed safely")
    p.set_defaults(handler=with_library(cmd_doctor))

    p = sub.add_parser("sample", help="remove the sample papers of the first launch")
    p.add_argument("--remove", action="store_true", required=True)
    p.set_defaults(handler=with_library(cmd_sample))


def _print_report(report: SyncReport, summary: str | None = None) -> None:
    """The summary on stdout; each item left out on stderr, one ``skipped ID: reason`` line each."""
    print(summary or report.summary())
    for line in report.skipped_lines():
        print(line, file=sys.stderr)


def cmd_gui(args: argparse.Namespace) -> int:
    """``readerapp gui`` after other options: the same start as a plain ``readerapp`` (the window
    opens the library itself, behind its first paint)."""
    from readerapp.cli import app_settings
    from readerapp.ui.app import run

    return run(**app_settings(args))


def cmd_sync(args: argparse.Namespace, library: Library) -> int:
    with progress_bar() as progress:
        report = library.sync(
            args.source,
            date=args.date,
            week=args.week,
            month=args.month,
            since=args.since,
            category=args.category,
            refresh=args.refresh,
            progress=progress,
        )
    _print_report(report)
    return 0


def cmd_import(args: argparse.Namespace, library: Library) -> int:
    failed = 0
    for path in args.files:
        try:
            with progress_bar() as progress:
                report = library.import_file(path, progress=progress)
        except (ReaderappError, OSError) as exc:
            message = str(exc)  # a read error names the file already
            named = message if message.startswith(str(path)) else f"{path}: {message}"
            print(f"readerapp: error: {named}", file=sys.stderr)
            failed += 1
            continue
        _print_report(report, f"{path}: {report.counts('read')}")
    return 1 if failed else 0


def cmd_add(args: argparse.Namespace, library: Library) -> int:
    _print_report(library.add(args.ids))
    return 0


def cmd_list(args: argparse.Namespace, library: Library) -> int:
    papers = library.iter_list(state=args.state, tag=args.tag, starred=True if args.starred else None,
                               limit=args.limit, sort=args.sort)  # fmt: skip
    if args.json:
        print_json_array(p.summary_dict() for p in papers)
        return 0
    for p in papers:
        marks = ("*" if p.starred else " ") + p.state[0].upper()
        first = p.authors[0] if p.authors else ""
        tags = f"  [{', '.join(p.tags)}]" if p.tags else ""
        print(terminal_text(f"{marks} {p.id:<18} {p.title}  ({first}){tags}", lines=False))
    return 0


def cmd_show(args: argparse.Namespace, library: Library) -> int:
    paper = library.get(args.id)
    if args.json:
        print_json(paper.detail_dict())
        return 0
    star = "  starred" if paper.starred else ""
    lines = [
        terminal_text(paper.title, lines=False),
        terminal_text(", ".join(paper.authors), lines=False),
    ]
    if paper.reference_line:
        lines.append(terminal_text(paper.reference_line, lines=False))
    status = f"{paper.id}  {paper.state}{star}  tags: {', '.join(paper.tags)}"
    lines.append(terminal_text(status, lines=False))
    for label, url in (
        ("abs", paper.abs_url),
        ("url", paper.url),
        ("code", paper.code_url),
        ("project", paper.project_url),
    ):
        if url:
            lines.append(terminal_text(f"{label}: {url}", lines=False))
    lines += ["", terminal_text(paper.abstract)]
    for h in paper.highlights:
        lines.append(terminal_text(f"\n> {h.text}" + (f"\n  ({h.comment})" if h.comment else "")))
    if paper.note:
        lines.append(terminal_text("\nNote:\n" + paper.note))
    print("\n".join(lines))
    return 0


def cmd_state(args: argparse.Namespace, library: Library) -> int:
    *ids, state = args.args
    if not ids:
        raise ReaderappError(f"give paper ids before the state ({'|'.join(STATES)})")
    changes = library.set_state(ids, state)
    print(f"{len(changes.ids)} papers moved to {state}")
    return 0


def cmd_star(args: argparse.Namespace, library: Library) -> int:
    changes = library.star(args.ids, on=not args.off)
    print(f"{len(changes.ids)} papers {'unstarred' if args.off else 'starred'}")
    return 0


def cmd_tag(args: argparse.Namespace, library: Library) -> int:
    ids = [a for a in args.args if not a.startswith(("+", "-"))]
    add = [a[1:] for a in args.args if a.startswith("+")]
    remove = [a[1:] for a in args.args if a.startswith("-")]
    if not ids or not (add or remove):
        raise ReaderappError("usage: readerapp tag ID... +tag -tag")
    changes = library.tag(ids, add=add, remove=remove)
    print(f"{len(changes.ids)} papers retagged")
    return 0


def cmd_note(args: argparse.Namespace, library: Library) -> int:
    if args.edit:
        text = _edit(library.get(args.id).note)
    else:
        text = sys.stdin.read() if args.text == "-" else args.text
    library.set_note(args.id, text)
    return 0


def _edit(initial: str) -> str:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.NamedTemporaryFile("w+", suffix=".md", delete=False, encoding="utf-8") as fh:
        fh.write(initial)
    try:
        subprocess.run([*shlex.split(editor), fh.name], check=True)
        return Path(fh.name).read_text(encoding="utf-8")
    finally:
        os.unlink(fh.name)


def cmd_highlight(args: argparse.Namespace, library: Library) -> int:
    library.add_highlight(args.id, args.text, comment=args.comment, color=args.color)
    return 0


def cmd_doctor(args: argparse.Namespace, library: Library) -> int:
    report = library.doctor(repair=args.repair)
    for finding in report.findings:
        status = "repaired" if finding.repaired else "PROBLEM"
        print(f"{status}: {finding.check}: {finding.message}")
    for note in ([report.room] if report.room else []) + report.notes:
        print(f"note: {note}")
    if report.consistent:
        print("library is consistent")
    elif report.damaged:
        print("library database is damaged: restore a backup (readerapp backup --list)")
    else:
        print("library has problems (try --repair)")
    return 0 if report.consistent else 1


def cmd_sample(args: argparse.Namespace, library: Library) -> int:
    print(f"{len(library.remove_sample().ids)} sample papers removed")
    return 0
