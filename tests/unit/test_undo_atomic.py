"""Undo is data applied in one transaction: it never half applies, and it puts back the exact times,
positions and ids a write replaced (issue 12, finding 10). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from readerapp import Library
from readerapp.paper import Changes
from readerapp.store.models import (
    Collection,
    CollectionItem,
    Highlight,
    Note,
    PaperState,
    PaperTag,
    SavedSearch,
    Tag,
)
from tests.conftest import SAMPLE_FEED

T0 = datetime(2021, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


@pytest.fixture
def lib(tmp_path: Path, database_url: str) -> Iterator[Library]:
    with Library.open(tmp_path / "lib", database_url=database_url) as library:
        library.import_file(SAMPLE_FEED)
        yield library


def _pid(lib: Library, public_id: str) -> int:
    from readerapp.store.queries import resolve

    with lib.db.session() as session:
        return resolve(session, public_id).id


def rows(lib: Library, model: Any, *where: Any, order: Any = None) -> list[tuple[Any, ...]]:
    """Every column of the matching rows, as plain tuples (what a byte-for-byte comparison needs)."""
    columns = [c for c in model.__table__.columns]
    query = select(*columns).where(*where)
    with lib.db.session() as session:
        return [tuple(r) for r in session.execute(query.order_by(*(order or columns)))]


def refuse(lib: Library, table: str, event: str, condition: str) -> None:
    """Make the database itself refuse some writes: a trigger raising a check violation."""
    with lib.db.session() as session:
        if session.get_bind().dialect.name == "sqlite":
            session.execute(text(f"CREATE TRIGGER refuse BEFORE {event} ON {table} WHEN {condition} "
                                 "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"))  # fmt: skip
            return
        session.execute(text(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF {condition} THEN RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'check_violation'; "
            "END IF; RETURN NEW; END $$"
        ))  # fmt: skip
        session.execute(text(f"CREATE TRIGGER refuse BEFORE {event} ON {table} "
                             "FOR EACH ROW EXECUTE FUNCTION refuse()"))  # fmt: skip


def allow(lib: Library, table: str) -> None:
    with lib.db.session() as session:
        sqlite = session.get_bind().dialect.name == "sqlite"
        session.execute(text("DROP TRIGGER refuse" if sqlite else f"DROP TRIGGER refuse ON {table}"))


# -- atomic -------------------------------------------------------------------------------------------


def test_an_undo_of_a_merge_that_fails_half_way_applies_nothing(lib: Library) -> None:
    a, b, c, d, e = lib.list_ids()[:5]
    lib.tag([a, b, c], add=["llm"])
    lib.tag([c, d], add=["LLMs"])
    lib.tag([e], add=["language-models"])
    merged = lib.merge_tags(["LLMs", "language-models"], "llm")
    links = rows(lib, PaperTag)
    refuse(lib, "paper_tags", "INSERT", "NEW.tag_id IN (SELECT id FROM tags WHERE name = 'language-models')")
    with pytest.raises(Exception, match="refused by the test"):
        lib.undo(merged)
    assert lib.tag_counts() == {"llm": 5}, "the first source's papers were not given back alone"
    assert rows(lib, PaperTag) == links
    allow(lib, "paper_tags")
    lib.undo(merged)
    assert lib.tag_counts() == {"language-models": 1, "llm": 3, "LLMs": 2}


def test_an_undo_of_a_rename_whose_saved_search_is_refused_applies_nothing(lib: Library) -> None:
    (a,) = lib.list_ids()[:1]
    lib.tag([a], add=["llm"])
    lib.save_search("Only llm", "tag:llm")
    renamed = lib.rename_tag("llm", "nlp")
    refuse(lib, "saved_searches", "UPDATE", "NEW.query <> OLD.query")
    with pytest.raises(Exception, match="refused by the test"):
        lib.undo(renamed)
    assert lib.tag_counts() == {"nlp": 1}, "the tag was not renamed back without its saved search"
    allow(lib, "saved_searches")
    lib.undo(renamed)
    assert lib.tag_counts() == {"llm": 1}
    assert [c.query for c in lib.collections() if c.name == "Only llm"] == ["tag:llm"]


def test_an_undo_of_a_removal_from_a_collection_is_all_or_nothing(lib: Library) -> None:
    a, b, c, d = lib.list_ids()[:4]
    lib.add_to_collection("C", [a, b, c, d])
    removed = lib.remove_from_collection("C", [b, c])
    refuse(lib, "collection_items", "UPDATE", "1 = 1")
    try:
        lib.undo(removed)
    except Exception as exc:  # refused: then nothing may have been put back
        assert "refused by the test" in str(exc)
        assert lib.collection_ids("C") == [a, d]
    else:
        assert lib.collection_ids("C") == [a, b, c, d]


# -- exact times, positions and ids ------------------------------------------------------------------


def test_undoing_set_state_restores_the_exact_time_of_the_state_it_replaced(lib: Library) -> None:
    (a,) = lib.list_ids()[:1]
    pid = _pid(lib, a)
    lib.set_state([a], "reading", when=T0)
    done = lib.set_state([a], "done")
    after = rows(lib, PaperState, PaperState.paper_id == pid)
    redo = lib.undo(done)
    assert rows(lib, PaperState, PaperState.paper_id == pid)[0][2:4] == ("reading", T0)
    lib.undo(redo)
    assert rows(lib, PaperState, PaperState.paper_id == pid) == after, "redo puts back the done time too"


def test_undoing_a_first_triage_leaves_no_time_behind(lib: Library) -> None:
    (a,) = lib.list_ids()[:1]
    lib.undo(lib.set_state([a], "archived"))
    assert rows(lib, PaperState, PaperState.paper_id == _pid(lib, a))[0][2:4] == ("inbox", None)


def test_undoing_an_unstar_restores_when_it_was_starred(lib: Library) -> None:
    (a,) = lib.list_ids()[:1]
    pid = _pid(lib, a)
    lib.star([a])
    starred = rows(lib, PaperState, PaperState.paper_id == pid)
    lib.undo(lib.star([a], on=False))
    assert rows(lib, PaperState, PaperState.paper_id == pid) == starred


def test_undoing_a_tag_removal_restores_when_each_tag_was_added(lib: Library) -> None:
    a, b = lib.list_ids()[:2]
    lib.tag([a, b], add=["x", "y"])
    before = rows(lib, PaperTag)
    tags = rows(lib, Tag)
    redo = lib.undo(lib.tag([a, b], remove=["x", "y"], add=["z"]))
    assert rows(lib, PaperTag) == before and rows(lib, Tag) == tags, "z, made by the write, is gone too"
    lib.undo(redo)
    assert {p.id for p in lib.list(tag="z")} == {a, b} and lib.list(tag="x") == []


def test_undoing_a_note_edit_restores_the_note_and_its_time(lib: Library) -> None:
    (a,) = lib.list_ids()[:1]
    lib.set_note(a, "first")
    first = rows(lib, Note)
    redo = lib.undo(lib.set_note(a, "second"))
    assert rows(lib, Note) == first
    lib.undo(redo)
    assert lib.get(a).note == "second"
    lib.undo(lib.set_note(a, ""))
    assert lib.get(a).note == "second"


def test_undoing_a_removal_from_a_collection_restores_the_exact_positions(lib: Library) -> None:
    a, b, c, d = lib.list_ids()[:4]
    lib.add_to_collection("C", [a, b, c, d])
    lib.remove_from_collection("C", [b])  # a gap: positions 1, 3, 4
    before = rows(lib, CollectionItem)
    lib.undo(lib.remove_from_collection("C", [c, a]))
    assert rows(lib, CollectionItem) == before
    reordered = lib.reorder_collection("C", [d, a, c])
    lib.undo(reordered)
    assert rows(lib, CollectionItem) == before


def test_undoing_a_collection_delete_restores_its_id_time_and_positions(lib: Library) -> None:
    a, b, c = lib.list_ids()[:3]
    lib.add_to_collection("Other", [a])
    lib.add_to_collection("C", [a, b, c])
    lib.remove_from_collection("C", [b])
    collections, items = rows(lib, Collection), rows(lib, CollectionItem)
    redo = lib.undo(lib.delete_collection("C"))
    assert rows(lib, Collection) == collections and rows(lib, CollectionItem) == items
    lib.undo(redo)
    assert [x.name for x in lib.collections()] == ["Other"]


def test_undoing_a_merge_restores_each_tag_and_when_each_paper_got_it(lib: Library) -> None:
    a, b, c, d, e = lib.list_ids()[:5]
    lib.tag([a, b, c], add=["llm"])
    lib.tag([c, d], add=["LLMs"])
    lib.tag([e], add=["language-models"])
    tags, links = rows(lib, Tag), rows(lib, PaperTag)
    redo = lib.undo(lib.merge_tags(["LLMs", "language-models"], "llm"))
    assert rows(lib, Tag) == tags and rows(lib, PaperTag) == links
    lib.undo(redo)
    assert lib.tag_counts() == {"llm": 5}
    merged = rows(lib, PaperTag)
    lib.undo(lib.merge_tags(["llm"], "nlp"))
    assert "nlp" not in [t[1] for t in rows(lib, Tag)], "a merge's new tag goes with its undo"
    assert rows(lib, PaperTag) == merged


def test_a_merge_of_tags_no_paper_carries_is_still_one_undoable_change(lib: Library) -> None:
    (a,) = lib.list_ids()[:1]
    lib.tag([a], add=["lonely", "llm"])
    lib.tag([a], remove=["lonely"])
    tags = rows(lib, Tag)
    merged = lib.merge_tags(["lonely"], "llm")
    assert not merged.empty and merged.describe() == "bring back tag 'lonely'"
    lib.undo(merged)
    assert rows(lib, Tag) == tags


def test_undoing_a_rename_keeps_the_tag_and_its_times(lib: Library) -> None:
    a, b = lib.list_ids()[:2]
    lib.tag([a, b], add=["llm"])
    lib.save_search("Only llm", "tag:llm")
    tags, links, searches = rows(lib, Tag), rows(lib, PaperTag), rows(lib, SavedSearch)
    lib.undo(lib.rename_tag("llm", "LLM"))
    assert (rows(lib, Tag), rows(lib, PaperTag), rows(lib, SavedSearch)) == (tags, links, searches)


def test_undoing_a_saved_search_delete_restores_its_id_and_time(lib: Library) -> None:
    lib.save_search("Attention", "attention")
    lib.save_search("Zebra", "lottery")
    before = rows(lib, SavedSearch)
    redo = lib.undo(lib.delete_collection("Attention"))
    assert rows(lib, SavedSearch) == before, "the same id keeps its place in an export"
    lib.undo(redo)
    assert [s[1] for s in rows(lib, SavedSearch)] == ["Zebra"]


def test_undoing_a_highlight_delete_restores_its_id_and_time(lib: Library) -> None:
    (a,) = lib.list_ids()[:1]
    lib.add_highlight(a, lib.get(a).abstract[:20], comment="why", color="green")
    before = rows(lib, Highlight)
    redo = lib.undo(lib.delete_highlight(before[0][0]))
    assert rows(lib, Highlight) == before
    lib.undo(redo)
    assert rows(lib, Highlight) == []


# -- typed ---------------------------------------------------------------------------------------------


def test_every_write_returns_typed_inverses_checked_when_they_are_made(lib: Library) -> None:
    from readerapp.store.undo import Inverse, RestoreStates

    a, b = lib.list_ids()[:2]
    lib.tag([b], add=["old"])
    lib.save_search("S", "attention")
    written: list[Changes] = [
        lib.set_state([a], "reading"),
        lib.star([a]),
        lib.tag([a], add=["t"]),
        lib.set_note(a, "n"),
        lib.add_highlight(a, lib.get(a).abstract[:10]),
        lib.add_to_collection("C", [a]),
        lib.add_to_collection("C", [b]),
        lib.remove_from_collection("C", [a]),
        lib.reorder_collection("C", [b]),
        lib.rename_collection("C", "D"),
        lib.save_search("S", "lottery"),
        lib.rename_tag("t", "u"),
        lib.merge_tags(["u"], "old"),
        lib.delete_collection("D"),
    ]
    for changes in written:
        assert changes.inverse and all(isinstance(op, Inverse) for op in changes.inverse), changes.op
        assert changes.describe(), changes.op
    with pytest.raises(TypeError):
        RestoreStates(user=1, papers=())  # type: ignore[call-arg]  # a misspelt field fails at the write
