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


def test_rename_and_merge_report_the_saved_searches_that_follow(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    with Library.open(folder) as lib:
        lib.import_file(SAMPLE_FEED)
        a, b = lib.list_ids()[:2]
        lib.tag([a], add=["rl"])
        lib.tag([b], add=["RLHF"])
        lib.save_search("Agents", "tag:rl abstract:agent")
        lib.save_search("Feedback", "tag:rlhf OR tag:rl")
        lib.save_search("Prose", '"tag:rl"')

    renamed = run_cli(folder, "tags", "rename", "rl", "reinforcement learning").stdout
    assert renamed.strip() == (
        "renamed tag 'rl' to 'reinforcement learning' on 1 paper; saved searches 'Agents', 'Feedback' updated"
    )
    merged = run_cli(folder, "tags", "merge", "RLHF", "reinforcement learning").stdout
    assert merged.strip() == (
        "merged 'RLHF' into 'reinforcement learning': 1 paper moved; saved search 'Feedback' updated"
    )
    listed = {c["name"]: c["query"] for c in cli_json(folder, "collection", "list", "--json")}
    assert listed == {
        "Agents": 'tag:"reinforcement learning" abstract:agent',
        "Feedback": 'tag:"reinforcement learning" OR tag:"reinforcement learning"',
        "Prose": '"tag:rl"',
    }
    shown = cli_json(folder, "collection", "show", "Feedback", "--json")
    assert {paper["id"] for paper in shown} == {a, b}, "the saved search still finds its papers"
