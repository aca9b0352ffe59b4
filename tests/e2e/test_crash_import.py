"""SIGKILL in the middle of a 20,000-paper import leaves a library that opens and passes doctor, and
a re-import completes it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from readerapp import Library
from tests.e2e.cli_support import ROOT, run_cli
from tests.reliability.support import synth as load_synth

N = 20_000


def test_sigkill_mid_import_then_reimport(tmp_path: Path) -> None:
    synth = load_synth()
    feed = tmp_path / "big.json"
    synth.write_json_array(synth.generate_items(N, seed=7), feed)
    library = tmp_path / "lib"
    run_cli(library, "doctor")  # create it
    wal = library / "library.sqlite3-wal"
    start_size = wal.stat().st_size if wal.exists() else 0

    proc = subprocess.Popen(
        [sys.executable, "-m", "readerapp", "--library", str(library), "import", str(feed)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # Wait for the merge to be writing (the WAL grows), then kill it without warning.
        while proc.poll() is None and not (wal.exists() and wal.stat().st_size > start_size + 2_000_000):
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.01)
        assert proc.poll() is None, "the import finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL

    assert run_cli(library, "doctor").returncode == 0
    assert paper_count(library) in (0, N)  # all or nothing: one transaction
    run_cli(library, "import", str(feed), timeout=300)
    assert run_cli(library, "doctor").returncode == 0
    assert paper_count(library) == N


def paper_count(library: Path) -> int:
    with Library.open(library) as lib:
        return lib.counts()["all"]
