"""The lossless JSON: everything exported comes back in an empty library (exporting that library again
gives the same file), and a merge into a library that has some of the papers loses neither side's
annotations and overwrites nothing the library had."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from feeds_support import FakeTime
from pdfs_support import library_with, recording_client
from pytest_httpserver import HTTPServer
from sqlalchemy import select

from readerapp.api import Library
from readerapp.export.scope import Scope
from readerapp.formats.readerapp_json import parse_readerapp_json
from readerapp.paper import Paper
from readerapp.pdfs.position import PdfPosition
from readerapp.store.collections import CollectionInfo
from readerapp.store.models import Paper as PaperRow
from readerapp.store.models import SavedSearch
from tests.conftest import SAMPLE_FEED
from tests.pdfs_samples import make_pdf
from tests.unit.export_fixtures import seeded, write_seed
from tests.unit.reference_fixtures import ARTICLE, write_article

__all__ = ["seeded"]
pytest_plugins = ["feeds_fixtures"]  # fake_time

TITLE_ONLY_BIB = "@misc{only, title = {A Workshop Talk With No Identifier}, author = {Doe, Jane}}\n"
PDF_ID = "1803.03635"


def _annotations(paper: Paper) -> dict[str, Any]:
    return {
        "state": paper.state,
        "state_changed": paper.state_changed,
        "starred": paper.starred,
        "tags": paper.tags,
        "note": paper.note,
        "highlights": [
            (h.field, h.start, h.end, h.text, h.color, h.comment, h.created, h.anchored, h.author)
            for h in paper.highlights
        ],
    }


def _everything(library: Library) -> dict[str, dict[str, Any]]:
    """Every paper's upstream fields and annotations, by id (local ids differ between libraries)."""
    out = {}
    for light in library.list():
        paper = library.get(light.id)
        upstream = paper.detail_dict()
        for key in ("id", "highlights", "note", "state_changed"):
            upstream.pop(key)
        upstream |= {"comment": paper.comment, "withdrawn": paper.withdrawn, "journal_ref": paper.journal_ref}
        key = paper.arxiv_id or paper.doi or paper.title
        out[key] = upstream | _annotations(paper)
    return out


def _collections(library: Library) -> list[tuple[str, list[str] | None, str | None]]:
    def members(info: CollectionInfo) -> list[str] | None:
        return None if info.live else [library.get(i).title for i in library.collection_ids(info.name)]

    return [(c.name, members(c), c.query) for c in library.collections()]


@pytest.fixture
def full(tmp_path: Path, httpserver: HTTPServer, fake_time: FakeTime) -> Iterator[Library]:
    """A library holding every kind of data: the bundled sample papers (as samples, one archived), the
    seed papers with stars, states, tags, notes, highlights, collections and a saved search, a paper
    with neither arXiv id nor DOI, a second reader's note and highlight, a reading position and a PDF."""
    with library_with(tmp_path, httpserver, [], user="alice") as library:
        library.import_sample_if_empty()
        library.import_file(write_seed(tmp_path / "seed.json"))
        (tmp_path / "talk.bib").write_text(TITLE_ONLY_BIB, "utf-8")
        library.import_file(tmp_path / "talk.bib")
        talk = _title_only(library)
        library.add_to_collection("Reading group", [talk])
        library.tag([talk], add=["talks"])
        library.star([talk])
        library.save_search("Starred pruning", "tag:pruning is:starred")
        library.save_reading_position(PDF_ID, PdfPosition(4, 0.625, "1.25"))
        library.set_state([next(p.id for p in library.list() if p.is_sample)], "archived")
        pdf = make_pdf(2)
        httpserver.expect_request(f"/pdf/{PDF_ID}").respond_with_data(pdf, content_type="application/pdf")
        with recording_client(library, fake_time) as client:
            assert library.fetch_pdfs([PDF_ID], client=client).ok
        with Library.open(library.path, user="bob") as bob:
            bob.set_note(PDF_ID, "Bob's reading of it.")
            bob.add_highlight(PDF_ID, "pruning techniques", color="blue", comment="same words, his")
            bob.star([PDF_ID])  # his star is his: it does not travel in alice's export
        yield library


