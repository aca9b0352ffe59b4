"""No write blocks search for long: commits merge a bounded amount, and a search never waits on a
writer of its own process nor applies another thread's writes (it serves the newest committed index
instead)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from index_support import FIXTURE_DAY, eventually, fixture_documents
from whoosh import index as whoosh_index

from readerapp.api import Library
from readerapp.index import merge_policy
from readerapp.index.document import IndexDocument
from readerapp.index.keeper import IndexKeeper
from readerapp.index.search_index import SearchIndex
from readerapp.indexing.source import LibraryDocuments

DETECTED = "2303.11156"


def _segments(folder: Path) -> list[tuple[str, int]]:
    """``(segment id, documents)`` of the committed index, as any reader of the folder sees it."""
    with whoosh_index.open_dir(str(folder)).reader() as reader:
        return [(leaf.segment().segment_id(), leaf.doc_count_all()) for leaf, _ in reader.leaf_readers()]


def test_a_commit_merges_only_small_segments_within_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(merge_policy, "MERGE_BUDGET", 12)
    monkeypatch.setattr(merge_policy, "MERGE_FROM", 3)
    docs = fixture_documents()
    index = SearchIndex.create(tmp_path / "index")
    for start in (0, 15, 30):  # three segments too big to merge together within the budget
        index.apply(docs[start : start + 15])
    big = {segment for segment, size in _segments(index.folder)}
    assert len(big) == 3
    for doc in docs[:4]:  # small commits pile up small segments (merged before a commit adds its own)...
        index.apply([{**doc, "revision": 2}])
    after = _segments(index.folder)
    assert big <= {segment for segment, _ in after}  # ...which merge among themselves only
    assert len(after) < 3 + 4
    assert index.doc_count() == len(docs)
    assert [h.id for h in index.search("reliably detected")][:1] == [DETECTED]


class _HeldSource(LibraryDocuments):
    """The library's documents, except that reading the ones of a catch-up waits until released: a
    long write (a merge, a big batch) in progress on this process's writer thread."""

    def __init__(self, library: Library) -> None:
        super().__init__(library.db, library.user_id)
        self.inside = threading.Event()
        self.release = threading.Event()

    def documents(self, ids: Sequence[str] | None = None) -> Iterator[IndexDocument]:
        if ids is not None:
            self.inside.set()
            assert self.release.wait(60)
        return super().documents(ids)


@pytest.fixture
def held(tmp_path: Path) -> Iterator[tuple[Library, _HeldSource, IndexKeeper]]:
    """A library, its held documents and a keeper over them with the index built."""
    with Library.open(tmp_path / "lib") as library:
        library.import_file(FIXTURE_DAY)
        source = _HeldSource(library)
        keeper = IndexKeeper(library.path / "index", source)
        try:
            keeper.index()
            yield library, source, keeper
        finally:
            source.release.set()
            keeper.close()


def test_a_search_does_not_wait_for_this_process_s_writer(
    held: tuple[Library, _HeldSource, IndexKeeper],
) -> None:
    library, source, keeper = held
    library.tag([DETECTED], add=["slow-write"])
    writer = threading.Thread(target=keeper.catch_up, kwargs={"wait": 5.0})
    writer.start()
    assert source.inside.wait(60)
    # The writer holds the keeper: this search serves the committed index at once.
    assert [h.id for h in keeper.search("reliably detected")][:1] == [DETECTED]
    assert keeper.search("tag:slow-write") == []
    source.release.set()
    writer.join(60)
    assert [h.id for h in keeper.search("tag:slow-write")] == [DETECTED]


def test_a_thread_finds_its_own_write_while_another_thread_keeps_searching(tmp_path: Path) -> None:
    """Read your writes: a search waits for a catch-up under way when it holds this process's write."""
    with Library.open(tmp_path / "lib") as library:
        library.import_file(FIXTURE_DAY)
        library.search("detected")
        ids = library.list_ids()
        done = threading.Event()

        def searcher() -> None:
            while not done.is_set():
                library.search("language model")

        other = threading.Thread(target=searcher)
        other.start()
        try:
            for n in range(15):
                library.tag(ids[n : n + 3], add=[f"round{n}"])
                assert {h.id for h in library.search(f"tag:round{n}")} == set(ids[n : n + 3])
        finally:
            done.set()
            other.join(60)


def test_a_search_leaves_another_thread_s_write_to_the_keeper_s_thread(
    held: tuple[Library, _HeldSource, IndexKeeper],
) -> None:
    """Another thread's tag is not applied on a search's time: the search returns while that catch-up is
    held (as a long merge holds it), and the writing thread still finds its own write."""
    library, source, keeper = held
    wrote = threading.Event()
    found: list[list[str]] = []

    def writer() -> None:  # as Library.tag and Library.search do, on the keeper under test
        library.tag([DETECTED], add=["other-thread"])
        keeper.notify()
        wrote.set()
        found.append([h.id for h in keeper.search("tag:other-thread")])  # read your writes

    thread = threading.Thread(target=writer)
    thread.start()
    assert wrote.wait(60)
    start = time.monotonic()
    hits = keeper.search("reliably detected")  # the write's catch-up is held (a long merge)
    waited = time.monotonic() - start
    assert [h.id for h in hits][:1] == [DETECTED]
    assert source.inside.wait(60)  # the catch-up runs (the writer's, or the keeper's thread)...
    assert not source.release.is_set()  # ...and this search returned while it was held
    assert waited < 5.0, f"the search waited {waited:.1f} s for another thread's write"
    source.release.set()
    thread.join(60)
    assert found == [[DETECTED]]
    assert [h.id for h in keeper.search("tag:other-thread")] == [DETECTED]

    # A write committed but not yet counted (its notify a moment away) is the keeper thread's too.
    source.inside.clear()
    source.release.clear()
    library.tag([DETECTED], add=["not-yet-counted"])
    start = time.monotonic()
    assert keeper.search("tag:not-yet-counted") == []
    waited = time.monotonic() - start
    assert source.inside.wait(60) and not source.release.is_set()
    assert waited < 5.0, f"the search waited {waited:.1f} s for a write of another thread"
    source.release.set()
    assert eventually(lambda: [h.id for h in keeper.search("tag:not-yet-counted")] == [DETECTED], 60)
