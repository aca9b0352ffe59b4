"""A rebuild of a good index killed before its swap leaves ``index.rebuild/`` (as big as the index) or
``index.old/`` beside ``index/``: ``doctor`` says so with its size, ``--repair`` removes it, and so does
the next opening of the index, but never while a build (which owns those folders) runs anywhere."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from index_support import FIXTURE_DAY

from readerapp.api import Library
from readerapp.index.build_lock import BuildLock
from readerapp.index.keeper import IndexKeeper
from readerapp.indexing.source import LibraryDocuments

ROOT = Path(__file__).resolve().parents[2]
HELD_REBUILD = """
import sys, threading
from pathlib import Path
from readerapp.api import Library

def hold(what, done, total):
    if what == "indexing":  # the new index is being written into index.rebuild/
        print("staging", flush=True)
        threading.Event().wait()

Library.open(Path(sys.argv[1])).reindex(progress=hold)
"""


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "lib") as lib:
        lib.import_file(FIXTURE_DAY)
        lib.reindex()
        yield lib


def _killed_rebuild(library: Path) -> None:
    """``reindex`` in another process, SIGKILLed once it is writing the staging folder."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HELD_REBUILD, str(library)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "staging\n", proc.stderr.read() if proc.stderr else ""
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL


def test_a_killed_rebuild_is_reported_with_its_size_and_repair_removes_it(library: Library) -> None:
    _killed_rebuild(library.path)
    staging = library.path / "index.rebuild"
    assert staging.is_dir()
    size = sum(p.stat().st_size for p in staging.rglob("*") if p.is_file())

    report = library.doctor()
    assert report.consistent, report.findings  # the index itself is the good one from before
    kilobytes = max(1, round(size / 1e3))
    assert report.notes == [
        f"index.rebuild ({kilobytes} kB) is left by a search index rebuild that was killed: "
        "doctor --repair removes it"
    ]
    assert staging.is_dir(), "a check changes nothing"

    repaired = library.doctor(repair=True)
    assert repaired.notes == [
        f"removed index.rebuild ({kilobytes} kB), left by a search index rebuild that was killed"
    ]
    assert not staging.exists() and library.doctor().notes == []
    assert library.search("lottery")


def test_opening_the_index_clears_what_a_killed_rebuild_left(library: Library) -> None:
    _killed_rebuild(library.path)
    moved_aside = library.path / "index.old"
    shutil.copytree(library.path / "index", moved_aside)  # killed between its two renames
    keeper = IndexKeeper(library.path / "index", LibraryDocuments(library.db, library.user_id))
    try:
        keeper.catch_up()  # what the app's start-up warm-up does
        assert not (library.path / "index.rebuild").exists() and not moved_aside.exists()
        assert keeper.check().consistent
    finally:
        keeper.close()


def test_nothing_is_touched_or_reported_while_a_build_runs(library: Library) -> None:
    """Another process building (its lock held on another open file) owns ``index.rebuild/``."""
    staging = library.path / "index.rebuild"
    shutil.copytree(library.path / "index", staging)
    keeper = IndexKeeper(library.path / "index", LibraryDocuments(library.db, library.user_id))
    try:
        with BuildLock(library.path / "index").building():
            assert keeper.check().leftovers == {}
            keeper.index()
            report = library.doctor(repair=True)
            assert report.notes == ["the search index is being built"]
            assert staging.is_dir()
        assert list(keeper.check().leftovers) == ["index.rebuild"]
    finally:
        keeper.close()


def test_a_rebuild_on_another_thread_keeps_its_staging_folder(library: Library) -> None:
    """This process's own build counts too: another keeper opening the index leaves its folder alone."""
    reached, go_on = threading.Event(), threading.Event()

    def hold(what: str, _done: int, _total: int | None) -> None:
        if what == "indexing":
            reached.set()
            go_on.wait(timeout=60)

    builder = threading.Thread(target=library.reindex, kwargs={"progress": hold})
    builder.start()
    other = IndexKeeper(library.path / "index", LibraryDocuments(library.db, library.user_id))
    try:
        assert reached.wait(timeout=60)
        other.index()
        assert (library.path / "index.rebuild").is_dir()
    finally:
        go_on.set()
        builder.join()
        other.close()
    assert not (library.path / "index.rebuild").exists()
