"""Merging records into a real SQLite library: never a duplicate, never a change to user data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readerapp import Library
from readerapp.feeds.result import FetchResult
from readerapp.formats.hf_json import parse_hf_json
from readerapp.records import PaperRecord
from readerapp.sync import run_merge
from tests.conftest import SAMPLE_FEED


def merge(lib: Library, records: list[PaperRecord], source: str = "test"):
    return run_merge(lib.db, lib.user_id, source, "window", lambda: FetchResult(records, source, "window", 1))


@pytest.fixture
def lib(tmp_path: Path, database_url: str):
    with Library.open(tmp_path / "lib", database_url=database_url) as library:
        yield library


@pytest.fixture
def day() -> list[PaperRecord]:
    return parse_hf_json(json.loads(SAMPLE_FEED.read_text("utf-8")))


def test_remerge_adds_nothing_and_keeps_user_data_when_upstream_changes(lib: Library, day) -> None:
    first = merge(lib, day)
    assert len(first.new) == 43
    paper = day[0].arxiv_id
    lib.star([paper])
    lib.set_state([paper], "reading")
    lib.tag([paper], add=["keep"])
    lib.set_note(paper, "my note")
    quote = lib.get(paper).abstract.split(". ")[0]
    lib.add_highlight(paper, quote, comment="why")

    changed = parse_hf_json(json.loads(SAMPLE_FEED.read_text("utf-8")))
    changed[0].title = "A new title upstream"
    changed[0].upvotes = 999
    second = merge(lib, changed)
    assert second.new == [] and second.updated == [paper]

    got = lib.get(paper)
    assert (got.title, got.upvotes) == ("A new title upstream", 999)
    assert (got.starred, got.state, got.tags, got.note) == (True, "reading", ["keep"], "my note")
    assert [(h.text, h.comment, h.anchored) for h in got.highlights] == [(quote, "why", True)]
    assert lib.counts()["all"] == 43


def test_paper_without_id_gains_it_and_stays_one_paper(lib: Library) -> None:
    merge(lib, [PaperRecord(source="page", title="Lottery  Tickets, Revisited", abstract="x")])
    (only,) = lib.list()
    assert only.arxiv_id is None and only.id.startswith("L")
    lib.star([only.id])
    merge(
        lib, [PaperRecord(source="hf", title="Lottery tickets revisited", arxiv_id="1803.03635", version=5)]
    )
    (paper,) = lib.list()
    assert paper.id == "1803.03635" and paper.starred
    assert lib.get(only.id).id == "1803.03635", "the old local id still finds the paper"


def test_same_title_different_arxiv_ids_are_two_papers(lib: Library) -> None:
    merge(
        lib,
        [
            PaperRecord(source="hf", title="Survey", arxiv_id="2401.00001"),
            PaperRecord(source="hf", title="Survey", arxiv_id="2401.00002"),
        ],
    )
    assert sorted(p.id for p in lib.list()) == ["2401.00001", "2401.00002"]


def test_lower_priority_source_only_fills_gaps(lib: Library) -> None:
    merge(lib, [PaperRecord(source="arxiv", title="Exact Title", arxiv_id="2401.00001", abstract="A.")])
    merge(lib, [PaperRecord(source="bibtex", title="Exact {T}itle", arxiv_id="2401.00001", doi="10.1/x")])
    paper = lib.get("2401.00001")
    assert (paper.title, paper.doi, sorted(paper.sources)) == ("Exact Title", "10.1/x", ["arxiv", "bibtex"])


def test_versions_and_ids_are_split(lib: Library) -> None:
    merge(lib, [PaperRecord(source="arxiv", title="Old style", arxiv_id="hep-th/9901001", version=2)])
    paper = lib.get("https://arxiv.org/abs/hep-th/9901001v2")
    assert (paper.id, paper.version) == ("hep-th/9901001", 2)


def test_changed_abstract_reanchors_highlights_or_flags_them(lib: Library) -> None:
    merge(
        lib, [PaperRecord(source="hf", title="T", arxiv_id="2401.00001", abstract="Alpha beta. Gamma delta.")]
    )
    lib.add_highlight("2401.00001", "Gamma delta")
    lib.add_highlight("2401.00001", "Alpha beta")
    merge(
        lib, [PaperRecord(source="hf", title="T", arxiv_id="2401.00001", abstract="New intro. Gamma delta.")]
    )
    marks = {h.text: (h.start, h.anchored) for h in lib.get("2401.00001").highlights}
    assert marks == {"Gamma delta": (11, True), "Alpha beta": (0, False)}


def test_failed_produce_leaves_library_as_before_and_records_the_run(lib: Library, day) -> None:
    merge(lib, day[:5])

    def explode() -> FetchResult:
        raise ValueError("malformed feed")

    with pytest.raises(ValueError):
        run_merge(lib.db, lib.user_id, "hf", "w", explode)
    assert lib.counts()["all"] == 5
    from sqlalchemy import select

    from readerapp.store.models import SyncRun

    with lib.db.session() as session:
        last = session.scalars(select(SyncRun).order_by(SyncRun.id.desc())).first()
        assert last is not None and (last.status, last.error) == ("failed", "ValueError: malformed feed")