def _title_only(library: Library) -> str:
    (talk,) = [p.id for p in library.list() if p.arxiv_id is None and p.doi is None]
    return talk


def _export(library: Library, path: Path) -> dict[str, Any]:
    library.export(Scope.all(), "json", path)
    document: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return document


def test_export_import_export_gives_the_same_file(full: Library, tmp_path: Path) -> None:
    first = _export(full, tmp_path / "first.json")
    assert (first["version"], first["pdf_files_included"]) == (3, False)
    stored = Path(full.get(PDF_ID).pdf_path or "").relative_to(full.path).as_posix()
    kept = next(p["library"] for p in first["papers"] if p["arxiv_id"] == PDF_ID)
    assert kept["pdf_path"] == stored and stored.startswith("pdfs/")  # relative, as the library keeps it
    with Library.open(tmp_path / "restored", user="alice") as restored:
        restored.import_file(tmp_path / "first.json")
        second = _export(restored, tmp_path / "second.json")
        text = (tmp_path / "second.json").read_text("utf-8").replace(second["exported"], first["exported"])
        assert text == (tmp_path / "first.json").read_text("utf-8")

        assert restored.counts()["all"] == full.counts()["all"] == 47  # the sample has 1803.03635 too
        assert _title_only(restored) == _title_only(full)  # a paper without arXiv id keeps its id
        paper = restored.get(PDF_ID)
        assert paper.pdf_path == str(restored.path / stored)
        assert restored.pdf_file(PDF_ID) is None  # the path came, the file did not (the file says so)
        assert [(h.author, h.color) for h in paper.highlights] == [("alice", "green"), ("bob", "blue")]
        assert paper.other_notes == [("bob", "Bob's reading of it.")]
        assert restored.reading_position(PDF_ID) == PdfPosition(4, 0.625, "1.25")
        with Library.open(restored.path, user="bob") as bob:
            assert bob.get(PDF_ID).note == "Bob's reading of it." and not bob.get(PDF_ID).starred
        assert len(restored.remove_sample().ids) == 42 and restored.counts()["all"] == 5  # samples still


def test_an_import_overwrites_nothing_the_library_has(full: Library, tmp_path: Path) -> None:
    _export(full, tmp_path / "all.json")
    early = datetime(2020, 1, 1, tzinfo=UTC)
    with Library.open(tmp_path / "other", user="alice") as other:
        other.import_file(SAMPLE_FEED)  # not as samples: here the user brought these in
        other.import_file(tmp_path / "seed.json")
        other.set_note(PDF_ID, "Mine, here.")
        other.save_reading_position(PDF_ID, PdfPosition(1, 0.0, "page"))
        other.delete_collection("Reading group")
        other.add_to_collection("Reading group", ["1812.00001"])
        other.delete_collection("Pruning")
        other.save_search("Pruning", "pruning", created=early)
        with other.db.session() as session:
            row = session.scalars(select(PaperRow).where(PaperRow.arxiv_id == PDF_ID)).one()
            row.pdf_path, row.first_seen = "pdfs/mine.pdf", early
        before = {p.id: (p.first_seen, p.is_sample) for p in other.list()}
        collections = {c.name: c.created for c in other.collections()}

        other.import_file(tmp_path / "all.json")
        paper = other.get(PDF_ID)
        assert paper.note.startswith("Mine, here.") and "Classic." in paper.note
        assert paper.pdf_path == str(other.path / "pdfs" / "mine.pdf")
        assert other.reading_position(PDF_ID) == PdfPosition(1, 0.0, "page")
        after = {p.id: (p.first_seen, p.is_sample) for p in other.list()}
        assert {i: after[i] for i in before} == before  # ids, first seen kept; no paper became a sample
        assert len(after) == len(before) + 1 and _title_only(other) == _title_only(full)  # the new one's id
        assert {c.name: c.created for c in other.collections()}.items() >= collections.items()
        assert other.collection_ids("Reading group")[0] == "1812.00001"
        with other.db.session() as session:
            search = session.scalars(select(SavedSearch).where(SavedSearch.name == "Pruning")).one()
            assert (search.query, search.created) == ("pruning", early)


