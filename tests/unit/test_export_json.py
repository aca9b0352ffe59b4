"""The lossless JSON: everything exported comes back in an empty library, and a merge into a library
that has some of the papers loses neither side's annotations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from readerapp.api import Library
from readerapp.export.scope import Scope
from readerapp.formats.readerapp_json import parse_readerapp_json
from readerapp.paper import Paper
from readerapp.store.collections import CollectionInfo
from tests.unit.export_fixtures import seeded

__all__ = ["seeded"]


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
        for key in ("id", "highlights", "note", "state_changed", "pdf_path", "sources"):
            upstream.pop(key)
        upstream |= {"comment": paper.comment, "withdrawn": paper.withdrawn, "journal_ref": paper.journal_ref}
        key = paper.arxiv_id or paper.doi or paper.title
        out[key] = upstream | _annotations(paper)
    return out


def _collections(library: Library) -> list[tuple[str, list[str] | None, str | None]]:
    def members(info: CollectionInfo) -> list[str] | None:
        return None if info.live else [library.get(i).title for i in library.collection_ids(info.name)]

    return [(c.name, members(c), c.query) for c in library.collections()]


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
