"""The index as a rebuildable cache: open, create, damage, watermark, stamps, apply, rebuild, threads."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from index_support import build_index, changed, fixture_documents

from readerapp.errors import Cancelled, QueryError
from readerapp.index import search_index, writer
from readerapp.index.search_index import META_FILE, IndexUnavailable, SearchIndex


@pytest.fixture
def index(tmp_path: Path) -> SearchIndex:
    return build_index(tmp_path / "index", fixture_documents())


def test_missing_index_is_reported(tmp_path: Path) -> None:
    with pytest.raises(IndexUnavailable, match="no search index"):
        SearchIndex.open(tmp_path / "nowhere")
    index, fresh = SearchIndex.open_or_create(tmp_path / "nowhere")
    assert fresh and index.doc_count() == 0
    with pytest.raises(IndexUnavailable, match="unfinished"):  # empty until built, never taken as built
        SearchIndex.open(tmp_path / "nowhere")


def test_reopen_keeps_documents_and_watermark(index: SearchIndex) -> None:
    index.apply([], watermark=17)
    again = SearchIndex.open(index.folder)
    assert again.doc_count() == 43 and again.watermark == 17
    assert SearchIndex.open_or_create(index.folder)[1] is False


@pytest.mark.parametrize("damage", ["toc", "segments", "meta", "version"])
def test_damaged_index_is_reported(index: SearchIndex, damage: str) -> None:
    index.close()
    folder = index.folder
    if damage == "toc":
        for toc in folder.glob("*.toc"):
            toc.unlink()
    elif damage == "segments":
        for part in [*folder.glob("*.trm"), *folder.glob("*.pst")]:
            part.write_bytes(b"\x00garbage" * 10)
    elif damage == "meta":
        (folder / META_FILE).write_text("{not json", encoding="utf-8")
    else:
        (folder / META_FILE).write_text('{"schema": 999, "watermark": 3}', encoding="utf-8")
    with pytest.raises(IndexUnavailable, match="rebuild"):
        SearchIndex.open(folder)
    rebuilt, fresh = SearchIndex.open_or_create(folder)
    assert fresh and rebuilt.doc_count() == 0


def test_stamps_follow_revisions(index: SearchIndex) -> None:
    docs = fixture_documents()
    assert index.stamps() == {d["id"]: 1 for d in docs}
    new_first = changed(docs[0], abstract="an entirely new abstract about quokkas")
    index.apply([new_first], delete_ids=[docs[1]["id"]])
    stamps = index.stamps()
    assert stamps[docs[0]["id"]] == 2 and docs[1]["id"] not in stamps and len(stamps) == 42


def test_apply_replaces_and_deletes_at_once(index: SearchIndex) -> None:
    docs = fixture_documents()
    first = docs[0]
    assert index.search("paraphrasing")[0].id == first["id"]
    index.apply([changed(first, abstract="Quokkas are marsupials.")])
    assert [h.id for h in index.search("quokka")] == [first["id"]]
    assert first["id"] not in [h.id for h in index.search("paraphrasing")]
    index.apply([], delete_ids=[first["id"]])
    assert index.search("quokka") == [] and index.doc_count() == 42


def test_rebuild_reports_progress_and_replaces_everything(index: SearchIndex) -> None:
    reports: list[tuple[str, int, int | None]] = []
    docs = fixture_documents()[:10]
    count = index.rebuild(docs, progress=lambda *a: reports.append(a), total=10, watermark=9)
    assert count == 10 and index.doc_count() == 10 and index.watermark == 9
    assert reports[-1] == ("indexing", 10, 10)
    assert not index.folder.with_name(index.folder.name + ".rebuild").exists()


def test_cancelled_rebuild_keeps_the_old_index(index: SearchIndex) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        index.rebuild(fixture_documents()[:5], cancel=cancel)
    assert index.doc_count() == 43 and index.search("lottery")
    assert not index.folder.with_name(index.folder.name + ".rebuild").exists()


def test_rebuild_in_worker_processes(index: SearchIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "PARALLEL_FROM", 10)
    monkeypatch.setattr(writer, "BATCH", 8)
    monkeypatch.setattr(writer, "SEGMENT_TOKENS", 1_000)
    assert index.rebuild(fixture_documents(), procs=2) == 43
    assert len(list(index.folder.glob("*.trm"))) > 2, "the workers wrote more segments than there are workers"
    assert index.doc_count() == 43
    assert [h.id for h in index.search("lottery ticket hypothesis")][:1] == ["1803.03635"]
    assert len(index.stamps()) == 43
    assert "zanzibar" not in index.search("paraphrasing")[0].snippet


def test_searching_while_the_writer_commits(index: SearchIndex) -> None:
    docs = fixture_documents()
    errors: list[BaseException] = []
    done = threading.Event()
    searches = 0

    def search_loop() -> None:
        nonlocal searches
        while not done.is_set():
            try:
                index.search("diffusion OR lottery", limit=20)
                index.search("has:code year:2023")
                searches += 1
            except BaseException as exc:  # reported to the test thread
                errors.append(exc)
                return

    reader = threading.Thread(target=search_loop)
    reader.start()
    try:
        for round_ in range(8):
            doc = changed(docs[round_], abstract=f"round{round_} marker text")
            index.apply([doc], watermark=round_)
    finally:
        done.set()
        reader.join(timeout=30)
    assert not errors and searches > 0
    assert [h.id for h in index.search("round7")] == [docs[7]["id"]]
    assert index.watermark == 7


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from('ab d*"():-<>.NOTAR ysupv0129'), max_size=30))
def test_any_query_gives_hits_or_a_query_error(index: SearchIndex, text: str) -> None:
    try:
        hits = index.search(text, limit=5)
    except QueryError:
        return
    assert len(hits) <= 5


def test_a_fault_in_our_code_while_opening_is_an_error_not_damage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only unreadable files are damage (rebuilt); a bug surfaces as itself and the index is kept."""
    index = SearchIndex.create(tmp_path / "index")
    index.rebuild(fixture_documents())
    meta = (tmp_path / "index" / META_FILE).read_text()

    def broken(folder: Path) -> object:
        raise AttributeError("'FileIndex' object has no attribute 'renamed_in_a_new_whoosh'")

    monkeypatch.setattr(search_index, "open_index", broken)
    with pytest.raises(AttributeError, match="renamed_in_a_new_whoosh"):
        SearchIndex.open(tmp_path / "index")
    assert (tmp_path / "index" / META_FILE).read_text() == meta


def test_the_whoosh_shim_refuses_another_whoosh_version_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib
    import sys

    import whoosh

    from readerapp.errors import LibraryError

    monkeypatch.setattr(whoosh, "__version__", (2, 8, 0))
    monkeypatch.delitem(sys.modules, "readerapp.index.whoosh_shim")
    with pytest.raises(LibraryError, match=r"needs whoosh-reloaded 2\.7\.5, but .* is installed"):
        importlib.import_module("readerapp.index.whoosh_shim")
