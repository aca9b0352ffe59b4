"""The CLI behaves as a Unix tool: a closed pipe ends it quietly, errors name a file once, and --help
reads as plain text."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from readerapp.cli import build_parser
from tests.e2e.cli_support import ROOT, run_cli

SAMPLE = ROOT / "resources" / "sample_feed.json"


def test_a_closed_stdout_ends_the_command_quietly(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    run_cli(folder, "import", str(SAMPLE))
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line, as after ``| head -1`` has read its own
    try:
        result = subprocess.run([sys.executable, "-m", "readerapp", "--library", str(folder), "list"],
                                stdout=write_end, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=120)
    finally:
        os.close(write_end)
    assert result.returncode in (0, 141)
    assert result.stderr == ""


def test_an_import_error_names_the_file_once(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{bad")
    result = run_cli(tmp_path / "lib", "import", str(bad), check=False)
    assert result.returncode == 1
    assert result.stderr.count("bad.json") == 1, result.stderr
    assert result.stderr.startswith(f"readerapp: error: {bad}: ") and "not valid JSON" in result.stderr


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                found += _parsers(sub)
    return found


def test_help_is_plain_text_without_rest_literals() -> None:
    parsers = _parsers(build_parser())
    assert len(parsers) > 10
    for parser in parsers:
        text = parser.format_help()
        assert "``" not in text, f"{parser.prog}: {text}"
    main = " ".join(parsers[0].format_help().split())
    assert "The readerapp command: the app by default, subcommands for everything the core does." in main
