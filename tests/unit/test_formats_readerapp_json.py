"""Our lossless JSON: a round trip keeps every field and annotation, a version 1 file still reads, and
wrong shapes are refused."""

from __future__ import annotations

import copy
import json
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from readerapp.errors import FormatError
from readerapp.formats.arxiv_atom import parse_atom
from readerapp.formats.hf_json import parse_hf_json
from readerapp.formats.readerapp_json import (
    CollectionRecord,
    SavedSearchRecord,
    dump_readerapp_json,
    paper_from_json,
    paper_key,
    paper_to_json,
    parse_readerapp_json,
)
from readerapp.records import (
    Annotations,
    HighlightRecord,
    LibraryFields,
    NoteRecord,
    PaperRecord,
    PositionRecord,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def export() -> dict[str, Any]:
    return json.loads((FIXTURES / "readerapp_export_sample.json").read_text("utf-8"))


def test_sample_export_reads_papers_annotations_collections_and_searches(export: dict[str, Any]) -> None:
    assert export["version"] == 1  # the sample is a version 1 file: those still import
    imported = parse_readerapp_json(export)
    assert imported.format == "readerapp-json"
    assert [paper_key(r) for r in imported.records] == [
        "1803.03635",
        "doi:10.1000/example.42",
        "title:some title seen only on the copied page",
        "2602.23229",
    ]
    lottery = imported.records[0]
    assert (lottery.source, lottery.version) == ("arxiv", 5)
    notes = lottery.annotations
    assert notes is not None
    assert (notes.state, notes.starred, notes.tags) == ("reading", True, ["pruning", "to-present"])
    assert notes.state_changed == datetime(2025, 9, 17, 8, 30, tzinfo=UTC)
    assert notes.note is not None and "<b>Fig. 3</b>" in notes.note
    (highlight,) = notes.highlights
    assert (highlight.field, highlight.start, highlight.end, highlight.color) == (
        "abstract",
        478,
        547,
        "yellow",
    )
    assert (highlight.comment, highlight.author) == ("the claim", "ada")
    assert imported.records[1].annotations is None
    assert imported.records[2].feed_day == date(2025, 9, 16)
    assert [(c.name, c.papers) for c in imported.collections] == [
        ("Reading group: sparsity", ["1803.03635", "title:some title seen only on the copied page"]),
        ("Empty for now", []),
    ]
    assert imported.collections[0].created == datetime(2025, 9, 17, 9, tzinfo=UTC)
    assert [(s.name, s.query) for s in imported.saved_searches] == [
        ("Diffusion with code", "diffusion has:code")
    ]
    assert all(r.library is None for r in imported.records)  # version 1 had no "library" part
    assert (notes.starred_at, notes.note_updated, notes.tag_added, notes.other_notes) == (None, None, {}, [])
    assert notes.position is None and imported.saved_searches[0].created is None


def test_round_trip_is_lossless(export: dict[str, Any]) -> None:
    imported = parse_readerapp_json(export)
    again = dump_readerapp_json(imported.records, imported.collections, imported.saved_searches)
    assert again["version"] == 3 and again["pdf_files_included"] is False
    reread = parse_readerapp_json(json.loads(json.dumps(again)))
    assert [asdict(r) for r in reread.records] == [asdict(r) for r in imported.records]
    assert reread.collections == imported.collections and reread.saved_searches == imported.saved_searches
    for written, original in zip(again["papers"], export["papers"], strict=True):
        # later versions write every version 1 key as it was, and add their own (a version 1 paper
        # has none of the full reference's fields: they come back empty)
        assert {k: v for k, v in written.items() if k != "annotations"} == {
            **dict.fromkeys(("item_type", "venue", "volume", "issue", "pages", "publisher", "url")),
            **{"keywords": [], "editors": [], "date_precision": None},
            **{k: v for k, v in original.items() if k != "annotations"},
        }
        if "annotations" in original:
            assert written["annotations"].items() >= original["annotations"].items()


WHEN = datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
EVERYTHING = PaperRecord(
    source="hf",
    title="A paper with everything",
    arxiv_id="2503.01234",
    annotations=Annotations(
        state="done",
        state_changed=WHEN,
        starred=True,
        starred_at=WHEN,
        tags=["a", "B c"],
        tag_added={"a": WHEN, "B c": datetime(2025, 1, 1, tzinfo=UTC)},
        note="mine",
        note_updated=WHEN,
        other_notes=[NoteRecord("bob", "his", WHEN), NoteRecord("carol", "hers")],
        highlights=[HighlightRecord("everything", "title", 12, 22, "green", "c", WHEN, "bob")],
        position=PositionRecord(7, 0.375, "1.5", WHEN),
    ),
    library=LibraryFields(
        local_id="L0123456789ab",
        sources=["arxiv", "hf"],
        is_sample=True,
        first_seen=WHEN,
        pdf_path="pdfs/2025 Doe - A paper [2503.01234].pdf",
        pdf_sha256="ab" * 32,
    ),
)


def test_a_version_2_paper_with_everything_round_trips() -> None:
    written = paper_to_json(EVERYTHING)
    assert written["library"]["pdf_path"] == "pdfs/2025 Doe - A paper [2503.01234].pdf"  # relative, as kept
    assert written["annotations"]["reading_position"] == {
        "page": 7,
        "offset": 0.375,
        "zoom": "1.5",
        "updated": WHEN.isoformat(),
    }
    assert paper_from_json(json.loads(json.dumps(written))) == EVERYTHING


def test_records_from_every_parser_round_trip() -> None:
    records = parse_atom((FIXTURES / "arxiv_atom_sample.xml").read_bytes()).records
    records += parse_hf_json(json.loads((FIXTURES / "hf_daily_papers_2026_item.json").read_text("utf-8")))
    for record in records:
        assert paper_from_json(json.loads(json.dumps(paper_to_json(record)))) == record


def test_paper_key_prefers_arxiv_then_doi_then_title() -> None:
    assert paper_key(PaperRecord("x", "T", arxiv_id="hep-th/9901001", doi="10.1/a")) == "hep-th/9901001"
    assert paper_key(PaperRecord("x", "T", doi="10.1/ABC")) == "doi:10.1/abc"
    assert paper_key(PaperRecord("x", "Ångström:  the Café!")) == "title:angstrom the cafe"


def test_newer_version_is_refused_clearly(export: dict[str, Any]) -> None:
    export["version"] = 4
    with pytest.raises(
        FormatError, match="format version 4 was written by a newer readerapp; this one reads version 3"
    ):
        parse_readerapp_json(export)


def _set(data: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    *parents, last = path.split(".")
    target: Any = changed
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return changed


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("format", "zotero", "not a readerapp export"),
        ("version", "1", "'version' must be a whole number"),
        ("version", True, "'version' must be a whole number"),
        ("version", 0, "'version' must be a whole number"),
        ("exported", "soon", "not an ISO 8601 date"),
        ("papers", {}, "'papers' is an object, expected a list of objects"),
        ("papers.0", "1803.03635", r"papers\[0\]: expected an object, found a string"),
        ("papers.0.title", None, r"papers\[0\]: 'title' is missing"),
        ("papers.0.source", 3, "'source' is a number"),
        ("papers.0.arxiv_id", "../../x", "is not an arXiv id"),
        ("papers.0.arxiv_id", "1803.03635v5", "is not an arXiv id without version"),
        ("papers.0.version", 0, "'version' must be 1 or more"),
        ("papers.0.authors", "Frankle, Carbin", "'authors' is a string"),
        ("papers.0.withdrawn", "no", "'withdrawn' is a string, expected true or false"),
        ("papers.0.annotations.state", "binned", "'state' 'binned' is not one of inbox"),
        ("papers.0.annotations.starred", 1, "'starred' is a number"),
        ("papers.0.annotations.tags", [["x"]], "must hold only strings"),
        ("papers.0.annotations.highlights.0.text", "", "'text' is missing"),
        ("papers.0.annotations.highlights.0.start", 600, "0 <= start <= end"),
        ("collections.0.papers", ["9999.99999"], "paper '9999.99999' is not among the file's papers"),
        ("collections.0.name", None, "'name' is missing"),
        ("saved_searches.0.query", 5, "'query' is a number"),
        ("saved_searches.0.created", "soon", "not an ISO 8601 date"),
        ("pdf_files_included", "no", "'pdf_files_included' is a string, expected true or false"),
        ("papers.0.library", [], "'library': expected an object, found a list"),
        ("papers.0.library.local_id", "2401.00001", "'local_id' '2401.00001' is not a readerapp local id"),
        ("papers.0.library.sources", "arxiv", "'sources' is a string"),
        ("papers.0.library.is_sample", "yes", "'is_sample' is a string"),
        ("papers.0.library.first_seen", "yesterday", "not an ISO 8601 date"),
        ("papers.0.library.pdf_path", "/etc/passwd", "'pdf_path' '/etc/passwd' is not a file in"),
        ("papers.0.library.pdf_path", "pdfs/../../x.pdf", "is not a file in the library's pdfs/"),
        ("papers.0.library.pdf_path", "pdfs/sub/x.pdf", "is not a file in the library's pdfs/"),
        ("papers.0.library.pdf_path", "pdfs\\..\\x.pdf", "is not a file in the library's pdfs/"),
        ("papers.0.library.pdf_path", "x.pdf", "is not a file in the library's pdfs/"),
        ("papers.0.library.pdf_sha256", "abc", "'pdf_sha256' is not a SHA-256"),
        ("papers.0.annotations.starred_at", "later", "not an ISO 8601 date"),
        ("papers.0.annotations.tags_added", ["x"], "'tags_added': expected an object"),
        ("papers.0.annotations.tags_added.a", 5, "'a' is a number"),
        ("papers.0.annotations.other_notes.0.author", None, "'author' is missing"),
        ("papers.0.annotations.reading_position.page", -1, "page -1 is before the first page"),
        ("papers.0.annotations.reading_position.offset", 1.5, "offset 1.5 is not a fraction"),
        ("papers.0.annotations.reading_position.offset", "top", "'offset' is a string, expected a number"),
        ("papers.0.annotations.reading_position.zoom", "huge", "reading_position"),
    ],
)
def test_wrong_shapes_raise_a_clear_error(
    export: dict[str, Any], path: str, value: object, message: str
) -> None:
    export["papers"][0] = paper_to_json(EVERYTHING) | {"arxiv_id": "1803.03635"}  # every key to break
    with pytest.raises(FormatError, match=message):
        parse_readerapp_json(_set(export, path, value))


