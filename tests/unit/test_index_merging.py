"""No write blocks search for long: commits merge a bounded amount, and a search never waits on a
writer of its own process (it serves the newest committed index instead)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from index_support import FIXTURE_DAY, fixture_documents
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


def test_a_search_does_not_wait_for_this_process_s_writer(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as library:
        library.import_file(FIXTURE_DAY)
        source = _HeldSource(library)
        keeper = IndexKeeper(library.path / "index", source)
        try:
            keeper.index()
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
        finally:
            source.release.set()
            keeper.close()


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
