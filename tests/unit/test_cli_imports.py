"""A CLI that answers at once: building the parser (``--help``) imports nothing heavy, and the commands
that only read or change rows go the light path (``readerapp.quick``), importing none of SQLAlchemy, Whoosh,
numpy or httpx (benchmarks/cli_bench.py times them)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from readerapp.api import Library
from readerapp.cli import QUICK_COMMANDS, build_parser

ROOT = Path(__file__).resolve().parents[2]
HEAVY = {"sqlalchemy", "whoosh", "numpy", "httpx", "pymupdf", "fitz", "PySide6", "markdown", "bibtexparser"}
PROBE = """
import json, sys
from readerapp.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})), file=sys.stderr)
"""


def _imported(*argv: str) -> set[str]:
    """The top-level packages a fresh interpreter has imported after running ``readerapp ARGV``."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_imports_nothing_heavy() -> None:
    assert _imported("--help") & HEAVY == set()
    assert _imported("search", "--help") & HEAVY == set()


@pytest.mark.parametrize(
    "command",
    [
        ["show", "2303.11156"],
        ["state", "2303.11156", "reading"],
        ["tag", "2303.11156", "+later"],
        ["list", "--limit", "3"],
    ],
)
def test_row_commands_import_nothing_heavy(command: list[str], tmp_path: Path, sample_feed: Path) -> None:
    with Library.open(tmp_path / "lib") as library:
        library.import_file(sample_feed)
    assert _imported("--library", str(tmp_path / "lib"), *command) & HEAVY == set()


def test_search_imports_neither_sqlalchemy_nor_httpx(tmp_path: Path, sample_feed: Path) -> None:
    """A search needs Whoosh and numpy, not the store: it reads the change log with sqlite3. Nor does it
    need what Whoosh imports and never uses for a search (``index.lean_import``)."""
    with Library.open(tmp_path / "lib") as library:
        library.import_file(sample_feed)
        library.search("model")  # builds the index (the first search of a library is the Library's)
    imported = _imported("--library", str(tmp_path / "lib"), "search", "diffusion", "--json")
    assert "whoosh" in imported and imported & {"sqlalchemy", "httpx", "PySide6"} == set()
    assert imported & {"asyncio", "ssl", "http", "email"} == set()


def test_whoosh_imported_lean_leaves_the_real_modules_to_later_imports() -> None:
    probe = (
        "from readerapp.index.lean_import import import_whoosh\n"
        "import_whoosh()\n"
        "import whoosh.reading, urllib.request, cached_property\n"
        "assert urllib.request.urlopen and cached_property.__file__\n"
        "assert whoosh.compat.urlretrieve.__module__ == 'readerapp.index.lean_import'\n"
    )
    subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=True, timeout=120)


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


@pytest.mark.parametrize("command", sorted(QUICK_COMMANDS))
def test_a_quick_command_parses_as_in_the_whole_parser(command: str) -> None:
    """A quick command's parser comes from its module alone, and is the one the whole parser has."""
    alone = _subcommands(build_parser(command))
    assert command in alone
    assert alone[command].format_help() == _subcommands(build_parser())[command].format_help()


def test_the_choice_names_are_the_ones_the_core_implements() -> None:
    from readerapp import choices
    from readerapp.store.queries import SORTS

    assert tuple(SORTS) == choices.LIST_SORTS
