"""The ``readerapp`` command: the app by default, subcommands for everything the core does.

Each module in this package registers its subcommands; a handler gets the parsed arguments and an
open Library and returns the exit code. Errors print one clear line (a traceback only with --debug).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from readerapp import __version__
from readerapp.cli import backup_cmds, export_cmds, library_cmds, pdf_cmds, search_cmds, tag_cmds
from readerapp.config import LIBRARY_ENV, SETTINGS
from readerapp.errors import ReaderappError

REGISTRARS: tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], ...] = (
    library_cmds.register,
    export_cmds.register,
    pdf_cmds.register,
    search_cmds.register,
    backup_cmds.register,
    tag_cmds.register,
)
_ENDPOINTS = ("hf_url", "arxiv_api_url", "arxiv_rss_url", "pdf_url", "database_url", "user")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="readerapp", description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--version", action="version", version=f"readerapp {__version__}")
    parser.add_argument("--library", metavar="DIR", help=f"library folder (also ${LIBRARY_ENV})")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    for setting in SETTINGS:
        if setting.key in _ENDPOINTS:
            parser.add_argument(
                "--" + setting.key.replace("_", "-"),
                dest=setting.key,
                metavar="VALUE",
                help=f"{setting.doc} (also ${setting.env})",
            )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in REGISTRARS:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "gui"])
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("readerapp: interrupted", file=sys.stderr)
        return 130
    except (ReaderappError, OSError, ValueError) as exc:
        if args.debug:
            raise
        print(f"readerapp: error: {exc}", file=sys.stderr)
        return 1
