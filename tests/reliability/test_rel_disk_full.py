"""A full disk, simulated with RLIMIT_FSIZE in a child process: a write fails with one clear line and
a non-zero exit, never a traceback, and the library is left exactly as it was."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from readerapp.api import DB_FILE, Library
from tests.e2e.cli_support import ROOT
from tests.reliability.support import checkpoint, synth

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


@pytest.mark.parametrize("command", ["import", "note"])
def test_a_write_past_the_size_limit_fails_cleanly(library: Path, tmp_path: Path, command: str) -> None:
    big = tmp_path / "big.json"
    gen = synth()
    gen.write_json_array(gen.generate_items(3000, seed=3), big)
    with Library.open(library) as lib:
        before = _state(lib)
        ids = lib.list_ids()
    limit = max(p.stat().st_size for p in library.iterdir() if p.is_file()) + 8192
    args = ["import", str(big)] if command == "import" else ["note", ids[0], "--text", "-"]
    long_note = "A note longer than the disk has room for. " * 50_000

    result = subprocess.run(
        [sys.executable, "-c", LIMITED, str(limit), "--library", str(library), *args],
        input=long_note,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("readerapp: error:"), result.stderr
    with Library.open(library) as lib:
        assert _state(lib) == before
        report = lib.doctor()
        assert report.consistent, report
