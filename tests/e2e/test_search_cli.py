"""search, similar and reindex as a user runs them, and doctor catching index drift (but not taking an
index that another process is building for a damaged one)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.cli_support import ROOT, cli_json, run_cli

SAMPLE = ROOT / "resources" / "sample_feed.json"
DETECTED = "2303.11156"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("search-cli") / "lib"
    run_cli(folder, "import", str(SAMPLE))
    return folder


def test_search_json_has_hit_and_list_keys(library: Path) -> None:
    hits = cli_json(library, "search", "detector", "--json")
    assert [h["id"] for h in hits] == [DETECTED]
    hit = hits[0]
    assert {"id", "title", "score", "snippet", "authors", "state", "starred", "tags"} <= set(hit)
    assert "[[detectors]]" in hit["snippet"] and hit["score"] > 0


def test_search_text_limit_and_sort(library: Path) -> None:
    out = run_cli(library, "search", "diffusion", "models", "--limit", "2", "--sort", "upvotes").stdout
    lines = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert len(lines) == 2
    hits = cli_json(library, "search", "diffusion models", "--sort", "upvotes", "--json")
    votes = [h["upvotes"] for h in hits]
    assert votes == sorted(votes, reverse=True)


def test_a_change_through_the_cli_is_found_by_the_next_search(library: Path) -> None:
    run_cli(library, "star", DETECTED)
    run_cli(library, "tag", DETECTED, "+watermarks")
    assert [h["id"] for h in cli_json(library, "search", "is:starred tag:watermarks", "--json")] == [DETECTED]


def test_malformed_query_is_one_clear_line(library: Path) -> None:
    result = run_cli(library, "search", "(diffusion", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == "readerapp: error: unclosed parenthesis at position 1: add a closing )"


def test_search_help_documents_the_query_language() -> None:
    out = run_cli(Path("/nonexistent-unused"), "search", "--help").stdout
    forms = ("is:starred", "has:pdf", "year:2023", "date:2025-09-01..2025-09-30", "upvotes:>20", "diffus*")
    assert all(form in out for form in forms)


def test_similar(library: Path) -> None:
    hits = cli_json(library, "similar", "1803.03635", "--limit", "3", "--json")
    assert len(hits) == 3 and all(h["reasons"] for h in hits)
    assert "lottery" in hits[0]["title"].lower()
    missing = run_cli(library, "similar", "9999.99999", check=False)
    assert missing.returncode == 1 and "9999.99999" in missing.stderr


def test_reindex_and_doctor_repair_a_deleted_index(library: Path) -> None:
    assert "indexed 43 papers" in run_cli(library, "reindex").stdout
    shutil.rmtree(library / "index")
    (library / "index").mkdir()
    (library / "index" / "garbage.seg").write_bytes(b"junk")
    report = run_cli(library, "doctor", check=False)
    assert report.returncode == 1 and "index" in report.stdout
    assert run_cli(library, "doctor", "--repair").returncode == 0
    assert run_cli(library, "doctor").returncode == 0
    assert [h["id"] for h in cli_json(library, "search", "detector", "--json")] == [DETECTED]


# A reindex in another process that stops at its first progress report until a line comes on stdin.
HOLD_BUILD = """
import sys
from readerapp import Library

def hold(_what, _done, _total):
    print("indexing", flush=True)
    sys.stdin.readline()

with Library.open(sys.argv[1], sync_on_start="never") as library:
    library.reindex(progress=hold)
"""


@contextmanager
def held_build(folder: Path) -> Iterator[subprocess.Popen[str]]:
    """The library's first index build under way in another process, held half way (papers read and
    indexed, the new index not yet in place) until the test writes a line to it or kills it."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_BUILD, str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "indexing\n"
        yield child
    finally:
        child.kill()
        child.wait(timeout=60)


@pytest.fixture
def unindexed(tmp_path: Path) -> Path:
    folder = tmp_path / "lib"
    run_cli(folder, "import", str(SAMPLE))
    shutil.rmtree(folder / "index")  # the import built it: these tests need a library without one
    return folder


def _consistent(report: str, library: Path) -> bool:
    """``doctor``'s whole output for a consistent library: the note of the free space, then the verdict."""
    room, *rest = report.splitlines()
    return room.startswith("note: ") and room.endswith(f" free on the disk of {library}") and rest == [
        "library is consistent"
    ]


def test_doctor_during_a_build_in_another_process_notes_it(unindexed: Path) -> None:
    with held_build(unindexed) as child:
        for args in (("doctor",), ("doctor", "--repair")):
            report = run_cli(unindexed, *args)
            assert "note: the search index is being built (43 of 43 papers)" in report.stdout
            assert "PROBLEM" not in report.stdout and "library is consistent" in report.stdout
        child.communicate("go on\n", timeout=60)
        assert child.returncode == 0
    assert _consistent(run_cli(unindexed, "doctor").stdout, unindexed)
    assert [h["id"] for h in cli_json(unindexed, "search", "detector", "--json")] == [DETECTED]


def test_doctor_reports_a_build_killed_half_way_and_repair_rebuilds_it(unindexed: Path) -> None:
    with held_build(unindexed) as child:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
    report = run_cli(unindexed, "doctor", check=False)
    assert report.returncode == 1
    assert f"PROBLEM: index: search index in {unindexed / 'index'} is unfinished" in report.stdout
    assert "library has problems (try --repair)" in report.stdout
    assert run_cli(unindexed, "doctor", "--repair").returncode == 0
    assert _consistent(run_cli(unindexed, "doctor").stdout, unindexed)
    assert [h["id"] for h in cli_json(unindexed, "search", "detector", "--json")] == [DETECTED]
