"""A full disk: a write fails with one line that says "disk full", names the path and the space left and
never speaks of damage, exits non-zero without a traceback, and leaves the library exactly as it was;
a download or an export that found no room leaves no partial file behind.

Two ways to run out of room: a real 4 MB tmpfs that the test fills (skipped where mounting is not
permitted), and RLIMIT_FSIZE in a child process (runs everywhere; EFBIG, "file too large for the
quota", is the same truth for the user)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from readerapp.api import DB_FILE, Library
from tests.e2e.cli_support import ROOT
from tests.reliability.support import checkpoint, cli_command, cli_env, fill_disk, run, small_disk, synth

# The child ignores SIGXFSZ (so a write past the limit fails with EFBIG instead of killing it), caps
# the size of every file it writes, then runs the real command.
LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from readerapp.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _state(lib: Library) -> tuple[dict[str, int], dict[str, int], list[tuple[str, str, list[str], bool]]]:
    papers = [(p.id, p.state, p.tags, p.has_note) for p in lib.list()]
    return lib.counts(), lib.tag_counts(), papers


@pytest.fixture
def library(tmp_path: Path, sample_feed: Path) -> Path:
    path = tmp_path / "lib"
    with Library.open(path) as lib:
        lib.import_file(sample_feed)
        ids = lib.list_ids()
        lib.tag(ids[:5], add=["kept"])
        lib.set_state(ids[5:10], "reading")
        lib.backup_if_due()  # today's backup exists, so the limited run does not try one
    checkpoint(path / DB_FILE)
    return path


def _limited(library: Path, limit: int, *args: str, stdin: str = "", env: dict[str, str] | None = None
             ) -> subprocess.CompletedProcess[str]:
    """``readerapp --library LIBRARY ARGS`` in a child that may write no file past ``limit`` bytes."""
    return subprocess.run(
        [sys.executable, "-c", LIMITED, str(limit), "--library", str(library), *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip


def _one_disk_full_line(result: subprocess.CompletedProcess[str], path: Path) -> str:
    """The run failed with exactly one error line, saying disk full at ``path`` and the room left."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1, result.stderr
    line = errors[0]
    assert line.startswith("readerapp: error:") and "disk full: cannot write" in line, line
    assert str(path) in line and " free there)" in line, line
    assert "damage" not in line and "restore" not in line and "backup" not in line, line
    return line


def _pdf_server(httpserver: HTTPServer, size: int) -> str:
    """Every PDF URL answers with a ``size``-byte body that starts like a PDF."""
    body = b"%PDF-1.7\n" + b"0" * (size - 9)
    httpserver.expect_request(re.compile(r"/pdf/.*")).respond_with_data(body, content_type="application/pdf")
    return httpserver.url_for("/pdf/{id}").replace("%7B", "{").replace("%7D", "}")


@pytest.mark.parametrize("command", ["import", "note", "tag"])
def test_a_write_past_the_size_limit_fails_cleanly(library: Path, tmp_path: Path, command: str) -> None:
    big = tmp_path / "big.json"
    gen = synth()
    gen.write_json_array(gen.generate_items(3000, seed=3), big)
    with Library.open(library) as lib:
        before = _state(lib)
        ids = lib.list_ids()
    limit = max(p.stat().st_size for p in library.iterdir() if p.is_file()) + 8192
    long_tags = [f"+quota-{n}-" + "x" * 20_000 for n in range(20)]  # more than the limit leaves
    args = {
        "import": ["import", str(big)],
        "note": ["note", ids[0], "--text", "-"],
        "tag": ["tag", ids[0], *long_tags],
    }[command]
    long_note = "A note longer than the disk has room for. " * 50_000

    result = _limited(library, limit, *args, stdin=long_note)

    line = _one_disk_full_line(result, library / DB_FILE)
    assert "(the file size limit is reached; " in line
    with Library.open(library) as lib:
        assert _state(lib) == before
        report = lib.doctor()
        assert report.consistent, report


def test_an_export_past_the_size_limit_leaves_no_temporary_file(library: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "papers.bib"

    result = _limited(library, 40_000, "export", "--all", "-f", "bibtex", "-o", str(target))  # ~100 kB

    _one_disk_full_line(result, target)
    assert list(out.iterdir()) == []


def test_a_search_index_build_past_the_size_limit_says_disk_full(library: Path) -> None:
    result = _limited(library, 40_000, "search", "model")  # the index of 43 papers is bigger

    _one_disk_full_line(result, library)


def test_a_download_past_the_size_limit_removes_its_part(library: Path, httpserver: HTTPServer) -> None:
    pdf_url = _pdf_server(httpserver, 2**20)
    limit = max(p.stat().st_size for p in library.iterdir() if p.is_file()) + 8192
    with Library.open(library) as lib:
        ident = lib.list_ids()[0]

    result = _limited(library, limit, "pdf", "fetch", ident, env=cli_env(pdf_url=pdf_url))

    part = library / "pdfs" / f"{ident}.part"
    assert _one_disk_full_line(result, part).startswith(f"readerapp: error: {ident}: disk full")
    assert not part.exists()
    with Library.open(library) as lib:
        assert lib.doctor().consistent


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    with small_disk(tmp_path / "disk") as folder:
        yield folder


@pytest.fixture
def library_on_disk(disk: Path, sample_feed: Path) -> Path:
    path = disk / "lib"
    with Library.open(path) as lib:
        lib.import_file(sample_feed)
        lib.backup_if_due()
    return path


def test_tag_on_a_full_disk_says_disk_full_not_damage(library_on_disk: Path, disk: Path) -> None:
    with Library.open(library_on_disk) as lib:
        before = _state(lib)
        ident = lib.list_ids()[0]
    filler = fill_disk(disk)

    result = run(cli_command(library_on_disk, "tag", ident, "+full"))

    line = _one_disk_full_line(result, library_on_disk / DB_FILE)
    assert "(no space left on the disk; 0 bytes free there)" in line
    filler.unlink()
    with Library.open(library_on_disk) as lib:
        assert _state(lib) == before
        assert lib.doctor().consistent


def test_an_export_that_fills_the_disk_leaves_no_temporary_file(library: Path, disk: Path) -> None:
    filler = fill_disk(disk, leave=8192)
    target = disk / "papers.bib"

    result = run(cli_command(library, "export", "--all", "-f", "bibtex", "-o", str(target)))

    _one_disk_full_line(result, target)
    assert sorted(p.name for p in disk.iterdir()) == [filler.name], "no temporary file, no export"


def test_a_download_that_fills_the_disk_removes_its_part(
    library_on_disk: Path, disk: Path, httpserver: HTTPServer
) -> None:
    pdf_url = _pdf_server(httpserver, 8 * 2**20)  # twice the whole disk
    with Library.open(library_on_disk) as lib:
        ident = lib.list_ids()[0]

    result = run(cli_command(library_on_disk, "pdf", "fetch", ident), env=cli_env(pdf_url=pdf_url))

    part = library_on_disk / "pdfs" / f"{ident}.part"
    line = _one_disk_full_line(result, part)
    assert line.startswith(f"readerapp: error: {ident}: disk full"), line
    assert not part.exists(), "a part that filled the disk is gone, so the disk has room again"
    with Library.open(library_on_disk) as lib:
        report = lib.doctor()
        assert report.consistent, report
        assert report.room.endswith(f"free on the disk of {library_on_disk}")
        lib.tag([ident], add=["room-again"])  # every later write works
