"""What the reliability tests share: how long the soak runs last, the CLI in a subprocess, a big
generated feed, and damaging a database file on purpose.

``READERAPP_SOAK_SECONDS`` (``make soak`` sets it) is read when the module is imported, before the
suite's autouse fixture clears every ``READERAPP_*`` variable.
"""

from __future__ import annotations

import errno
import importlib.util
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from types import ModuleType

import pytest

from tests.e2e.cli_support import ROOT

SOAK_SECONDS = float(os.environ.get("READERAPP_SOAK_SECONDS", "0") or 0)
soak = pytest.mark.skipif(SOAK_SECONDS <= 0, reason="a soak run: make soak (READERAPP_SOAK_SECONDS)")


def durations(short: float) -> list[object]:
    """Parameters for a timed test: ``short`` in every run, the soak length only under ``make soak``."""
    return [short, pytest.param(SOAK_SECONDS, marks=[pytest.mark.soak, soak], id="soak")]


def cli_command(library: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "readerapp", "--library", str(library), *args]


def cli_env(**settings: str) -> dict[str, str]:
    """The test's environment (the conftest already pointed every endpoint at loopback) plus settings."""
    env = dict(os.environ)
    env.update({f"READERAPP_{key.upper()}": value for key, value in settings.items()})
    return env


def run(
    cmd: list[str], env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout)


def synth() -> ModuleType:
    """The benchmark's synthetic Daily Papers generator (deterministic for a seed)."""
    spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def checkpoint(db_path: Path) -> None:
    """Move every committed page from the WAL into the database file, so damage to the file sticks."""
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def overwrite_pages(db_path: Path, first_page: int, pages: int, fill: bytes = b"\xa5") -> None:
    """Scribble over ``pages`` pages of the file from ``first_page`` (0 is the header page)."""
    page_size = 4096
    with db_path.open("r+b") as fh:
        fh.seek(first_page * page_size)
        fh.write(fill * (page_size * pages))


def middle_page(db_path: Path) -> int:
    return db_path.stat().st_size // 4096 // 2


def page_of(db_path: Path, name: str) -> int:
    """The root page of table or index ``name``, counted as ``overwrite_pages`` counts (from 0): damage
    there is met by what reads it, and by an integrity check, not by anything else."""
    with closing(sqlite3.connect(db_path)) as db:
        (root,) = db.execute("SELECT rootpage FROM sqlite_schema WHERE name = ?", (name,)).fetchone()
    return int(root) - 1


@contextmanager
def small_disk(folder: Path, size: str = "4m") -> Iterator[Path]:
    """A real file system of ``size`` mounted at ``folder`` (tmpfs), for as long as the block runs;
    the test is skipped, saying why, where mounting is not permitted (not root, a container without
    the capability): the RLIMIT_FSIZE tests cover a full disk there."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        why = mounted.stderr.strip() or f"mount exited {mounted.returncode}"
        pytest.skip(f"cannot mount a {size} tmpfs to fill ({why}); the RLIMIT_FSIZE tests still run")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill_disk(folder: Path, leave: int = 0) -> Path:
    """Write a file into ``folder`` until its file system is full (a short write takes the last bytes),
    then give ``leave`` bytes back."""
    filler = folder / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC, exc
    finally:
        os.close(fd)
    if leave:
        os.truncate(filler, filler.stat().st_size - leave)
    return filler