def test_round_trip_into_an_empty_library_restores_everything(seeded: Library, tmp_path: Path) -> None:
    seeded.reorder_collection("Reading group", ["1803.03635", "2401.00001"])
    out = tmp_path / "all.json"
    seeded.export(Scope.all(), "json", out)
    parsed = parse_readerapp_json(json.loads(out.read_text(encoding="utf-8")))
    assert len(parsed.records) == 4 and parsed.saved_searches[0].query == "tag:pruning"

    with Library.open(tmp_path / "restored") as restored:
        restored.import_file(out)
        assert _everything(restored) == _everything(seeded)
        assert _collections(restored) == _collections(seeded)
        assert [c.name for c in restored.collections()] == ["Empty one", "Reading group", "Pruning"]
        hostile = restored.get("2401.00001")
        assert hostile.withdrawn and hostile.highlights[0].author == seeded.config.user_name


def test_import_into_a_library_with_some_papers_merges_both_sides(seeded: Library, tmp_path: Path) -> None:
    out = tmp_path / "all.json"
    seeded.export(Scope.all(), "json", out)
    with Library.open(tmp_path / "other") as other:
        other.import_file(tmp_path / "seed.json")  # the same papers, then annotated differently here
        other.tag(["1803.03635"], add=["mine"])
        other.set_note("1803.03635", "Their own note.")
        other.add_highlight("1803.03635", "parameter counts", comment="theirs")
        other.add_to_collection("Theirs", ["1812.00001"])
        seeded.set_note("1803.03635", "Classic. Re-read section 4.\n\nAnd section 5.")
        seeded.export(Scope.all(), "json", out)

        other.import_file(out)
        paper = other.get("1803.03635")
        assert set(paper.tags) == {"mine", "pruning", "reading group"}
        assert "Their own note." in paper.note and "And section 5." in paper.note
        assert {h.text for h in paper.highlights} == {"pruning techniques", "parameter counts"}
        assert paper.starred and paper.state == "reading"
        assert {c.name for c in other.collections()} >= {"Theirs", "Reading group"}


def test_a_scoped_json_export_keeps_only_collections_of_its_papers(seeded: Library, tmp_path: Path) -> None:
    out = tmp_path / "one.json"
    seeded.export(Scope.ids(["1812.00001"]), "json", out)
    parsed = parse_readerapp_json(json.loads(out.read_text(encoding="utf-8")))
    assert [r.arxiv_id for r in parsed.records] == ["1812.00001"]
    assert [c.name for c in parsed.collections] == ["Empty one"]


def test_a_full_reference_survives_export_import_export(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as library:
        library.import_file(write_article(tmp_path / "article.json"))
        first = _export(library, tmp_path / "first.json")
    (paper,) = first["papers"]
    assert {
        key: paper[key] for key in ("item_type", "venue", "volume", "issue", "pages", "date_precision")
    } == {
        "item_type": "article-journal",
        "venue": ARTICLE.venue,
        "volume": "7",
        "issue": "3",
        "pages": "117–126",
        "date_precision": "month",
    }
    assert (paper["publisher"], paper["url"], paper["keywords"], paper["editors"]) == (
        "ACM",
        ARTICLE.url,
        ARTICLE.keywords,
        ARTICLE.editors,
    )
    with Library.open(tmp_path / "restored") as restored:
        restored.import_file(tmp_path / "first.json")
        second = _export(restored, tmp_path / "second.json")
    text = (tmp_path / "second.json").read_text("utf-8").replace(second["exported"], first["exported"])
    assert text == (tmp_path / "first.json").read_text("utf-8")
