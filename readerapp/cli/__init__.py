"""The readerapp command: the app by default, subcommands for everything the core does.

Each module in this package registers its subcommands; a handler gets the parsed arguments and an
open Library and returns the exit code. Errors print one clear line (a traceback only with --debug).
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from readerapp import __version__
from readerapp.config import CLI_SETTINGS, LIBRARY_ENV, SETTINGS, cli_overrides, resolve_library_dir
from readerapp.disk import as_disk_full
from readerapp.errors import ReaderappError

if TYPE_CHECKING:
    Registrar = Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]

SIGPIPE_EXIT = 141  # what a shell reports for a tool whose reader closed the pipe (128 + SIGPIPE)
# The commands a user runs most and waits on (``readerapp.quick`` serves them), by the module that registers
# them: that module alone builds their parser, so they import none of the others (a test checks this map).
QUICK_COMMANDS = {
    "show": "library_cmds",
    "list": "library_cmds",
    "state": "library_cmds",
    "tag": "library_cmds",
    "search": "search_cmds",
}
_LITERAL_RE = re.compile(r"``(.+?)``", re.S)


def plain_help(text: str) -> str:
    """Docstring text for a terminal: reST literals lose their double backticks."""
    return _LITERAL_RE.sub(r"\1", text)


def registrars(command: str | None = None) -> tuple[Registrar, ...]:
    """The subcommand modules (only the one of ``command`` when it is quick), imported only when a
    subcommand is parsed, which the app's window must not wait for (see ``main``)."""
    if command in QUICK_COMMANDS:
        return (importlib.import_module(f"readerapp.cli.{QUICK_COMMANDS[command]}").register,)
    from readerapp.cli import backup_cmds, export_cmds, library_cmds, pdf_cmds, search_cmds, tag_cmds

    return (library_cmds.register, export_cmds.register, pdf_cmds.register, search_cmds.register,
            backup_cmds.register, tag_cmds.register)  # fmt: skip


def global_parser(*, add_help: bool = True) -> argparse.ArgumentParser:
    """The global options; ``build_parser`` adds every subcommand to them."""
    summary = (__doc__ or "").split("\n\n")[0].replace("\n", " ")  # the docstring's first paragraph
    parser = argparse.ArgumentParser(prog="readerapp", description=summary, add_help=add_help)
    parser.add_argument("--version", action="version", version=f"readerapp {__version__}")
    parser.add_argument("--library", metavar="DIR", help=f"library folder (also ${LIBRARY_ENV})")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    for setting in SETTINGS:
        if setting.key in CLI_SETTINGS:
            parser.add_argument(
                "--" + setting.key.replace("_", "-"),
                dest=setting.key,
                metavar="VALUE",
                help=f"{setting.doc} (also ${setting.env})",
            )
    return parser


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand, or of ``command``'s module alone when it is a quick one (its
    arguments parse alike either way: a subcommand's parser is its own)."""
    parser = global_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in registrars(command):
        register(sub)
    return parser


def split_globals(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    """The global options in ``argv``, and the rest (the command and its arguments first)."""
    return global_parser(add_help=False).parse_known_args(argv)


def gui_settings(argv: Sequence[str]) -> dict[str, Any] | None:
    """The app's library and settings when ``argv`` asks for the app (nothing but global options,
    perhaps then ``gui``); None for anything else, which the full parser handles."""
    known, rest = split_globals(argv)
    if rest not in ([], ["gui"]):
        return None
    return app_settings(known)


def app_settings(options: argparse.Namespace) -> dict[str, Any]:
    """``ui.app.run``'s arguments from parsed global options."""
    settings = cli_overrides(options)
    return {"library_path": options.library, **settings} if options.library else settings


def main(argv: Sequence[str] | None = None) -> int:
    words = list(argv if argv is not None else sys.argv[1:])
    gui = gui_settings(words)
    if gui is not None:  # the app: its window paints before the store is even imported
        from readerapp.ui.app import run

        return run(**gui)
    rest = split_globals(words)[1]  # (no command at all went to the app above)
    args = build_parser(rest[0]).parse_args(words)
    try:
        return int(args.handler(args))
    except BrokenPipeError:
        # The reader of our output has gone (``readerapp list | head -1``): end quietly, as a Unix tool
        # does. Point stdout at /dev/null so the interpreter's final flush does not complain again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return SIGPIPE_EXIT
    except KeyboardInterrupt:
        print("readerapp: interrupted", file=sys.stderr)
        return 130
    except (ReaderappError, OSError, ValueError) as exc:
        if args.debug:
            raise
        print(f"readerapp: error: {as_disk_full(exc, resolve_library_dir(args.library))}", file=sys.stderr)
        return 1