@pytest.mark.parametrize("data", [[], "readerapp", None, {"version": 1, "papers": []}])
def test_not_an_export(data: object) -> None:
    with pytest.raises(FormatError):
        parse_readerapp_json(data)


def test_hostile_text_stays_literal(export: dict[str, Any]) -> None:
    record = parse_readerapp_json(export).records[2]
    assert record.abstract == "An abstract with <script>alert(1)</script> kept as text."


def test_minimal_paper_defaults_to_unknown() -> None:
    record = paper_from_json({"source": "page", "title": "Only a title", "arxiv_id": None})
    assert record == PaperRecord(source="page", title="Only a title")


def test_collections_and_searches_are_optional() -> None:
    imported = parse_readerapp_json({"format": "readerapp", "version": 1, "papers": []})
    assert (imported.records, imported.collections, imported.saved_searches) == ([], [], [])


def test_dump_writes_the_documented_layout() -> None:
    record = PaperRecord("hf", "T", arxiv_id="2401.01234", version=2, feed_day=date(2025, 9, 16))
    dumped = dump_readerapp_json(
        [record],
        [CollectionRecord("c", ["2401.01234"])],
        [SavedSearchRecord("s", "q")],
        exported=datetime(2025, 1, 1, tzinfo=UTC),
    )
    assert list(dumped) == [
        "format",
        "version",
        "exported",
        "pdf_files_included",
        "papers",
        "collections",
        "saved_searches",
    ]
    assert (dumped["version"], dumped["exported"]) == (3, "2025-01-01T00:00:00+00:00")
    assert dumped["pdf_files_included"] is False
    paper = dumped["papers"][0]
    assert paper["feed_day"] == "2025-09-16" and "annotations" not in paper and "library" not in paper
    assert dumped["collections"] == [{"name": "c", "papers": ["2401.01234"], "created": None}]
    assert dumped["saved_searches"] == [{"name": "s", "query": "q", "created": None}]
