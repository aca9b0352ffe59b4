"""``readerapp tags`` as a user runs it: list, rename, merge, and the one-line errors."""

from __future__ import annotations

from pathlib import Path

from readerapp import Library
from tests.conftest import SAMPLE_FEED
from tests.e2e.cli_support import cli_json, run_cli


def test_tags_list_rename_merge_and_errors(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    with Library.open(folder) as lib:
        lib.import_file(SAMPLE_FEED)
        a, b, c = lib.list_ids()[:3]
        lib.tag([a, b], add=["llm"])
        lib.tag([c], add=["<b>agents</b>"])

    assert run_cli(folder, "tags").stdout.splitlines() == ["1  <b>agents</b>", "2  llm"]
    renamed = run_cli(folder, "tags", "rename", "llm", "LLMs").stdout
    assert "renamed tag 'llm' to 'LLMs' on 2 papers" in renamed
    merged = run_cli(folder, "tags", "merge", "<b>agents</b>", "LLMs").stdout
    assert "merged '<b>agents</b>' into 'LLMs': 1 paper moved" in merged
    assert cli_json(folder, "tags", "--json") == [{"name": "LLMs", "papers": 3}]

    missing = run_cli(folder, "tags", "rename", "nope", "x", check=False)
    assert missing.returncode == 1 and missing.stderr.strip() == "readerapp: error: no tag called 'nope'"
    short = run_cli(folder, "tags", "merge", "LLMs", check=False)
    assert short.returncode == 1 and "FROM... INTO" in short.stderr
    with Library.open(folder) as lib:
        assert {p.id for p in lib.list(tag="llms")} == {a, b, c}
