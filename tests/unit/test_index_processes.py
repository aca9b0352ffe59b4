"""Several processes on one library's index: the app beside the CLI or a script is the everyday case.

Searches never fail on another process's write lock (they serve the newest committed index), changes
made by one process reach the others' searches, and building the index never waits forever on worker
processes that could not start (a script read from standard input) or that died.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from index_support import FIXTURE_DAY
from whoosh.util.filelock import FcntlLock

from readerapp.api import Library
from readerapp.errors import LibraryError
from readerapp.index import writer
from readerapp.index.search_index import WRITE_LOCK, SearchIndex
from readerapp.indexing.source import LibraryDocuments

ROOT = Path(__file__).resolve().parents[2]
DETECTED = "2303.11156"


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(tmp_path / "lib")
    lib.import_file(FIXTURE_DAY)
    lib.search("detected")  # the index is built
    yield lib
    lib.close()


def _python(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """A new interpreter on this checkout's code; a hang fails the test (timeout), not the whole run."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_searches_beside_another_process_that_tags_and_searches_never_fail(library: Library) -> None:
    tagger = textwrap.dedent(
        """
        import sys
        from readerapp.api import Library
        lib = Library.open(sys.argv[1])
        ids = [p.id for p in lib.list()]
        for n in range(60):
            lib.tag([ids[n % len(ids)]], add=[f"round{n % 5}"])
            lib.search("language model")
        lib.tag([sys.argv[2]], add=["last-of-the-other"])
        lib.close()
        """
    )
    other = subprocess.Popen(
        [sys.executable, "-c", tagger, str(library.path), DETECTED],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stderr=subprocess.PIPE,
        text=True,
    )
    searches = 0
    while other.poll() is None or searches < 20:  # raises on any LockError
        library.search("model")
        searches += 1
    _, errors = other.communicate(timeout=120)
    assert other.returncode == 0, errors
    assert [h.id for h in library.search("tag:last-of-the-other")] == [DETECTED]


def test_a_search_serves_the_committed_index_while_another_process_holds_the_write_lock(
    library: Library,
) -> None:
    # Whoosh's lock file (MAIN is its index name), locked with flock through a second open file:
    # held against this process's writers exactly as another process's lock is.
    held = FcntlLock(str(library.path / "index" / f"MAIN_{WRITE_LOCK}"))
    assert held.acquire()
    try:
        tagged = _python("-m", "readerapp", "--library", str(library.path), "tag", DETECTED, "+while-locked")
        assert tagged.returncode == 0, tagged.stderr
        assert [h.id for h in library.search("reliably detected")][:1] == [DETECTED]  # no LockError
        assert library.search("tag:while-locked") == []  # not caught up: the lock holder would do it
        assert library.keeper.behind
    finally:
        held.release()
    assert [h.id for h in library.search("tag:while-locked")] == [DETECTED]
    assert not library.keeper.behind


def test_a_search_sees_what_another_process_committed(library: Library) -> None:
    script = textwrap.dedent(
        """
        import sys
        from readerapp.api import Library
        with Library.open(sys.argv[1]) as lib:
            lib.tag([sys.argv[2]], add=["from-elsewhere"])
            assert [h.id for h in lib.search("tag:from-elsewhere")] == [sys.argv[2]]
        """
    )
    assert library.search("tag:from-elsewhere") == []
    done = _python("-c", script, str(library.path), DETECTED)
    assert done.returncode == 0, done.stderr
    # The other process caught the index up; this one's open searcher must not keep serving the old one.
    assert [h.id for h in library.keeper.index().search("tag:from-elsewhere")] == [DETECTED]


def test_a_script_read_from_standard_input_builds_the_index(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as lib:
        lib.import_file(FIXTURE_DAY)  # no search yet: the script's first search builds the index
    script = textwrap.dedent(
        f"""
        from readerapp.api import Library
        from readerapp.index import writer
        writer.PARALLEL_FROM = 10  # as a big library would: build processes for the 43 papers
        with Library.open({str(tmp_path / "lib")!r}) as lib:
            print([h.id for h in lib.search("reliably detected")][0])
        """
    )
    done = _python("-", stdin=script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == DETECTED


def test_a_build_worker_that_dies_is_an_error_at_once(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer, "PARALLEL_FROM", 10)
    folder = tmp_path / "fresh"
    SearchIndex.create(folder)

    def kill_workers(_done: int) -> None:
        for child in multiprocessing.active_children():
            os.kill(child.pid, signal.SIGKILL)

    docs = LibraryDocuments(library.db, library.user_id).documents()
    with pytest.raises(LibraryError, match="worker process exited"):
        writer.bulk_build(folder, docs, kill_workers, procs=2)
