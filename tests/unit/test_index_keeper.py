"""The keeper over a real library: catch-up from the change log, background writer, automatic
rebuild of a missing or damaged index, and drift (missing, extra, stale) found and repaired."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from index_support import FIXTURE_DAY, changed

from readerapp.api import Library
from readerapp.errors import Cancelled
from readerapp.index import keeper as keeper_module
from readerapp.index.build_lock import BuildLock
from readerapp.index.keeper import IndexDrift, IndexKeeper
from readerapp.index.search_index import SearchIndex
from readerapp.indexing.source import LibraryDocuments
from readerapp.store.models import Paper

DETECTED = "2303.11156"


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(tmp_path / "lib")
    lib.import_file(FIXTURE_DAY)
    yield lib
    lib.close()


@pytest.fixture
def keeper(library: Library) -> Iterator[IndexKeeper]:
    keeper = IndexKeeper(library.path / "index", LibraryDocuments(library.db, library.user_id))
    yield keeper
    keeper.close()


def test_first_use_builds_the_index_from_the_database(keeper: IndexKeeper) -> None:
    assert [h.id for h in keeper.search("reliably detected")][:1] == [DETECTED]
    assert keeper.index().doc_count() == 43
    assert keeper.check().consistent


def test_a_write_is_visible_to_the_next_search(keeper: IndexKeeper, library: Library) -> None:
    assert keeper.search("is:starred") == []
    library.star([DETECTED])
    library.tag([DETECTED], add=["watermarks"])
    library.set_note(DETECTED, "Read the spoofing section twice.")
    assert [h.id for h in keeper.search("is:starred tag:watermarks note:spoofing")] == [DETECTED]
    assert keeper.check().consistent


def test_background_writer_catches_up(keeper: IndexKeeper, library: Library) -> None:
    keeper.index()
    keeper.start()
    library.set_state([DETECTED], "done")
    watermark = keeper.index().watermark
    keeper.notify()
    deadline_ok = _wait(lambda: keeper.index().watermark > watermark)
    assert deadline_ok and keeper.last_error is None
    assert [h.id for h in keeper.index().search("state:done")] == [DETECTED]


def test_missing_index_is_rebuilt_automatically(keeper: IndexKeeper, library: Library) -> None:
    keeper.search("lottery")
    keeper.close()
    shutil.rmtree(library.path / "index")
    again = IndexKeeper(library.path / "index", LibraryDocuments(library.db, library.user_id))
    assert again.check().problem and "no search index" in (again.check().problem or "")
    assert again.search("lottery") and again.index().doc_count() == 43
    again.close()


def test_drift_is_found_and_repaired(keeper: IndexKeeper, library: Library) -> None:
    keeper.index()
    index = SearchIndex.open(library.path / "index")
    docs = {d["id"]: d for d in LibraryDocuments(library.db, library.user_id).documents()}
    # Behind the database's back: drop two papers, add a stranger, index one from an old revision.
    index.apply([], delete_ids=["1803.03635", "2202.09778"])
    index.apply([changed(docs[DETECTED], id="0000.00001")])
    stale = dict(docs["2104.08700"])
    stale["revision"] = 0
    index.apply([stale])  # type: ignore[list-item]
    drift = keeper.check()
    assert drift.missing == ["1803.03635", "2202.09778"]
    assert drift.extra == ["0000.00001"]
    assert drift.stale == ["2104.08700"]
    assert len(drift.messages()) == 3 and "missing" in drift.messages()[0]
    assert keeper.repair() == drift
    assert keeper.check().consistent


def test_papers_added_behind_the_index_are_found_by_check(keeper: IndexKeeper, library: Library) -> None:
    keeper.index()
    keeper.close()
    with library.db.session() as session:  # a paper written without logging it (an old client, a crash)
        title = "A paper the index never saw"
        session.add(Paper(arxiv_id="2501.00001", local_id="2501.00001", title=title, title_key="x"))
    fresh = IndexKeeper(library.path / "index", LibraryDocuments(library.db, library.user_id))
    assert fresh.check().missing == ["2501.00001"]
    fresh.repair()
    assert fresh.check().consistent and fresh.index().search("never saw")
    fresh.close()


def test_damaged_index_is_reported_and_rebuilt(keeper: IndexKeeper, library: Library) -> None:
    keeper.index()
    keeper.close()
    for part in (library.path / "index").glob("*.trm"):
        part.write_bytes(b"garbage")
    fresh = IndexKeeper(library.path / "index", LibraryDocuments(library.db, library.user_id))
    drift = fresh.check()
    assert drift.problem and "damaged" in drift.problem
    fresh.repair()
    assert fresh.check().consistent and fresh.search("lottery")
    fresh.close()


def test_a_build_on_another_thread_is_reported_as_under_way(keeper: IndexKeeper, library: Library) -> None:
    reached, go_on = threading.Event(), threading.Event()

    def hold(_what: str, _done: int, _total: int | None) -> None:
        reached.set()
        go_on.wait(timeout=60)

    builder = threading.Thread(target=keeper.rebuild, kwargs={"progress": hold})
    builder.start()
    try:
        assert reached.wait(timeout=60)
        other = IndexKeeper(library.path / "index", LibraryDocuments(library.db, library.user_id))
        drift = other.check()  # another keeper, as in another process: the folder is half written
        assert drift.consistent and drift.building == "the search index is being built (43 of 43 papers)"
        report = library.doctor()
        assert report.consistent and report.notes == [drift.building]
    finally:
        go_on.set()
        builder.join()
    assert keeper.check() == IndexDrift() and library.doctor().notes == []


def test_waiting_for_a_build_elsewhere_is_reported_and_can_be_cancelled(
    keeper: IndexKeeper, library: Library
) -> None:
    """A CLI reindex may take minutes: the app's warm-up, waiting for it, must still close at once."""
    said: list[str] = []

    def closing(what: str, _done: int, _total: int | None) -> None:
        said.append(what)
        raise Cancelled("the window closed")

    with BuildLock(library.path / "index").building():  # a build elsewhere (another open file: flock)
        with pytest.raises(Cancelled, match="the window closed"):
            keeper.rebuild(progress=closing)
        stop = threading.Event()
        stop.set()
        with pytest.raises(Cancelled, match="another process built the search index"):
            keeper.rebuild(cancel=stop)
    assert said == ["Waiting for another process to build the search index"]
    assert keeper.rebuild() == 43, "the lock is free again"


def test_a_cancelled_first_build_leaves_no_index_rather_than_an_unfinished_one(
    keeper: IndexKeeper, library: Library
) -> None:
    def cancel(_what: str, _done: int, _total: int | None) -> None:
        raise Cancelled("the window closed")

    with pytest.raises(Cancelled):
        keeper.index(progress=cancel)
    assert not (library.path / "index").exists() and keeper.check().absent
    report = library.doctor()
    assert report.consistent and report.notes == [
        "no search index yet: it is built from the library on the first search"
    ]
    assert keeper.search("lottery") and keeper.check().consistent


def _wait(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_a_flood_of_changes_is_a_rebuild(
    keeper: IndexKeeper, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    keeper.index()
    monkeypatch.setattr(keeper_module, "REBUILD_ABOVE", 3)
    rebuilt: list[int] = []
    real = SearchIndex.rebuild

    def counting(self: SearchIndex, *args: object, **kwargs: object) -> int:
        rebuilt.append(1)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SearchIndex, "rebuild", counting)
    library.star(["1803.03635", "2202.09778", "2104.08700", "2106.10404"])
    assert len(keeper.search("is:starred")) == 4 and rebuilt == [1]
    assert keeper.check().consistent
